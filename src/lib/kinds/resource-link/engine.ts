/**
 * Data mesh, consumer account: a Glue resource link to each shared database a team of the account
 * uses (CreateDatabase with DatabaseInput.TargetDatabase; "Resource link handling in AWS Glue APIs",
 * https://docs.aws.amazon.com/lake-formation/latest/dg/resource-links-glue-apis.html). The tool owns
 * a link it created: it carries the tag `sagemaker-teams:managed=resource-link`. A link nobody uses
 * any more stays (its DESCRIBE grants are revoked) until --prune deletes it; deleting a link never
 * touches its target. A database of that name the tool does not own is never changed: blocked.
 * Pointing a link elsewhere is a delete and a create, as Glue requires.
 */
import type { CreateDatabaseCommandInput } from '@aws-sdk/client-glue'
import { awsErrorCode } from '../../errors.js'
import { TAG_MANAGED } from '../../model/names.js'
import type { Change, KeptItem, ResourceLinkPayload } from '../../plan/types.js'
import type { AwsRequest, EngineContext, ResourceModule } from '../engine-contract.js'

export const LINK_MARKER = 'resource-link'

export interface ObservedLink extends ResourceLinkPayload {
  /** Created by the tool (tagged); else someone else's database of that name. */
  managed: boolean
  /** A plain database, not a link. */
  plain?: boolean
}
export type ObservedLinks = Map<string, ObservedLink>
export type DesiredLinks = Map<string, ResourceLinkPayload & { teams: string[] }>

const target = (l: ResourceLinkPayload) => `${l.targetCatalogId}:${l.targetDatabase}`
const linkArn = (ctx: EngineContext, name: string) =>
  `arn:${ctx.discovery.partition}:glue:${ctx.discovery.region}:${ctx.discovery.accountId}:database/${name}`

/** The links the account's teams use now (the ones only declared stay unlinked). */
export function desiredLinks(ctx: EngineContext): DesiredLinks {
  const desired: DesiredLinks = new Map()
  const mesh = ctx.discovery.dataMesh
  for (const [team, links] of Object.entries(mesh?.teamLinks ?? {}))
    for (const l of links) {
      const d = desired.get(l.name) ?? {
        name: l.name,
        targetCatalogId: l.targetCatalogId,
        targetDatabase: l.targetDatabase,
        teams: [],
      }
      d.teams.push(team)
      desired.set(l.name, d)
    }
  return desired
}

export const resourceLinks: ResourceModule<'resource-link', ObservedLinks, DesiredLinks> = {
  kind: 'resource-link',

  async observe(ctx) {
    const observed: ObservedLinks = new Map()
    if (!ctx.discovery.dataMesh?.links) return observed
    const client = await ctx.aws.glue()
    // Loaded only for a file with a data mesh: a plan without one never loads the Glue SDK.
    const { GetTagsCommand, paginateGetDatabases } = await import('@aws-sdk/client-glue')
    const declared = new Set(ctx.discovery.dataMesh.links.map((l) => l.name))
    for await (const page of paginateGetDatabases({ client }, { MaxResults: 100 })) {
      for (const d of page.DatabaseList ?? []) {
        const name = d.Name ?? ''
        if (!d.TargetDatabase && !declared.has(name)) continue
        // Tags are read only for links (and the names the file declares): one call each, a few per account.
        const tags = (await client.send(new GetTagsCommand({ ResourceArn: linkArn(ctx, name) }))).Tags ?? {}
        const managed = tags[TAG_MANAGED] === LINK_MARKER
        if (!managed && !declared.has(name)) continue
        observed.set(name, {
          name,
          targetCatalogId: d.TargetDatabase?.CatalogId ?? '',
          targetDatabase: d.TargetDatabase?.DatabaseName ?? '',
          managed,
          ...(d.TargetDatabase ? {} : { plain: true }),
        })
      }
    }
    return observed
  },

  desire: desiredLinks,

  diff(desired, observed, ctx) {
    const kept: KeptItem[] = []
    const changes: Change<'resource-link'>[] = []
    for (const [name, { teams, ...link }] of desired) {
      const after = { ...link, teams }
      const before = observed.get(name)
      const summary = `${name} → ${after.targetDatabase} of catalog ${after.targetCatalogId} (${teams.join(', ')})`
      if (!before) {
        changes.push({ kind: 'resource-link', key: name, action: 'create', summary, after })
        continue
      }
      const { managed, plain, ...seen } = before
      if (!managed) {
        changes.push({
          kind: 'resource-link',
          key: name,
          action: 'blocked',
          summary,
          before: seen,
          after,
          reason: `a ${plain ? 'database' : 'resource link'} named ${name} exists and is not the tool's (no ${TAG_MANAGED} tag): rename the link in the file, or remove that one`,
        })
        continue
      }
      if (target(seen) !== target(after))
        changes.push({
          kind: 'resource-link',
          key: name,
          action: 'update',
          summary,
          before: seen,
          after,
          reason: `points to ${target(seen)}; re-created to point to ${target(after)}`,
        })
    }
    for (const [name, before] of observed) {
      if (desired.has(name) || !before.managed) continue
      const { managed: _m, plain: _p, ...seen } = before
      if (ctx.options.prune)
        changes.push({
          kind: 'resource-link',
          key: name,
          action: 'delete',
          summary: `${name} → ${seen.targetDatabase} of catalog ${seen.targetCatalogId} (its target stays)`,
          before: seen,
        })
      else
        kept.push({
          kind: 'resource-link',
          key: name,
          summary: `${name} → ${seen.targetDatabase} of catalog ${seen.targetCatalogId}`,
          reason:
            'no team uses this resource link any more; its grants are revoked; --prune deletes it (never its target)',
        })
    }
    return { changes, kept }
  },

  requests(change) {
    const create = (l: ResourceLinkPayload): AwsRequest => ({
      service: 'glue',
      operation: 'CreateDatabase',
      input: {
        DatabaseInput: {
          Name: l.name,
          TargetDatabase: { CatalogId: l.targetCatalogId, DatabaseName: l.targetDatabase },
        },
        Tags: { [TAG_MANAGED]: LINK_MARKER },
      },
    })
    const remove = (l: ResourceLinkPayload): AwsRequest => ({
      service: 'glue',
      operation: 'DeleteDatabase',
      input: { Name: l.name },
    })
    if (change.action === 'create') return [create(change.after!)]
    if (change.action === 'delete') return [remove(change.before!)]
    return [remove(change.before!), create(change.after!)]
  },

  async apply(change, ctx) {
    const client = await ctx.aws.glue()
    const { CreateDatabaseCommand, DeleteDatabaseCommand } = await import('@aws-sdk/client-glue')
    for (const r of this.requests!(change, ctx)) {
      if (r.operation === 'DeleteDatabase') {
        await client.send(new DeleteDatabaseCommand(r.input as { Name: string })).catch((err) => {
          if (awsErrorCode(err) !== 'EntityNotFoundException') throw err
        })
        continue
      }
      try {
        await client.send(new CreateDatabaseCommand(r.input as unknown as CreateDatabaseCommandInput))
      } catch (err) {
        // Idempotent: a link this apply (or a concurrent one) already made is done.
        if (awsErrorCode(err) !== 'AlreadyExistsException') throw err
      }
    }
  },
}
