/**
 * What `init` reads from the account when credentials work: the SageMaker domains (with their auth
 * mode: the SAML application + CreatePresignedDomainUrl design needs IAM mode, the only mode
 * CreatePresignedDomainUrl accepts) and the Identity Center identity store, to offer the domains and
 * check the members it is given. Without credentials, or when AWS does not answer in time, init
 * goes on offline with a warning: the read is bounded and its sockets are closed after it.
 */
import type { AwsClients } from '../aws/clients.js'
import { awsErrorCode, describeAwsError } from '../errors.js'
import { count } from '../text.js'
import type { InitTeam } from './init.js'

export interface DomainSummary {
  id: string
  name: string
  status: string
  /** IAM or SSO (DescribeDomain); absent when it could not be read. */
  authMode?: string
}

export interface InitAccount {
  region: string
  aws: AwsClients
  domains: DomainSummary[]
  /** The identity store of the one Identity Center instance visible; absent when none or several. */
  identityStoreId?: string
  /** Why the members cannot be checked, when identityStoreId is absent. */
  storeNote?: string
  /** Closes the clients' sockets. */
  close(): Promise<void>
}

/** How long init waits for the account before it goes on offline (ms). */
export const INIT_ACCOUNT_TIMEOUT_MS = 8_000

/**
 * Reads the account, or says why it could not (a one-line warning). Never longer than `timeoutMs`.
 */
export async function readInitAccount(
  region: string,
  options: { profile?: string; timeoutMs?: number } = {},
): Promise<{ account?: InitAccount; warning?: string }> {
  const timeoutMs = options.timeoutMs ?? INIT_ACCOUNT_TIMEOUT_MS
  const { AwsClients } = await import('../aws/clients.js')
  const aws = new AwsClients({
    region,
    profile: options.profile,
    // A probe: one attempt per call, short limits, and the overall deadline below.
    maxAttempts: 1,
    timeouts: { connectionTimeout: Math.min(3_000, timeoutMs), requestTimeout: timeoutMs },
  })
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs)
  })
  const offline = (why: string) => ({
    warning: `${why}; init goes on offline (domains not offered, members not checked).`,
  })
  try {
    const result = await Promise.race([read(aws, region), deadline])
    if (result === 'timeout') {
      await aws.destroy()
      return offline(`AWS did not answer within ${(timeoutMs / 1000).toFixed(0)} s`)
    }
    return { account: { ...result, close: () => aws.destroy() } }
  } catch (err) {
    await aws.destroy()
    const code = awsErrorCode(err) ?? ''
    if (code === 'CredentialsProviderError') return offline('no AWS credentials found')
    return offline(`cannot read the account (${describeAwsError(err).split('\n')[0]})`)
  } finally {
    clearTimeout(timer)
  }
}

async function read(aws: AwsClients, region: string): Promise<Omit<InitAccount, 'close'>> {
  const [{ paginateListDomains, DescribeDomainCommand }, { paginateListInstances }] = await Promise.all([
    import('@aws-sdk/client-sagemaker'),
    import('@aws-sdk/client-sso-admin'),
  ])
  const sageMaker = await aws.sageMaker()
  const readDomains = async () => {
    const domains: DomainSummary[] = []
    for await (const page of paginateListDomains({ client: sageMaker }, { MaxResults: 100 }))
      for (const d of page.Domains ?? [])
        if (d.DomainId) domains.push({ id: d.DomainId, name: d.DomainName ?? '', status: d.Status ?? '' })
    // ListDomains does not say the auth mode; an account has few domains.
    await Promise.all(
      domains.map(async (d) => {
        const out = await sageMaker.send(new DescribeDomainCommand({ DomainId: d.id }))
        if (out.AuthMode) d.authMode = out.AuthMode
      }),
    )
    return domains
  }
  const readStore = async (): Promise<Pick<InitAccount, 'identityStoreId' | 'storeNote'>> => {
    const client = await aws.ssoAdmin()
    const stores: string[] = []
    try {
      for await (const page of paginateListInstances({ client }, {}))
        for (const i of page.Instances ?? []) if (i.IdentityStoreId) stores.push(i.IdentityStoreId)
    } catch (err) {
      return { storeNote: `cannot list IAM Identity Center instances (${describeAwsError(err)})` }
    }
    if (stores.length === 1) return { identityStoreId: stores[0] }
    return {
      storeNote:
        stores.length === 0
          ? `no IAM Identity Center instance is visible in ${region}`
          : `several IAM Identity Center instances are visible (${stores.join(', ')})`,
    }
  }
  const [domains, store] = await Promise.all([readDomains(), readStore()])
  return { region, aws, domains, ...store }
}

/** A domain init may offer: IAM mode and not on its way out. */
export function usableDomains(account: InitAccount): DomainSummary[] {
  return account.domains.filter(
    (d) => d.authMode === 'IAM' && !/^(Deleting|Failed|Delete_Failed)$/.test(d.status),
  )
}

/** Why `domainId` cannot be used (not in the account, or not in IAM mode), or undefined. */
export function domainProblem(account: InitAccount, domainId: string): string | undefined {
  const usable = usableDomains(account)
  const offer = usable.length
    ? `IAM-mode domains in ${account.region}: ${usable.map((d) => `${d.id} (${d.name})`).join(', ')}`
    : `${account.region} has no domain in IAM mode`
  const domain = account.domains.find((d) => d.id === domainId)
  if (!domain) return `--domain-id ${domainId}: no SageMaker domain of this id in ${account.region}; ${offer}`
  if (domain.authMode !== 'IAM')
    return `--domain-id ${domainId}: domain ${domain.name} uses ${domain.authMode ?? 'an unknown'} authentication; sagemaker-teams needs a domain in IAM mode (CreatePresignedDomainUrl, which the team logins use, works only for IAM-mode domains); ${offer}`
  return undefined
}

/** The members the identity store does not have, one line each ("team t1: user x@example.com"). */
export async function unknownMemberLines(account: InitAccount, teams: InitTeam[]): Promise<string[]> {
  if (!account.identityStoreId) return []
  const { unknownMembers } = await import('../engine/identities.js')
  const unknown = await unknownMembers(
    account.aws,
    account.identityStoreId,
    teams.flatMap((t) => t.users),
    teams.flatMap((t) => t.groups),
  )
  const users = new Set(unknown.users)
  const groups = new Set(unknown.groups)
  return teams.flatMap((t) => [
    ...t.users.filter((u) => users.has(u)).map((u) => `team ${t.id}: user ${u}`),
    ...t.groups.filter((g) => groups.has(g)).map((g) => `team ${t.id}: group ${g}`),
  ])
}

/** The error text for members the store does not have. */
export function unknownMembersMessage(account: InitAccount, lines: string[]): string {
  return `${count(lines.length, 'member')} not found in identity store ${account.identityStoreId} (users by UserName, groups by DisplayName); nothing was written:\n  ${lines.join('\n  ')}`
}
