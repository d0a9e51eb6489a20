/**
 * Which apply lock `force-unlock` acts on. A teams file has one per account that apply writes in
 * (the Identity Center account, and each account with a domain), held in that account and keyed by
 * its first domain (a one-domain file: one lock, its domain's). With several, `--account NAME`
 * picks it, and force-unlock acts in that account as apply does (its role, or the caller's own
 * credentials in the caller's own account unless the file names a role there).
 */
import type { AwsClients } from '../aws/clients.js'
import type { TeamsFile } from '../config/types.js'
import { UserError } from '../errors.js'
import { fileAccounts, fileDomains } from '../model/topology.js'
import { closest } from '../text.js'
import { partitionOf } from './discovery.js'
import { shellQuote } from './lock.js'
import {
  accountClients,
  accountError,
  accountLockKey,
  assumedRoleArn,
  IDENTITY_CENTER,
  identityCenterName,
} from './scopes.js'

export interface LockPlace {
  aws: AwsClients
  /** The lock's key (see lockKey). */
  domainId: string
  /** How messages name it: "domain d-…", "account dev (2222…)". */
  label: string
}

/**
 * The accounts whose applies take a lock, in file order (the Identity Center's first, under the
 * file's name for it when the file names it: see identityCenterName).
 */
export function lockedAccounts(config: TeamsFile, icAccountId: string): string[] {
  const domains = fileDomains(config)
  const ic = identityCenterName(config, icAccountId)
  return [
    ic,
    ...fileAccounts(config)
      .filter((a) => a.name !== ic && domains.some((d) => d.account === a.name))
      .map((a) => a.name),
  ]
}

/**
 * How messages name an account's lock: by its domain when the file has one lock (nothing to tell
 * apart, and force-unlock needs no --account), else by its account, with the --account to pass.
 */
export function lockNaming(account: {
  name: string
  accountId: string
  domainId: string
  /** The run's only lock. */
  only: boolean
}): { label: string; unlockArgs?: string } {
  if (account.only) return { label: `domain ${account.domainId}` }
  return {
    label: `account ${account.name} (${account.accountId})`,
    unlockArgs: `--account ${shellQuote(account.name)}`,
  }
}

export async function lockPlace(aws: AwsClients, config: TeamsFile, account?: string): Promise<LockPlace> {
  const icRole = config.identityCenter?.roleArn
  const names = lockedAccounts(config, icRole?.split(':')[4] ?? (await aws.accountId()))
  const only = names.length === 1
  if (account === undefined) {
    if (names.length > 1)
      throw new UserError(
        `this teams file has a lock in each of its accounts (${names.join(', ')}): name the account with --account NAME`,
        1,
        'The error of the blocked apply names it: force-unlock <lock ID> --account <account>.',
      )
    account = names[0]
  }
  if (!names.includes(account)) {
    const guess = closest(account, names)
    throw new UserError(
      `--account ${account}: no such account with a lock in the teams file${guess ? ` (did you mean "${guess}"?)` : ''}; accounts: ${names.join(', ')}`,
    )
  }
  const domains = fileDomains(config)
  if (account === IDENTITY_CENTER) {
    // As apply locks it: in the caller's own account when it has domains, else in the Identity
    // Center account (identityCenter.roleArn assumed).
    const own = domains.filter((d) => d.account === undefined)
    const clients = own.length > 0 || !icRole ? aws : await aws.assumeRole(icRole, { accountName: account })
    const accountId = await assumed(clients, {
      name: account,
      id: icRole?.split(':')[4] ?? '',
      roleArn: icRole,
    })
    const domainId = own.length > 0 ? own[0].id : accountLockKey(accountId)
    return { aws: clients, domainId, ...lockNaming({ name: account, accountId, domainId, only }) }
  }
  const a = fileAccounts(config).find((x) => x.name === account)!
  const partition = partitionOf(aws.region)
  const roleArn = await assumedRoleArn(aws, a, partition)
  const clients = await accountClients(aws, aws, a, partition)
  await assumed(clients, { name: a.name, id: a.id, ...(roleArn ? { roleArn } : {}) })
  const domainId = domains.find((d) => d.account === a.name)!.id
  return { aws: clients, domainId, ...lockNaming({ name: a.name, accountId: a.id, domainId, only }) }
}

/** The account id of these clients; an AssumeRole refusal as apply reports it (with the trust-policy hint). */
async function assumed(
  clients: AwsClients,
  account: { name: string; id: string; roleArn?: string },
): Promise<string> {
  try {
    await clients.checkCredentials()
    return await clients.accountId()
  } catch (err) {
    const e = accountError(account, err)
    throw new UserError(e.message, 1, e.hint)
  }
}
