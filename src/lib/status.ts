/** `status`: what is in place per team, read through the engine's own observers (no second reader). */

import type { ObservedAcsFunction } from './acs/observed.js'
import { type AcsStatus, readAcsStatus } from './acs/status.js'
import type { AwsClients } from './aws/clients.js'
import type { LoadedTeams } from './config/load.js'
import type { TeamsFile } from './config/types.js'
import { UserError } from './errors.js'
import {
  duplicateApplications,
  type ObservedApplication,
  teamApplication,
} from './kinds/application/engine.js'
import type { ObservedAssignments } from './kinds/assignment/engine.js'
import type { EngineContext } from './kinds/engine-contract.js'
import { type DesiredGrants, lfGrants, type ObservedGrants } from './kinds/lf-grant/engine.js'
import { type DesiredProfiles, desiredProfiles, type ObservedProfiles } from './kinds/profile/engine.js'
import type { ObservedWorkgroups } from './kinds/workgroup/engine.js'
import { teamDomainName } from './model/topology.js'
import { resultsLocation, teamWorkspace } from './model/workspace.js'
import type { PlanAccount } from './plan/types.js'
import {
  type MeshStatus,
  meshMissingItems,
  readMeshStatus,
  renderMeshStatus,
  type TeamMeshReadings,
  teamLinkGrants,
  teamMeshReadings,
} from './status-data-mesh.js'
import { count } from './text.js'

export interface TeamStatus {
  team: string
  /** duplicates: other applications tagged as this team's (two applies raced; plan --prune deletes them). */
  application: { exists: boolean; name?: string; assignmentRequired?: boolean; duplicates: number }
  assigned: { users: number; groups: number }
  /** extra: profiles named like the team's that the file does not call for (in any domain of the file). */
  profiles: { expected: number; present: number; missing: number; extra: number }
  /** LF grants: in a data mesh's consumer account, the team role's grants in the governance catalog. */
  grants: { expected: number; inPlace: number }
  /** A data mesh's consumer team: its role's DESCRIBE on the resource links it uses. */
  links?: { expected: number; inPlace: number }
  console: { verified: boolean; firstLogin?: string; lastLogin?: string; logins: number }
  /** The team's Athena workgroup and S3 prefix, when the file gives it a workspace. */
  workspace?: { workGroup: string; location: string; inPlace: boolean; problem?: string }
}

type AcsReport = { deployed: boolean; url?: string; version?: string; lastModified?: string }

/**
 * What is in place, account → domain → team, as the plan groups them; one shape for every teams
 * file (a one-domain file: one account, the caller's, with one domain).
 */
export interface StatusReport {
  accounts: AccountStatus[]
  acs?: AcsReport
  /** Members of the file the identity store does not have ("user x of team t"): missing too. */
  membersNotFound?: string[]
  /** A file with dataMesh: each consumer account's resource links and the governance account's shares to it. */
  dataMesh?: MeshStatus
}

export interface AccountStatus {
  /** As the file names it; `identity-center` for the account of the CLI's own credentials. */
  name: string
  id: string
  /** The role assumed there (absent: the CLI's own credentials). */
  roleArn?: string
  /** Empty `teams` when the account could not be read (see error). */
  domains: { name: string; id: string; teams: TeamStatus[] }[]
  /** Why the account could not be read: the plan's own error and hint (e.g. its role cannot be assumed). */
  error?: PlanAccount['error']
}

/** What the Identity Center account holds for every team. */
interface IdentityCenterReadings {
  apps: ObservedApplication[]
  assignments: ObservedAssignments
  logins: AcsStatus
}

/** What a team's account holds: its LF grants and workgroups. */
interface AccountReadings {
  ctx: EngineContext
  grants: ObservedGrants
  wantGrants: DesiredGrants
  workgroups: { observed?: ObservedWorkgroups; problem?: string }
  /** A data mesh's consumer account (its teams' grants are then the governance catalog's). */
  mesh?: TeamMeshReadings
}

/** What one domain holds: its profiles, and those the file wants there. */
interface DomainReadings {
  profiles: ObservedProfiles
  want: DesiredProfiles
}

