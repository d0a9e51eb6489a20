/**
 * The domains and accounts of a teams file. A file without `accounts:`/`domains:` has one domain
 * (its `domain:`) in the caller's account: exactly what such a file always meant.
 */
import { DEFAULT_ACCOUNT_ROLE, DEFAULT_DOMAIN_NAME, type TeamsFile } from '../config/types.js'

export interface FileDomain {
  /** The key under `domains:`, or `default` for the file's own `domain:`. */
  name: string
  id: string
  /** The name of its entry under `accounts:`; undefined = the caller's own account. */
  account?: string
  profileQuota?: number
}

export interface FileAccount {
  name: string
  id: string
  /** The role the CLI assumes there. */
  role: string
  /**
   * Whether the file names the role: in the caller's own account the CLI assumes it only then (else
   * it acts there with its own credentials, as for a one-domain file).
   */
  roleNamed: boolean
  region?: string
}

/** Every domain of the file: its own `domain:` first (as `default`), then `domains:` in file order. */
export function fileDomains(config: TeamsFile): FileDomain[] {
  const domains: FileDomain[] = []
  if (config.domain?.id) domains.push({ name: DEFAULT_DOMAIN_NAME, id: config.domain.id })
  for (const [name, d] of Object.entries(config.domains ?? {}))
    domains.push({
      name,
      id: d.id,
      ...(d.account !== undefined ? { account: d.account } : {}),
      ...(d.profileQuota !== undefined ? { profileQuota: d.profileQuota } : {}),
    })
  return domains
}

export function fileAccounts(config: TeamsFile): FileAccount[] {
  return Object.entries(config.accounts ?? {}).map(([name, a]) => ({
    name,
    id: a.id,
    role: a.role ?? DEFAULT_ACCOUNT_ROLE,
    roleNamed: a.role !== undefined,
    ...(a.region ? { region: a.region } : {}),
  }))
}

/**
 * Whether the CLI acts in `account` with the caller's own credentials: the caller's own account,
 * where it assumes a role only when the file names one (as it never does for a one-domain file).
 */
export function actsAsCaller(
  account: Pick<FileAccount, 'id' | 'roleNamed'>,
  callerAccountId: string,
): boolean {
  return !account.roleNamed && account.id === callerAccountId
}

/** The domain name a team lives in: its `domain:`, else the file's `domain:`, else the only entry of `domains:`. */
export function teamDomainName(config: TeamsFile, team: string): string | undefined {
  const own = config.teams?.[team]?.domain
  if (own !== undefined) return own
  if (config.domain) return DEFAULT_DOMAIN_NAME
  const names = Object.keys(config.domains ?? {})
  return names.length === 1 ? names[0] : undefined
}

/** The domain of a single-domain file (or the first of a file with several): what today's commands act on. */
export function primaryDomainId(config: TeamsFile): string {
  const first = fileDomains(config)[0]
  if (!first) throw new Error('the teams file names no domain')
  return first.id
}
