/** The role the ACS assumes in a domain account to sign its teams' members in. */

import { TAG_TEAM } from '../../model/names.js'
import type { Change, PresignRolePayload } from '../../plan/types.js'
import { policyDelta } from '../../policies/normalize.js'
import type { AccessOut, KindDefinition, TeamScope } from '../contract.js'
import { updateDiff } from '../details.js'
import { summarizeAtoms } from '../review.js'

export const presignRoleKind = {
  kind: 'presign-role',
  scope: 'account',
  accountWide: true,
  dependsOn: [],
  acsDeployment: true,
  engine: () => import('./engine.js').then((m) => m.presignRoles),
  details: updateDiff,
  // The presign role of an account where the scope's teams get roles (the ACS reaches them through it).
  teamScope: (c, s: TeamScope) =>
    c.action !== 'delete' && s.teamChanges.some((k) => k.kind === 'role') ? c : undefined,
  review,
  iamActions: [
    { on: 'tool-roles', access: 'read', actions: ['iam:GetRole', 'iam:GetRolePolicy'] },
    {
      on: 'bounded-acs-roles',
      access: 'write',
      actions: [
        'iam:CreateRole',
        'iam:DeleteRolePolicy',
        'iam:PutRolePermissionsBoundary',
        'iam:PutRolePolicy',
        'iam:UpdateAssumeRolePolicy',
      ],
    },
    { on: 'removable-team-roles', access: 'write', actions: ['iam:DeleteRole'] },
    { on: 'tool-role-tags', access: 'write', actions: ['iam:TagRole'] },
  ],
} satisfies KindDefinition<'presign-role'>

/**
 * The ACS presign role of an account (files with accounts:/domains:): whom it trusts is who may
 * presign — open Studio as — the tool's profiles of the teams its policy names. Created, widened,
 * narrowed or deleted, that is access, per team.
 */
function review(c: Change<'presign-role'>, { widened, narrowed, item }: AccessOut): void {
  const { before, after } = c
  const perTeam = (p: PresignRolePayload, teams: string[], verb: string) =>
    teams.map((team) => ({
      ...item(
        c,
        trusted(p).join(', ') || p.roleName,
        `${trusted(p).join(', ') || 'its trusted principals'} ${verb} ${team}'s profiles in ${presignDomains(p).join(', ')} (through ${p.roleName})`,
      ),
      team,
    }))
  if (c.action === 'create' && after) widened.push(...perTeam(after, presignTeams(after), 'can presign'))
  if (c.action === 'delete' && before)
    narrowed.push(...perTeam(before, presignTeams(before), 'can no longer presign'))
  if (c.action !== 'update' || !before || !after) return
  const gainedBy = trusted(after).filter((p) => !trusted(before).includes(p))
  const lostBy = trusted(before).filter((p) => !trusted(after).includes(p))
  if (gainedBy.length)
    widened.push(item(c, gainedBy.join(', '), `${after.roleName} now trusts ${gainedBy.join(', ')}`))
  if (lostBy.length)
    narrowed.push(item(c, lostBy.join(', '), `${after.roleName} no longer trusts ${lostBy.join(', ')}`))
  const teamsGained = presignTeams(after).filter((t) => !presignTeams(before).includes(t))
  const teamsLost = presignTeams(before).filter((t) => !presignTeams(after).includes(t))
  widened.push(...perTeam(after, teamsGained, 'can presign'))
  narrowed.push(...perTeam(before, teamsLost, 'can no longer presign'))
  // Anything else the policy gains or loses (a domain, an action), whatever the teams did.
  if (teamsGained.length || teamsLost.length) return
  const delta = policyDelta(before.policy, after.policy)
  if (delta.allowsGained.length)
    widened.push(item(c, after.roleName, `${after.roleName} allows ${summarizeAtoms(delta.allowsGained)}`))
  if (delta.allowsLost.length)
    narrowed.push(
      item(c, after.roleName, `${after.roleName} no longer allows ${summarizeAtoms(delta.allowsLost)}`),
    )
}

/** Who may assume a presign role: the aws:PrincipalArn its trust policy names (else its principals). */
function trusted(p: PresignRolePayload): string[] {
  const out = new Set<string>()
  for (const s of p.trustPolicy.Statement ?? []) {
    if (s.Effect !== 'Allow') continue
    const named = Object.values(s.Condition ?? {}).flatMap((c) =>
      Object.entries(c as Record<string, unknown>)
        .filter(([k]) => k.toLowerCase() === 'aws:principalarn')
        .flatMap(([, v]) => (Array.isArray(v) ? v : [v]).map(String)),
    )
    const principals = (s.Principal as { AWS?: string | string[] } | undefined)?.AWS
    for (const x of named.length ? named : principals ? [principals].flat() : []) out.add(x)
  }
  return [...out].sort()
}

/** The teams whose profiles a presign role may presign (its tag condition). */
function presignTeams(p: PresignRolePayload): string[] {
  const teams = new Set<string>()
  for (const s of p.policy.Statement ?? []) {
    const actions = [s.Action ?? []].flat()
    if (s.Effect !== 'Allow' || !actions.includes('sagemaker:CreatePresignedDomainUrl')) continue
    for (const c of Object.values(s.Condition ?? {}))
      for (const [k, v] of Object.entries(c as Record<string, unknown>))
        if (k === `sagemaker:ResourceTag/${TAG_TEAM}`) for (const t of [v].flat()) teams.add(String(t))
  }
  return [...teams].sort()
}

/** The domains of the profiles a presign role names. */
function presignDomains(p: PresignRolePayload): string[] {
  const domains = new Set<string>()
  for (const s of p.policy.Statement ?? [])
    for (const r of [s.Resource ?? []].flat()) {
      const m = /:user-profile\/([^/]+)\//.exec(String(r))
      if (m) domains.add(m[1])
    }
  return [...domains].sort()
}
