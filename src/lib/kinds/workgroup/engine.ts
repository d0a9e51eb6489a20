/**
 * Team workspaces: the Athena workgroup `sagemaker-teams-<team>` of each team with a `workspace`,
 * with its query results enforced inside the team's S3 prefix. The bucket is never created or
 * deleted: a missing one (or one another account owns) stops the plan with a hint. A workgroup is
 * the tool's when it carries the `sagemaker-teams:team` tag; --prune deletes the workgroups of
 * teams that no longer have a workspace.
 */
import type { AthenaClient, WorkGroup } from '@aws-sdk/client-athena'
import pLimit from 'p-limit'
import { awsErrorCode, describeAwsError, UserError } from '../../errors.js'
import { TAG_TEAM, TEAM_ID_PATTERN } from '../../model/names.js'
import { resultsLocation, teamWorkspace, WORKGROUP_PREFIX } from '../../model/workspace.js'
import type { Change, WorkgroupPayload } from '../../plan/types.js'
import type { AwsRequest, EngineContext, ResourceModule } from '../engine-contract.js'

/** name → what Athena has (undefined: none); with --prune also the owned workgroups of teams without one. */
export type ObservedWorkgroups = Map<string, WorkgroupPayload | undefined>
export type DesiredWorkgroups = Map<string, WorkgroupPayload>

export const workgroups: ResourceModule<'workgroup', ObservedWorkgroups, DesiredWorkgroups> = {
  kind: 'workgroup',

  async observe(ctx) {
    const observed: ObservedWorkgroups = new Map()
    const desired = desiredWorkgroups(ctx)
    if (desired.size === 0 && !ctx.options.prune) return observed
    await checkBuckets(ctx, desired)
    const client = await ctx.aws.athena()
    const limit = pLimit(8)
    const names = new Set(desired.keys())
    if (ctx.options.prune) {
      const { paginateListWorkGroups } = await import('@aws-sdk/client-athena')
      for await (const page of paginateListWorkGroups({ client }, { MaxResults: 50 }))
        for (const w of page.WorkGroups ?? []) if (w.Name?.startsWith(WORKGROUP_PREFIX)) names.add(w.Name)
    }
    await Promise.all(
      [...names].map((name) => limit(async () => observed.set(name, await readWorkgroup(ctx, client, name)))),
    )
    return observed
  },

  desire: desiredWorkgroups,

  diff(desired, observed, ctx) {
    const changes: Change<'workgroup'>[] = []
    for (const [name, after] of desired) {
      const before = observed.get(name)
      const base = {
        kind: 'workgroup' as const,
        key: name,
        team: after.team,
        summary: `${name} → ${after.outputLocation}`,
      }
      if (!before) {
        changes.push({ ...base, action: 'create', after })
        continue
      }
      if (before.team !== after.team) {
        changes.push({
          ...base,
          action: 'blocked',
          before,
          after,
          reason: before.team
            ? `the workgroup belongs to team ${before.team}; not modified`
            : `a workgroup of this name exists without the ${TAG_TEAM} tag (not created by sagemaker-teams); not modified`,
        })
        continue
      }
      const reasons = [
        before.outputLocation !== after.outputLocation
          ? `result location ${before.outputLocation || '(none)'}`
          : '',
        before.enforced !== after.enforced ? 'result location not enforced' : '',
        before.state !== after.state ? `state ${before.state}` : '',
      ].filter(Boolean)
      if (reasons.length)
        changes.push({ ...base, action: 'update', before, after, reason: reasons.join('; ') })
    }
    if (ctx.options.prune) {
      for (const [name, before] of observed) {
        if (!before || desired.has(name) || !before.team) continue
        changes.push({
          kind: 'workgroup',
          key: name,
          team: before.team,
          action: 'delete',
          summary: name,
          before,
          reason: ctx.teams.config.teams[before.team]
            ? `team ${before.team} no longer has a workspace`
            : `team ${before.team} is no longer in the file`,
        })
      }
    }
    return changes
  },

  requests(change) {
    const after = change.after
    const athena = (operation: string, input: object): AwsRequest => ({
      service: 'athena',
      operation,
      input: input as Record<string, unknown>,
    })
    if (change.action === 'create' && after) return [athena('CreateWorkGroup', createInput(after))]
    if (change.action === 'update' && after) return [athena('UpdateWorkGroup', updateInput(after))]
    if (change.action === 'delete') return [athena('DeleteWorkGroup', deleteInput(change.key))]
    return []
  },

  async apply(change, ctx) {
    const athena = await import('@aws-sdk/client-athena')
    const client = await ctx.aws.athena()
    const name = change.key
    const after = change.after
    if (change.action === 'create' && after) {
      try {
        await client.send(new athena.CreateWorkGroupCommand(createInput(after)))
        return
      } catch (err) {
        // Created meanwhile (an interrupted or concurrent apply): ours if it carries our tag.
        if (awsErrorCode(err) !== 'InvalidRequestException') throw err
        const existing = await readWorkgroup(ctx, client, name)
        if (existing?.team !== after.team) throw err
      }
    }
    if ((change.action === 'update' || change.action === 'create') && after) {
      await client.send(new athena.UpdateWorkGroupCommand(updateInput(after)))
      return
    }
    if (change.action === 'delete') {
      try {
        await client.send(new athena.DeleteWorkGroupCommand(deleteInput(name)))
      } catch (err) {
        if (!isNotFound(err)) throw err
      }
    }
  },
}

