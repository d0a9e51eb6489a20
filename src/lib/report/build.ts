/**
 * The access certification report: per team its members (direct and through which group), their
 * profiles and last sign-in (the ACS's login records), what its role can reach (the scenario matrix,
 * evaluated by IAM's simulator as plan's review is), its data (workspace, LF-tag grants), and the
 * findings a reviewer acts on. Read through the engine's own observers (refresh `full`: every
 * managed profile is read, so a kept profile names its user), never written to.
 */
import { readAcsStatus } from '../acs/status.js'
import type { AwsClients } from '../aws/clients.js'
import type { LoadedTeams } from '../config/load.js'
import type { ScopedPlan } from '../engine/scopes.js'
import { UserError } from '../errors.js'
import type { ObservedBoundary } from '../kinds/boundary/engine.js'
import type { EngineContext } from '../kinds/engine-contract.js'
import type { ObservedGrants } from '../kinds/lf-grant/engine.js'
import type { MeshGrants } from '../kinds/mesh-grant/engine.js'
import type { ObservedProfiles } from '../kinds/profile/engine.js'
import type { ObservedRoles } from '../kinds/role/engine.js'
import {
  ABAC_TAG,
  boundaryPolicyArn,
  profileName,
  TAG_TEAM,
  TAG_USER_ID,
  TAG_USER_NAME,
  teamRoleArn,
  teamRoleName,
} from '../model/names.js'
import { teamDomainName } from '../model/topology.js'
import { teamWorkspace } from '../model/workspace.js'
import type { LfGrantPayload, PolicyDocument, RolePayload } from '../plan/types.js'
import { readMemberSignIns } from './logins.js'
import type {
  AccessReport,
  ReportCrossTeam,
  ReportFinding,
  ReportMember,
  ReportProfile,
  ReportReach,
  ReportTeam,
} from './types.js'

export interface ReportOptions {
  /** A member without a sign-in within this many days is a finding. */
  staleDays: number
  teams?: string[]
  now?: Date
}

const DAY_MS = 86_400_000
/** A row about another team's resources (the cross-team part of the matrix). */
const CROSS = /another team/

