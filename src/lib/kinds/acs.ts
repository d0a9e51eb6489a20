/** The assertion consumer service (its role, table, function and URL). */

import { jsonDiff } from '../plan/json-diff.js'
import type { AcsConfigChange, ApplicationPayload, Change } from '../plan/types.js'
import type { AccessOut, KindDefinition, TeamScope } from './contract.js'

export const acsKind = {
  kind: 'acs',
  scope: 'identity-center',
  accountWide: true,
  dependsOn: [],
  acsDeployment: true,
  engine: () => import('../resources/acs.js').then((m) => m.acsDeployment),
  details: (c) => (c.action === 'update' && c.before && c.after ? acsDetails(c) : []),
  // The ACS when its configuration changes only for the named teams, or when it is created while no
  // other team can be reached yet (otherwise deploying it would carry other teams' changes too; it is
  // then shown as blocked, with the teams it waits for).
  teamScope: (c, s: TeamScope) =>
    c.action === 'create' && acsCreatedForScope(s) ? c : scopedAcs(c, s.teams, s.teamMembers),
  review,
  iamActions: [
    { on: 'unscoped-acs', access: 'read', actions: ['dynamodb:ListTables', 'lambda:ListFunctions'] },
    {
      on: 'tool-roles',
      access: 'read',
      actions: [
        'iam:GetRole',
        'iam:GetRolePolicy',
        'iam:ListAttachedRolePolicies',
        'iam:ListRolePolicies',
        'iam:ListRoleTags',
      ],
    },
    {
      on: 'bounded-acs-roles',
      access: 'write',
      actions: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary', 'iam:PutRolePolicy'],
    },
    { on: 'tool-role-tags', access: 'write', actions: ['iam:TagRole'] },
    { on: 'acs-role-to-lambda', access: 'write', actions: ['iam:PassRole'] },
    {
      on: 'acs-function',
      access: 'read',
      actions: ['lambda:GetFunction', 'lambda:GetFunctionUrlConfig', 'lambda:GetPolicy'],
    },
    {
      on: 'acs-function',
      access: 'write',
      actions: [
        'lambda:AddPermission',
        'lambda:CreateFunction',
        'lambda:CreateFunctionUrlConfig',
        'lambda:DeleteFunction',
        'lambda:DeleteFunctionUrlConfig',
        'lambda:PutFunctionConcurrency',
        'lambda:RemovePermission',
        'lambda:TagResource',
        'lambda:UpdateFunctionCode',
      ],
    },
    {
      on: 'acs-table',
      access: 'read',
      actions: ['dynamodb:DescribeTable', 'dynamodb:DescribeTimeToLive', 'dynamodb:ListTagsOfResource'],
    },
    {
      on: 'acs-table',
      access: 'write',
      actions: [
        'dynamodb:CreateTable',
        'dynamodb:DeleteTable',
        'dynamodb:TagResource',
        'dynamodb:UpdateTimeToLive',
      ],
    },
    {
      on: 'retired-acs-role',
      access: 'read',
      actions: ['iam:GetRole', 'iam:ListRolePolicies', 'iam:ListRoleTags'],
    },
    { on: 'retired-acs-role-removal', access: 'write', actions: ['iam:DeleteRole', 'iam:DeleteRolePolicy'] },
    {
      on: 'retired-acs-function',
      access: 'read',
      actions: ['lambda:GetFunction', 'lambda:GetFunctionUrlConfig', 'lambda:GetPolicy'],
    },
    {
      on: 'retired-acs-function',
      access: 'write',
      actions: ['lambda:DeleteFunction', 'lambda:DeleteFunctionUrlConfig', 'lambda:RemovePermission'],
    },
    {
      on: 'retired-acs-table',
      access: 'read',
      actions: ['dynamodb:DescribeTable', 'dynamodb:ListTagsOfResource'],
    },
    { on: 'retired-acs-table', access: 'write', actions: ['dynamodb:DeleteTable'] },
  ],
} satisfies KindDefinition<'acs'>

/**
 * Whether `--team` deploys a new ACS: no team outside the scope can be reached yet (other teams'
 * applications do not exist), so deploying it opens only the scope.
 */
export function acsCreatedForScope(s: TeamScope): boolean {
  if (!s.changes.some((c) => c.kind === 'acs' && c.action === 'create') || s.teamChanges.length === 0)
    return false
  const othersReachable = s.fileTeams.some(
    (t) =>
      !s.teams.has(t) &&
      !s.changes.some(
        (c) =>
          c.kind === 'application' &&
          c.team === t &&
          c.action === 'create' &&
          !(c.after as ApplicationPayload | undefined)?.adopt,
      ),
  )
  return !othersReachable
}

/** Whether one ACS configuration change belongs to the scope: a named team's, or one of its members'. */
function inScope(x: AcsConfigChange, scope: ReadonlySet<string>, teamMembers: ReadonlySet<string>): boolean {
  if (x.team) return scope.has(x.team)
  return x.member !== undefined && teamMembers.has(x.member)
}

