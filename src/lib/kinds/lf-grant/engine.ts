/**
 * LF-tag policy grants to each team's execution role. A grant has no id, so it is keyed by
 * (principal, resource type, normalised expression) and its permissions are compared as sets.
 *
 * Observation: ListPermissions refuses a Principal filter without a Resource, so grants are
 * listed per resource type (LF_TAG_POLICY_DATABASE, LF_TAG_POLICY_TABLE) without a principal, up
 * to 1,000 a page, and filtered here: two paginated calls for the whole account instead of one
 * call per (team × grant), and it also finds the extra grants that --prune revokes.
 */
import {
  BatchGrantPermissionsCommand,
  type BatchPermissionsRequestEntry,
  BatchRevokePermissionsCommand,
  type DataLakeResourceType,
  type Permission,
  paginateListPermissions,
} from '@aws-sdk/client-lakeformation'
import { teamRoleArn, teamRoleName } from '../../model/names.js'
import type { Change, LfExpressionTerm, LfGrantPayload } from '../../plan/types.js'
import type { ApplyContext, EngineContext, ResourceModule } from '../engine-contract.js'
import { normaliseExpression } from './expression.js'

export { normaliseExpression }

export type ObservedGrants = Map<string, LfGrantPayload>
export type DesiredGrants = Map<string, LfGrantPayload & { team: string }>

/** The documented maximum of entries per BatchGrantPermissions / BatchRevokePermissions call. */
export const LF_BATCH_SIZE = 20

const expressionText = (expression: LfExpressionTerm[]) =>
  expression.map((t) => `${t.TagKey}=${t.TagValues.join('|')}`).join(' ')

export function grantKey(g: Pick<LfGrantPayload, 'principalArn' | 'resourceType' | 'expression'>): string {
  return `${g.principalArn}|${g.resourceType}|${g.expression.map((t) => `${t.TagKey}=${t.TagValues.join(',')}`).join(';')}`
}

/** Principals the tool manages grants for: the teams' roles and any role it named. */
function managedPrincipal(ctx: EngineContext, arn: string): string | undefined {
  for (const [team, config] of Object.entries(ctx.teams.config.teams)) {
    if (teamRoleArn(config.executionRole, team, ctx.discovery.accountId, ctx.discovery.partition) === arn)
      return team
  }
  const name = arn.split('/').pop() ?? ''
  return name.startsWith(teamRoleName('')) && arn.includes(':role/')
    ? name.slice(teamRoleName('').length)
    : undefined
}

/**
 * Whether the tool may revoke grants of this principal: only of the roles it creates (named
 * sagemaker-teams-<team>). A role the file names by executionRole.arn belongs to someone else, and a
 * grant has no owner marker, so its grants are added, never revoked: --prune reports them instead.
 */
function revocable(ctx: EngineContext, principalArn: string): boolean {
  const byArn = Object.values(ctx.teams.config.teams).some((t) => t.executionRole.arn === principalArn)
  const name = principalArn.split('/').pop() ?? ''
  return !byArn && principalArn.includes(':role/') && name.startsWith(teamRoleName(''))
}

/**
 * Whether a plain apply (no --prune) revokes what the file no longer grants this principal: the role
 * the tool created for a team of the file. What the file no longer says is access taken away, like an
 * assignment; a removed team's grants stay with its kept role until --prune.
 */
function narrowedWithoutPrune(ctx: EngineContext, principalArn: string): boolean {
  if (!revocable(ctx, principalArn)) return false
  const d = ctx.discovery
  return Object.entries(ctx.teams.config.teams).some(
    ([team, c]) =>
      c.executionRole.create && teamRoleArn(c.executionRole, team, d.accountId, d.partition) === principalArn,
  )
}

/** A team's LF-tag grants as the file states them, to its role (the data-mesh grants use them too). */
export function teamGrants(ctx: EngineContext, team: string): (LfGrantPayload & { team: string })[] {
  const config = ctx.teams.config.teams[team]
  const principalArn = teamRoleArn(
    config.executionRole,
    team,
    ctx.discovery.accountId,
    ctx.discovery.partition,
  )
  return (config.lakeFormation ?? []).map((grant) => ({
    team,
    principalArn,
    roleName: principalArn.split('/').pop()!,
    resourceType: grant.resourceType,
    expression: normaliseExpression(grant.expression),
    permissions: [...new Set(grant.permissions)].sort(),
  }))
}