export async function buildAccessReport(
  aws: AwsClients,
  teams: LoadedTeams,
  options: ReportOptions,
): Promise<AccessReport> {
  const config = teams.config
  for (const t of options.teams ?? [])
    if (!config.teams[t]) throw new UserError(`--team ${t}: no such team in ${teams.file}`)
  const now = options.now ?? new Date()
  // The plan's own scopes: the Identity Center account (members, the ACS), each account (roles,
  // boundary, grants, a data mesh's links) and each domain (profiles), read as plan reads them.
  const { buildPlan } = await import('../engine/scopes.js')
  const many = await buildPlan(aws, teams, { prune: false, force: false, refresh: 'full' })
  const identities = many.ctx.identities
  const selected = Object.keys(config.teams).filter(
    (t) => !options.teams?.length || options.teams.includes(t),
  )
  const scopes = new Map(selected.map((team) => [team, teamScope(many, team)]))
  const failed = (many.plan.context.accounts ?? []).filter(
    (a) =>
      a.error &&
      selected.some(
        (t) => scopes.get(t) === undefined && a.domains.some((d) => d.name === teamDomainName(config, t)),
      ),
  )
  if (failed.length > 0)
    throw new UserError(
      failed.map((a) => a.error!.message).join('\n'),
      1,
      failed.flatMap((a) => (a.error!.hint ? [a.error!.hint] : [])).join('\n') || undefined,
    )
  // The ACS (its account's part): the per-team and per-member login records.
  const acsCtx = many.parts.find((p) => p.ctx.kinds.includes('acs-function'))?.ctx ?? many.ctx
  const accountParts = [...new Set(selected.map((t) => scopes.get(t)!.account))]
  const [acs, readings] = await Promise.all([
    readAcsStatus({ aws: acsCtx.aws, teams }),
    Promise.all(accountParts.map((ctx) => accountReadings(ctx, selected))),
  ])
  const readingsOf = (team: string) => readings[accountParts.indexOf(scopes.get(team)!.account)]
  const profilesByTeam = new Map(
    await Promise.all(
      selected.map(async (team) => {
        const profiles = await scopes.get(team)!.domain.observed<ObservedProfiles>('profile')
        return [team, profiles] as const
      }),
    ),
  )
  const profilesOf = (team: string) =>
    [...profilesByTeam.get(team)!.byName.values()].filter((p) => p.tags?.[TAG_TEAM] === team)
  const pairs = selected.flatMap((team) => [
    ...[...(identities.teamUsers.get(team)?.keys() ?? [])].map((userId) => ({ team, userId })),
    ...profilesOf(team).flatMap((p) =>
      p.tags?.[TAG_USER_ID] ? [{ team, userId: p.tags[TAG_USER_ID] }] : [],
    ),
  ])
  const signIns = await readMemberSignIns({ aws: acsCtx.aws, teams }, pairs)
  const isStale = (last?: string) => !last || now.getTime() - Date.parse(last) > options.staleDays * DAY_MS

  const findings: ReportFinding[] = []
  const crossTeam: ReportCrossTeam[] = []
  const reports: ReportTeam[] = []
  for (const team of selected) {
    const tc = config.teams[team]
    const { account, domain } = scopes.get(team)!
    const d = account.discovery
    const { grants, evaluations } = readingsOf(team)
    const users = identities.teamUsers.get(team) ?? new Map()
    const via = new Map<string, string[]>()
    const add = (userId: string, how: string) => via.set(userId, [...(via.get(userId) ?? []), how])
    for (const name of tc.members?.users ?? []) {
      const u = identities.usersByName.get(name)
      if (u) add(u.userId, 'direct')
    }
    for (const g of tc.members?.groups ?? [])
      for (const id of identities.groupsByName.get(g)?.memberIds ?? []) add(id, `group:${g}`)
    const profiles = profilesByTeam.get(team)!
    const members: ReportMember[] = [...users.values()]
      .map((u) => {
        const name = profileName(team, u.userId)
        const present = profiles.byName.get(name.toLowerCase())
        const s = signIns.get(`${team}#${u.userId}`)
        return {
          userId: u.userId,
          userName: u.userName,
          ...(u.email ? { email: u.email } : {}),
          via: via.get(u.userId) ?? [],
          ...(present ? { profile: present.name } : {}),
          ...(s ? { lastSignIn: s.last } : {}),
          signIns: s?.count ?? 0,
          stale: isStale(s?.last),
        }
      })
      .sort((a, b) => a.userName.localeCompare(b.userName))
    for (const m of members)
      if (m.stale)
        findings.push({
          kind: 'stale-member',
          team,
          subject: m.userName,
          message: m.lastSignIn
            ? `last signed in ${m.lastSignIn.slice(0, 10)}, more than ${options.staleDays} days ago`
            : `has not signed in through the ACS (within ${options.staleDays} days or at all)`,
        })

    const teamProfiles: ReportProfile[] = profilesOf(team)
      .map((p) => {
        const userId = p.tags?.[TAG_USER_ID]
        const s = userId ? signIns.get(`${team}#${userId}`) : undefined
        return {
          name: p.name,
          ...(userId ? { userId } : {}),
          ...(p.tags?.[TAG_USER_NAME] ? { userName: p.tags[TAG_USER_NAME] } : {}),
          ...(p.status ? { status: p.status } : {}),
          member: !!userId && users.has(userId),
          ...(s ? { lastSignIn: s.last } : {}),
        }
      })
      .sort((a, b) => a.name.localeCompare(b.name))
    for (const p of teamProfiles)
      if (!p.member)
        findings.push({
          kind: 'kept-profile',
          team,
          subject: p.name,
          message: `profile of ${p.userName ?? p.userId ?? 'an unknown user'}, kept after the member left (access revoked; its home directory stays until apply --prune deletes it)`,
        })

    const l = acs.logins.get(team)
    const consoleSteps = l ? { verified: true, firstLogin: l.first, lastLogin: l.last } : { verified: false }
    if (!l && config.acs)
      findings.push({
        kind: 'console-not-verified',
        team,
        subject: team,
        message:
          'the console steps (ACS URL, audience, attribute mappings) were never verified by a signed login',
      })

    const roleName = teamRoleName(team)
    const roleArn = teamRoleArn(tc.executionRole, team, d.accountId, d.partition)
    const ws = teamWorkspace(config, team, d)
    const lakeFormation = grants
      .filter((g) => g.team === team || g.roleName === roleName || g.principalArn === roleArn)
      .map((g) => ({
        resourceType: g.resourceType,
        expression: g.expression.map((t) => `${t.TagKey}=${t.TagValues.join('|')}`).join('; '),
        permissions: g.permissions,
        ...(g.catalogId && g.catalogId !== d.accountId ? { catalogId: g.catalogId } : {}),
      }))

    const e = evaluations.get(team)!
    const reach: ReportReach[] = e.reach
    for (const r of reach)
      if (r.outcome !== r.expected)
        findings.push({
          kind: 'unexpected-reach',
          team,
          subject: r.scenario,
          message: `the role's outcome is ${r.outcome}, the tool's policies intend ${r.expected} (a managed policy or a hand change?)`,
        })
    for (const c of e.cross) {
      crossTeam.push(c)
      if (c.outcome === 'Allowed')
        findings.push({
          kind: 'cross-team-access',
          team,
          subject: c.otherTeam,
          message: `${team}'s role can ${c.scenario}`,
        })
    }
    if (!e.evaluated)
      findings.push({
        kind: 'not-evaluated',
        team,
        subject: team,
        message: `role not evaluated: ${e.reason}`,
      })

    reports.push({
      team,
      ...(tc.displayName ? { displayName: tc.displayName } : {}),
      accountId: d.accountId,
      domainId: domain.discovery.domainId,
      roleArn,
      members,
      profiles: teamProfiles,
      data: { ...(ws ? { workspace: ws } : {}), lakeFormation },
      reach,
      evaluation: e.evaluated ? { evaluated: true } : { evaluated: false, reason: e.reason },
      consoleSteps,
    })
  }
  // The heading's account and domain: the first domain's (a one-domain file's only one).
  const first = many.parts.find((p) => p.domain !== undefined)?.ctx.discovery ?? many.ctx.discovery
  return {
    reportVersion: 1,
    generatedAt: now.toISOString(),
    staleDays: options.staleDays,
    accountId: first.accountId,
    region: first.region,
    domainId: first.domainId,
    teams: reports,
    crossTeam,
    findings,
  }
}