function scopedAcs(
  c: Change<'acs'>,
  scope: ReadonlySet<string>,
  teamMembers: ReadonlySet<string>,
): Change | undefined {
  if (c.action !== 'update' && c.action !== 'create') return undefined
  const items = c.after?.configChanges
  const ours = items?.filter((x) => inScope(x, scope, teamMembers)) ?? []
  if (c.action === 'update' && items && ours.length === 0) return undefined
  if (c.action === 'update' && items && ours.length === items.length) return c
  const others = [
    ...new Set(
      (items ?? [])
        .filter((x) => !ours.includes(x))
        .map((x) => x.team ?? (x.member ? `member ${x.member}` : 'every team')),
    ),
  ]
  return {
    ...c,
    action: 'blocked',
    reason:
      c.action === 'create'
        ? 'the ACS is not deployed yet and serves every team: apply without --team to deploy it'
        : items
          ? `the ACS configuration also changes for ${others.join(', ')}: apply without --team (or with those teams) to deploy it`
          : 'the deployed ACS configuration could not be read, so its changes cannot be limited to these teams: apply without --team',
  }
}

const EFFECT_MARK = { widens: '+', narrows: '-', neutral: '~' } as const

/**
 * An ACS update in words: each configuration change (the code version is in the reason), then the
 * other settings that differ. The package and configuration hashes say nothing to a reviewer.
 */
function acsDetails(c: Change<'acs'>): string[] {
  const opaque = ['codeSha256', 'configSha256', 'codeVersion', 'configChanges', 'url']
  const strip = (p: object) => Object.fromEntries(Object.entries(p).filter(([k]) => !opaque.includes(k)))
  // CIDRs and the session length are in the configuration changes when those could be read.
  const shown = c.after?.configChanges
    ? (p: object) => {
        const { allowedSourceCidrs: _c, sessionExpirationSeconds: _s, ...rest } = strip(p)
        return rest
      }
    : strip
  return [
    ...(c.after?.configChanges ?? []).map((x) => `${EFFECT_MARK[x.effect]} ${x.text}`),
    ...jsonDiff(shown(c.before ?? {}), shown(c.after ?? {})),
  ]
}

/** Its part of the access review. */
function review(c: Change<'acs'>, { widened, narrowed, item }: AccessOut): void {
  const before = c.before as Change<'acs'>['before']
  const after = c.after as Change<'acs'>['after']
  if (c.action === 'delete') {
    narrowed.push(item(c, 'ACS', `the ACS ${c.key} is deleted: nobody can open Studio through it`))
    return
  }
  if (c.action === 'create' && after) {
    const limit = after.allowedSourceCidrs?.length
      ? ` from ${after.allowedSourceCidrs.join(', ')}`
      : ' from any address'
    widened.push(
      item(
        c,
        'ACS',
        `the ACS is deployed: assigned users can open Studio through it${limit}, sessions up to ${after.sessionExpirationSeconds} s`,
      ),
    )
  }
  if (!before || !after) return
  if (before.invokeOnlyViaUrl === false && after.invokeOnlyViaUrl)
    narrowed.push(
      item(
        c,
        'ACS',
        'the ACS function can be invoked only through its URL (no direct Invoke by any AWS principal)',
      ),
    )
  if (after.roleBoundary && before.roleBoundary !== after.roleBoundary)
    narrowed.push(
      item(
        c,
        'ACS',
        `the ACS role is bounded by ${after.roleBoundary.split('/').pop()} (permissions boundary)`,
      ),
    )
  // Configuration changes that change who can sign in (teams, certificates, members);
  // CIDRs and the session length follow from the payload below.
  for (const x of after.configChanges ?? []) {
    if (x.effect === 'neutral' || /^(source CIDR|Studio session length)/.test(x.text)) continue
    const target = x.effect === 'widens' ? widened : narrowed
    target.push({
      ...item(c, x.team ? `team ${x.team}` : 'ACS', `ACS: ${x.text}`),
      ...(x.team ? { team: x.team } : {}),
    })
  }
  const b = before.allowedSourceCidrs ?? []
  const a = after.allowedSourceCidrs ?? []
  if (b.length > 0 && a.length === 0)
    widened.push(item(c, 'ACS', 'the ACS no longer restricts presigned URLs by source address'))
  else {
    const added = a.filter((x) => !b.includes(x))
    const removed = b.filter((x) => !a.includes(x))
    if (added.length) widened.push(item(c, 'ACS', `the ACS allows presigned URLs from ${added.join(', ')}`))
    if (removed.length && a.length)
      narrowed.push(item(c, 'ACS', `the ACS no longer allows ${removed.join(', ')}`))
    if (b.length === 0 && a.length > 0)
      narrowed.push(item(c, 'ACS', `the ACS restricts presigned URLs to ${a.join(', ')}`))
  }
  const bs = before.sessionExpirationSeconds
  const as = after.sessionExpirationSeconds
  if (bs !== undefined && as !== undefined && as > bs)
    widened.push(item(c, 'ACS', `Studio sessions last longer: ${bs} s → ${as} s`))
  if (bs !== undefined && as !== undefined && as < bs)
    narrowed.push(item(c, 'ACS', `Studio sessions are shorter: ${bs} s → ${as} s`))
}