function checkTeams(teams: LoadedTeams, only: string[] | undefined): void {
  for (const team of only ?? [])
    if (!teams.config.teams[team]) throw new UserError(`--team ${team}: no such team in ${teams.file}`)
}

const selected = (only: string[] | undefined) => (team: string) => !only?.length || only.includes(team)

async function accountReadings(
  ctx: EngineContext,
  workgroups: AccountReadings['workgroups'],
): Promise<AccountReadings> {
  const mesh = await teamMeshReadings(ctx)
  if (mesh)
    return { ctx, grants: mesh.grants, wantGrants: mesh.wantGrants as DesiredGrants, workgroups, mesh }
  return {
    ctx,
    grants: await ctx.observed<ObservedGrants>('lf-grant'),
    wantGrants: (await lfGrants.desire(ctx)) as DesiredGrants,
    workgroups,
  }
}

/** The workgroups; a missing workspace bucket stops a plan, here it is reported per team instead. */
function workgroupReadings(ctx: EngineContext): Promise<AccountReadings['workgroups']> {
  return ctx.observed<ObservedWorkgroups>('workgroup').then(
    (observed) => ({ observed }),
    (err: Error) => ({ problem: err.message }),
  )
}

async function domainReadings(ctx: EngineContext): Promise<DomainReadings> {
  return { profiles: await ctx.observed<ObservedProfiles>('profile'), want: desiredProfiles(ctx) }
}

function acsReport(
  config: TeamsFile,
  acs: ObservedAcsFunction | null,
  logins: AcsStatus,
): AcsReport | undefined {
  if (!config.acs) return undefined
  return {
    deployed: Boolean(acs?.function),
    url: logins.functionUrl,
    version: acs?.function?.version,
    lastModified: acs?.function?.lastModified,
  }
}

/** The members the identity store does not have, of the selected teams (status exits 1 for them). */
function membersNotFound(
  identities: EngineContext['identities'],
  only?: string[],
): { membersNotFound?: string[] } {
  const lines = (identities.missing ?? [])
    .filter((m) => selected(only)(m.team))
    .map((m) => `${m.kind} ${m.name} of team ${m.team} (not in the identity store)`)
  return lines.length ? { membersNotFound: lines } : {}
}

/**
 * Read through the plan's own parts (the Identity Center account, each account as plan acts there,
 * each domain), so status sees exactly what plan sees. An account that cannot be read is reported
 * with the plan's error and hint; the others are shown.
 */
