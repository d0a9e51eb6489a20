/**
 * `import`: writes a teams file from an account where the tool's resources already exist (set up
 * by an earlier apply, or by hand and then tagged): the managed SAML applications and their
 * assignments, the managed profiles' teams, the team roles, the LF-tag grants and the ACS. It reads
 * through the engine's own observers; the result validates and plans no changes.
 */
import { DescribeGroupCommand, DescribeUserCommand } from '@aws-sdk/client-identitystore'
import { GetFunctionCommand } from '@aws-sdk/client-lambda'
import { DescribeUserProfileCommand } from '@aws-sdk/client-sagemaker'
import pLimit from 'p-limit'
import { Document } from 'yaml'
import type { AcsConfig } from './acs/config.js'
import {
  readAcsSettingsTag,
  readDeployedPackage,
  TAG_ACS_SETTINGS,
  TAG_TEAM_ORDER,
} from './acs/deployment.js'
import type { AwsClients } from './aws/clients.js'
import type { LoadedTeams } from './config/load.js'
import {
  ACS_DEFAULTS,
  DEFAULT_ACCOUNT_ROLE,
  DEFAULT_DOMAIN_NAME,
  type LfGrantConfig,
  type TeamConfig,
  type TeamsFile,
} from './config/types.js'
import { findDomain, findInstance, partitionOf } from './engine/discovery.js'
import { accountClients, accountError, accountRoleArn } from './engine/scopes.js'
import { awsErrorCode, UserError } from './errors.js'
import { applications } from './kinds/application/engine.js'
import { assignments } from './kinds/assignment/engine.js'
import type { Discovery, EngineContext } from './kinds/engine-contract.js'
import { lfGrants } from './kinds/lf-grant/engine.js'
import { profiles } from './kinds/profile/engine.js'
import { readRole } from './kinds/role/engine.js'
import {
  ABAC_TAG,
  TAG_MANAGED,
  TAG_SETTINGS_KEYS,
  TAG_TAG_KEYS,
  TAG_TEAM,
  TAG_USER_ID,
  TAG_USER_NAME,
  teamRoleArn,
  teamRoleName,
} from './model/names.js'

/** A domain to import: in the caller's account, or in another account through a role. */
export interface ImportDomain {
  domainId: string
  /**
   * Another account: its id, the role the CLI assumes there (default sagemaker-teams-admin) and,
   * when not --region, the region of its domains.
   */
  account?: { id: string; role?: string; region?: string }
}

export interface ImportOptions {
  region: string
  domains: ImportDomain[]
  /** The account of the ACS when not the caller's (the file's acs.account). */
  acsAccount?: NonNullable<ImportDomain['account']>
  /** A data mesh's governance account (the file's dataMesh.governance): its LF-tags and the links to its catalog. */
  governanceAccount?: NonNullable<ImportDomain['account']>
  functionName?: string
  file: string
}

export interface ImportResult {
  config: TeamsFile
  /** What plan on the written file will still change (the file cannot say it otherwise). */
  warnings: string[]
}

