/**
 * LF-tags listed under `lakeFormation.tags`: each key exists with at least the listed values.
 * Values are removed only with --prune, and only keys the file lists are ever touched (so a key
 * is never deleted: once it leaves the file it is no longer the tool's to change).
 */
import {
  CreateLFTagCommand,
  type CreateLFTagCommandInput,
  GetLFTagCommand,
  paginateListLFTags,
  UpdateLFTagCommand,
  type UpdateLFTagCommandInput,
} from '@aws-sdk/client-lakeformation'
import { awsErrorCode } from '../../errors.js'
import type { Change, LfTagPayload } from '../../plan/types.js'
import type { AwsRequest, ResourceModule } from '../engine-contract.js'

export type ObservedLfTags = Map<string, string[]>
export type DesiredLfTags = Map<string, string[]>

export const lfTags: ResourceModule<'lf-tag', ObservedLfTags, DesiredLfTags> = {
  kind: 'lf-tag',

  async observe(ctx) {
    const observed: ObservedLfTags = new Map()
    if (!ctx.teams.config.lakeFormation) return observed
    const client = await ctx.aws.lakeFormation()
    for await (const page of paginateListLFTags({ client }, { MaxResults: 1000 })) {
      for (const t of page.LFTags ?? []) if (t.TagKey) observed.set(t.TagKey, [...(t.TagValues ?? [])].sort())
    }
    return observed
  },

  desire(ctx) {
    return new Map(
      Object.entries(ctx.teams.config.lakeFormation?.tags ?? {}).map(([k, v]) => [k, [...new Set(v)].sort()]),
    )
  },

  diff(desired, observed, ctx) {
    const changes: Change<'lf-tag'>[] = []
    for (const [tagKey, values] of desired) {
      const present = observed.get(tagKey)
      if (!present) {
        changes.push({
          kind: 'lf-tag',
          key: tagKey,
          action: 'create',
          summary: `${tagKey} = ${values.join(', ')}`,
          after: { tagKey, values },
        })
        continue
      }
      const missing = values.filter((v) => !present.includes(v))
      const extra = ctx.options.prune ? present.filter((v) => !values.includes(v)) : []
      if (missing.length === 0 && extra.length === 0) continue
      const after: LfTagPayload = {
        tagKey,
        values: ctx.options.prune ? values : [...new Set([...present, ...values])].sort(),
      }
      changes.push({
        kind: 'lf-tag',
        key: tagKey,
        action: 'update',
        summary: tagKey,
        before: { tagKey, values: present },
        after,
        reason: [
          missing.length ? `add ${missing.join(', ')}` : '',
          extra.length ? `remove ${extra.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; '),
      })
    }
    return changes
  },

  requests(change) {
    const after = change.after!
    return change.action === 'create'
      ? createRequests(after.tagKey, after.values)
      : updateRequests(after.tagKey, change.before?.values ?? [], after.values)
  },

  async apply(change, ctx) {
    const client = await ctx.aws.lakeFormation()
    const after = change.after!
    let requests = this.requests!(change, ctx)
    if (change.action === 'create') {
      const [create, ...rest] = requests
      try {
        await client.send(new CreateLFTagCommand(create.input as unknown as CreateLFTagCommandInput))
      } catch (err) {
        if (awsErrorCode(err) !== 'AlreadyExistsException') throw err
        const present = (await client.send(new GetLFTagCommand({ TagKey: after.tagKey }))).TagValues ?? []
        rest.splice(0, rest.length, ...updateRequests(after.tagKey, present, after.values))
      }
      requests = rest
    }
    // One call at a time: each adds to what the previous one left.
    for (const r of requests)
      await client.send(new UpdateLFTagCommand(r.input as unknown as UpdateLFTagCommandInput))
  },
}

/** Values per CreateLFTag / UpdateLFTag call: the model's TagValueList max (an LF-tag holds up to 1,000). */
export const LF_TAG_VALUES_PER_CALL = 50

function chunks<T>(items: T[], size = LF_TAG_VALUES_PER_CALL): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** CreateLFTag with the first 50 values, then UpdateLFTag adding the rest 50 at a time. */
export function createRequests(tagKey: string, values: string[]): AwsRequest[] {
  const [first = [], ...rest] = chunks(values)
  return [
    { service: 'lakeformation', operation: 'CreateLFTag', input: { TagKey: tagKey, TagValues: first } },
    ...rest.map((add) => updateRequest(tagKey, add, [])),
  ]
}

/** UpdateLFTag calls that add and remove values, at most 50 of each per call. */
export function updateRequests(tagKey: string, before: string[], after: string[]): AwsRequest[] {
  const add = chunks(after.filter((v) => !before.includes(v)))
  const remove = chunks(before.filter((v) => !after.includes(v)))
  return Array.from({ length: Math.max(add.length, remove.length) }, (_, i) =>
    updateRequest(tagKey, add[i] ?? [], remove[i] ?? []),
  )
}

function updateRequest(tagKey: string, add: string[], remove: string[]): AwsRequest {
  return {
    service: 'lakeformation',
    operation: 'UpdateLFTag',
    input: {
      TagKey: tagKey,
      ...(add.length ? { TagValuesToAdd: add } : {}),
      ...(remove.length ? { TagValuesToDelete: remove } : {}),
    },
  }
}