export const lfGrants: ResourceModule<'lf-grant', ObservedGrants, DesiredGrants> = {
  kind: 'lf-grant',
  batchSize: LF_BATCH_SIZE,

  async observe(ctx) {
    const observed: ObservedGrants = new Map()
    // A file with LF-tags may have had grants that it no longer lists: those are read to be revoked.
    if (
      !Object.values(ctx.teams.config.teams).some((t) => t.lakeFormation?.length) &&
      !ctx.teams.config.lakeFormation &&
      !ctx.options.prune
    )
      return observed
    const client = await ctx.aws.lakeFormation()
    for (const type of ['LF_TAG_POLICY_DATABASE', 'LF_TAG_POLICY_TABLE'] as DataLakeResourceType[]) {
      for await (const page of paginateListPermissions(
        { client },
        { ResourceType: type, MaxResults: 1000 },
      )) {
        for (const p of page.PrincipalResourcePermissions ?? []) {
          const principalArn = p.Principal?.DataLakePrincipalIdentifier
          const policy = p.Resource?.LFTagPolicy
          if (!principalArn || !policy?.Expression || !managedPrincipal(ctx, principalArn)) continue
          const g: LfGrantPayload = {
            principalArn,
            roleName: principalArn.split('/').pop()!,
            resourceType: policy.ResourceType as 'DATABASE' | 'TABLE',
            expression: normaliseExpression(policy.Expression),
            permissions: [],
          }
          const key = grantKey(g)
          const existing = observed.get(key) ?? g
          existing.permissions = [...new Set([...existing.permissions, ...(p.Permissions ?? [])])].sort()
          observed.set(key, existing)
        }
      }
    }
    return observed
  },

  desire(ctx) {
    const desired: DesiredGrants = new Map()
    for (const team of Object.keys(ctx.teams.config.teams)) {
      for (const g of teamGrants(ctx, team)) desired.set(grantKey(g), g)
    }
    return desired
  },

  diff(desired, observed, ctx) {
    const warnings: string[] = []
    const changes: Change<'lf-grant'>[] = []
    for (const [key, { team, ...after }] of desired) {
      const before = observed.get(key)
      const summary = `${after.permissions.join(', ')} on ${after.resourceType} ${after.expression.map((t) => `${t.TagKey}=${t.TagValues.join('|')}`).join(' ')} to ${after.roleName}`
      if (!before) {
        changes.push({ kind: 'lf-grant', key, team, action: 'create', summary, after })
        continue
      }
      const missing = after.permissions.filter((p) => !before.permissions.includes(p))
      const extra = before.permissions.filter((p) => !after.permissions.includes(p))
      const prune =
        (ctx.options.prune && revocable(ctx, after.principalArn)) ||
        narrowedWithoutPrune(ctx, after.principalArn)
      if (ctx.options.prune && !prune && extra.length > 0)
        warnings.push(
          `${after.roleName} also holds ${extra.join(', ')} on ${after.resourceType} ${expressionText(after.expression)}, which the file does not list; the role is not the tool's (executionRole.arn), so --prune does not revoke it.`,
        )
      if (missing.length === 0 && (extra.length === 0 || !prune)) continue
      const target = prune
        ? after
        : { ...after, permissions: [...new Set([...after.permissions, ...before.permissions])].sort() }
      changes.push({
        kind: 'lf-grant',
        key,
        team,
        action: 'update',
        summary,
        before,
        after: target,
        reason: [
          missing.length ? `grant ${missing.join(', ')}` : '',
          prune && extra.length ? `revoke ${extra.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; '),
      })
    }
    // A grant the file no longer lists: revoked from the tool's role of a team of the file by a plain
    // apply, from other tool roles (a removed team's) with --prune; a role named by ARN keeps it.
    for (const [key, before] of observed) {
      if (desired.has(key)) continue
      if (!ctx.options.prune && !narrowedWithoutPrune(ctx, before.principalArn)) continue
      if (!revocable(ctx, before.principalArn)) {
        warnings.push(
          `${before.roleName} holds ${before.permissions.join(', ')} on ${before.resourceType} ${expressionText(before.expression)}, which the file does not list; the role is not the tool's (executionRole.arn), so --prune does not revoke it.`,
        )
        continue
      }
      changes.push({
        kind: 'lf-grant',
        key,
        team: managedPrincipal(ctx, before.principalArn),
        action: 'delete',
        summary: `${before.permissions.join(', ')} on ${before.resourceType} ${expressionText(before.expression)} from ${before.roleName}`,
        before,
      })
    }
    return { changes, warnings }
  },

  requests(change) {
    const { grants, revokes } = batchEntries([change])
    return [
      ...(grants.length ? [{ operation: 'BatchGrantPermissions', entries: grants }] : []),
      ...(revokes.length ? [{ operation: 'BatchRevokePermissions', entries: revokes }] : []),
    ].map((r) => ({ service: 'lakeformation', operation: r.operation, input: { Entries: r.entries } }))
  },

  async apply(change, ctx) {
    const [err] = await this.applyBatch!([change], ctx)
    if (err) throw err
  },

  async applyBatch(changes, ctx: ApplyContext) {
    const client = await ctx.aws.lakeFormation()
    const { grants, revokes } = batchEntries(changes)
    const errors: (Error | undefined)[] = changes.map(() => undefined)
    const record = (
      failures:
        | { RequestEntry?: { Id?: string }; Error?: { ErrorCode?: string; ErrorMessage?: string } }[]
        | undefined,
    ) => {
      for (const f of failures ?? []) {
        const i = Number(f.RequestEntry?.Id)
        const err = new Error(f.Error?.ErrorMessage ?? 'failed')
        err.name = f.Error?.ErrorCode ?? 'LakeFormationError'
        if (Number.isInteger(i)) errors[i] = err
      }
    }
    if (grants.length)
      record((await client.send(new BatchGrantPermissionsCommand({ Entries: grants }))).Failures)
    if (revokes.length)
      record((await client.send(new BatchRevokePermissionsCommand({ Entries: revokes }))).Failures)
    return errors
  },
}

/** The grant and revoke entries of a batch of changes; each entry's Id is its change's index. */
function batchEntries(changes: Change<'lf-grant'>[]) {
  const grants: BatchPermissionsRequestEntry[] = []
  const revokes: BatchPermissionsRequestEntry[] = []
  const entry = (id: string, g: LfGrantPayload, permissions: string[]): BatchPermissionsRequestEntry => ({
    Id: id,
    Principal: { DataLakePrincipalIdentifier: g.principalArn },
    Resource: { LFTagPolicy: { ResourceType: g.resourceType, Expression: g.expression } },
    Permissions: permissions as Permission[],
  })
  changes.forEach((c, i) => {
    const before = c.before?.permissions ?? []
    const after = c.after?.permissions ?? []
    const add = after.filter((p) => !before.includes(p))
    const remove = before.filter((p) => !after.includes(p))
    if (add.length) grants.push(entry(String(i), c.after!, add))
    if (remove.length) revokes.push(entry(String(i), (c.after ?? c.before)!, remove))
  })
  return { grants, revokes }
}
