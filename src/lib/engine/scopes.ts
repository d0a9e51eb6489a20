/**
 * The one engine: every teams file is read into its topology (model/topology.ts: Identity Center,
 * accounts, their domains, teams; a file with only `domain:` is the caller's own account with one
 * domain) and planned as scopes × kinds. IAM Identity Center's kinds (applications, assignments,
 * console steps, the ACS) are planned once, in the Identity Center account, for every team; each
 * account's kinds (boundary, team roles, workgroups, LF-tags and grants) once per account, for the
 * teams of its domains; profiles once per domain. Each part is an engine context (planWith is the
 * per-part worker) whose clients act in its account — an assumed role, or the caller's own
 * credentials in the caller's own account unless the file names a role there — and send
 * sso-admin/identitystore calls to the Identity Center account. The plan merges the parts, each
 * change naming its account (and a domain's change its domain); apply runs the accounts
 * concurrently and each account's kinds in dependency order. An account that cannot be read or
 * written (its role cannot be assumed) fails alone: the others are planned and applied.
 */
import pLimit from 'p-limit'
import { AwsClients } from '../aws/clients.js'
import type { LoadedTeams } from '../config/load.js'
import type { TeamsFile } from '../config/types.js'
import { awsErrorCode, describeAwsError, UserError } from '../errors.js'
import type { EngineContext, PlanOptions } from '../kinds/engine-contract.js'
import { loadEngines, warmEngines } from '../kinds/engines.js'
import { meshParts } from '../kinds/lf-share/mesh.js'
import { KIND_DEFINITIONS, kindsIn } from '../kinds/registry.js'
import { acsRoleName, presignRoleArn } from '../model/acs-names.js'
import {
  actsAsCaller,
  type FileAccount,
  type FileDomain,
  fileAccounts,
  fileDomains,
  teamDomainName,
} from '../model/topology.js'
import { heldBackAfterFailure, holdBackReplaced, holdBackUnreadAccounts } from '../plan/hold-back.js'
import { renameMoves } from '../plan/renames.js'
import {
  type AccessItem,
  type Action,
  type Change,
  KINDS,
  type Kind,
  type Plan,
  type PlanAccount,
} from '../plan/types.js'
import { closest } from '../text.js'
import {
  type ApplyOutcome,
  type ApplyProgress,
  applyRunner,
  orderedSteps,
  type RunnerStep,
  runStepLines,
  runStepsLive,
} from './apply.js'
import { findDomain, findInstance, partitionOf } from './discovery.js'
import { resolveIdentities } from './identities.js'
import { compareChanges, contextOf, fingerprint, normalizeOptions, planWith } from './plan.js'
import type { ReadListener } from './read-events.js'

/** Kinds that live in the IAM Identity Center account (the ACS: in the account of the CLI's own credentials). */
export const IDENTITY_CENTER_KINDS: Kind[] = kindsIn('identity-center')
/** The ACS's parts: in the Identity Center account's part, or acs.account's own. */
export const ACS_KINDS: Kind[] = kindsIn('acs')
/** Kinds that live once per account, for the teams of its domains. */
export const ACCOUNT_KINDS: Kind[] = kindsIn('account', 'lake')
/**
 * Files with dataMesh: — the governance account's kinds (its LF-tags and the shares to consumer
 * accounts) and a consumer account's (resource links, DESCRIBE on them, the team roles' grants in the
 * governance catalog). The LF-tags live only in the governance catalog, so no other account makes them.
 * GOVERNANCE_KINDS: what a governance account without domains plans (no team lives there).
 */
export const GOVERNANCE_KINDS: Kind[] = kindsIn('lake', 'mesh-governance').filter(
  (k) => KIND_DEFINITIONS[k].accountWide,
)
export const CONSUMER_KINDS: Kind[] = kindsIn('mesh-consumer')

/** An account part's kinds (the kind registry's scopes, kinds/registry.ts). */
function accountKinds(mesh: ReturnType<typeof meshParts>, name: string): Kind[] {
  if (!mesh) return kindsIn('account', 'lake')
  if (name === mesh.governance) return kindsIn('account', 'lake', 'mesh-governance')
  return mesh.forAccount(name) ? kindsIn('account', 'mesh-consumer') : kindsIn('account')
}

/** Kinds that live once per domain. */
export const DOMAIN_KINDS: Kind[] = kindsIn('domain')

/** How the plan names the account of the CLI's own credentials (IAM Identity Center's). */
export const IDENTITY_CENTER = 'identity-center'
/** Accounts read and written at the same time. */
const ACCOUNT_CONCURRENCY = 4

export interface PlanPart {
  /** The account's name in the file (IDENTITY_CENTER for the caller's own). */
  account: string
  accountId: string
  /** A domain part's domain name. */
  domain?: string
  ctx: EngineContext
  plan: Plan
}

