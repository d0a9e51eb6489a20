/**
 * `--team`: a plan of only the named teams' changes. A change of no team comes along only when
 * those changes need it; each kind decides (its definition's `teamScope`, src/lib/kinds): the
 * permissions boundary when they create or change a role, an LF-tag a kept grant uses, an
 * account's presign role where they get a role, the ACS when its configuration changes only for the
 * named teams, or when it is created while no other team can be reached yet (otherwise it is shown
 * as blocked, with the teams it waits for).
 */
import type { TeamScope } from '../kinds/contract.js'
import { KIND_DEFINITIONS } from '../kinds/registry.js'
import type { Change } from './types.js'

export function scopeChanges(
  changes: Change[],
  teams: string[],
  teamMembers: Set<string>,
  /** Every team of the (part of the) file: the ACS may be created for the scope when no other team can be reached yet. */
  fileTeams: string[] = [],
): Change[] {
  const scope = new Set(teams)
  const teamChanges = changes.filter((c) => c.team !== undefined && scope.has(c.team))
  const s: TeamScope = { teams: scope, teamMembers, fileTeams, changes, teamChanges }
  const kept = [...teamChanges]
  for (const c of changes) {
    if (c.team !== undefined) continue
    const rule = KIND_DEFINITIONS[c.kind].teamScope
    const scoped =
      rule === 'its-team' ? undefined : (rule as (c: Change, s: TeamScope) => Change | undefined)(c, s)
    if (scoped) kept.push(scoped)
  }
  return kept
}