export async function readStatus(
  aws: AwsClients,
  teams: LoadedTeams,
  only?: string[],
): Promise<StatusReport> {
  checkTeams(teams, only)
  const config = teams.config
  const { buildPlan } = await import('./engine/scopes.js')
  // The workgroups are read here, not planned: a missing bucket is its teams' problem, not the account's.
  const many = await buildPlan(
    aws,
    teams,
    { prune: false, force: false, refresh: 'existence' },
    undefined,
    undefined,
    ['workgroup'],
  )
  // The part that plans the ACS (the Identity Center account's): its function and login records.
  const acsCtx = many.parts.find((p) => p.ctx.kinds.includes('acs-function'))?.ctx ?? many.ctx
  const [apps, assignments, acs, logins] = await Promise.all([
    many.ctx.observed<ObservedApplication[]>('application'),
    many.ctx.observed<ObservedAssignments>('assignment'),
    acsCtx.observed<ObservedAcsFunction | null>('acs-function'),
    readAcsStatus({ aws: acsCtx.aws, teams }),
  ])
  const ic = { apps, assignments, logins }
  const domainParts = many.parts.filter((p) => p.domain !== undefined)
  const everyDomain = await Promise.all(domainParts.map((p) => domainReadings(p.ctx)))
  const pick = selected(only)
  const accounts: AccountStatus[] = []
  for (const a of many.plan.context.accounts ?? []) {
    const teamsOf = (domain: string) =>
      Object.keys(config.teams).filter((t) => teamDomainName(config, t) === domain && pick(t))
    const base = { name: a.name, id: a.id, ...(a.roleArn ? { roleArn: a.roleArn } : {}) }
    if (a.error) {
      if (a.domains.some((d) => teamsOf(d.name).length > 0) || !only?.length)
        accounts.push({ ...base, domains: a.domains.map((d) => ({ ...d, teams: [] })), error: a.error })
      continue
    }
    const domains: AccountStatus['domains'] = []
    // The account's own part (its LF grants and workgroups), not the Identity Center's, the ACS's or
    // a data mesh's governance part (an account without domains has none: no team to show).
    const accountPart = many.parts.find(
      (p) => p.account === a.name && p.domain === undefined && p.ctx.kinds.includes('role'),
    )
    if (!accountPart) {
      if (!only?.length) accounts.push({ ...base, domains })
      continue
    }
    const account = await accountReadings(accountPart.ctx, await workgroupReadings(accountPart.ctx))
    for (const d of a.domains) {
      const names = teamsOf(d.name)
      if (names.length === 0 && only?.length) continue
      const home = everyDomain[domainParts.findIndex((p) => p.account === a.name && p.domain === d.name)]
      domains.push({
        ...d,
        teams: names.map((team) => teamStatus(team, ic, account, home, everyDomain)),
      })
    }
    if (domains.length > 0 || !only?.length) accounts.push({ ...base, domains })
  }
  const mesh = await readMeshStatus(many.parts, many.plan.context.accounts ?? [])
  const dataMesh = mesh && only?.length ? meshOfTeams(mesh, many.teamAccount, only) : mesh
  return {
    accounts,
    ...(config.acs ? { acs: acsReport(config, acs, logins) } : {}),
    ...(dataMesh ? { dataMesh } : {}),
    ...membersNotFound(many.ctx.identities, only),
  }
}

/**
 * With --team: the data mesh's consumer accounts that hold the named teams, each with only the
 * links they use (another account's missing link is not theirs, and does not fail their status).
 */
function meshOfTeams(mesh: MeshStatus, teamAccount: Record<string, string>, only: string[]): MeshStatus {
  const accounts = new Set(only.map((t) => teamAccount[t]))
  return {
    ...mesh,
    consumers: mesh.consumers
      .filter((c) => accounts.has(c.account))
      .map((c) =>
        c.links ? { ...c, links: c.links.filter((l) => l.teams.some((t) => only.includes(t))) } : c,
      ),
  }
}

/** One team: `home` is its domain; `domains` every domain read (profiles named like the team's elsewhere are extra). */
function teamStatus(
  team: string,
  ic: IdentityCenterReadings,
  account: AccountReadings,
  home: DomainReadings,
  domains: DomainReadings[],
): TeamStatus {
  const config = account.ctx.teams.config
  const app = teamApplication(ic.apps, team)
  const duplicates = duplicateApplications(ic.apps, team).length
  const expected = [...home.want.values()].filter((p) => p.team === team)
  const present = expected.filter((p) => home.profiles.byName.has(p.profileName.toLowerCase())).length
  let extra = 0
  for (const d of domains)
    extra += [...d.profiles.byName.keys()].filter((k) => k.startsWith(`${team}-`) && !d.want.has(k)).length
  const teamGrants = [...account.wantGrants.entries()].filter(([, g]) => g.team === team)
  const assigned = ic.assignments.get(team) ?? []
  const l = ic.logins.logins.get(team)
  const ws = teamWorkspace(config, team, account.ctx.discovery)
  const wg = ws ? account.workgroups.observed?.get(ws.workGroup) : undefined
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
        const o = account.grants.get(key)
        return o && g.permissions.every((p) => o.permissions.includes(p))
      }).length,
    },
    ...(account.mesh && config.teams[team]?.sharedDatabases?.length
      ? { links: teamLinkGrants(account.mesh, team) }
      : {}),
    console: l
      ? { verified: true, firstLogin: l.first, lastLogin: l.last, logins: l.count }
      : { verified: false, logins: 0 },
    ...(ws
      ? {
          workspace: {
            workGroup: ws.workGroup,
            location: `s3://${ws.bucket}/${ws.prefix}`,
            inPlace: wg?.team === team && wg.outputLocation === resultsLocation(ws) && wg.enforced,
            ...(account.workgroups.problem ? { problem: account.workgroups.problem } : {}),
          },
        }
      : {}),
  }
}