export interface ScopedPlan {
  plan: Plan
  parts: PlanPart[]
  /** Team → the account (as the plan names it) of its role and profiles. */
  teamAccount: Record<string, string>
  /** The Identity Center part's context (for what commands record after a plan). */
  ctx: EngineContext
}

/**
 * Where each team's profiles live, for the ACS configuration: the team's account and domain, and
 * the presign role the ACS assumes there (absent: the team lives in the ACS's own account).
 * `callerAccountId`: the account of domains without `account:` (undefined when there are none).
 */
export function acsPlacementOf(
  config: TeamsFile,
  ids: { callerAccountId?: string; acsAccountId: string; partition: string },
): NonNullable<EngineContext['discovery']['acsPlacement']> {
  const domains = fileDomains(config)
  return Object.fromEntries(
    Object.keys(config.teams).map((t) => {
      const d = domains.find((x) => x.name === teamDomainName(config, t))!
      const accountId = d.account === undefined ? ids.callerAccountId! : config.accounts![d.account].id
      return [
        t,
        {
          accountId,
          domainId: d.id,
          ...(accountId !== ids.acsAccountId
            ? { presignRoleArn: presignRoleArn(accountId, ids.partition) }
            : {}),
        },
      ]
    }),
  )
}

export function accountRoleArn(account: Pick<FileAccount, 'id' | 'role'>, partition: string): string {
  return `arn:${partition}:iam::${account.id}:role/${account.role}`
}

/**
 * The role the CLI assumes to act in `account`, or undefined in the caller's own account when the
 * file names no role there: a one-domain file's account is the caller's, never assumed into.
 */
export async function assumedRoleArn(
  aws: AwsClients,
  account: Pick<FileAccount, 'id' | 'role' | 'roleNamed'>,
  partition: string,
): Promise<string | undefined> {
  if (actsAsCaller(account, await aws.accountId())) return undefined
  return accountRoleArn(account, partition)
}

/**
 * The clients of an account of the file: its role, assumed with the CLI's own credentials (`aws`),
 * in its region (in the caller's own account without a named role: those credentials); sso-admin
 * and identitystore calls go to `ic` (the Identity Center's clients).
 */
export async function accountClients(
  aws: AwsClients,
  ic: AwsClients,
  account: FileAccount,
  partition: string,
): Promise<AwsClients> {
  const roleArn = await assumedRoleArn(aws, account, partition)
  const where = {
    ...(account.region ? { region: account.region } : {}),
    accountName: account.name,
    identityCenter: ic,
  }
  return roleArn ? aws.assumeRole(roleArn, where) : new AwsClients({ ...aws.options, ...where })
}

/** A refusal of an account's AssumeRole, or any failure reading it, as the plan reports it. */
export function accountError(
  account: { name: string; id: string; roleArn?: string },
  err: unknown,
): NonNullable<PlanAccount['error']> {
  const code = awsErrorCode(err) ?? 'Error'
  const assume =
    account.roleArn && /AccessDenied|sts:AssumeRole|InvalidClientTokenId|ExpiredToken/.test(`${code} ${err}`)
  return {
    code,
    message: assume
      ? `account ${account.name} (${account.id}): cannot assume ${account.roleArn}: ${describeAwsError(err)}`
      : `account ${account.name} (${account.id}): ${err instanceof UserError ? err.message : describeAwsError(err)}`,
    ...(assume
      ? {
          hint: `The role must exist in account ${account.id} and its trust policy must allow sts:AssumeRole by the principal that runs sagemaker-teams; \`sagemaker-teams policy\` prints the trust policy.`,
        }
      : err instanceof UserError && err.hint
        ? { hint: err.hint }
        : {}),
  }
}

/** The part of the teams file one part plans: its teams, and its domain as the file's `domain:`. */
function partFile(teams: LoadedTeams, names: string[], domain: FileDomain, quota?: number): LoadedTeams {
  const { accounts: _a, domains: _d, ...rest } = teams.config
  const config: TeamsFile = {
    ...rest,
    domain: { id: domain.id },
    teams: Object.fromEntries(names.map((t) => [t, teams.config.teams[t]])),
    ...(quota !== undefined ? { profileQuota: quota } : {}),
  }
  return { ...teams, config }
}

/**
 * Takes an account's apply lock before anything of it is read (apply: what is planned is what runs).
 * It throws when the lock is held: the Identity Center account's refusal stops the whole run, another
 * account's fails that account alone.
 */
export type AccountLock = (account: {
  name: string
  accountId: string
  aws: AwsClients
  /** The lock's key: the account's first domain (as a one-domain file of that domain takes it). */
  domainId: string
  /** Whether it is the run's only lock (one account): messages then name it by its domain. */
  only: boolean
}) => Promise<void>

/**
 * How the plan names the Identity Center account: IDENTITY_CENTER, or the file's own name for it
 * when the file names it under accounts: with domains there and has no domain of the caller's own
 * account (the caller's account written as accounts:). One account, one name: its Identity Center
 * part and its domains' parts are addressed, ordered, locked and applied together, as in a
 * one-domain file.
 */
