/**
 * Data mesh, governance account: what it grants each consumer account (the account id is the
 * principal) — DESCRIBE on the LF-tag values the account's teams use, and each LF-tag policy they
 * use with its permissions also as PermissionsWithGrantOption, so the consumer's administrator can
 * re-grant it to the team roles (why: kinds/lf-share/mesh.ts, with the AWS pages). Exactly what the
 * teams use: a grant no team of the account needs any more is revoked (access, no flag); a grant to
 * an account of the file that is no longer a consumer too.
 */
import {
  type DataLakeResourceType,
  GrantPermissionsCommand,
  type GrantPermissionsCommandInput,
  paginateListPermissions,
  RevokePermissionsCommand,
  type RevokePermissionsCommandInput,
} from '@aws-sdk/client-lakeformation'
import { describeShare, shareDelta } from '../../plan/data-mesh-review.js'
import type { Change, LfSharePayload } from '../../plan/types.js'
import type { AwsRequest, ResourceModule } from '../engine-contract.js'
import { normaliseExpression } from '../lf-grant/engine.js'
import { policyKey } from './mesh.js'

export type SharesByKey = Map<string, LfSharePayload>

const shareKey = (s: Pick<LfSharePayload, 'accountId' | 'resourceType' | 'tagKey' | 'expression'>) =>
  s.resourceType === 'LF_TAG'
    ? `${s.accountId}|LF_TAG|${s.tagKey}`
    : `${s.accountId}|${policyKey(s.resourceType, s.expression ?? [])}`

function resourceOf(s: LfSharePayload): GrantPermissionsCommandInput['Resource'] {
  return s.resourceType === 'LF_TAG'
    ? { LFTag: { CatalogId: s.catalogId, TagKey: s.tagKey!, TagValues: s.tagValues! } }
    : { LFTagPolicy: { CatalogId: s.catalogId, ResourceType: s.resourceType, Expression: s.expression! } }
}

/** Why a share changes, in Lake Formation's words: what is granted and revoked. */
function updateReason(before: LfSharePayload, after: LfSharePayload): string {
  const d = shareDelta(before, after)
  return [
    d.gained.length ? `grant ${d.gained.join(', ')}` : '',
    d.gainedGrantable.length ? `grant option on ${d.gainedGrantable.join(', ')}` : '',
    d.lost.length ? `revoke ${d.lost.join(', ')}` : '',
    d.lostGrantable.length
      ? `revoke the grant option on ${d.lostGrantable.join(', ')}${d.lostGrantable.every((p) => after.permissions.includes(p)) ? ' (the permission stays)' : ''}`
      : '',
    d.gainedValues.length || d.lostValues.length
      ? `tag values ${[...d.gainedValues.map((v) => `+${v}`), ...d.lostValues.map((v) => `-${v}`)].join(' ')}`
      : '',
  ]
    .filter(Boolean)
    .join('; ')
}

