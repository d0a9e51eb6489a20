/**
 * What the ACS parts' definitions share (acs-role, acs-table, acs-function, acs-url, acs-permission):
 * `--team` follows the function (its configuration carries every team), the review's words.
 */
import type { AcsConfigChange, ApplicationPayload, Change } from '../../plan/types.js'
import type { TeamScope } from '../contract.js'

/**
 * Whether `--team` deploys a new ACS: no team outside the scope can be reached yet (other teams'
 * applications do not exist), so deploying it opens only the scope.
 */
export function acsCreatedForScope(s: TeamScope): boolean {
  if (
    !s.changes.some((c) => c.kind === 'acs-function' && c.action === 'create') ||
    s.teamChanges.length === 0
  )
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

/**
 * `--team` of the function: its configuration change when it concerns only the named teams (or the
 * ACS is created for them alone, see acsCreatedForScope); otherwise shown blocked, naming the teams
 * it also changes. A delete (a retired ACS) is not a team's.
 */
export function scopedFunction(c: Change<'acs-function'>, s: TeamScope): Change | undefined {
  if (c.action === 'create' && acsCreatedForScope(s)) return c
  if (c.action !== 'update' && c.action !== 'create') return undefined
  const items = c.after?.configChanges
  const ours = items?.filter((x) => inScope(x, s.teams, s.teamMembers)) ?? []
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

/**
 * `--team` of the other parts: they serve every team, so they come along with the function's change
 * as the scope keeps it (blocked with it when it is blocked, dropped when it is dropped); without a
 * function change they are shown blocked (apply without --team).
 */
export function followFunction(c: Change, s: TeamScope): Change | undefined {
  if (c.action !== 'update' && c.action !== 'create') return undefined
  const fn = s.changes.find((x) => x.kind === 'acs-function') as Change<'acs-function'> | undefined
  if (fn) {
    const scoped = scopedFunction(fn, s)
    if (!scoped) return undefined
    if (scoped.action !== 'blocked') return c
    return { ...c, action: 'blocked', reason: scoped.reason }
  }
  return {
    ...c,
    action: 'blocked',
    reason: `the ACS ${c.kind.replace(/^acs-/, '')} serves every team: apply without --team`,
  }
}

export const EFFECT_MARK = { widens: '+', narrows: '-', neutral: '~' } as const