export function identityCenterName(config: TeamsFile, icAccountId: string): string {
  const domains = fileDomains(config)
  if (domains.some((d) => d.account === undefined)) return IDENTITY_CENTER
  return (
    fileAccounts(config).find((a) => a.id === icAccountId && domains.some((d) => d.account === a.name))
      ?.name ?? IDENTITY_CENTER
  )
}

/** The lock key of an account without a domain (the Identity Center account's). */
export const accountLockKey = (accountId: string) => `${IDENTITY_CENTER}-${accountId}`

/**
 * `onRead` hears what is being read (steps, kinds, every account's AWS calls) while it is read;
 * `lock` (apply) takes each account's lock first. `unplanned`: kinds the caller reads itself from
 * the parts (status reads the workgroups: a missing bucket is its teams' problem, not the account's).
 */
export async function buildPlan(
  aws: AwsClients,
  teams: LoadedTeams,
  given: PlanOptions,
  onRead?: ReadListener,
  lock?: AccountLock,
  unplanned: Kind[] = [],
): Promise<ScopedPlan> {
  const unsubscribe = onRead && aws.onCall((call) => onRead({ type: 'call', ...call }))
  try {
    return await buildPlanReporting(aws, teams, given, onRead, lock, unplanned)
  } finally {
    unsubscribe?.()
  }
}

