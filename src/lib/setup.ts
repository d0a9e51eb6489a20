/**
 * The one-time set-up step (`sagemaker-teams setup`): writes the permissions boundaries the file
 * needs in one account — `sagemaker-teams-boundary` where team roles are, `sagemaker-teams-acs-boundary`
 * where the ACS function or a presign role is (policies/boundary.ts). The routine apply policy may
 * create a missing boundary but never change one (operator-policy.ts denies it), so a boundary that
 * must change is written here, by a principal allowed to (`policy --for setup`), after a preview and
 * the same approval gate as apply.
 *
 * Which account: the caller's own (the account of the domains without `account:` — a one-domain
 * file's — and of the ACS unless identityCenter.roleArn or acs.account places it elsewhere, as apply
 * does), or with `account` the file's account of that name, through a role assumed there (default
 * OrganizationAccountAccessRole, the role AWS Organizations creates in member accounts: the account
 * role the tool applies with may not write boundaries). One path over the file's topology.
 */
import type { AwsClients } from './aws/clients.js'
import type { LoadedTeams } from './config/load.js'
import type { TeamsFile } from './config/types.js'
import { planDocument } from './engine/plan.js'
import { acsPlacementOf } from './engine/scopes.js'
import { UserError } from './errors.js'
import {
  type BoundaryPlace,
  desiredBoundaries,
  diffBoundaries,
  readBoundary,
  writeBoundary,
} from './kinds/boundary/engine.js'
import { fileAccounts, fileDomains, primaryDomainId, teamDomainName } from './model/topology.js'
import { reviewAccess } from './plan/access-review.js'
import type { BoundaryPayload, Change, Plan } from './plan/types.js'

/** The role `setup --account` assumes in a member account unless told otherwise. */
export const DEFAULT_SETUP_ROLE = 'OrganizationAccountAccessRole'

export interface SetupWhere {
  /** `own` (the caller's account) or the file's account name. */
  account: string
  accountId: string
  region: string
  partition: string
}

/** Which boundaries `accountId` holds for this file (`callerAccountId`: the account of domains without account:). */
export function setupPlace(
  config: TeamsFile,
  accountId: string,
  ids: { callerAccountId: string; partition: string },
): BoundaryPlace {
  const accountOf = (name?: string) =>
    name === undefined ? ids.callerAccountId : (config.accounts?.[name]?.id ?? '')
  const domainsHere = fileDomains(config).filter((d) => accountOf(d.account) === accountId)
  // The ACS lives in acs.account, else in the Identity Center account (identityCenter.roleArn's, or the caller's).
  const acsAccountId = config.acs?.account
    ? accountOf(config.acs.account)
    : (config.identityCenter?.roleArn?.split(':')[4] ?? ids.callerAccountId)
  const acs: BoundaryPlace['acs'] = !config.acs
    ? 'none'
    : accountId === acsAccountId
      ? 'here'
      : domainsHere.length > 0
        ? 'presign'
        : 'none'
  const presignRoleArns =
    acs === 'here'
      ? Object.values(
          acsPlacementOf(config, {
            callerAccountId: ids.callerAccountId,
            acsAccountId,
            partition: ids.partition,
          }),
        ).flatMap((p) => (p.presignRoleArn ? [p.presignRoleArn] : []))
      : []
  return {
    teamRoles: domainsHere.length > 0,
    domainIds: [...new Set(domainsHere.map((d) => d.id))].sort(),
    acs,
    ...(presignRoleArns.length ? { presignRoleArns: [...new Set(presignRoleArns)].sort() } : {}),
  }
}