function createInput(after: WorkgroupPayload) {
  return {
    Name: after.name,
    Description: `Athena workgroup of team ${after.team} (managed by sagemaker-teams)`,
    Configuration: {
      ResultConfiguration: { OutputLocation: after.outputLocation },
      EnforceWorkGroupConfiguration: true,
      PublishCloudWatchMetricsEnabled: true,
    },
    Tags: [{ Key: TAG_TEAM, Value: after.team }],
  }
}

function updateInput(after: WorkgroupPayload) {
  return {
    WorkGroup: after.name,
    State: 'ENABLED' as const,
    ConfigurationUpdates: {
      ResultConfigurationUpdates: { OutputLocation: after.outputLocation },
      EnforceWorkGroupConfiguration: true,
      PublishCloudWatchMetricsEnabled: true,
    },
  }
}

/** Named queries and prepared statements go with it; query results stay in S3. */
function deleteInput(name: string) {
  return { WorkGroup: name, RecursiveDeleteOption: true }
}

function desiredWorkgroups(ctx: EngineContext): DesiredWorkgroups {
  const desired: DesiredWorkgroups = new Map()
  for (const team of Object.keys(ctx.teams.config.teams)) {
    const w = teamWorkspace(ctx.teams.config, team, ctx.discovery)
    if (!w) continue
    desired.set(w.workGroup, {
      name: w.workGroup,
      team,
      bucket: w.bucket,
      prefix: w.prefix,
      outputLocation: resultsLocation(w),
      enforced: true,
      state: 'ENABLED',
    })
  }
  return desired
}

/** Athena answers GetWorkGroup on a missing workgroup with InvalidRequestException ("… is not found"). */
function isNotFound(err: unknown): boolean {
  return (
    awsErrorCode(err) === 'ResourceNotFoundException' ||
    (awsErrorCode(err) === 'InvalidRequestException' && /not found/i.test((err as Error).message))
  )
}

async function readWorkgroup(
  ctx: EngineContext,
  client: AthenaClient,
  name: string,
): Promise<WorkgroupPayload | undefined> {
  const { GetWorkGroupCommand, ListTagsForResourceCommand } = await import('@aws-sdk/client-athena')
  let wg: WorkGroup | undefined
  try {
    wg = (await client.send(new GetWorkGroupCommand({ WorkGroup: name }))).WorkGroup
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
  const d = ctx.discovery
  const arn = `arn:${d.partition}:athena:${d.region}:${d.accountId}:workgroup/${name}`
  const tags =
    (await client.send(new ListTagsForResourceCommand({ ResourceARN: arn, MaxResults: 100 }))).Tags ?? []
  const team = tags.find((t) => t.Key === TAG_TEAM)?.Value
  const output = wg?.Configuration?.ResultConfiguration?.OutputLocation ?? ''
  const where = /^s3:\/\/([^/]+)\/(.*)athena-results\/$/.exec(output)
  return {
    name,
    team: team && TEAM_ID_PATTERN.test(team) ? team : '',
    bucket: where?.[1] ?? '',
    prefix: where?.[2] ?? '',
    outputLocation: output,
    enforced: wg?.Configuration?.EnforceWorkGroupConfiguration === true,
    state: wg?.State ?? 'ENABLED',
  }
}

/**
 * Every workspace bucket must exist and belong to this account (HeadBucket with
 * ExpectedBucketOwner): a role must never write team data into a bucket someone else owns.
 */
async function checkBuckets(ctx: EngineContext, desired: DesiredWorkgroups): Promise<void> {
  const byBucket = new Map<string, string[]>()
  for (const w of desired.values()) byBucket.set(w.bucket, [...(byBucket.get(w.bucket) ?? []), w.team])
  if (byBucket.size === 0) return
  const { HeadBucketCommand } = await import('@aws-sdk/client-s3')
  const s3 = await ctx.aws.s3()
  for (const [bucket, teams] of byBucket) {
    const who = `S3 bucket ${bucket} (workspace of ${teams.join(', ')})`
    try {
      await s3.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: ctx.discovery.accountId }))
    } catch (err) {
      const code = awsErrorCode(err)
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
      if (code === 'NotFound' || code === 'NoSuchBucket' || status === 404)
        throw new UserError(
          `${who} does not exist`,
          1,
          `sagemaker-teams never creates or deletes buckets. Create it (SageMaker creates its default bucket sagemaker-<region>-<account> on first use, or: aws s3api create-bucket --bucket ${bucket}), or name an existing bucket in workspace.bucket.`,
        )
      if (code === 'Forbidden' || status === 403)
        throw new UserError(
          `${who} is not accessible as a bucket of account ${ctx.discovery.accountId}`,
          1,
          'The bucket may belong to another account, or the caller lacks s3:ListBucket on it. Team data must stay in a bucket this account owns: name one in workspace.bucket.',
        )
      throw new UserError(`${who}: ${describeAwsError(err, bucket)}`)
    }
  }
}
