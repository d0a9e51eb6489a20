/** `status`: what is in place per team, read through the engine's own observers (no second reader). */
import { readAcsStatus } from './acs/status.js'
import type { AwsClients } from './aws/clients.js'
import type { LoadedTeams } from './config/load.js'
import { buildContext } from './engine/plan.js'
import { UserError } from './errors.js'
import type { ObservedAcs } from './resources/acs.js'
import { duplicateApplications, type ObservedApplication, teamApplication } from './resources/application.js'
import type { ObservedAssignments } from './resources/assignment.js'
import { lfGrants, type ObservedGrants } from './resources/lf-grant.js'
import { desiredProfiles, type ObservedProfiles } from './resources/profile.js'
import { type ObservedWorkgroups, resultsLocation, teamWorkspace } from './resources/workgroup.js'
import { count } from './text.js'

export interface TeamStatus {
  team: string
  /** duplicates: other applications tagged as this team's (two applies raced; plan --prune deletes them). */
  application: { exists: boolean; name?: string; assignmentRequired?: boolean; duplicates: number }
  assigned: { users: number; groups: number }
  profiles: { expected: number; present: number; missing: number; extra: number }
  grants: { expected: number; inPlace: number }
  console: { verified: boolean; firstLogin?: string; lastLogin?: string; logins: number }
  /** The team's Athena workgroup and S3 prefix, when the file gives it a workspace. */
  workspace?: { workGroup: string; location: string; inPlace: boolean; problem?: string }
}

export interface StatusReport {
  domainId: string
  teams: TeamStatus[]
  acs?: { deployed: boolean; url?: string; version?: string; lastModified?: string }
}

export async function readStatus(
  aws: AwsClients,
  teams: LoadedTeams,
  only?: string[],
): Promise<StatusReport> {
  for (const team of only ?? [])
    if (!teams.config.teams[team]) throw new UserError(`--team ${team}: no such team in ${teams.file}`)
  const ctx = await buildContext(aws, teams, { prune: false, force: false, refresh: 'existence' })
  const [apps, assignments, profiles, grants, acs, logins] = await Promise.all([
    ctx.observed<ObservedApplication[]>('application'),
    ctx.observed<ObservedAssignments>('assignment'),
    ctx.observed<ObservedProfiles>('profile'),
    ctx.observed<ObservedGrants>('lf-grant'),
    ctx.observed<ObservedAcs | null>('acs'),
    readAcsStatus(ctx),
  ])
  // A missing workspace bucket stops a plan; here it is reported per team instead.
  const workspaceState = await ctx.observed<ObservedWorkgroups>('workgroup').then(
    (observed) => ({ observed, problem: undefined }),
    (err: Error) => ({ observed: undefined, problem: err.message }),
  )
  const wantProfiles = desiredProfiles(ctx)
  const wantGrants = lfGrants.desire(ctx) as Awaited<ReturnType<typeof lfGrants.desire>>
  const result: TeamStatus[] = Object.keys(teams.config.teams)
    .filter((team) => !only?.length || only.includes(team))
    .map((team) => {
      const app = teamApplication(apps, team)
      const duplicates = duplicateApplications(apps, team).length
      const expected = [...wantProfiles.values()].filter((p) => p.team === team)
      const present = expected.filter((p) => profiles.byName.has(p.profileName.toLowerCase())).length
      const extra = [...profiles.byName.keys()].filter(
        (k) => k.startsWith(`${team}-`) && !wantProfiles.has(k),
      ).length
      const teamGrants = [...wantGrants.entries()].filter(([, g]) => g.team === team)
      const assigned = assignments.get(team) ?? []
      const l = logins.logins.get(team)
      const ws = teamWorkspace(teams.config, team, ctx.discovery)
      const wg = ws ? workspaceState.observed?.get(ws.workGroup) : undefined
      return {
        team,
        application: app
          ? { exists: true, name: app.name, assignmentRequired: app.assignmentRequired, duplicates }
          : { exists: false, duplicates },
        assigned: {
          users: assigned.filter((a) => a.principalType === 'USER').length,
          groups: assigned.filter((a) => a.principalType === 'GROUP').length,
        },
        profiles: { expected: expected.length, present, missing: expected.length - present, extra },
        grants: {
          expected: teamGrants.length,
          inPlace: teamGrants.filter(([key, g]) => {
            const o = grants.get(key)
            return o && g.permissions.every((p) => o.permissions.includes(p))
          }).length,
        },
        console: l
          ? { verified: true, firstLogin: l.first, lastLogin: l.last, logins: l.count }
          : { verified: false, logins: 0 },
        ...(ws
          ? {
              workspace: {
                workGroup: ws.workGroup,
                location: `s3://${ws.bucket}/${ws.prefix}`,
                inPlace: wg?.team === team && wg.outputLocation === resultsLocation(ws) && wg.enforced,
                ...(workspaceState.problem ? { problem: workspaceState.problem } : {}),
              },
            }
          : {}),
      }
    })
  return {
    domainId: ctx.discovery.domainId,
    teams: result,
    ...(teams.config.acs
      ? {
          acs: {
            deployed: Boolean(acs?.function),
            url: logins.functionUrl,
            version: acs?.function?.version,
            lastModified: acs?.function?.lastModified,
          },
        }
      : {}),
  }
}

export function renderStatus(r: StatusReport): string {
  const rows = [
    [
      'team',
      'application',
      'assigned',
      'profiles (ok/expected, missing, extra)',
      'LF grants',
      'console steps',
    ],
  ]
  const workspaces = r.teams.some((t) => t.workspace)
  if (workspaces) rows[0].push('workspace')
  for (const t of r.teams) {
    rows.push([
      t.team,
      t.application.exists
        ? `yes${t.application.assignmentRequired ? ', assignment required' : ', ASSIGNMENT NOT REQUIRED'}${t.application.duplicates ? `, ${t.application.duplicates} DUPLICATE${t.application.duplicates === 1 ? '' : 'S'} (plan --prune deletes)` : ''}`
        : 'missing',
      `${count(t.assigned.users, 'user')}, ${count(t.assigned.groups, 'group')}`,
      `${t.profiles.present}/${t.profiles.expected}, ${t.profiles.missing} missing, ${t.profiles.extra} extra`,
      `${t.grants.inPlace}/${t.grants.expected}`,
      t.console.verified
        ? `verified (first ${t.console.firstLogin}, last ${t.console.lastLogin})`
        : 'not verified',
      ...(workspaces
        ? [
            t.workspace
              ? `${t.workspace.workGroup} ${t.workspace.inPlace ? 'in place' : t.workspace.problem ? 'NOT CHECKED' : 'MISSING'}, ${t.workspace.location}`
              : '-',
          ]
        : []),
    ])
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)))
  const lines = rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  )
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '))
  const acs = r.acs
    ? r.acs.deployed
      ? `ACS: ${r.acs.url ?? '(no URL)'} version ${r.acs.version}, updated ${r.acs.lastModified}`
      : 'ACS: not deployed (run apply)'
    : 'ACS: not configured'
  const problem = r.teams.find((t) => t.workspace?.problem)?.workspace?.problem
  return `Domain ${r.domainId}\n\n${lines.join('\n')}\n\n${problem ? `Workspaces: ${problem}\n\n` : ''}${acs}\n`
}