async function buildPlanReporting(
  aws: AwsClients,
  teams: LoadedTeams,
  given: PlanOptions,
  onRead: ReadListener | undefined,
  lock: AccountLock | undefined,
  unplanned: Kind[],
): Promise<ScopedPlan> {
  const options = normalizeOptions(given)
  const config = teams.config
  const partition = partitionOf(aws.region)

  // IAM Identity Center: the CLI's own credentials, or identityCenter.roleArn assumed with them.
  const icRole = config.identityCenter?.roleArn
  const ic = icRole ? await aws.assumeRole(icRole, { accountName: IDENTITY_CENTER }) : aws
  if (icRole) {
    try {
      await ic.checkCredentials()
    } catch (err) {
      const e = accountError({ name: IDENTITY_CENTER, id: icRole.split(':')[4], roleArn: icRole }, err)
      throw new UserError(e.message, 1, e.hint)
    }
  }
  onRead?.({ type: 'step-start', step: 'discovery' })
  const discovered = Promise.all([ic.accountId(), findInstance(ic, config)])
  // The kinds' engines (and their SDK clients: the most CPU a plan spends before its reads) load
  // while the discovery and identity round trips are out, instead of after them.
  void warmEngines()
  const [icAccountId, instance] = await discovered
  onRead?.({ type: 'step-done', step: 'discovery' })
  onRead?.({ type: 'step-start', step: 'identities' })
  const identities = await resolveIdentities(ic, config, instance.identityStoreId)
  onRead?.({ type: 'step-done', step: 'identities' })

  const domains = fileDomains(config)
  // The caller's own account (domains without account:) is the Identity Center account unless
  // identityCenter.roleArn leads elsewhere.
  const callerAccountId = domains.some((d) => d.account === undefined)
    ? icRole
      ? await aws.accountId()
      : icAccountId
    : undefined
  // The ACS lives in acs.account (default: the Identity Center account) and presigns through each
  // other account's presign role.
  const acsAccount = config.acs?.account
    ? fileAccounts(config).find((a) => a.name === config.acs!.account)
    : undefined
  const acsAccountId = acsAccount?.id ?? icAccountId
  const acsRoleArn = config.acs
    ? `arn:${partition}:iam::${acsAccountId}:role/${acsRoleName(config.acs.functionName)}`
    : undefined
  const acsPlacement = acsPlacementOf(config, { callerAccountId, acsAccountId, partition })
  // The accounts with a domain (their account part makes the boundary there), the caller's own
  // account however the file writes it.
  const domainAccountIds = new Set(
    domains.map((d) => (d.account === undefined ? callerAccountId! : config.accounts![d.account].id)),
  )
  const mesh = meshParts(config)
  // The ACS account's clients, once its part has them (the console steps read the ACS's URL and
  // login records there).
  let acsClientsReady: (clients: AwsClients) => void = () => {}
  let acsClientsFailed: (err: unknown) => void = () => {}
  const acsClients = new Promise<AwsClients>((resolve, reject) => {
    acsClientsReady = resolve
    acsClientsFailed = reject
  })
  acsClients.catch(() => {}) // the console steps handle it; never an unhandled rejection
  const teamsOf = (domain: string) =>
    Object.keys(config.teams).filter((t) => teamDomainName(config, t) === domain)
  const base = { partition, instanceArn: instance.instanceArn, identityStoreId: instance.identityStoreId }

  // The Identity Center part: every team.
  const first = domains[0]
  const icCtx = contextOf(
    {
      aws: ic,
      teams: { ...teams, config: { ...partFile(teams, Object.keys(config.teams), first).config } },
      options,
      identities,
      // The ACS role carries the boundary: the Identity Center account needs one when the ACS is
      // there and no domain's account part makes it there. With acs.account the ACS is that account's.
      kinds: acsAccount
        ? IDENTITY_CENTER_KINDS
        : config.acs && !domainAccountIds.has(icAccountId)
          ? ['boundary', ...IDENTITY_CENTER_KINDS, ...ACS_KINDS]
          : [...IDENTITY_CENTER_KINDS, ...ACS_KINDS],
      ...(acsAccount ? { acsAws: () => acsClients } : {}),
      discovery: {
        ...base,
        accountId: icAccountId,
        region: ic.region,
        domainId: first.id,
        domainArn: '',
        acsPlacement,
      },
    },
    onRead,
  )
  // Every part reads the applications once, through the Identity Center part.
  // (Only the kinds it plans: with acs.account the ACS is read by its own account's part.)
  const shared = (kind: Kind) =>
    (IDENTITY_CENTER_KINDS.includes(kind) || ACS_KINDS.includes(kind)) && icCtx.kinds.includes(kind)
      ? icCtx.observed(kind)
      : undefined

  // The accounts: the caller's own (domains without account:) and each named one with a domain.
  const accountsUsed: { account: FileAccount | undefined; domains: FileDomain[] }[] = []
  const own = domains.filter((d) => d.account === undefined)
  if (own.length > 0) accountsUsed.push({ account: undefined, domains: own })
  for (const named of fileAccounts(config)) {
    const ds = domains.filter((d) => d.account === named.name)
    // The governance account of a data mesh: the role dataMesh.governance.role names, when it does.
    const role = named.name === mesh?.governance ? config.dataMesh?.governance.role : undefined
    const account = role ? { ...named, role } : named
    // The ACS account is planned even without a domain (its part is the ACS and its boundary), and so
    // is the governance account of a data mesh (its LF-tags and the shares).
    if (ds.length > 0 || account.name === acsAccount?.name || account.name === mesh?.governance)
      accountsUsed.push({ account, domains: ds })
  }

  // The clients of the caller's own account (its domains without account:).
  const ownClients = ic === aws ? aws : new AwsClients({ ...aws.options, identityCenter: ic })
  // The Identity Center account under its name in the file (the caller's own account written as
  // accounts:): one account, one lock, its first domain's, as for a one-domain file.
  const icName = identityCenterName(config, icAccountId)
  const icDomains = accountsUsed.find((u) => u.account?.name === icName)?.domains ?? own
  const locks = 1 + accountsUsed.filter((u) => u.account && u.account.name !== icName).length
  // The Identity Center part's writes run under the lock of its account's domains when it has
  // some (one lock per account), else under the Identity Center account's own.
  await lock?.(
    own.length > 0
      ? { name: icName, accountId: callerAccountId!, aws: ownClients, domainId: own[0].id, only: locks === 1 }
      : {
          name: icName,
          accountId: icAccountId,
          aws: ic,
          domainId: icDomains[0]?.id ?? accountLockKey(icAccountId),
          only: locks === 1,
        },
  )
  /** The ACS in acs.account: every team (its configuration maps each to its account and domain). */
  const acsPart = async (
    clients: AwsClients,
    where: { name: string; accountId: string; kinds: Kind[] },
  ): Promise<PlanPart> => {
    const ctx = contextOf(
      {
        aws: clients,
        teams: icCtx.teams,
        options,
        identities,
        kinds: where.kinds,
        discovery: {
          ...base,
          accountId: where.accountId,
          region: clients.region,
          domainId: first.id,
          domainArn: '',
          acsPlacement,
          identityCenterAccountId: icAccountId,
        },
      },
      onRead,
      shared,
    )
    return { account: where.name, accountId: where.accountId, ctx, plan: await planWith(ctx) }
  }
  const planAccounts: PlanAccount[] = []
  const parts: PlanPart[] = []
  const limit = pLimit(ACCOUNT_CONCURRENCY)
  const icPlan = planWith(icCtx).then((plan) => {
    parts.push({ account: icName, accountId: icAccountId, ctx: icCtx, plan })
  })
  await Promise.all([
    icPlan,
    ...accountsUsed.map(({ account, domains: ds }) =>
      limit(async () => {
        const name = account?.name ?? IDENTITY_CENTER
        const roleArn = account ? await assumedRoleArn(aws, account, partition) : undefined
        const entry: PlanAccount = {
          name,
          id: account?.id ?? '',
          ...(roleArn ? { roleArn } : {}),
          domains: ds.map((d) => ({ name: d.name, id: d.id })),
        }
        planAccounts.push(entry)
        try {
          const clients = account ? await accountClients(aws, ic, account, partition) : ownClients
          await clients.checkCredentials()
          entry.id = account?.id ?? (await clients.accountId())
          // (The Identity Center account's lock, taken above, is this account's when it is named here.)
          if (account && name !== icName)
            await lock?.({
              name,
              accountId: entry.id,
              aws: clients,
              domainId: ds[0]?.id ?? accountLockKey(entry.id),
              only: false,
            })
          const accountParts: PlanPart[] = []
          if (account && account.name === acsAccount?.name) {
            acsClientsReady(clients)
            accountParts.push(
              await acsPart(clients, {
                name,
                accountId: entry.id,
                // Without a domain here, no account part makes the boundary the ACS role carries.
                kinds: ds.length === 0 ? ['boundary', ...ACS_KINDS] : ACS_KINDS,
              }),
            )
          }
          if (ds.length === 0) {
            if (account && account.name === mesh?.governance) {
              const ctx = contextOf(
                {
                  aws: clients,
                  teams: partFile(teams, [], first),
                  options,
                  identities,
                  kinds: GOVERNANCE_KINDS,
                  discovery: {
                    ...base,
                    accountId: entry.id,
                    region: clients.region,
                    domainId: first.id,
                    domainArn: '',
                    dataMesh: mesh.forAccount(account.name),
                  },
                },
                onRead,
                shared,
              )
              accountParts.push({ account: name, accountId: entry.id, ctx, plan: await planWith(ctx) })
            }
            parts.push(...accountParts)
            return
          }
          const found = await Promise.all(ds.map((d) => findDomain(clients, d.id)))
          const discovery = (d: FileDomain, i: number) => ({
            ...base,
            accountId: entry.id,
            region: clients.region,
            domainId: d.id,
            domainArn: found[i].arn,
            ...(found[i].defaultExecutionRole ? { defaultExecutionRole: found[i].defaultExecutionRole } : {}),
          })
          const accountTeams = ds.flatMap((d) => teamsOf(d.name))
          const teamDomainIds = Object.fromEntries(
            ds.flatMap((d) => teamsOf(d.name).map((t) => [t, d.id] as const)),
          )
          const domainCtxs = ds.map((d, i) =>
            contextOf(
              {
                aws: clients,
                teams: partFile(teams, teamsOf(d.name), d, d.profileQuota ?? config.profileQuota),
                options,
                identities,
                kinds: DOMAIN_KINDS,
                discovery: discovery(d, i),
              },
              onRead,
              shared,
            ),
          )
          const accountCtx = contextOf(
            {
              aws: clients,
              teams: partFile(teams, accountTeams, ds[0]),
              options,
              identities,
              kinds: accountKinds(mesh, name).filter((k) => !unplanned.includes(k)),
              discovery: {
                ...discovery(ds[0], 0),
                teamDomainIds,
                ...(mesh?.forAccount(name) ? { dataMesh: mesh.forAccount(name) } : {}),
                ...(acsRoleArn && entry.id !== acsAccountId ? { acsRoleArn } : {}),
                ...(entry.id === acsAccountId ? { acsPlacement } : {}),
              },
              // Every domain's profiles, read once by its own part.
              domainParts: domainCtxs,
            },
            onRead,
            shared,
          )
          accountParts.push({
            account: name,
            accountId: entry.id,
            ctx: accountCtx,
            plan: await planWith(accountCtx),
          })
          for (const [i, d] of ds.entries())
            accountParts.push({
              account: name,
              accountId: entry.id,
              domain: d.name,
              ctx: domainCtxs[i],
              plan: await planWith(domainCtxs[i]),
            })
          parts.push(...accountParts)
        } catch (err) {
          if (account && account.name === acsAccount?.name) acsClientsFailed(err)
          entry.error = accountError(entry, err)
        }
      }),
    ),
  ])
  // File order: the Identity Center account first, then the accounts as the file names them.
  const order = [IDENTITY_CENTER, ...fileAccounts(config).map((a) => a.name)]
  planAccounts.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name))
  const domainOrder = domains.map((d) => d.name)
  parts.sort(
    (a, b) =>
      order.indexOf(a.account) - order.indexOf(b.account) ||
      Number(b.ctx === icCtx) - Number(a.ctx === icCtx) ||
      (a.domain === undefined ? -1 : domainOrder.indexOf(a.domain)) -
        (b.domain === undefined ? -1 : domainOrder.indexOf(b.domain)),
  )
  const icPart = parts.find((p) => p.ctx === icCtx)!
  // The account each team's role and profiles live in (for holding back the Identity Center side).
  const teamAccount = Object.fromEntries(
    Object.keys(config.teams).map((t) => [
      t,
      domains.find((d) => d.name === teamDomainName(config, t))?.account ?? IDENTITY_CENTER,
    ]),
  )
  // One order, whatever order the parts finished in: by account (as the file names them), then in
  // apply order (a saved plan must list exactly what a recomputed one lists).
  const rank = (c: { account?: string; domain?: string }) => [
    order.indexOf(c.account ?? IDENTITY_CENTER),
    c.domain === undefined ? -1 : domainOrder.indexOf(c.domain),
  ]
  const byPlace = (a: Addressed, b: Addressed) =>
    rank(a)[0] - rank(b)[0] ||
    KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) ||
    rank(a)[1] - rank(b)[1] ||
    compareChanges(a, b)
  const plan = mergePlans(icPart, parts, planAccounts, byPlace, domainOrder, options, teamAccount)
  if (options.teams) checkTeams(teams, options.teams, plan.changes)
  return { plan, parts, ctx: icCtx, teamAccount }
}

