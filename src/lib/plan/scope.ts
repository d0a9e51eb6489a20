/**
 * `--team`: a plan of only the named teams' changes. Account-wide kinds come along only when those
 * changes need them: an LF-tag a kept grant uses, the ACS when its configuration changes only for
 * the named teams (otherwise deploying it would carry other teams' changes too; it is then shown
 * as blocked, with the teams it waits for).
 */
import type { AcsConfigChange, Change, LfGrantPayload, LfTagPayload } from './types.js'

export function scopeChanges(changes: Change[], teams: string[], teamMembers: Set<string>): Change[] {
  const scope = new Set(teams)
  const kept = changes.filter((c) => c.team !== undefined && scope.has(c.team))
  const grantKeys = new Set(
    kept
      .filter((c) => c.kind === 'lf-grant' && c.action !== 'delete')
      .flatMap((c) => ((c.after ?? c.before) as LfGrantPayload).expression.map((t) => t.TagKey)),
  )
  for (const c of changes) {
    if (c.team !== undefined) continue
    if (c.kind === 'lf-tag' && grantKeys.has(((c.after ?? c.before) as LfTagPayload).tagKey)) kept.push(c)
    if (c.kind === 'acs') {
      const acs = scopedAcs(c as Change<'acs'>, scope, teamMembers)
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