/** A team's scopes: the part of its account that plans its role, and its domain's part (undefined: its account failed). */
function teamScope(
  many: ScopedPlan,
  team: string,
): { account: EngineContext; domain: EngineContext } | undefined {
  const domain = many.parts.find((p) => p.domain !== undefined && p.ctx.teams.config.teams[team])
  const account = many.parts.find(
    (p) =>
      p.domain === undefined &&
      p.account === domain?.account &&
      p.ctx.kinds.includes('role') &&
      p.ctx.teams.config.teams[team],
  )
  return domain && account ? { account: account.ctx, domain: domain.ctx } : undefined
}

type TeamGrant = Pick<LfGrantPayload, 'resourceType' | 'expression' | 'permissions'> & {
  team?: string
  roleName?: string
  principalArn?: string
  catalogId?: string
}

/**
 * What one account's part holds for its teams: the LF-tag grants (the account's own catalog's, and
 * in a data mesh's consumer account those in the governance catalog) and each selected team's role
 * evaluated against the scenario matrix (with its data-mesh links' rows).
 */
async function accountReadings(
  ctx: EngineContext,
  selected: string[],
): Promise<{ grants: TeamGrant[]; evaluations: Map<string, TeamEvaluation> }> {
  const d = ctx.discovery
  const [roles, boundary, lfGrants, meshGrants] = await Promise.all([
    ctx.observed<ObservedRoles>('role'),
    ctx.observed<ObservedBoundary[]>('boundary'),
    ctx.kinds.includes('lf-grant') ? ctx.observed<ObservedGrants>('lf-grant') : undefined,
    ctx.kinds.includes('mesh-grant') ? ctx.observed<MeshGrants>('mesh-grant') : undefined,
  ])
  const teamBoundary = boundary.find((b) => b.policyArn === boundaryPolicyArn(d.accountId, d.partition))
  const here = selected.filter((t) => ctx.teams.config.teams[t])
  return {
    grants: [...(lfGrants?.values() ?? []), ...(meshGrants?.values() ?? [])],
    evaluations: await evaluateTeams(ctx, here, roles, teamBoundary?.document),
  }
}

interface TeamEvaluation {
  evaluated: boolean
  reason?: string
  reach: ReportReach[]
  cross: ReportCrossTeam[]
}

/**
 * Each team's role as IAM has it (inline policies, managed policies' default versions, boundary,
 * Team tag), evaluated by IAM's simulator over its own rows of the matrix and the cross-team rows
 * against every other team of its account (another account's resources are reached only through
 * what that account grants, not through the role's policies).
 */