/**
 * A --team must be in the file, or have changes of its own (a removed team's, with --prune): a typo
 * never plans "nothing". As a one-domain plan checks it, over every part's changes.
 */
function checkTeams(teams: LoadedTeams, names: string[], changes: Change[]) {
  const known = new Set([...Object.keys(teams.config.teams), ...changes.flatMap((c) => c.team ?? [])])
  for (const t of names)
    if (!known.has(t)) {
      const guess = closest(t, [...known])
      throw new UserError(
        `--team ${t}: no such team in ${teams.file}${guess ? ` (did you mean "${guess}"?)` : ''}`,
      )
    }
}

type Addressed = Pick<Change, 'kind' | 'team' | 'key' | 'account' | 'domain'>

function mergePlans(
  icPart: PlanPart,
  parts: PlanPart[],
  accounts: PlanAccount[],
  byPlace: (a: Addressed, b: Addressed) => number,
  domainOrder: string[],
  options: PlanOptions,
  teamAccount: Record<string, string>,
): Plan {
  const changes: Change[] = []
  const kept: NonNullable<Plan['kept']> = []
  const warnings: string[] = []
  const review: NonNullable<Plan['accessReview']> = { widened: [], narrowed: [] }
  for (const part of parts) {
    const where = { account: part.account, ...(part.domain ? { domain: part.domain } : {}) }
    for (const c of part.plan.changes) changes.push(Object.assign(c, where))
    for (const k of part.plan.kept ?? []) kept.push(Object.assign(k, where))
    for (const w of part.plan.warnings) if (!warnings.includes(w)) warnings.push(w)
    for (const i of part.plan.accessReview?.widened ?? [])
      review.widened.push({ ...i, account: part.account })
    for (const i of part.plan.accessReview?.narrowed ?? [])
      review.narrowed.push({ ...i, account: part.account })
  }
  // Held back across parts: the Identity Center side of a team whose account could not be read,
  // and a blocked replacement's old team in every account (their review items go with them).
  const blockedBefore = new Set(changes.filter((c) => c.action === 'blocked'))
  holdBackUnreadAccounts(
    changes,
    accounts.filter((a) => a.error),
    teamAccount,
  )
  holdBackReplaced(changes, new Set(Object.keys(icPart.ctx.teams.config.teams)), kept)
  const held = changes.filter((c) => c.action === 'blocked' && !blockedBefore.has(c))
  if (held.length > 0) {
    const isHeld = (i: { kind: string; key: string; account?: string }) =>
      held.some((c) => c.kind === i.kind && c.key === i.key && c.account === i.account)
    review.widened = review.widened.filter((i) => !isHeld(i))
    review.narrowed = review.narrowed.filter((i) => !isHeld(i))
  }
  changes.sort(byPlace)
  kept.sort(byPlace)
  // The review in the changes' order (by account, then kind), whatever order the parts came in.
  const byAccountAndKind = (a: AccessItem, b: AccessItem) =>
    byPlace({ ...a, key: '', team: '' }, { ...b, key: '', team: '' })
  review.widened.sort(byAccountAndKind)
  review.narrowed.sort(byAccountAndKind)
  const moves = [...teamMoves(icPart, changes, kept, domainOrder), ...renameMoves(changes, kept)]
  if (moves.length > 0) review.moves = moves
  const summary: Record<Action, number> = { create: 0, update: 0, delete: 0, manual: 0, blocked: 0 }
  for (const c of changes) summary[c.action]++
  for (const a of accounts)
    if (a.error) warnings.push(`${a.error.message}${a.error.hint ? ` — ${a.error.hint}` : ''}`)
  // --refresh events: the domains' undelivered window (the Identity Center part reads no profiles).
  const notYetVisible = parts.map((p) => p.plan.notYetVisible).find(Boolean)
  // The default refresh: the domains' profiles not read in full, together.
  const unread = parts.flatMap((p) => p.plan.unreadProfiles ?? [])
  const unreadProfiles = unread.length
    ? { count: unread.reduce((n, u) => n + u.count, 0), of: unread.reduce((n, u) => n + u.of, 0) }
    : undefined
  return {
    ...icPart.plan,
    ...(notYetVisible ? { notYetVisible } : {}),
    ...(unreadProfiles ? { unreadProfiles } : {}),
    fingerprint: fingerprint(changes),
    context: { ...icPart.plan.context, accounts },
    options: { ...options },
    changes,
    warnings,
    summary,
    kept,
    accessReview: review,
  }
}

