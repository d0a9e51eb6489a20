/**
 * Data mesh, consumer account: DESCRIBE on a resource link to each team role that uses it — the Lake
 * Formation permission a link needs ("Resource link handling in AWS Glue APIs",
 * https://docs.aws.amazon.com/lake-formation/latest/dg/resource-links-glue-apis.html: both the link
 * and the target). A team that stops using a link loses it (access: no flag).
 */
import {
  GrantPermissionsCommand,
  type GrantPermissionsCommandInput,
  paginateListPermissions,
  RevokePermissionsCommand,
  type RevokePermissionsCommandInput,
} from '@aws-sdk/client-lakeformation'
import { teamRoleArn, teamRoleName } from '../../model/names.js'
import type { Change, LinkGrantPayload } from '../../plan/types.js'
import type { EngineContext, ResourceModule } from '../engine-contract.js'

export type LinkGrants = Map<string, LinkGrantPayload & { team?: string }>

const key = (g: Pick<LinkGrantPayload, 'principalArn' | 'link'>) => `${g.principalArn}|${g.link}`

/** The team whose role this is: the file's (its role ARN), or a team gone from it (a role named sagemaker-teams-<team>). */
export function meshPrincipalTeam(
  ctx: EngineContext,
  arn: string,
): { team: string; revocable: boolean } | undefined {
  for (const [team, config] of Object.entries(ctx.teams.config.teams))
    if (teamRoleArn(config.executionRole, team, ctx.discovery.accountId, ctx.discovery.partition) === arn)
      return { team, revocable: Boolean(config.executionRole.create) }
  const prefix = `arn:${ctx.discovery.partition}:iam::${ctx.discovery.accountId}:role/${teamRoleName('')}`
  return arn.startsWith(prefix) ? { team: arn.slice(prefix.length), revocable: true } : undefined
}

export const linkGrants: ResourceModule<'link-grant', LinkGrants, LinkGrants> = {
  kind: 'link-grant',

  async observe(ctx) {
    const observed: LinkGrants = new Map()
    const mesh = ctx.discovery.dataMesh
    if (!mesh?.links) return observed
    const links = new Set(mesh.links.map((l) => l.name))
    const client = await ctx.aws.lakeFormation()
    for await (const page of paginateListPermissions(
      { client },
      { ResourceType: 'DATABASE', MaxResults: 1000 },
    )) {
      for (const p of page.PrincipalResourcePermissions ?? []) {
        const principalArn = p.Principal?.DataLakePrincipalIdentifier ?? ''
        const link = p.Resource?.Database?.Name ?? ''
        const who = meshPrincipalTeam(ctx, principalArn)
        if (!links.has(link) || !who) continue
        const g = observed.get(key({ principalArn, link })) ?? {
          principalArn,
          roleName: principalArn.split('/').pop()!,
          link,
          permissions: [],
          team: who.team,
        }
        g.permissions = [...new Set([...g.permissions, ...(p.Permissions ?? [])])].sort()
        observed.set(key(g), g)
      }
    }
    return observed
  },

  desire(ctx) {
    const desired: LinkGrants = new Map()
    for (const [team, links] of Object.entries(ctx.discovery.dataMesh?.teamLinks ?? {})) {
      const config = ctx.teams.config.teams[team]
      const principalArn = teamRoleArn(
        config.executionRole,
        team,
        ctx.discovery.accountId,
        ctx.discovery.partition,
      )
      for (const l of links) {
        const g = {
          principalArn,
          roleName: principalArn.split('/').pop()!,
          link: l.name,
          permissions: ['DESCRIBE'],
          team,
        }
        desired.set(key(g), g)
      }
    }
    return desired
  },

  diff(desired, observed, ctx) {
    const warnings: string[] = []
    const changes: Change<'link-grant'>[] = []
    for (const [k, { team, ...after }] of desired) {
      const before = observed.get(k)
      if (before?.permissions.includes('DESCRIBE')) continue
      changes.push({
        kind: 'link-grant',
        key: k,
        ...(team ? { team } : {}),
        action: 'create',
        summary: `DESCRIBE on resource link ${after.link} to ${after.roleName}`,
        after,
      })
    }
    for (const [k, { team, ...before }] of observed) {
      if (desired.has(k)) continue
      if (!meshPrincipalTeam(ctx, before.principalArn)?.revocable) {
        warnings.push(
          `${before.roleName} holds ${before.permissions.join(', ')} on resource link ${before.link}, which the file does not give it; the role is not the tool's (executionRole.arn), so it is not revoked.`,
        )
        continue
      }
      changes.push({
        kind: 'link-grant',
        key: k,
        ...(team ? { team } : {}),
        action: 'delete',
        summary: `${before.permissions.join(', ')} on resource link ${before.link} from ${before.roleName}`,
        before,
      })
    }
    return { changes, warnings }
  },

  requests(change) {
    const g = (change.after ?? change.before)!
    return [
      {
        service: 'lakeformation',
        operation: change.action === 'delete' ? 'RevokePermissions' : 'GrantPermissions',
        input: {
          Principal: { DataLakePrincipalIdentifier: g.principalArn },
          Resource: { Database: { Name: g.link } },
          Permissions: g.permissions,
        },
      },
    ]
  },

  async apply(change, ctx) {
    const client = await ctx.aws.lakeFormation()
    const [r] = this.requests!(change, ctx)
    await client.send(
      r.operation === 'GrantPermissions'
        ? new GrantPermissionsCommand(r.input as unknown as GrantPermissionsCommandInput)
        : new RevokePermissionsCommand(r.input as unknown as RevokePermissionsCommandInput),
    )
  },
}
