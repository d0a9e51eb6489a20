/**
 * Data mesh, consumer account: each team role's LF-tag policy grants, resolved against the
 * governance catalog that owns the tags (the grant's CatalogId is the governance account's). The
 * consumer account may make them because the governance account granted it the identical policy
 * with the grant option (kinds/lf-share/engine.ts); a grant the file no longer lists is revoked (access:
 * no flag), a team's permissions narrowed likewise. Grants of a role the file names by ARN are added,
 * never revoked.
 */
import {
  type DataLakeResourceType,
  GrantPermissionsCommand,
  type GrantPermissionsCommandInput,
  paginateListPermissions,
  RevokePermissionsCommand,
  type RevokePermissionsCommandInput,
} from '@aws-sdk/client-lakeformation'
import { describeMeshGrant } from '../../plan/data-mesh-review.js'
import type { Change, MeshGrantPayload } from '../../plan/types.js'
import type { AwsRequest, ResourceModule } from '../engine-contract.js'
import { grantKey, normaliseExpression, teamGrants } from '../lf-grant/engine.js'
import { meshPrincipalTeam } from '../link-grant/engine.js'

export type MeshGrants = Map<string, MeshGrantPayload & { team?: string }>

export const meshGrants: ResourceModule<'mesh-grant', MeshGrants, MeshGrants> = {
  kind: 'mesh-grant',

  async observe(ctx) {
    const observed: MeshGrants = new Map()
    const mesh = ctx.discovery.dataMesh
    if (!mesh?.teamLinks) return observed
    const client = await ctx.aws.lakeFormation()
    for (const type of ['LF_TAG_POLICY_DATABASE', 'LF_TAG_POLICY_TABLE'] as DataLakeResourceType[]) {
      for await (const page of paginateListPermissions(
        { client },
        { CatalogId: mesh.governanceAccountId, ResourceType: type, MaxResults: 1000 },
      )) {
        for (const p of page.PrincipalResourcePermissions ?? []) {
          const principalArn = p.Principal?.DataLakePrincipalIdentifier ?? ''
          const policy = p.Resource?.LFTagPolicy
          const who = meshPrincipalTeam(ctx, principalArn)
          if (
            !who ||
            !policy?.Expression ||
            (policy.CatalogId ?? mesh.governanceAccountId) !== mesh.governanceAccountId
          )
            continue
          const g: MeshGrantPayload & { team?: string } = {
            principalArn,
            roleName: principalArn.split('/').pop()!,
            catalogId: mesh.governanceAccountId,
            resourceType: policy.ResourceType as 'DATABASE' | 'TABLE',
            expression: normaliseExpression(policy.Expression),
            permissions: [],
            team: who.team,
          }
          const existing = observed.get(grantKey(g)) ?? g
          existing.permissions = [...new Set([...existing.permissions, ...(p.Permissions ?? [])])].sort()
          observed.set(grantKey(g), existing)
        }
      }
    }
    return observed
  },

  desire(ctx) {
    const desired: MeshGrants = new Map()
    const mesh = ctx.discovery.dataMesh
    if (!mesh?.teamLinks) return desired
    for (const team of Object.keys(mesh.teamLinks)) {
      for (const grant of teamGrants(ctx, team)) {
        const { team: _, principalArn, roleName, ...rest } = grant
        const g = { team, principalArn, roleName, catalogId: mesh.governanceAccountId, ...rest }
        desired.set(grantKey(g), g)
      }
    }
    return desired
  },

  diff(desired, observed, ctx) {
    const warnings: string[] = []
    const changes: Change<'mesh-grant'>[] = []
    for (const [key, { team, ...after }] of desired) {
      const { team: _t, ...before } = observed.get(key) ?? { team: undefined }
      const summary = `${after.permissions.join(', ')} on ${describeMeshGrant(after)} to ${after.roleName}`
      if (!('permissions' in before)) {
        changes.push({ kind: 'mesh-grant', key, ...(team ? { team } : {}), action: 'create', summary, after })
        continue
      }
      const b = before as MeshGrantPayload
      const revocable = meshPrincipalTeam(ctx, after.principalArn)?.revocable
      const missing = after.permissions.filter((p) => !b.permissions.includes(p))
      const extra = revocable ? b.permissions.filter((p) => !after.permissions.includes(p)) : []
      if (missing.length === 0 && extra.length === 0) continue
      changes.push({
        kind: 'mesh-grant',
        key,
        ...(team ? { team } : {}),
        action: 'update',
        summary,
        before: b,
        after,
        reason: [
          missing.length ? `grant ${missing.join(', ')}` : '',
          extra.length ? `revoke ${extra.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; '),
      })
    }
    for (const [key, { team, ...before }] of observed) {
      if (desired.has(key)) continue
      if (!meshPrincipalTeam(ctx, before.principalArn)?.revocable) {
        warnings.push(
          `${before.roleName} holds ${before.permissions.join(', ')} on ${describeMeshGrant(before)}, which the file does not list; the role is not the tool's (executionRole.arn), so it is not revoked.`,
        )
        continue
      }
      changes.push({
        kind: 'mesh-grant',
        key,
        ...(team ? { team } : {}),
        action: 'delete',
        summary: `${before.permissions.join(', ')} on ${describeMeshGrant(before)} from ${before.roleName}`,
        before,
      })
    }
    return { changes, warnings }
  },

  requests(change) {
    const { before, after } = change
    const g = (after ?? before)!
    const entry = (operation: string, permissions: string[]): AwsRequest => ({
      service: 'lakeformation',
      operation,
      input: {
        Principal: { DataLakePrincipalIdentifier: g.principalArn },
        Resource: {
          LFTagPolicy: { CatalogId: g.catalogId, ResourceType: g.resourceType, Expression: g.expression },
        },
        Permissions: permissions,
      },
    })
    const add = (after?.permissions ?? []).filter((p) => !(before?.permissions ?? []).includes(p))
    const remove = (before?.permissions ?? []).filter((p) => !(after?.permissions ?? []).includes(p))
    return [
      ...(add.length ? [entry('GrantPermissions', add)] : []),
      ...(remove.length ? [entry('RevokePermissions', remove)] : []),
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