/**
 * A team whose profiles are created in its domain while profiles of it remain (deleted, or kept
 * until --prune) in another domain has moved: the review says so, once per team.
 */
function teamMoves(
  icPart: PlanPart,
  changes: Change[],
  kept: NonNullable<Plan['kept']>,
  order: string[],
): string[] {
  const config = icPart.ctx.teams.config
  const moves: string[] = []
  for (const team of Object.keys(config.teams)) {
    const home = changes.find((c) => c.kind === 'profile' && c.team === team && c.action === 'create')?.domain
    if (!home) continue
    const away = [
      ...changes.filter(
        (c) => c.kind === 'profile' && c.team === team && c.action === 'delete' && c.domain !== home,
      ),
      ...kept.filter((k) => k.kind === 'profile' && k.team === team && k.domain !== home),
    ]
    if (away.length === 0) continue
    const from = [...new Set(away.map((c) => c.domain!))].sort((a, b) => order.indexOf(a) - order.indexOf(b))
    const created = changes.filter(
      (c) => c.kind === 'profile' && c.team === team && c.action === 'create' && c.domain === home,
    ).length
    const deleted = away.filter((c) => 'action' in c).length
    moves.push(
      `${team} moves from ${from.join(', ')} to ${home}: ${created} profile${created === 1 ? '' : 's'} re-created; home directories do not move${deleted < away.length ? ` (${away.length - deleted} old profile${away.length - deleted === 1 ? '' : 's'} kept until --prune)` : ''}`,
    )
  }
  return moves
}

