/**
 * The data mesh of a teams file (`dataMesh:`): which account governs the LF-tags, which accounts
 * consume, the resource links each consumer account makes, and which teams use which link. The seed
 * (AWS blog "Build and train ML models using a data mesh architecture on AWS", parts 1 and 2): the
 * central account's catalog owns the tags; consumer admins link the shared databases and grant their
 * Studio roles the central catalog's LF-tag expressions.
 */

import { fileAccounts, teamDomainName } from '../model/topology.js'
import type { LfExpressionTerm } from '../plan/types.js'
import type { TeamLink } from '../policies/data-mesh.js'
import { closest } from '../text.js'
import { checkValue, type RequestMember } from './aws-limits.js'
import type { Locator, PathSegment, Problem } from './problems.js'
import type { TeamsFile } from './types.js'

export const MESH_TARGETS = {
  linkName: { service: 'glue', operation: 'CreateDatabase', members: ['DatabaseInput', 'Name'] },
  targetDatabase: {
    service: 'glue',
    operation: 'CreateDatabase',
    members: ['DatabaseInput', 'TargetDatabase', 'DatabaseName'],
  },
} satisfies Record<string, RequestMember>

export interface MeshLink {
  /** The resource link's name (a database of the consumer account). */
  name: string
  /** The target database and the account id of the catalog that owns it. */
  database: string
  catalogId: string
}

/** The resolved data mesh: account ids, each consumer's links, each team's links. */
export interface DataMesh {
  governance: { name: string; accountId: string; role?: string }
  /** Consumer account name → its links by name. */
  consumers: Map<string, { name: string; accountId: string; links: Map<string, MeshLink> }>
}

/** The account name (under `accounts:`) a team lives in; undefined = the caller's own account. */
export function teamAccountName(config: TeamsFile, team: string): string | undefined {
  const domain = teamDomainName(config, team)
  return domain ? config.domains?.[domain]?.account : undefined
}

/** The data mesh of a valid file, or undefined when it has none. */
export function dataMeshOf(config: TeamsFile): DataMesh | undefined {
  const mesh = config.dataMesh
  if (!mesh) return undefined
  const accounts = fileAccounts(config)
  const idOf = (ref: string) =>
    /^\d{12}$/.test(ref) ? ref : (accounts.find((a) => a.name === ref)?.id ?? ref)
  const governance = {
    name: mesh.governance.account,
    accountId: idOf(mesh.governance.account),
    ...(mesh.governance.role ? { role: mesh.governance.role } : {}),
  }
  const consumers: DataMesh['consumers'] = new Map()
  for (const [name, c] of Object.entries(mesh.consumers ?? {})) {
    const links = new Map<string, MeshLink>()
    for (const [link, target] of Object.entries(c.sharedDatabases ?? {}))
      links.set(link, {
        name: link,
        database: target.database,
        catalogId: target.catalog ? idOf(target.catalog) : governance.accountId,
      })
    consumers.set(name, { name, accountId: idOf(name), links })
  }
  return { governance, consumers }
}

/** The links a team uses (its `sharedDatabases`, resolved in its consumer account). */
export function teamLinks(config: TeamsFile, mesh: DataMesh, team: string): MeshLink[] {
  const account = teamAccountName(config, team)
  const consumer = account ? mesh.consumers.get(account) : undefined
  return (config.teams[team]?.sharedDatabases ?? [])
    .map((l) => consumer?.links.get(l))
    .filter((l): l is MeshLink => Boolean(l))
}