/** The table of teams, one row each. */
function teamTable(teams: TeamStatus[]): string[] {
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
  const workspaces = teams.some((t) => t.workspace)
  if (workspaces) rows[0].push('workspace')
  const links = teams.some((t) => t.links)
  if (links) rows[0].push('link DESCRIBE')
  for (const t of teams) {
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
      ...(links ? [t.links ? `${t.links.inPlace}/${t.links.expected}` : '-'] : []),
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
  return lines
}

function acsLine(acs: AcsReport | undefined): string {
  return acs
    ? acs.deployed
      ? `ACS: ${acs.url ?? '(no URL)'} version ${acs.version}, updated ${acs.lastModified}`
      : 'ACS: not deployed (run apply)'
    : 'ACS: not configured'
}

/**
 * Account → domain → team; an account that could not be read says why (its error and hint). One
 * account with one domain (a one-domain file) is its domain's table: nothing to tell apart.
 */
export function renderStatus(r: StatusReport): string {
  const only = r.accounts.length === 1 && !r.accounts[0].error && r.accounts[0].domains.length === 1
  if (only) {
    const d = r.accounts[0].domains[0]
    const problem = d.teams.find((t) => t.workspace?.problem)?.workspace?.problem
    return `Domain ${d.id}\n\n${teamTable(d.teams).join('\n')}\n\n${problem ? `Workspaces: ${problem}\n\n` : ''}${acsLine(r.acs)}\n`
  }
  const out: string[] = []
  for (const a of r.accounts) {
    const account =
      a.name === 'identity-center'
        ? `Identity Center account (${a.id})`
        : `Account ${a.name} (${a.id})${a.roleArn ? ` as ${a.roleArn}` : ''}`
    if (a.error) {
      out.push(
        `${account}: NOT READ`,
        `  ${a.error.message}`,
        ...(a.error.hint ? [`  Hint: ${a.error.hint}`] : []),
        `  Domains not shown: ${a.domains.map((d) => `${d.name} (${d.id})`).join(', ')}`,
        '',
      )
      continue
    }
    for (const d of a.domains)
      out.push(`${account} · domain ${d.name} (${d.id})`, '', ...teamTable(d.teams), '')
  }
  if (r.dataMesh) out.push(...renderMeshStatus(r.dataMesh), '')
  return `${out.join('\n')}\n${acsLine(r.acs)}\n`
}

/** What the report shows missing: missingItems of every team, with a data mesh's (links, shares). */
export function statusMissingItems(r: StatusReport, fileHasAcs: boolean): string[] {
  return [
    ...missingItems(
      r.accounts.flatMap((a) => a.domains.flatMap((d) => d.teams)),
      r.acs,
      fileHasAcs,
    ),
    ...meshMissingItems(r.dataMesh),
  ]
}

/**
 * What the file asks for that is not in place, one line per team and thing (status exits 1 when
 * any): the application, LF grants, the workspace, a data mesh team's link grants; with an `acs`
 * section, the ACS.
 */
export function missingItems(teams: TeamStatus[], acs: AcsReport | undefined, fileHasAcs: boolean): string[] {
  const out: string[] = []
  for (const t of teams) {
    if (!t.application.exists) out.push(`${t.team}: application missing`)
    if (t.grants.inPlace < t.grants.expected)
      out.push(`${t.team}: ${t.grants.expected - t.grants.inPlace} of ${t.grants.expected} LF grants missing`)
    if (t.workspace && !t.workspace.inPlace) out.push(`${t.team}: workspace not in place`)
    if (t.links && t.links.inPlace < t.links.expected)
      out.push(
        `${t.team}: DESCRIBE on ${t.links.expected - t.links.inPlace} of ${t.links.expected} resource links missing`,
      )
  }
  if (fileHasAcs && acs && !acs.deployed) out.push('ACS not deployed')
  return out
}