/** The boundary documents `setup` writes in an account (also what `policy --for setup` scopes to). */
export function setupBoundaries(
  config: TeamsFile,
  where: Omit<SetupWhere, 'account'>,
  callerAccountId: string,
): BoundaryPayload[] {
  const place = setupPlace(config, where.accountId, { callerAccountId, partition: where.partition })
  // As apply plans the account: its own teams only (their workspaces, roles given by arn).
  const domains = fileDomains(config).filter((d) => place.domainIds.includes(d.id))
  const { accounts: _a, domains: _d, ...rest } = config
  const teams = Object.fromEntries(
    Object.entries(config.teams).filter(([t]) => domains.some((d) => d.name === teamDomainName(config, t))),
  )
  return desiredBoundaries(
    { ...rest, domain: { id: place.domainIds[0] ?? primaryDomainId(config) }, teams },
    where,
    place,
  )
}

export interface SetupPlan {
  where: SetupWhere
  /** The changes as a plan (rendered and approved like apply's). */
  plan: Plan
  clients: AwsClients
}

/** Reads the account's boundaries and compares them with what the file needs there. */
export async function planSetup(
  aws: AwsClients,
  teams: LoadedTeams,
  opts: { account?: string; role?: string } = {},
): Promise<SetupPlan> {
  const config = teams.config
  const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts')
  const caller = await (await aws.sts()).send(new GetCallerIdentityCommand({}))
  const callerAccountId = caller.Account!
  const partition = caller.Arn?.split(':')[1] ?? 'aws'
  let clients = aws
  let where: SetupWhere = { account: 'own', accountId: callerAccountId, region: aws.region, partition }
  if (opts.account !== undefined) {
    const named = fileAccounts(config).find((a) => a.name === opts.account)
    if (!named)
      throw new UserError(
        `--account ${opts.account}: ${teams.file} names no such account`,
        1,
        `Accounts: ${
          fileAccounts(config)
            .map((a) => a.name)
            .join(', ') ||
          "none (the file's domains are in the caller's account: run setup there without --account)"
        }`,
      )
    where = { account: named.name, accountId: named.id, region: named.region ?? aws.region, partition }
    if (named.id !== callerAccountId) {
      const roleArn = `arn:${partition}:iam::${named.id}:role/${opts.role ?? DEFAULT_SETUP_ROLE}`
      clients = await aws.assumeRole(roleArn, { region: where.region, accountName: named.name })
      await clients.checkCredentials().catch((err: unknown) => {
        throw new UserError(
          `cannot assume ${roleArn} to write the boundaries of account ${named.name}: ${(err as Error).message}`,
          1,
          'Pass --role with a role there that may write them (policy --for setup prints its permissions).',
        )
      })
    }
  }
  const desired = setupBoundaries(config, where, callerAccountId)
  if (desired.length === 0)
    throw new UserError(
      `account ${where.account === 'own' ? callerAccountId : where.account} holds none of the file's roles: no boundary to write`,
      1,
    )
  const iam = await clients.iam()
  const observed = (await Promise.all(desired.map((b) => readBoundary(iam, b.policyArn)))).filter(
    (b) => b !== undefined,
  )
  const changes = diffBoundaries(desired, observed, 'setup')
  const plan = planDocument({
    context: {
      region: where.region,
      accountId: where.accountId,
      domainId: primaryDomainId(config),
      instanceArn: config.identityCenter?.instanceArn ?? '',
      identityStoreId: config.identityCenter?.identityStoreId ?? '',
      configFile: teams.file,
      // One account's boundaries: nothing to tell apart (plan v2 always has the field).
      accounts: [],
    },
    options: { prune: false, force: false, refresh: 'existence' },
    changes,
  })
  plan.accessReview = reviewAccess(plan)
  return { where, plan, clients }
}

/** Writes the plan's changes (create, or a new default version); a blocked one (not the tool's) refuses the run. */
export async function runSetup(setup: SetupPlan): Promise<Change<'boundary'>[]> {
  const changes = setup.plan.changes as Change<'boundary'>[]
  const blocked = changes.filter((c) => c.action === 'blocked')
  if (blocked.length > 0) throw new UserError(blocked.map((c) => `${c.summary}: ${c.reason}`).join('\n'), 1)
  const iam = await setup.clients.iam()
  for (const c of changes) await writeBoundary(iam, c, 'setup')
  return changes
}
