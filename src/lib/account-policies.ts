/**
 * `policy` for every teams file, read as its topology — what each principal needs: the CLI's own
 * policy (in the caller's account: IAM Identity Center, the ACS, the domains the CLI acts on with its
 * own credentials, and sts:AssumeRole on each role it assumes), each assumed account role's
 * permissions (operator-policy.ts for that account's teams and domains, and its presign role), and the
 * trust policy each account role needs: the accounts of the principals that may run the tool as
 * Principal, and `aws:PrincipalArn` naming those principals (accounts.<a>.trustedPrincipals, else
 * the principal that runs `policy`) — never a whole account: a trust in an account's root with no
 * condition lets every principal there allowed sts:AssumeRole take the role.
 *
 * A one-domain file is the caller's account with one domain: its one document is the CLI's own, as is
 * that of the same teams under accounts:/domains: in the caller's account with no role named there
 * (the CLI acts there with its own credentials, as apply does: model/topology.ts actsAsCaller).
 */

import type { TeamsFile } from './config/types.js'
import { UserError } from './errors.js'
import {
  actsAsCaller,
  type FileAccount,
  fileAccounts,
  fileDomains,
  teamDomainName,
} from './model/topology.js'
import { operatorPolicy, setupPolicy } from './operator-policy.js'
import type { PolicyDocument } from './plan/types.js'
import { MANAGED_POLICY_MAX, splitPolicy } from './policies/size.js'

/**
 * The principals a caller ARN (STS GetCallerIdentity) stands for in `aws:PrincipalArn`: an IAM user
 * as it is; an assumed-role session as its role, with and without a path (the session ARN drops the
 * path, e.g. IAM Identity Center's `aws-reserved/sso.amazonaws.com/`). None for an account root or a
 * federated user: name the principals in the file then.
 */
export function principalsOfCaller(arn: string): string[] {
  const role = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/[^/]+$/.exec(arn)
  if (role) {
    const [, partition, account, name] = role
    return [
      `arn:${partition}:iam::${account}:role/${name}`,
      `arn:${partition}:iam::${account}:role/*/${name}`,
    ]
  }
  return /^arn:[\w-]+:iam::\d{12}:user\/[\w+=,.@/-]+$/.test(arn) ? [arn] : []
}

export interface AccountPolicy {
  /** "identity-center", or the account's name in the file. */
  account: string
  accountId: string
  /** What the document is for. */
  purpose: 'cli' | 'permissions' | 'trust' | 'setup'
  /** The role it belongs to (absent: the principal that runs the CLI). */
  roleName?: string
  document: PolicyDocument
  /** When the document is over IAM's managed-policy size and printed in parts. */
  part?: { index: number; of: number }
}

export function accountPolicies(
  config: TeamsFile,
  opts: {
    callerAccountId: string
    region: string
    partition?: string
    purpose: 'apply' | 'plan'
    /** The ARN of the principal running `policy` (GetCallerIdentity): the default trusted principal. */
    callerArn?: string
  },
): AccountPolicy[] {
  const partition = opts.partition ?? 'aws'
  const domains = fileDomains(config)
  const teamsIn = (names: string[]) =>
    Object.fromEntries(
      Object.entries(config.teams).filter(([t]) => names.includes(teamDomainName(config, t) ?? '')),
    )
  const { accounts: _a, domains: _d, ...rest } = config
  const assumed = assumedAccounts(config, opts.callerAccountId)
  const roleArns = assumed.map((a) => `arn:${partition}:iam::${a.id}:role/${a.role}`)
  const isOwn = (name: string | undefined) => name === undefined || !assumed.some((a) => a.name === name)
  // The CLI's own account: Identity Center, the ACS (unless acs.account puts it in an assumed
  // account), and the domains it acts on with its own credentials.
  const own = domains.filter((d) => isOwn(d.account))
  const acsAccount = isOwn(config.acs?.account) ? undefined : config.acs?.account
  const cli = operatorPolicy(
    {
      // Only the teams of this account's own domains: their roles are the ones named here.
      config: {
        ...rest,
        domain: { id: own[0]?.id ?? domains[0].id },
        teams: teamsIn(own.map((d) => d.name)),
      },
      accountId: opts.callerAccountId,
      region: opts.region,
      partition,
      ...(own.length ? { domainIds: own.map((d) => d.id) } : {}),
      ...(acsAccount ? { acs: 'elsewhere' as const, presignRole: own.length > 0 } : {}),
    },
    opts.purpose,
  )
  const assumes = [
    ...roleArns,
    ...(config.identityCenter?.roleArn ? [config.identityCenter.roleArn] : []),
  ].sort()
  if (assumes.length)
    cli.Statement.push({
      Sid: 'AssumeAccountRoles',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: assumes,
    })
  const out: AccountPolicy[] = [
    { account: 'identity-center', accountId: opts.callerAccountId, purpose: 'cli', document: cli },
  ]
  for (const account of assumed) {
    const ds = domains.filter((d) => d.account === account.name)
    const holdsAcs = Boolean(config.acs) && account.name === acsAccount
    if (ds.length === 0 && !holdsAcs) continue
    // The ACS's account (acs.account) holds the function with every team; the others a presign role.
    const teams = holdsAcs && ds.length === 0 ? config.teams : teamsIn(ds.map((d) => d.name))
    out.push({
      account: account.name,
      accountId: account.id,
      purpose: 'permissions',
      roleName: account.role,
      document: operatorPolicy(
        {
          config: { ...rest, domain: { id: (ds[0] ?? domains[0]).id }, teams },
          accountId: account.id,
          region: account.region ?? opts.region,
          partition,
          domainIds: ds.map((d) => d.id),
          presignRole: Boolean(config.acs) && !holdsAcs,
          acs: holdsAcs ? (ds.length > 0 ? 'here' : 'only') : 'elsewhere',
          identityCenter: false,
          accountRoleName: account.role,
        },
        opts.purpose,
      ),
    })
    out.push({
      account: account.name,
      accountId: account.id,
      purpose: 'trust',
      roleName: account.role,
      document: trustPolicy(account.name, config.accounts?.[account.name]?.trustedPrincipals, opts.callerArn),
    })
  }
  return out
}