// ACCOUNT_ID[@REGION][:ROLE]:DOMAIN_ID; the region sticks to the account id, so a role name may hold '@'.
const DOMAIN_FLAG =
  /^(?:(\d{12})(?:@([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d))?:(?:([\w+=,.@-]{1,64}):)?)?(d-(?:-*[a-z0-9]){1,61})$/

/**
 * `--domain`: DOMAIN_ID (the caller's account), ACCOUNT_ID:DOMAIN_ID or ACCOUNT_ID:ROLE:DOMAIN_ID,
 * the account id optionally with @REGION (its domains' region, when not --region).
 */
export function parseImportDomain(value: string): ImportDomain {
  const m = DOMAIN_FLAG.exec(value)
  if (!m)
    throw new UserError(
      `--domain ${value}: expected DOMAIN_ID, ACCOUNT_ID:DOMAIN_ID or ACCOUNT_ID:ROLE:DOMAIN_ID (ACCOUNT_ID@REGION: another region)`,
      1,
      'e.g. --domain d-abcdefghijkl (a domain of the account whose credentials run the CLI), --domain 222222222222:d-abcdefghijkl (account 222222222222 through its role sagemaker-teams-admin), --domain 222222222222:ops-admin:d-abcdefghijkl (through the role ops-admin), --domain 222222222222@eu-west-1:d-abcdefghijkl (its domains in eu-west-1).',
    )
  const [, accountId, region, role, domainId] = m
  return {
    domainId,
    ...(accountId
      ? { account: { id: accountId, ...(role ? { role } : {}), ...(region ? { region } : {}) } }
      : {}),
  }
}

/** Where one domain to import is: its account, and that account's clients. */
interface Located {
  domainId: string
  /** Its key under `accounts:`; undefined: the caller's own account. */
  accountName?: string
  account?: { id: string; role: string; region?: string }
  accountId: string
  clients: AwsClients
}

const ACCOUNT_FLAG = /^(\d{12})(?:@([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d))?(?::([\w+=,.@-]{1,64}))?$/

/**
 * `--acs-account` / `--governance-account`: ACCOUNT_ID[@REGION][:ROLE], the account of the ACS (the
 * file's acs.account) or of a data mesh's governance catalog (dataMesh.governance).
 */
export function parseImportAccount(
  value: string,
  flag = '--acs-account',
): NonNullable<ImportDomain['account']> {
  const m = ACCOUNT_FLAG.exec(value)
  if (!m)
    throw new UserError(
      `${flag} ${value}: expected ACCOUNT_ID, ACCOUNT_ID:ROLE, ACCOUNT_ID@REGION or ACCOUNT_ID@REGION:ROLE`,
    )
  const [, id, region, role] = m
  return { id, ...(role ? { role } : {}), ...(region ? { region } : {}) }
}

/** One domain being imported: its key under `domains:` (a file with several) and its engine context. */
interface Place extends Located {
  name: string
  ctx: EngineContext
}

const describePlace = (p: Place) =>
  `domain ${p.domainId} (${p.accountName ? `account ${p.accountId}` : `the caller's account ${p.accountId}`})`

export async function importTeams(aws: AwsClients, opts: ImportOptions): Promise<ImportResult> {
  if (opts.domains.length === 0) throw new UserError('name at least one domain with --domain')
  const partition = partitionOf(opts.region)
  // A single domain of the caller's account: a one-domain file, exactly as before accounts:/domains:.
  const single =
    opts.domains.length === 1 && !opts.domains[0].account && !opts.acsAccount && !opts.governanceAccount
  const base: TeamsFile = {
    version: 1,
    region: opts.region,
    domain: { id: opts.domains[0].domainId },
    teams: {},
  }
  const stub: LoadedTeams = { file: opts.file, dir: '.', config: base }
  const [callerId, instance] = await Promise.all([aws.accountId(), findInstance(aws, base)])
  const contextIn = (clients: AwsClients, discovery: Discovery): EngineContext => ({
    aws: clients,
    teams: stub,
    discovery,
    identities: {
      usersByName: new Map(),
      usersById: new Map(),
      groupsByName: new Map(),
      teamUsers: new Map(),
    },
    // prune + full: read the tags of every profile (none is "desired" yet).
    options: { prune: true, force: false, refresh: 'full' },
    // It plans nothing: import calls the observers it needs itself.
    kinds: [],
    warnings: [],
    kept: [],
    observed: async () => {
      throw new Error('not used')
    },
  })
  const places: Place[] = []
  const { located, acs: acsAt, governance: named } = await locate(aws, opts, partition, callerId)
  for (const at of located) {
    const found = await findDomain(at.clients, at.domainId)
    places.push({
      ...at,
      name: found.name ?? found.id,
      ctx: contextIn(at.clients, {
        accountId: at.accountId,
        region: at.clients.region,
        partition,
        instanceArn: instance.instanceArn,
        identityStoreId: instance.identityStoreId,
        domainId: found.id,
        domainArn: found.arn,
        defaultExecutionRole: found.defaultExecutionRole,
      }),
    })
  }
  nameDomains(places)
  // A data mesh is never left out silently: without --governance-account, the catalog the imported
  // accounts' resource links point to is its governance account (or a warning says why it is not read).
  const meshWarnings: string[] = []
  const governanceAt =
    named ?? (await findGovernance(aws, places, contextIn, partition, single, (w) => meshWarnings.push(w)))
  // IAM Identity Center (the applications, their assignments) and the ACS: the caller's account.
  const ctx = contextIn(aws, { ...places[0].ctx.discovery, accountId: callerId, region: aws.region })
  const apps = (await applications.observe(ctx)).filter((a) => a.tags[TAG_TEAM])
  const teams: Record<string, TeamConfig> = {}
  for (const app of apps.sort((a, b) => a.tags[TAG_TEAM].localeCompare(b.tags[TAG_TEAM]))) {
    teams[app.tags[TAG_TEAM]] = { displayName: app.name, executionRole: { create: true }, members: {} }
  }
  stub.config = { ...base, teams }
  const observed = (async (kind: string) =>
    kind === 'application' ? apps : undefined) as EngineContext['observed']
  ctx.observed = observed
  for (const p of places) p.ctx.observed = observed

  const store = await aws.identityStore()
  const assigned = await assignments.observe(ctx)
  const observedProfiles = await Promise.all(places.map((p) => profiles.observe(p.ctx)))
  // The ACS: in the caller's account, or in the account --acs-account names (the file's acs.account).
  const acs = await importAcs(acsAt?.clients ?? aws, opts.functionName ?? 'sagemaker-teams-acs')
  // One domain of the caller's account, however --domain names it (DOMAIN_ID or CALLER:DOMAIN_ID):
  // it takes every team, as a one-domain import always did.
  const ownDomainOnly = places.length === 1 && places[0].accountId === callerId
  const { home, leftOut } = await teamPlaces(
    Object.keys(teams),
    places,
    observedProfiles,
    acs?.deployed,
    ownDomainOnly,
  )
  for (const team of Object.keys(teams)) if (!home.has(team)) delete teams[team]
  // One describe per assigned principal (a team may have hundreds), a few at a time.
  const limit = pLimit(8)
  const principalName = (a: { principalType: string; principalId: string }) =>
    limit(async () => {
      const IdentityStoreId = instance.identityStoreId
      if (a.principalType === 'USER') {
        const u = await store.send(new DescribeUserCommand({ IdentityStoreId, UserId: a.principalId }))
        return u.UserName ?? a.principalId
      }
      const g = await store.send(new DescribeGroupCommand({ IdentityStoreId, GroupId: a.principalId }))
      return g.DisplayName ?? a.principalId
    })
  for (const [team, t] of Object.entries(teams)) {
    const teamAssignments = assigned.get(team) ?? []
    const names = await Promise.all(teamAssignments.map(principalName))
    const users = names.filter((_, i) => teamAssignments[i].principalType === 'USER')
    const groups = names.filter((_, i) => teamAssignments[i].principalType !== 'USER')
    t.members = {
      ...(users.length ? { users: users.sort() } : {}),
      ...(groups.length ? { groups: groups.sort() } : {}),
    }
    const place = places[home.get(team)!]
    const teamProfiles = [...observedProfiles[home.get(team)!].byName.values()].filter(
      (p) => p.tags?.[TAG_TEAM] === team,
    )
    const role = await readRole(await place.clients.iam(), teamRoleName(team))
    if (role?.tags[TAG_TEAM] === team) {
      t.executionRole = {
        create: true,
        ...(role.managedPolicyArns.length ? { managedPolicyArns: role.managedPolicyArns } : {}),
      }
      t.tags = { [ABAC_TAG]: role.tags[ABAC_TAG] ?? team }
    } else if (teamProfiles.length > 0) {
      const p = await (await place.clients.sageMaker()).send(
        new DescribeUserProfileCommand({
          DomainId: place.ctx.discovery.domainId,
          UserProfileName: teamProfiles[0].name,
        }),
      )
      t.executionRole = {
        arn: p.UserSettings?.ExecutionRole ?? place.ctx.discovery.defaultExecutionRole ?? '',
      }
    }
    const profileTags = teamProfiles[0]?.tags
    if (profileTags) {
      const own = Object.fromEntries(
        Object.entries(profileTags).filter(
          ([k]) => ![TAG_TEAM, TAG_USER_ID, TAG_USER_NAME, TAG_TAG_KEYS, TAG_SETTINGS_KEYS].includes(k),
        ),
      )
      if (Object.keys(own).length) t.tags = own
    }
    // A role to create (neither its role nor a profile was found) needs the ABAC tag: the team id.
    if (t.executionRole && 'create' in t.executionRole && !t.tags?.[ABAC_TAG])
      t.tags = { ...t.tags, [ABAC_TAG]: team }
    t.saml = { idpMetadata: `metadata/${team}.xml` }
  }

  // LF-tag grants and LF-tags: in each account, for the teams that live there.
  const warnings: string[] = [...leftOut, ...meshWarnings]
  const tags: Record<string, string[]> = {}
  const accounts = [...new Set(places.map((p) => p.accountId))]
  const tagsByAccount = new Map<string, Map<string, string[]>>()
  let anyUsed = false
  for (const accountId of accounts) {
    const inAccount = places.filter((p) => p.accountId === accountId)
    const grants = await lfGrants.observe(inAccount[0].ctx)
    const usedKeys = new Set<string>()
    const principals = new Map(
      Object.entries(teams)
        .filter(([id]) => places[home.get(id)!].accountId === accountId)
        .map(([id, t]) => [teamRoleArn(t.executionRole, id, accountId, partition), id]),
    )
    for (const g of grants.values()) {
      const team = principals.get(g.principalArn)
      if (!team) continue
      const grant: LfGrantConfig = {
        resourceType: g.resourceType,
        expression: Object.fromEntries(g.expression.map((e) => [e.TagKey, e.TagValues])),
        permissions: g.permissions,
      }
      for (const e of g.expression) usedKeys.add(e.TagKey)
      teams[team].lakeFormation = [...(teams[team].lakeFormation ?? []), grant]
    }
    anyUsed ||= usedKeys.size > 0
    // With a data mesh the LF-tags live in the governance catalog only (read below).
    if ((usedKeys.size === 0 && single) || (governanceAt && accountId !== governanceAt.account.id)) continue
    const { paginateListLFTags } = await import('@aws-sdk/client-lakeformation')
    const present = new Map<string, string[]>()
    for await (const page of paginateListLFTags(
      { client: await inAccount[0].clients.lakeFormation() },
      { MaxResults: 1000 },
    )) {
      for (const t of page.LFTags ?? []) if (t.TagKey) present.set(t.TagKey, [...(t.TagValues ?? [])].sort())
    }
    tagsByAccount.set(accountId, present)
    for (const key of usedKeys)
      if (present.has(key)) tags[key] = [...new Set([...(tags[key] ?? []), ...present.get(key)!])].sort()
  }
  // The file's lakeFormation.tags are the same in every account: say where plan will add to them.
  if (!single)
    for (const [accountId, present] of tagsByAccount)
      for (const [key, values] of Object.entries(tags)) {
        const missing = values.filter((v) => !present.get(key)?.includes(v))
        if (missing.length > 0)
          warnings.push(
            present.has(key)
              ? `LF-tag ${key} in account ${accountId} lacks ${missing.join(', ')} (another account has them): plan will add them`
              : `LF-tag ${key} does not exist in account ${accountId} (another account's grants use it): plan will create it`,
          )
      }

  const mesh = governanceAt
    ? await importDataMesh(governanceAt, places, home, teams, contextIn, partition)
    : undefined
  if (mesh) {
    anyUsed ||= mesh.usedKeys.size > 0
    for (const [key, values] of mesh.governanceTags)
      if (mesh.usedKeys.has(key) || tags[key])
        tags[key] = [...new Set([...(tags[key] ?? []), ...values])].sort()
    warnings.push(...mesh.warnings)
  }
  let result: TeamsFile = {
    version: 1,
    region: opts.region,
    domain: { id: places[0].ctx.discovery.domainId },
    teams,
  }
  if (anyUsed) result.lakeFormation = { tags }
  if (mesh) result.dataMesh = mesh.config
  if (acs) {
    result.acs = { ...acs.settings, ...(acsAt ? { account: acsAt.account.id } : {}) }
    applyDeployedConfig(result, acs.deployed, acs.order)
  }
  if (!single)
    result = manyDomainsFile(result, places, home, acs?.deployed?.domainId, [
      acsAt?.account,
      governanceAt?.account,
    ])
  return { config: result, warnings }
}

/**
 * The clients of each account named (the caller's own, or its role assumed: a refusal is the
 * plan's error and hint), one place per domain. A domain named twice, or an account named with
 * two roles, is refused.
 */
async function locate(
  aws: AwsClients,
  opts: ImportOptions,
  partition: string,
  callerId: string,
): Promise<{
  located: Located[]
  acs?: { account: { id: string; role: string; region?: string }; clients: AwsClients }
  governance?: { account: { id: string; role: string; region?: string }; clients: AwsClients }
}> {
  const roles = new Map<string, string>()
  const clientsOf = new Map<string, Promise<AwsClients>>()
  /** An account's entry and clients: one role and one region per account, its role assumed once. */
  const inAccount = (given: NonNullable<ImportDomain['account']>) => {
    const region = given.region !== opts.region ? given.region : undefined
    const account = {
      id: given.id,
      role: given.role ?? DEFAULT_ACCOUNT_ROLE,
      roleNamed: given.role !== undefined,
      ...(region ? { region } : {}),
    }
    const named = `role ${account.role} in ${account.region ?? opts.region}`
    const before = roles.get(account.id)
    if (before && before !== named)
      throw new UserError(`account ${account.id} is named twice differently (${before}; ${named}); name one`)
    roles.set(account.id, named)
    if (!clientsOf.has(account.id))
      clientsOf.set(
        account.id,
        (async () => {
          const file = { name: account.id, ...account }
          const clients = await accountClients(aws, aws, file, partition)
          try {
            await clients.checkCredentials()
          } catch (err) {
            const e = accountError({ ...file, roleArn: accountRoleArn(file, partition) }, err)
            throw new UserError(e.message, 1, e.hint)
          }
          return clients
        })(),
      )
    return { account, clients: clientsOf.get(account.id)! }
  }
  const seen = new Set<string>()
  const located: Located[] = []
  for (const d of opts.domains) {
    const accountId = d.account?.id ?? callerId
    const key = `${d.account ? accountId : 'caller'} ${d.domainId}`
    if (seen.has(key))
      throw new UserError(
        `--domain ${d.domainId}${d.account ? ` of account ${accountId}` : ''} is named twice`,
      )
    seen.add(key)
    const other = d.account ? inAccount(d.account) : undefined
    located.push({
      domainId: d.domainId,
      ...(other ? { accountName: accountId, account: other.account } : {}),
      accountId,
      clients: other ? await other.clients : aws,
    })
  }
  const acs = opts.acsAccount ? inAccount(opts.acsAccount) : undefined
  const governance = opts.governanceAccount ? inAccount(opts.governanceAccount) : undefined
  return {
    located,
    ...(acs ? { acs: { account: acs.account, clients: await acs.clients } } : {}),
    ...(governance ? { governance: { account: governance.account, clients: await governance.clients } } : {}),
  }
}

/** Each domain's key under `domains:`: its SageMaker name (made a plain key), unique in the file. */
function nameDomains(places: Place[]): void {
  const used = new Set<string>([DEFAULT_DOMAIN_NAME])
  for (const p of places) {
    const plain =
      p.name
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/^-+|-+$/g, '') || p.domainId
    let name = plain
    for (let i = 2; used.has(name); i++) name = `${plain}-${i}`
    used.add(name)
    p.name = name
  }
}

/**
 * The domain each team lives in (an index into `places`): where its profiles are; without
 * profiles, where the deployed ACS sends it, else the only imported domain of the account holding
 * its role. A team found in none of the imported domains is left out (it lives in a domain not
 * named; a warning says so) — except in an import of one domain of the caller's account
 * (`everyTeam`), which takes every team, as import always did. A team id is its SAML teamid, unique in a teams file, so a
 * team with profiles in two domains is refused, never merged into one.
 */
async function teamPlaces(
  teams: string[],
  places: Place[],
  observed: { byName: Map<string, { tags?: Record<string, string> }> }[],
  deployed: AcsConfig | undefined,
  everyTeam: boolean,
): Promise<{ home: Map<string, number>; leftOut: string[] }> {
  const home = new Map<string, number>()
  const problems: string[] = []
  const leftOut: string[] = []
  const every = places.map((_, i) => i)
  for (const team of teams) {
    const holding = every.filter((i) =>
      [...observed[i].byName.values()].some((p) => p.tags?.[TAG_TEAM] === team),
    )
    if (holding.length === 1 || (everyTeam && holding.length === 0)) {
      home.set(team, holding[0] ?? 0)
      continue
    }
    if (holding.length > 1) {
      problems.push(
        `team ${team} has profiles in ${holding.map((i) => describePlace(places[i])).join(' and in ')}`,
      )
      continue
    }
    const d = deployed?.teams[team]
    if (d) {
      const domainId = d.domainId ?? deployed?.domainId
      const accountId = d.presignRoleArn?.split(':')[4] ?? deployed?.accountId
      const byAcs = places.findIndex((p) => p.domainId === domainId && p.accountId === accountId)
      if (byAcs >= 0) home.set(team, byAcs)
      else
        leftOut.push(
          `team ${team} left out: the ACS places it in domain ${domainId} of account ${accountId}, which is not imported (add --domain for it)`,
        )
      continue
    }
    const withRole: string[] = []
    for (const accountId of new Set(places.map((p) => p.accountId))) {
      const p = places.find((x) => x.accountId === accountId)!
      const role = await readRole(await p.clients.iam(), teamRoleName(team))
      if (role?.tags[TAG_TEAM] === team) withRole.push(accountId)
    }
    const candidates = every.filter((i) => withRole.includes(places[i].accountId))
    if (candidates.length === 1) home.set(team, candidates[0])
    else if (candidates.length === 0)
      leftOut.push(
        `team ${team} left out: no profile or team role of it in the imported domains and accounts (add --domain for its domain)`,
      )
    else
      problems.push(
        `team ${team} has no profiles and its role's account holds ${candidates.map((i) => describePlace(places[i])).join(' and ')}: its domain cannot be told`,
      )
  }
  if (problems.length > 0)
    throw new UserError(
      `cannot import: ${problems.join('; ')}. A team id is its SAML teamid and must be unique in the teams file, so a team lives in one domain`,
      1,
      'If the team moved, finish the move first (apply --prune with the file that moved it, which deletes the old profiles); if two teams share the id, import their domains into two files (one --domain set each). A team without profiles: import its domain on its own, or give it a member first.',
    )
  return { home, leftOut }
}

/**
 * The imported file for several domains or another account: accounts:, domains:, and each team's
 * domain:. The domain the deployed ACS names as its own comes first, as in the file it was
 * deployed from (the configuration names the file's first domain).
 */
function manyDomainsFile(
  result: TeamsFile,
  places: Place[],
  home: Map<string, number>,
  acsDomainId: string | undefined,
  /** Accounts without imported domains the file names: the ACS's, a data mesh's governance account. */
  otherAccounts: ({ id: string; role: string; region?: string } | undefined)[],
): TeamsFile {
  const { domain: _domain, teams, ...rest } = result
  const accounts: NonNullable<TeamsFile['accounts']> = {}
  for (const account of [...places.map((p) => p.account), ...otherAccounts])
    if (account)
      accounts[account.id] = {
        id: account.id,
        ...(account.role !== DEFAULT_ACCOUNT_ROLE ? { role: account.role } : {}),
        ...(account.region ? { region: account.region } : {}),
      }
  const { version, region, ...others } = rest
  return {
    version,
    region,
    ...(Object.keys(accounts).length > 0 ? { accounts } : {}),
    domains: Object.fromEntries(
      [
        ...places.filter((p) => p.domainId === acsDomainId),
        ...places.filter((p) => p.domainId !== acsDomainId),
      ].map((p) => [p.name, { ...(p.accountName ? { account: p.accountName } : {}), id: p.domainId }]),
    ),
    teams: Object.fromEntries(
      Object.entries(teams).map(([id, t]) => [id, { domain: places[home.get(id)!].name, ...t }]),
    ),
    ...others,
  }
}

/**
 * The governance account of a data mesh the imported accounts take part in, without
 * --governance-account: the one catalog the tool's resource links (tagged) point to, read as an
 * account of the file is (its role sagemaker-teams-admin, or the caller's own credentials in the
 * caller's own account). Undefined, with a warning naming what to pass, when there are links but the
 * data mesh cannot be imported this way (links to several catalogs, a one-domain import, a role
 * that cannot be assumed); undefined and silent without links.
 */
async function findGovernance(
  aws: AwsClients,
  places: Place[],
  contextIn: (clients: AwsClients, discovery: Discovery) => EngineContext,
  partition: string,
  single: boolean,
  warn: (message: string) => void,
): Promise<{ account: { id: string; role: string }; clients: AwsClients } | undefined> {
  const { resourceLinks } = await import('./kinds/resource-link/engine.js')
  const catalogs = new Map<string, string[]>()
  for (const accountId of new Set(places.map((p) => p.accountId))) {
    const place = places.find((p) => p.accountId === accountId)!
    const dataMesh = { governanceAccountId: '', accounts: {}, links: [], teamLinks: {} }
    const links = await resourceLinks.observe(contextIn(place.clients, { ...place.ctx.discovery, dataMesh }))
    for (const l of links.values())
      if (l.managed && !l.plain)
        catalogs.set(l.targetCatalogId, [
          ...(catalogs.get(l.targetCatalogId) ?? []),
          `${accountId}:${l.name}`,
        ])
  }
  if (catalogs.size === 0) return undefined
  const ids = [...catalogs.keys()].sort()
  const links = [...catalogs.values()].flat().sort()
  const notRead = (why: string, pass: string) =>
    warn(
      `the data mesh is not imported: resource links of the tool's (${links.join(', ')}) point to catalog${ids.length > 1 ? 's' : ''} ${ids.join(', ')}, ${why}; ${pass}`,
    )
  if (single) {
    notRead(
      'and a one-domain file cannot hold a data mesh (dataMesh: names accounts)',
      `import with --domain ACCOUNT_ID:DOMAIN_ID${ids.length === 1 ? ` --governance-account ${ids[0]}` : ' and --governance-account'}`,
    )
    return undefined
  }
  if (ids.length > 1) {
    notRead('one of which is the governance account', 'name it with --governance-account ACCOUNT_ID[:ROLE]')
    return undefined
  }
  const id = ids[0]
  const account = { id, role: DEFAULT_ACCOUNT_ROLE }
  const file = { name: id, ...account, roleNamed: false }
  try {
    const clients = await accountClients(aws, aws, file, partition)
    await clients.checkCredentials()
    return { account, clients }
  } catch (err) {
    const e = accountError({ ...file, roleArn: accountRoleArn(file, partition) }, err)
    notRead(
      `its governance account, which could not be read (${e.message})`,
      `name its role with --governance-account ${id}:ROLE`,
    )
    return undefined
  }
}

/**
 * A data mesh read back (--governance-account): in each imported account other than the governance
 * one, the resource links the tool made (tagged) are its dataMesh.consumers entry; each team's links
 * are those its role holds DESCRIBE on (sharedDatabases), its LF-tag grants those in the governance
 * catalog (lakeFormation); the LF-tags are the governance catalog's, read there.
 */
async function importDataMesh(
  governance: { account: { id: string; role: string }; clients: AwsClients },
  places: Place[],
  home: Map<string, number>,
  teams: Record<string, TeamConfig>,
  contextIn: (clients: AwsClients, discovery: Discovery) => EngineContext,
  partition: string,
): Promise<{
  config: NonNullable<TeamsFile['dataMesh']>
  usedKeys: Set<string>
  governanceTags: Map<string, string[]>
  warnings: string[]
}> {
  const { resourceLinks } = await import('./kinds/resource-link/engine.js')
  const { linkGrants } = await import('./kinds/link-grant/engine.js')
  const { meshGrants } = await import('./kinds/mesh-grant/engine.js')
  const governanceId = governance.account.id
  const consumers: NonNullable<NonNullable<TeamsFile['dataMesh']>['consumers']> = {}
  const usedKeys = new Set<string>()
  const warnings: string[] = []
  for (const accountId of new Set(places.map((p) => p.accountId))) {
    if (accountId === governanceId) continue
    const place = places.find((p) => p.accountId === accountId)!
    const dataMesh = { governanceAccountId: governanceId, accounts: {}, links: [], teamLinks: {} }
    const links = await resourceLinks.observe(contextIn(place.clients, { ...place.ctx.discovery, dataMesh }))
    const owned = [...links.values()].filter((l) => l.managed && !l.plain)
    const withLinks = contextIn(place.clients, {
      ...place.ctx.discovery,
      dataMesh: {
        ...dataMesh,
        links: owned.map((l) => ({ name: l.name, database: l.targetDatabase, catalogId: l.targetCatalogId })),
      },
    })
    const [described, grants] = await Promise.all([
      linkGrants.observe(withLinks),
      meshGrants.observe(withLinks),
    ])
    const here = (team: string) => places[home.get(team)!]?.accountId === accountId
    const roleOf = (team: string) => teamRoleArn(teams[team].executionRole, team, accountId, partition)
    for (const [team, t] of Object.entries(teams)) {
      if (!here(team)) continue
      const used = [...described.values()]
        .filter((g) => g.principalArn === roleOf(team) && g.permissions.includes('DESCRIBE'))
        .map((g) => g.link)
        .sort()
      if (used.length) t.sharedDatabases = used
      for (const g of grants.values()) {
        if (g.principalArn !== roleOf(team)) continue
        for (const e of g.expression) usedKeys.add(e.TagKey)
        t.lakeFormation = [
          ...(t.lakeFormation ?? []),
          {
            resourceType: g.resourceType,
            expression: Object.fromEntries(g.expression.map((e) => [e.TagKey, e.TagValues])),
            permissions: g.permissions,
          },
        ]
      }
    }
    if (owned.length === 0) continue
    // A consumer is named under accounts:, which an import writes for the other accounts only.
    if (!place.accountName) {
      warnings.push(
        `the caller's account ${accountId} holds resource links, but a data mesh consumer must be under accounts: (import its domains as ${accountId}:DOMAIN_ID)`,
      )
      continue
    }
    consumers[place.accountName] = {
      sharedDatabases: Object.fromEntries(
        owned
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((l) => [
            l.name,
            {
              database: l.targetDatabase,
              ...(l.targetCatalogId !== governanceId ? { catalog: l.targetCatalogId } : {}),
            },
          ]),
      ),
    }
  }
  const { paginateListLFTags } = await import('@aws-sdk/client-lakeformation')
  const governanceTags = new Map<string, string[]>()
  for await (const page of paginateListLFTags(
    { client: await governance.clients.lakeFormation() },
    { MaxResults: 1000 },
  ))
    for (const t of page.LFTags ?? [])
      if (t.TagKey) governanceTags.set(t.TagKey, [...(t.TagValues ?? [])].sort())
  for (const key of usedKeys)
    if (!governanceTags.has(key))
      warnings.push(
        `LF-tag ${key} does not exist in the governance account ${governanceId}: plan will create it`,
      )
  if (Object.keys(consumers).length === 0)
    warnings.push(
      `no resource link of the tool's (tag ${TAG_MANAGED}=resource-link) in the imported accounts: dataMesh.consumers is empty`,
    )
  return {
    config: {
      governance: { account: governanceId },
      ...(Object.keys(consumers).length ? { consumers } : {}),
    },
    usedKeys,
    governanceTags,
    warnings,
  }
}

/**
 * What only the file said, read back from the ACS's deployed configuration: each team's
 * userSettings, tags and metadata path, and the teams' order (a function tag, as far as it holds).
 */
function applyDeployedConfig(result: TeamsFile, deployed: AcsConfig | undefined, order: string[]) {
  for (const [id, t] of Object.entries(result.teams)) {
    const d = deployed?.teams[id]
    if (!d) continue
    if (d.userSettings && Object.keys(d.userSettings).length) t.userSettings = d.userSettings
    // A team the ACS knows without a metadata path had no saml: in the file (its default path
    // would plan a configuration change).
    if (d.metadataPath) t.saml = { idpMetadata: d.metadataPath }
    else delete t.saml
    if (Object.keys(d.tags).length) t.tags = d.tags
  }
  const ids = Object.keys(result.teams)
  const known = order.filter((id) => ids.includes(id))
  const sorted = [...known, ...ids.filter((id) => !known.includes(id)).sort()]
  result.teams = Object.fromEntries(sorted.map((id) => [id, result.teams[id]]))
}

async function importAcs(
  aws: AwsClients,
  functionName: string,
): Promise<{ settings: NonNullable<TeamsFile['acs']>; deployed?: AcsConfig; order: string[] } | undefined> {
  try {
    const fn = await (await aws.lambda()).send(new GetFunctionCommand({ FunctionName: functionName }))
    const tags = fn.Tags ?? {}
    if (tags[TAG_MANAGED] !== 'true') return undefined
    const deployed = fn.Code?.Location ? (await readDeployedPackage(fn.Code.Location)).config : undefined
    const order = (tags[TAG_TEAM_ORDER] ?? '').split(' ').filter(Boolean)
    const settings = readAcsSettingsTag(tags[TAG_ACS_SETTINGS]) as Partial<NonNullable<TeamsFile['acs']>>
    const cidrs = (tags['sagemaker-teams:source-cidrs'] ?? '').split(' ').filter(Boolean)
    const acs: NonNullable<TeamsFile['acs']> = {
      functionName,
      audience: settings.audience ?? 'urn:sagemaker-teams:acs',
      url: settings.url ?? null,
      sessionExpirationSeconds: Number(tags['sagemaker-teams:session-seconds'] || 43200),
      urlExpiresSeconds: settings.urlExpiresSeconds ?? 60,
      landingUri: settings.landingUri ?? 'studio::',
      ...(cidrs.length ? { allowedSourceCidrs: cidrs } : {}),
      provisioning: settings.provisioning ?? 'both',
      ...(fn.Concurrency?.ReservedConcurrentExecutions !== undefined &&
      fn.Concurrency.ReservedConcurrentExecutions !== ACS_DEFAULTS.reservedConcurrency
        ? { reservedConcurrency: fn.Concurrency.ReservedConcurrentExecutions }
        : {}),
    }
    return { settings: acs, deployed, order }
  } catch (err) {
    if (awsErrorCode(err) === 'ResourceNotFoundException') return undefined
    throw err
  }
}

export function renderTeamsFile(config: TeamsFile, schemaRef: string): string {
  const doc = new Document(config)
  doc.commentBefore = ` yaml-language-server: $schema=${schemaRef}\n Imported by \`sagemaker-teams import\`. Review it, then \`sagemaker-teams plan\` should show no changes.\n Download each team's SAML metadata to the idpMetadata paths (see \`sagemaker-teams sso checklist\`).`
  return doc.toString({ lineWidth: 0 })
}
