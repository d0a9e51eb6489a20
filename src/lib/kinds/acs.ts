/** The assertion consumer service (its role, table, function and URL). */
import { jsonDiff } from '../plan/json-diff.js'
import type { AcsConfigChange, ApplicationPayload, Change } from '../plan/types.js'
import type { KindDefinition, TeamScope } from './contract.js'

export const acsKind = {
  kind: 'acs',
  scope: 'identity-center',
  accountWide: true,
  dependsOn: [],
  details: (c) => (c.action === 'update' && c.before && c.after ? acsDetails(c) : []),
  // The ACS when its configuration changes only for the named teams, or when it is created while no
  // other team can be reached yet (otherwise deploying it would carry other teams' changes too; it is
  // then shown as blocked, with the teams it waits for).
  teamScope: (c, s: TeamScope) =>
    c.action === 'create' && acsCreatedForScope(s) ? c : scopedAcs(c, s.teams, s.teamMembers),
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
