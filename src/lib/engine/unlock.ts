/**
 * Which apply lock `force-unlock` acts on. A one-domain file has one (its domain's). A file with
 * accounts:/domains: has one per account that apply writes in (the Identity Center account, and
 * each account with a domain), held in that account: `--account NAME` picks it, and force-unlock
 * acts through that account's role, as apply does.
 */
import type { AwsClients } from '../aws/clients.js'
import type { TeamsFile } from '../config/types.js'
import { UserError } from '../errors.js'
import { fileAccounts, fileDomains, isMultiDomain, primaryDomainId } from '../model/topology.js'
import { closest } from '../text.js'
import { partitionOf } from './discovery.js'
import { accountError, accountLockKey, accountRoleArn, IDENTITY_CENTER } from './many.js'

export interface LockPlace {
  aws: AwsClients
  /** The lock's key (see lockKey). */
  domainId: string
  /** How messages name it: "domain d-…", "account dev (2222…)". */
  label: string
}

/** The accounts of a file with accounts:/domains: whose applies take a lock, in file order. */
export function lockedAccounts(config: TeamsFile): string[] {
  const domains = fileDomains(config)
  return [
    IDENTITY_CENTER,
    ...fileAccounts(config)
      .filter((a) => domains.some((d) => d.account === a.name))
      .map((a) => a.name),
  ]
}

export async function lockPlace(aws: AwsClients, config: TeamsFile, account?: string): Promise<LockPlace> {
  if (!isMultiDomain(config)) {
    if (account !== undefined)
      throw new UserError(
        '--account is for a teams file with accounts:/domains:; this file has one domain and one lock',
      )
    const domainId = primaryDomainId(config)
    return { aws, domainId, label: `domain ${domainId}` }
  }
  const names = lockedAccounts(config)
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
    const icRole = config.identityCenter?.roleArn
    const clients = own.length > 0 || !icRole ? aws : await aws.assumeRole(icRole, { accountName: account })
    const accountId = await assumed(clients, {
      name: account,
      id: icRole?.split(':')[4] ?? '',
      roleArn: icRole,
    })
    return {
      aws: clients,
      domainId: own.length > 0 ? own[0].id : accountLockKey(accountId),
      label: `account ${account} (${accountId})`,
    }
  }
  const a = fileAccounts(config).find((x) => x.name === account)!
  const roleArn = accountRoleArn(a, partitionOf(aws.region))
  const clients = await aws.assumeRole(roleArn, {
    ...(a.region ? { region: a.region } : {}),
    accountName: a.name,
  })
  await assumed(clients, { name: a.name, id: a.id, roleArn })
  return {
    aws: clients,
    domainId: domains.find((d) => d.account === a.name)!.id,
    label: `account ${a.name} (${a.id})`,
  }
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