export const lfShares: ResourceModule<'lf-share', SharesByKey, SharesByKey> = {
  kind: 'lf-share',

  async observe(ctx) {
    const observed: SharesByKey = new Map()
    const mesh = ctx.discovery.dataMesh
    if (!mesh?.shares) return observed
    const client = await ctx.aws.lakeFormation()
    for (const type of [
      'LF_TAG',
      'LF_TAG_POLICY_DATABASE',
      'LF_TAG_POLICY_TABLE',
    ] as DataLakeResourceType[]) {
      for await (const page of paginateListPermissions(
        { client },
        { ResourceType: type, MaxResults: 1000 },
      )) {
        for (const p of page.PrincipalResourcePermissions ?? []) {
          const accountId = p.Principal?.DataLakePrincipalIdentifier ?? ''
          const accountName = mesh.accounts[accountId]
          // Only the file's accounts: a grant to any other principal is not the tool's.
          if (!accountName) continue
          const tag = p.Resource?.LFTag
          const policy = p.Resource?.LFTagPolicy
          const s: LfSharePayload = tag
            ? {
                accountId,
                accountName,
                catalogId: mesh.governanceAccountId,
                resourceType: 'LF_TAG',
                tagKey: tag.TagKey,
                tagValues: [...(tag.TagValues ?? [])].sort(),
                permissions: [],
                grantable: [],
              }
            : {
                accountId,
                accountName,
                catalogId: mesh.governanceAccountId,
                resourceType: policy?.ResourceType as 'DATABASE' | 'TABLE',
                expression: normaliseExpression(policy?.Expression ?? []),
                permissions: [],
                grantable: [],
              }
          const key = shareKey(s)
          const existing = observed.get(key) ?? s
          existing.permissions = [...new Set([...existing.permissions, ...(p.Permissions ?? [])])].sort()
          existing.grantable = [
            ...new Set([...existing.grantable, ...(p.PermissionsWithGrantOption ?? [])]),
          ].sort()
          observed.set(key, existing)
        }
      }
    }
    return observed
  },

  desire(ctx) {
    const desired: SharesByKey = new Map()
    const mesh = ctx.discovery.dataMesh
    for (const share of mesh?.shares ?? []) {
      const base = {
        accountId: share.accountId,
        accountName: share.accountName,
        catalogId: mesh!.governanceAccountId,
      }
      for (const [tagKey, values] of share.tags) {
        const s: LfSharePayload = {
          ...base,
          resourceType: 'LF_TAG',
          tagKey,
          tagValues: [...values].sort(),
          permissions: ['DESCRIBE'],
          grantable: ['DESCRIBE'],
          teams: share.teams,
        }
        desired.set(shareKey(s), s)
      }
      for (const p of share.policies.values()) {
        const permissions = [...p.permissions].sort()
        const s: LfSharePayload = {
          ...base,
          resourceType: p.resourceType,
          expression: p.expression,
          permissions,
          grantable: permissions,
          teams: [...p.teams].sort(),
        }
        desired.set(shareKey(s), s)
      }
    }
    return desired
  },

  diff(desired, observed) {
    const changes: Change<'lf-share'>[] = []
    for (const [key, after] of desired) {
      const before = observed.get(key)
      const summary = describeShare(after)
      if (!before) {
        changes.push({ kind: 'lf-share', key, action: 'create', summary, after })
        continue
      }
      const same = (a: string[] = [], b: string[] = []) => a.join(',') === b.join(',')
      if (
        same(before.permissions, after.permissions) &&
        same(before.grantable, after.grantable) &&
        same(before.tagValues, after.tagValues)
      )
        continue
      changes.push({
        kind: 'lf-share',
        key,
        action: 'update',
        summary,
        before,
        after,
        reason: updateReason(before, after),
      })
    }
    // Revoking access needs no flag: a grant no team of that account uses any more goes.
    for (const [key, before] of observed)
      if (!desired.has(key))
        changes.push({
          kind: 'lf-share',
          key,
          action: 'delete',
          summary: `revoke ${describeShare(before)}`,
          before,
        })
    return changes
  },

  requests(change) {
    const { before, after } = change
    const principal = { DataLakePrincipalIdentifier: (after ?? before)!.accountId }
    // RevokePermissions takes the permissions to revoke and, apart, the grant options to revoke:
    // Permissions [] with PermissionsWithGrantOption [X] keeps X and takes only its grant option.
    const revoke = (s: LfSharePayload, permissions: string[], grantable: string[]): AwsRequest => ({
      service: 'lakeformation',
      operation: 'RevokePermissions',
      input: {
        Principal: principal,
        Resource: resourceOf(s),
        Permissions: permissions,
        ...(grantable.length ? { PermissionsWithGrantOption: grantable } : {}),
      },
    })
    const grant = (s: LfSharePayload): AwsRequest => ({
      service: 'lakeformation',
      operation: 'GrantPermissions',
      input: {
        Principal: principal,
        Resource: resourceOf(s),
        Permissions: s.permissions,
        PermissionsWithGrantOption: s.grantable,
      },
    })
    if (!after) return [revoke(before!, before!.permissions, before!.grantable)]
    if (!before) return [grant(after)]
    // Another set of tag values is another resource: revoke the old one whole, grant the new one.
    if ((before.tagValues ?? []).join(',') !== (after.tagValues ?? []).join(','))
      return [revoke(before, before.permissions, before.grantable), grant(after)]
    const minus = (a: string[], b: string[]) => a.filter((p) => !b.includes(p))
    const lost = minus(before.permissions, after.permissions)
    const lostGrantable = minus(before.grantable, after.grantable)
    // A permission or a grant option gained: the grant of `after` (granting what is held is a no-op).
    const gained =
      minus(after.permissions, before.permissions).length > 0 ||
      minus(after.grantable, before.grantable).length > 0
    return [
      ...(lost.length || lostGrantable.length ? [revoke(before, lost, lostGrantable)] : []),
      ...(gained ? [grant(after)] : []),
    ]
  },

  async apply(change, ctx) {
    const client = await ctx.aws.lakeFormation()
    for (const r of this.requests!(change, ctx))
      await client.send(
        r.operation === 'GrantPermissions'
          ? new GrantPermissionsCommand(r.input as unknown as GrantPermissionsCommandInput)
          : new RevokePermissionsCommand(r.input as unknown as RevokePermissionsCommandInput),
      )
  },
}