/** The rules of `dataMesh:` and `teams.<t>.sharedDatabases` a schema cannot express. */
export function checkDataMesh(config: TeamsFile, at: Locator): Problem[] {
  const problems: Problem[] = []
  const isMap = (v: unknown): v is Record<string, unknown> =>
    Boolean(v) && typeof v === 'object' && !Array.isArray(v)
  const accounts = isMap(config.accounts) ? config.accounts : {}
  const names = Object.keys(accounts)
  const unknownAccount = (path: PathSegment[], name: string, what: string) => {
    const guess = closest(name, names)
    problems.push(
      at.problem(
        path,
        `${what} "${name}" is not declared under accounts${guess ? ` (did you mean "${guess}"?)` : ''}`,
      ),
    )
  }
  const mesh = isMap(config.dataMesh) ? config.dataMesh : undefined
  const teams = isMap(config.teams) ? config.teams : {}
  if (!mesh) {
    for (const [id, team] of Object.entries(teams))
      if (isMap(team) && team.sharedDatabases !== undefined)
        problems.push(
          at.problem(
            ['teams', id, 'sharedDatabases'],
            'sharedDatabases needs a dataMesh: section (the consumer account that links them)',
            true,
          ),
        )
    return problems
  }
  const governance = isMap(mesh.governance) ? mesh.governance : undefined
  const governanceName = typeof governance?.account === 'string' ? governance.account : undefined
  if (governanceName !== undefined && !(governanceName in accounts))
    unknownAccount(['dataMesh', 'governance', 'account'], governanceName, 'account')
  if (typeof governance?.role === 'string')
    checkValue(
      governance.role,
      { service: 'iam', operation: 'CreateRole', members: ['RoleName'] },
      'role name',
      (m) => problems.push(at.problem(['dataMesh', 'governance', 'role'], m)),
    )
  const consumers = isMap(mesh.consumers) ? mesh.consumers : {}
  for (const [name, consumer] of Object.entries(consumers)) {
    const base = ['dataMesh', 'consumers', name]
    if (!(name in accounts)) unknownAccount(base, name, 'consumer account')
    else if (name === governanceName)
      problems.push(
        at.problem(
          base,
          `${name} is the governance account: its teams use its own catalog, no resource link is needed`,
          true,
        ),
      )
    const links = isMap(consumer) && isMap(consumer.sharedDatabases) ? consumer.sharedDatabases : {}
    for (const [link, target] of Object.entries(links)) {
      const path = [...base, 'sharedDatabases', link]
      checkValue(link, MESH_TARGETS.linkName, 'resource link name', (m) =>
        problems.push(at.problem(path, m, true)),
      )
      if (!isMap(target)) continue
      if (typeof target.database === 'string')
        checkValue(target.database, MESH_TARGETS.targetDatabase, 'database name', (m) =>
          problems.push(at.problem([...path, 'database'], m)),
        )
      if (
        typeof target.catalog === 'string' &&
        !/^\d{12}$/.test(target.catalog) &&
        !(target.catalog in accounts)
      )
        unknownAccount([...path, 'catalog'], target.catalog, 'catalog account')
    }
  }
  for (const [id, team] of Object.entries(teams)) {
    if (!isMap(team)) continue
    const account = teamAccountName(config, id)
    const consumer = account !== undefined && isMap(consumers[account]) ? consumers[account] : undefined
    const links = consumer && isMap(consumer.sharedDatabases) ? consumer.sharedDatabases : {}
    const used = Array.isArray(team.sharedDatabases) ? team.sharedDatabases : []
    used.forEach((link, i) => {
      if (typeof link !== 'string') return
      if (!consumer) {
        problems.push(
          at.problem(
            ['teams', id, 'sharedDatabases', i],
            `team ${id} is in ${account === undefined ? "the caller's own account" : `account ${account}`}, which is not under dataMesh.consumers`,
          ),
        )
        return
      }
      if (!(link in links)) {
        const guess = closest(link, Object.keys(links))
        problems.push(
          at.problem(
            ['teams', id, 'sharedDatabases', i],
            `resource link "${link}" is not declared under dataMesh.consumers.${account}.sharedDatabases${guess ? ` (did you mean "${guess}"?)` : ''}`,
          ),
        )
      }
    })
    // A team's grants resolve against the governance catalog: its account is either the governance
    // account (its own catalog) or a consumer the governance account grants to.
    const grants = Array.isArray(team.lakeFormation) ? team.lakeFormation : []
    if (grants.length > 0 && !consumer && account !== governanceName)
      problems.push(
        at.problem(
          ['teams', id, 'lakeFormation'],
          `team ${id}'s LF-tag grants resolve against the governance catalog (${governanceName ?? 'dataMesh.governance'}): its account ${account ?? "(the caller's own)"} must be under dataMesh.consumers`,
          true,
        ),
      )
  }
  return problems
}

/** One consumer account's share: the LF-tag values and policies its teams use. */
export interface ConsumerShare {
  accountName: string
  accountId: string
  /** Tag key → the values the account's teams' expressions name. */
  tags: Map<string, Set<string>>
  /** "<type>|<expression>" → the policy, the union of the teams' permissions, and the teams. */
  policies: Map<
    string,
    {
      resourceType: 'DATABASE' | 'TABLE'
      expression: LfExpressionTerm[]
      permissions: Set<string>
      teams: Set<string>
    }
  >
  teams: string[]
}

/** A part's share of the data mesh (Discovery.dataMesh). */
export interface MeshPart {
  governanceAccountId: string
  /** Every account of the file but the governance one, id → name: the principals the shares are for. */
  accounts: Record<string, string>
  /** Governance part: what each consumer account's teams use. */
  shares?: ConsumerShare[]
  /** Consumer part: its links (every one the file declares for it). */
  links?: MeshLink[]
  /** Consumer part: each team's links (teams of this account only). */
  teamLinks?: Record<string, TeamLink[]>
}