export interface AccountResult {
  account: string
  accountId: string
  status: 'done' | 'failed'
  /** Why the account failed as a whole (its role, its lock, the preflight…). */
  error?: string
}

/**
 * Applies each account's parts concurrently (bounded), each account's kinds in dependency order
 * (creates and updates, then deletes in reverse). The caller holds the accounts' locks (taken
 * before the plan, see buildPlan). An account whose plan or preflight failed, or whose lock
 * was lost, fails alone. `live`: progress per kind at a terminal (each account under its title
 * when several apply), else `progress` lines.
 */
export async function applyParts(
  many: ScopedPlan,
  opts: {
    concurrency: number
    progress?: ApplyProgress
    live?: boolean
    /** Stop starting new changes everywhere (Ctrl-C). */
    shouldStop?: () => boolean
    /** True once the account's lock was lost (force-unlock): that account stops. */
    lockLost?: (account: string) => boolean
  },
): Promise<{ outcomes: ApplyOutcome[]; accounts: AccountResult[] }> {
  await loadEngines()
  const outcomes: ApplyOutcome[] = []
  const accounts: AccountResult[] = []
  for (const a of many.plan.context.accounts ?? [])
    if (a.error) accounts.push({ account: a.name, accountId: a.id, status: 'failed', error: a.error.message })
  const byAccount = new Map<string, PlanPart[]>()
  for (const part of many.parts) byAccount.set(part.account, [...(byAccount.get(part.account) ?? []), part])
  // The Identity Center side (applications, assignments) waits for the other accounts' creates and
  // updates: the team of a role or profile that failed there, or of an account whose account-wide
  // change failed, gets no tile that leads nowhere (heldBackAfterFailure). Revocations do not wait.
  const failed = { teams: new Map<string, string>(), accounts: new Map<string, string>() }
  const noteFailures = (account: string, done: ApplyOutcome[]) => {
    for (const o of done.filter((x) => x.status === 'failed')) {
      const why = `${o.kind} ${o.summary} failed in account ${account}`
      if (o.team === undefined) {
        if (!failed.accounts.has(account)) failed.accounts.set(account, why)
      } else if (!failed.teams.has(o.team)) failed.teams.set(o.team, why)
    }
  }
  const createsDone = new Map<string, { done: Promise<void>; resolve: () => void }>()
  // The Identity Center account (named as the file names it) does not wait for itself.
  const icAccount = many.parts.find((p) => p.ctx === many.ctx)?.account ?? IDENTITY_CENTER
  for (const account of byAccount.keys())
    if (account !== icAccount) {
      let resolve = () => {}
      const done = new Promise<void>((r) => {
        resolve = r
      })
      createsDone.set(account, { done, resolve })
    }
  const holdBack = (c: Change) => heldBackAfterFailure(c, many.teamAccount, failed)
  const fail = (account: string, result: AccountResult, err: unknown) => {
    result.status = 'failed'
    result.error = err instanceof UserError ? err.message : describeAwsError(err)
    if (!failed.accounts.has(account))
      failed.accounts.set(account, `account ${account} failed (${result.error})`)
  }
  /**
   * An account's runners (its parts share what did not settle) and steps (its preflight runs here),
   * with what runs before each step and after the last: the Identity Center's first application or
   * assignment step waits for every other account's creates; an account's creates are settled
   * (and their failures noted) before its deletes, or at its end.
   */
  const prepare = ([account, parts]: [string, PlanPart[]]) => {
    // An account that failed as a whole may still hold the Identity Center's part: one result.
    const failedBefore = accounts.find((a) => a.account === account)
    const result: AccountResult = failedBefore ?? { account, accountId: parts[0].accountId, status: 'done' }
    if (!failedBefore) accounts.push(result)
    const createsSettled = () => createsDone.get(account)?.resolve()
    const work = parts.filter((p) =>
      p.plan.changes.some((c) => c.action !== 'manual' && c.action !== 'blocked'),
    )
    if (work.length === 0) {
      createsSettled()
      return []
    }
    const lost = () => Boolean(opts.lockLost?.(account))
    const stop = () => Boolean(opts.shouldStop?.()) || lost()
    try {
      const unsettled = new Set<string>()
      const runners = work.map((p) =>
        applyRunner(p.plan, p.ctx, opts.concurrency, { shouldStop: stop, unsettled, holdBack }),
      )
      const soFar = () => runners.flatMap((r) => r.outcomes)
      let waited = false
      let settled = false
      const settle = () => {
        if (settled) return
        settled = true
        noteFailures(account, soFar())
        createsSettled()
      }
      // The ACS's parts in the Identity Center account wait too: its role carries the boundary, and
      // the presign roles it reaches, that the domain accounts' parts make.
      const waits = (kind: Kind) =>
        kind === 'application' ||
        kind === 'assignment' ||
        (account === IDENTITY_CENTER && KIND_DEFINITIONS[kind].scope === 'acs')
      const before = async ({ step }: RunnerStep) => {
        if (!step.deletes && !waited && waits(step.kind)) {
          waited = true
          await Promise.all([...createsDone.values()].map((d) => d.done))
          noteFailures(account, soFar())
        }
        if (step.deletes) settle()
      }
      return [{ account, result, runners, steps: orderedSteps(runners), stop, lost, before, after: settle }]
    } catch (err) {
      fail(account, result, err)
      createsSettled()
      return []
    }
  }
  // A data mesh's governance account goes first: a consumer account re-grants only what the
  // governance catalog has granted it (with the grant option) by then.
  const governance = many.ctx.teams.config.dataMesh?.governance.account
  const waves = (
    governance
      ? [[...byAccount].filter(([a]) => a === governance), [...byAccount].filter(([a]) => a !== governance)]
      : [[...byAccount]]
  ).map((wave) => wave.flatMap(prepare))
  const several = waves.flat().length > 1
  const limit = pLimit(ACCOUNT_CONCURRENCY)
  for (const wave of waves) {
    if (opts.live)
      await runStepsLive(
        wave.map((w) => ({
          title: `account ${w.account}`,
          steps: w.steps,
          shouldStop: w.stop,
          before: w.before,
          after: w.after,
        })),
        several ? ACCOUNT_CONCURRENCY : 1,
      )
    else
      await Promise.all(
        wave.map((w) =>
          limit(() =>
            runStepLines(w.steps, {
              shouldStop: w.stop,
              before: w.before,
              ...(opts.progress ? { progress: opts.progress } : {}),
            })
              .catch((err) => fail(w.account, w.result, err))
              .finally(w.after),
          ),
        ),
      )
    for (const w of wave) {
      for (const runner of w.runners) outcomes.push(...runner.outcomes)
      if (w.runners.some((r) => r.outcomes.some((o) => o.status === 'failed'))) w.result.status = 'failed'
      if (w.lost()) {
        w.result.status = 'failed'
        w.result.error = 'its lock was removed (force-unlock) while this apply ran; it stopped'
      }
    }
  }
  const order = [IDENTITY_CENTER, ...(many.plan.context.accounts ?? []).map((a) => a.name)]
  accounts.sort((a, b) => order.indexOf(a.account) - order.indexOf(b.account))
  outcomes.sort(
    (a, b) => order.indexOf(a.account ?? '') - order.indexOf(b.account ?? '') || compareChanges(a, b),
  )
  return { outcomes, accounts }
}

/**
 * After a plan or apply of every account: each domain part records its `--refresh events` point
 * (in its own account, for its domain and teams; the other parts read no profiles).
 */
export async function recordRefreshPoints(many: ScopedPlan, opts: { apply: boolean }): Promise<void> {
  const { recordRefreshPoint } = await import('../refresh/events.js')
  await Promise.all(
    many.parts.filter((p) => p.domain !== undefined).map((p) => recordRefreshPoint(p.ctx, p.plan, opts)),
  )
}