async function evaluateTeams(
  ctx: EngineContext,
  selected: string[],
  roles: ObservedRoles,
  boundaryDocument: PolicyDocument | undefined,
): Promise<Map<string, TeamEvaluation>> {
  const out = new Map<string, TeamEvaluation>()
  const d = ctx.discovery
  const config = ctx.teams.config
  const all = Object.keys(config.teams)
  const [{ awsEvaluator, SimulationUnavailable }, matrix, { managedPolicyDocuments }] = await Promise.all([
    import('../policies/simulate-aws.js'),
    import('../policies/team-matrix.js'),
    import('../policies/access-matrix.js'),
  ])
  const toolBoundary = boundaryPolicyArn(d.accountId, d.partition)
  const observedRoles = new Map<string, RolePayload>()
  for (const team of selected) {
    const r = roles.get(teamRoleName(team))
    if (config.teams[team].executionRole.create && r) observedRoles.set(team, r)
  }
  const managed = await managedPolicyDocuments(
    ctx,
    [...observedRoles.values()].flatMap((r) => [
      ...r.managedPolicyArns,
      ...(r.permissionsBoundary && r.permissionsBoundary !== toolBoundary ? [r.permissionsBoundary] : []),
    ]),
  )
  const evaluate = awsEvaluator(() => ctx.aws.iam())
  const member = (x: string) => ({
    teamId: x,
    tag: config.teams[x]?.tags?.[ABAC_TAG] ?? x,
    roleArn: teamRoleArn(config.teams[x]?.executionRole ?? {}, x, d.accountId, d.partition),
    workspace: teamWorkspace(config, x, d) ?? teamWorkspace({ ...config, workspace: {} }, x, d),
    // A data mesh's consumer team: its resource links' rows (own allowed, another team's denied).
    ...(d.dataMesh?.teamLinks?.[x] ? { links: d.dataMesh.teamLinks[x] } : {}),
  })
  const base = { partition: d.partition, region: d.region, accountId: d.accountId, domainId: d.domainId }
  for (const team of selected) {
    const role = observedRoles.get(team)
    if (!role) {
      out.set(team, {
        evaluated: false,
        reason: config.teams[team].executionRole.arn
          ? 'the role is given by ARN (executionRole.arn); its policies are not read'
          : 'the role does not exist yet (run apply)',
        reach: [],
        cross: [],
      })
      continue
    }
    const others = all.filter((x) => x !== team)
    const own = matrix
      .teamScenarios({ ...base, self: member(team), other: member(others[0] ?? 'another-team') })
      .filter((s) => !CROSS.test(s.name))
    const cross = others.flatMap((other) =>
      matrix
        .teamScenarios({ ...base, self: member(team), other: member(other) })
        .filter((s) => CROSS.test(s.name))
        .map((s) => ({ ...s, other })),
    )
    const boundary =
      role.permissionsBoundary === toolBoundary
        ? boundaryDocument
        : role.permissionsBoundary
          ? managed.get(role.permissionsBoundary)
          : undefined
    const principal = {
      roleArn: role.roleArn ?? teamRoleArn({}, team, d.accountId, d.partition),
      principalTags: { [ABAC_TAG]: role.tags[ABAC_TAG] ?? team },
      policies: {
        ...role.inlinePolicies,
        ...Object.fromEntries(role.managedPolicyArns.map((arn) => [arn, managed.get(arn) ?? EMPTY_POLICY])),
      },
      ...(boundary ? { permissionsBoundary: boundary } : {}),
    }
    try {
      const outcomes = await matrix.evaluateScenarios(principal, [...own, ...cross], evaluate)
      out.set(team, {
        evaluated: true,
        reach: outcomes.slice(0, own.length).map((o) => ({
          area: o.area,
          scenario: o.name,
          outcome: o.actual,
          expected: o.expected,
        })),
        cross: outcomes.slice(own.length).map((o, i) => ({
          team,
          otherTeam: cross[i].other,
          scenario: o.name.replace(/another team's/g, `${cross[i].other}'s`),
          outcome: o.actual,
        })),
      })
    } catch (err) {
      const reason =
        err instanceof SimulationUnavailable ? err.message : `cannot evaluate: ${(err as Error).message}`
      out.set(team, { evaluated: false, reason, reach: [], cross: [] })
    }
  }
  return out
}

const EMPTY_POLICY: PolicyDocument = { Version: '2012-10-17', Statement: [] }
