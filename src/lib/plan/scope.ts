/**
 * `--team`: a plan of only the named teams' changes. Account-wide kinds come along only when those
 * changes need them: the permissions boundary when they create or change a role, an LF-tag a kept
 * grant uses, an account's presign role where they get a role, the ACS when its configuration
 * changes only for the named teams, or when it is created while no other team can be reached yet
 * (otherwise deploying it would carry other teams' changes too; it is then shown as blocked, with
 * the teams it waits for).
 */
import type { AcsConfigChange, ApplicationPayload, Change, LfGrantPayload, LfTagPayload } from './types.js'

export function scopeChanges(
  changes: Change[],
  teams: string[],
  teamMembers: Set<string>,
  /** Every team of the (part of the) file: the ACS may be created for the scope when no other team can be reached yet. */
  fileTeams: string[] = [],
): Change[] {
  const scope = new Set(teams)
  const kept = changes.filter((c) => c.team !== undefined && scope.has(c.team))
  // Other teams of the file that members can reach already (their application exists): a new ACS
  // would serve them too. Without such a team, deploying the ACS opens only the scope.
  const othersReachable = fileTeams.some(
    (t) =>
      !scope.has(t) &&
      !changes.some(
        (c) =>
          c.kind === 'application' &&
          c.team === t &&
          c.action === 'create' &&
          !(c.after as ApplicationPayload | undefined)?.adopt,
      ),
  )
  const acsCreate = changes.find((c) => c.kind === 'acs' && c.action === 'create')
  const scopedAcsCreate = Boolean(acsCreate) && !othersReachable && kept.length > 0
  // Roles the scope creates or changes carry the permissions boundary (so does the ACS role).
  const needsBoundary =
    scopedAcsCreate ||
    kept.some((c) => (c.kind === 'role' || c.kind === 'presign-role') && c.action !== 'delete')
  const grantKeys = new Set(
    kept
      .filter((c) => c.kind === 'lf-grant' && c.action !== 'delete')
      .flatMap((c) => ((c.after ?? c.before) as LfGrantPayload).expression.map((t) => t.TagKey)),
  )
  // Data mesh: the governance account's shares and the consumer's resource links the scope's teams
  // use (their payloads name the teams), and the LF-tags those shares name.
  const meshOfScope = (c: Change) =>
    (c.kind === 'lf-share' || c.kind === 'resource-link') &&
    c.action !== 'delete' &&
    ((c.after as { teams?: string[] } | undefined)?.teams ?? []).some((t) => scope.has(t))
  for (const c of changes.filter(meshOfScope)) {
    const share = c.after as { tagKey?: string; expression?: { TagKey: string }[] }
    for (const k of [share.tagKey, ...(share.expression ?? []).map((t) => t.TagKey)]) if (k) grantKeys.add(k)
  }
  for (const c of changes) {
    if (c.team !== undefined) continue
    if (meshOfScope(c)) kept.push(c)
    if (c.kind === 'lf-tag' && grantKeys.has(((c.after ?? c.before) as LfTagPayload).tagKey)) kept.push(c)
    if (c.kind === 'boundary' && needsBoundary && c.action !== 'delete') kept.push(c)
    // The presign role of an account where the scope's teams get roles (the ACS reaches them through it).
    if (c.kind === 'presign-role' && c.action !== 'delete' && kept.some((k) => k.kind === 'role'))
      kept.push(c)
    if (c.kind === 'acs') {
      const acs = c === acsCreate && scopedAcsCreate ? c : scopedAcs(c as Change<'acs'>, scope, teamMembers)
      if (acs) kept.push(acs)
    }
  }
  return kept
}

/** Whether one ACS configuration change belongs to the scope: a named team's, or one of its members'. */
function inScope(x: AcsConfigChange, scope: Set<string>, teamMembers: Set<string>): boolean {
  if (x.team) return scope.has(x.team)
  return x.member !== undefined && teamMembers.has(x.member)
}

function scopedAcs(c: Change<'acs'>, scope: Set<string>, teamMembers: Set<string>): Change | undefined {
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
