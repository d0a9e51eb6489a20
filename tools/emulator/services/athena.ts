/**
 * athena (awsJson1_1): workgroups and their tags, with Athena's documented answers: a missing
 * workgroup is an InvalidRequestException ("WorkGroup … is not found"), as is creating one that
 * exists; ListWorkGroups takes MaxResults 1..50, ListTagsForResource 75..; `primary` cannot be deleted.
 */
import { AwsError, epoch, type Input, matches, type Operation, paginate, required } from '../core.js'
import type { EmulatorState, WorkGroupState } from '../state.js'

const NAME = /^[a-zA-Z0-9._-]{1,128}$/
const ARN = /^arn:aws[a-z-]*:athena:([a-z0-9-]+):(\d{12}):workgroup\/([a-zA-Z0-9._-]{1,128})$/

export function athena(state: EmulatorState): Record<string, Operation> {
  const find = (name: unknown): WorkGroupState => {
    matches(name, NAME, 'WorkGroup', 'InvalidRequestException')
    const wg = state.workGroups.find((w) => w.Name === name)
    if (!wg) throw new AwsError('InvalidRequestException', `WorkGroup ${String(name)} is not found.`)
    return wg
  }
  const byArn = (arn: unknown): WorkGroupState => {
    const m = typeof arn === 'string' ? ARN.exec(arn) : null
    if (!m) throw new AwsError('InvalidRequestException', `Invalid resource ARN: ${String(arn)}`)
    const wg = state.workGroups.find((w) => w.Name === m[3])
    if (!wg || m[2] !== state.account)
      throw new AwsError('ResourceNotFoundException', `Resource ${arn} is not found.`)
    return wg
  }
  const tags = (list: unknown): Record<string, string> => {
    if (list === undefined) return {}
    if (!Array.isArray(list)) throw new AwsError('InvalidRequestException', 'Tags must be a list')
    const out: Record<string, string> = {}
    for (const t of list as Input[]) {
      if (typeof t.Key !== 'string' || t.Key.length < 1 || t.Key.length > 128)
        throw new AwsError('InvalidRequestException', `Invalid tag key ${String(t.Key)}`)
      if (t.Value !== undefined && (typeof t.Value !== 'string' || t.Value.length > 256))
        throw new AwsError('InvalidRequestException', `Invalid tag value for ${t.Key}`)
      out[t.Key] = t.Value ?? ''
    }
    if (Object.keys(out).length > 50) throw new AwsError('InvalidRequestException', 'At most 50 tags')
    return out
  }
  const output = (config: Input | undefined) => {
    const location = config?.ResultConfiguration?.OutputLocation
    if (
      location !== undefined &&
      (typeof location !== 'string' || !/^s3:\/\/[a-z0-9.-]{3,63}\//.test(location))
    )
      throw new AwsError('InvalidRequestException', `Invalid OutputLocation ${String(location)}`)
  }
  return {
    CreateWorkGroup(input) {
      required(input, 'Name')
      matches(input.Name, NAME, 'Name', 'InvalidRequestException')
      if (state.workGroups.some((w) => w.Name === input.Name))
        throw new AwsError('InvalidRequestException', 'WorkGroup is already created')
      output(input.Configuration)
      state.workGroups.push({
        Name: input.Name,
        State: 'ENABLED',
        Description: input.Description,
        Configuration: structuredClone(input.Configuration ?? {}),
        CreationTime: new Date(),
        Tags: tags(input.Tags),
      })
      return {}
    },
    GetWorkGroup(input) {
      required(input, 'WorkGroup')
      const wg = find(input.WorkGroup)
      return {
        WorkGroup: {
          Name: wg.Name,
          State: wg.State,
          Description: wg.Description,
          Configuration: wg.Configuration,
          CreationTime: epoch(wg.CreationTime),
        },
      }
    },
    UpdateWorkGroup(input) {
      required(input, 'WorkGroup')
      const wg = find(input.WorkGroup)
      if (input.State !== undefined) {
        if (!['ENABLED', 'DISABLED'].includes(input.State))
          throw new AwsError('InvalidRequestException', `Invalid State ${input.State}`)
        wg.State = input.State
      }
      if (input.Description !== undefined) wg.Description = input.Description
      const u = input.ConfigurationUpdates as Input | undefined
      if (u) {
        const c = wg.Configuration as Input
        if (u.ResultConfigurationUpdates?.OutputLocation !== undefined) {
          output({ ResultConfiguration: { OutputLocation: u.ResultConfigurationUpdates.OutputLocation } })
          c.ResultConfiguration = {
            ...(c.ResultConfiguration ?? {}),
            OutputLocation: u.ResultConfigurationUpdates.OutputLocation,
          }
        }
        if (u.ResultConfigurationUpdates?.RemoveOutputLocation) delete c.ResultConfiguration?.OutputLocation
        for (const k of [
          'EnforceWorkGroupConfiguration',
          'PublishCloudWatchMetricsEnabled',
          'BytesScannedCutoffPerQuery',
        ])
          if (u[k] !== undefined) c[k] = u[k]
      }
      return {}
    },
    DeleteWorkGroup(input) {
      required(input, 'WorkGroup')
      const wg = find(input.WorkGroup)
      if (wg.Name === 'primary')
        throw new AwsError('InvalidRequestException', 'Cannot delete primary workgroup')
      state.workGroups = state.workGroups.filter((w) => w !== wg)
      return {}
    },
    ListWorkGroups(input) {
      const sorted = [...state.workGroups].sort((a, b) => a.Name.localeCompare(b.Name))
      const { page, nextToken } = paginate(sorted, input, {
        max: 50,
        scope: 'athena:ListWorkGroups',
        errorCode: 'InvalidRequestException',
      })
      return {
        WorkGroups: page.map((w) => ({
          Name: w.Name,
          State: w.State,
          Description: w.Description,
          CreationTime: epoch(w.CreationTime),
        })),
        ...(nextToken ? { NextToken: nextToken } : {}),
      }
    },
    ListTagsForResource(input) {
      required(input, 'ResourceARN')
      if (input.MaxResults !== undefined && (typeof input.MaxResults !== 'number' || input.MaxResults < 75))
        throw new AwsError(
          'InvalidRequestException',
          `1 validation error detected: Value '${input.MaxResults}' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 75`,
        )
      const wg = byArn(input.ResourceARN)
      const all = Object.entries(wg.Tags).map(([Key, Value]) => ({ Key, Value }))
      const { page, nextToken } = paginate(
        all,
        { ...input, MaxResults: undefined },
        {
          max: 1000,
          scope: `athena:tags:${wg.Name}`,
          errorCode: 'InvalidRequestException',
        },
      )
      return { Tags: page, ...(nextToken ? { NextToken: nextToken } : {}) }
    },
    TagResource(input) {
      required(input, 'ResourceARN', 'Tags')
      const wg = byArn(input.ResourceARN)
      Object.assign(wg.Tags, tags(input.Tags))
      return {}
    },
  }
}