/**
 * The accounts of the file the CLI assumes a role in: all but the caller's own account without a
 * named role (where it acts with its own credentials).
 */
export function assumedAccounts(config: TeamsFile, callerAccountId: string): FileAccount[] {
  return fileAccounts(config).filter((a) => !actsAsCaller(a, callerAccountId))
}

/**
 * `policy --for setup` — what `setup` needs: in the CLI's own
 * account its boundaries there and sts:AssumeRole on the role it writes each other account's with
 * (`setup --account NAME --role R`, default OrganizationAccountAccessRole), and that role's
 * permissions in each account that holds a boundary.
 */
export async function setupAccountPolicies(
  config: TeamsFile,
  opts: { callerAccountId: string; region: string; partition?: string; role?: string },
): Promise<AccountPolicy[]> {
  const { DEFAULT_SETUP_ROLE, setupBoundaries } = await import('./setup.js')
  const partition = opts.partition ?? 'aws'
  const role = opts.role ?? DEFAULT_SETUP_ROLE
  const arns = (accountId: string, region: string) =>
    setupBoundaries(config, { accountId, region, partition }, opts.callerAccountId).map((b) => b.policyArn)
  const named = fileAccounts(config)
    .map((a) => ({ account: a, boundaries: arns(a.id, a.region ?? opts.region) }))
    .filter((x) => x.boundaries.length > 0 && x.account.id !== opts.callerAccountId)
  const out: AccountPolicy[] = [
    {
      account: 'identity-center',
      accountId: opts.callerAccountId,
      purpose: 'setup',
      document: setupPolicy(
        arns(opts.callerAccountId, opts.region),
        named.map((x) => `arn:${partition}:iam::${x.account.id}:role/${role}`),
      ),
    },
  ]
  for (const { account, boundaries } of named)
    out.push({
      account: account.name,
      accountId: account.id,
      purpose: 'setup',
      roleName: role,
      document: setupPolicy(boundaries),
    })
  return out
}

/**
 * An account role's trust policy: Principal the accounts of the trusted principals (IAM refuses a
 * trust naming a principal that does not exist yet, and IAM Identity Center's roles are re-created
 * with new ids; an account root does not), the condition `aws:PrincipalArn` the principals.
 */
function trustPolicy(
  account: string,
  named: string[] | undefined,
  callerArn: string | undefined,
): PolicyDocument {
  const principals = named?.length
    ? [...new Set(named)].sort()
    : callerArn
      ? principalsOfCaller(callerArn)
      : []
  if (principals.length === 0)
    throw new UserError(
      `accounts.${account}.trustedPrincipals: name the IAM roles or users that may run the tool in account ${account}${callerArn ? ` (the caller ${callerArn} is not a role or user)` : ' (the caller could not be read: policy --account-id runs without credentials)'}`,
      1,
      'The account role trusts only these principals (aws:PrincipalArn); see README "AWS Organizations".',
    )
  const accounts = [...new Set(principals.map((p) => p.split(':')[4]))].sort()
  const partition = principals[0].split(':')[1]
  const roots = accounts.map((a) => `arn:${partition}:iam::${a}:root`)
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: roots.length === 1 ? roots[0] : roots },
        Action: 'sts:AssumeRole',
        Condition: { ArnLike: { 'aws:PrincipalArn': principals.length === 1 ? principals[0] : principals } },
      },
    ],
  }
}

/** For printing: a permissions document over IAM's managed-policy limit becomes parts that each fit. */
export function splitAccountPolicies(policies: AccountPolicy[]): AccountPolicy[] {
  return policies.flatMap((p) => {
    if (p.purpose === 'trust') return [p]
    const parts = splitPolicy(p.document)
    return parts.length === 1
      ? [p]
      : parts.map((document, n) => ({ ...p, document, part: { index: n + 1, of: parts.length } }))
  })
}

/** The documents as `policy` prints them: a heading line before each. */
export function renderAccountPolicies(policies: AccountPolicy[]): string {
  return policies
    .map((p) => {
      const heading =
        p.purpose === 'setup'
          ? p.roleName
            ? `# Account ${p.account} (${p.accountId}): what \`setup --account ${p.account}\` needs, on role ${p.roleName}`
            : `# What \`setup\` needs with the CLI's own credentials (account ${p.accountId})`
          : p.purpose === 'cli'
            ? `# The CLI's own policy (account ${p.accountId}: IAM Identity Center, the ACS, and the account roles it assumes)`
            : p.purpose === 'permissions'
              ? `# Account ${p.account} (${p.accountId}): permissions of role ${p.roleName}`
              : `# Account ${p.account} (${p.accountId}): trust policy of role ${p.roleName}`
      const part = p.part
        ? ` — part ${p.part.index} of ${p.part.of} (IAM allows ${MANAGED_POLICY_MAX} characters per managed policy: attach each part)`
        : ''
      return `${heading}${part}\n${JSON.stringify(p.document, null, 2)}\n`
    })
    .join('\n')
}
