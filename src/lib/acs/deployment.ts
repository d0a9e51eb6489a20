/**
 * What the ACS parts' engines share (src/lib/kinds/acs-<part>/engine.ts): the names and tags of
 * the deployment, the role's policy, the function URL's permissions, the configuration for this
 * account and teams file, and reading the deployed package.
 */
import { createHash } from 'node:crypto'
import type { Discovery, EngineContext } from '../kinds/engine-contract.js'
import { acsRoleName } from '../model/acs-names.js'
import { TAG_MANAGED, teamRoleArn } from '../model/names.js'
import type {
  AcsFunctionPayload,
  AcsPermissionPayload,
  PolicyDocument,
  PolicyStatement,
} from '../plan/types.js'
import { managedProfileStatements } from '../policies/profile-access.js'
import { codeVersionOf, configJson } from './bundle.js'
import { type AcsConfig, buildAcsConfig } from './config.js'
import { acsTableName } from './status.js'

export const TAG_CONFIG = 'sagemaker-teams:config-sha256'
export const TAG_SESSION = 'sagemaker-teams:session-seconds'
export const TAG_CIDRS = 'sagemaker-teams:source-cidrs'
export const TAG_CODE_VERSION = 'sagemaker-teams:code-version'
/** The teams in the order of the file last applied (not compared: order changes nothing), for `import`. */
export const TAG_TEAM_ORDER = 'sagemaker-teams:team-order'
/** The rest of the acs section, so that `import` can write it back. */
export const TAG_ACS_SETTINGS = 'sagemaker-teams:acs-settings'
/** The ACS role's one inline policy. */
export const ACS_POLICY_NAME = 'sagemaker-teams-acs'

export { acsRoleName, acsTableName }

export const LAMBDA_TRUST: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
}

/**
 * The function URL's permissions (auth NONE: browsers post to it). Since October 2025 a function URL
 * needs both; the InvokeFunction one holds only for calls through the URL
 * (lambda:InvokedViaFunctionUrl), so nobody can `Invoke` the function directly with a forged event.
 */
export function urlPermissions(functionName: string): AcsPermissionPayload[] {
  return [
    {
      functionName,
      statementId: 'FunctionURLAllowPublicAccess',
      action: 'lambda:InvokeFunctionUrl',
      principal: '*',
      functionUrlAuthType: 'NONE',
    },
    {
      functionName,
      statementId: 'FunctionURLAllowInvokeViaUrl',
      action: 'lambda:InvokeFunction',
      principal: '*',
      invokedViaFunctionUrl: true,
    },
  ]
}

/** Statement ids earlier versions of the tool wrote: removed when they are not among urlPermissions. */
export const OWN_STATEMENT_IDS = new Set([
  'FunctionURLAllowPublicAccess',
  'FunctionURLAllowInvokeViaUrl',
  'FunctionURLAllowPublicInvoke',
])

/**
 * A statement of the function's policy as the permission payload AddPermission would have written
 * it; what AddPermission cannot express (a Deny, another condition) is kept visible, so it differs
 * from every payload the tool wants.
 */
export function permissionOf(functionName: string, s: PolicyStatement): AcsPermissionPayload {
  const p = s.Principal as string | { AWS?: string; Service?: string } | undefined
  const principal = p === '*' || (typeof p === 'object' && p?.AWS === '*') ? '*' : JSON.stringify(p ?? null)
  const authType = s.Condition?.StringEquals?.['lambda:FunctionUrlAuthType']
  const viaUrl = s.Condition?.Bool?.['lambda:InvokedViaFunctionUrl']
  const known = new Set(['StringEquals lambda:FunctionUrlAuthType', 'Bool lambda:InvokedViaFunctionUrl'])
  const other = Object.entries(s.Condition ?? {}).some(([op, keys]) =>
    Object.keys(keys).some((k) => !known.has(`${op} ${k}`)),
  )
  return {
    functionName,
    statementId: s.Sid ?? '',
    action: [s.Action ?? ''].flat().join(','),
    principal: `${s.Effect === 'Allow' ? '' : `${s.Effect} `}${principal}${other ? ' (with other conditions)' : ''}`,
    ...(authType === 'NONE' || authType === 'AWS_IAM' ? { functionUrlAuthType: authType } : {}),
    ...(viaUrl === true || viaUrl === 'true' ? { invokedViaFunctionUrl: true } : {}),
  }
}

/** The AddPermission input of a permission payload. */
export function addPermissionInput(p: AcsPermissionPayload) {
  return {
    FunctionName: p.functionName,
    StatementId: p.statementId,
    Action: p.action,
    Principal: p.principal,
    ...(p.functionUrlAuthType ? { FunctionUrlAuthType: p.functionUrlAuthType } : {}),
    ...(p.invokedViaFunctionUrl ? { InvokedViaFunctionUrl: true } : {}),
  }
}

/**
 * The function's own least-privilege policy (checked against the Service Authorization Reference and
 * evaluated in test/policies/acs-role.test.ts). Profiles: only those that carry the tool's team tag
 * with one of the file's teams, so the ACS can neither presign nor describe an unmanaged profile;
 * creation only with that tag in the request, and tagging only as part of that creation
 * (sagemaker:TaggingAction), so it can never retag an existing profile.
 */
export function acsRolePolicy(
  config: EngineContext['teams']['config'],
  d: Pick<
    Discovery,
    | 'partition'
    | 'region'
    | 'accountId'
    | 'domainId'
    | 'identityStoreId'
    | 'acsPlacement'
    | 'identityCenterAccountId'
  >,
): PolicyDocument {
  const acs = config.acs!
  // Files with accounts:/domains: — the teams of other accounts are reached through their presign roles.
  const placed = d.acsPlacement ?? {}
  const remote = [...new Set(Object.values(placed).flatMap((p) => p.presignRoleArn ?? []))].sort()
  const local = Object.keys(config.teams).filter((t) => !placed[t]?.presignRoleArn)
  const domains = [...new Set(local.map((t) => placed[t]?.domainId ?? d.domainId))].sort()
  const profileArns = domains.map(
    (id) => `arn:${d.partition}:sagemaker:${d.region}:${d.accountId}:user-profile/${id}/*`,
  )
  const profiles = profileArns.length === 1 ? profileArns[0] : profileArns
  const teams = local.sort()
  const roles = local.map((team) =>
    teamRoleArn(config.teams[team].executionRole, team, d.accountId, d.partition),
  )
  const logGroup = `arn:${d.partition}:logs:${d.region}:${d.accountId}:log-group:/aws/lambda/${acs.functionName}`
  const statements: PolicyDocument['Statement'] = [
    ...managedProfileStatements(profiles, teams, roles),
    {
      Sid: 'ConfirmUsers',
      Effect: 'Allow',
      Action: 'identitystore:DescribeUser',
      Resource: [
        `arn:${d.partition}:identitystore::${d.accountId}:identitystore/${d.identityStoreId}`,
        `arn:${d.partition}:identitystore:::user/*`,
      ],
    },
    {
      // Exactly what stores.ts calls: the conditional put of replay ids, the login record update.
      Sid: 'ReplayAndLogins',
      Effect: 'Allow',
      Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
      Resource: `arn:${d.partition}:dynamodb:${d.region}:${d.accountId}:table/${acsTableName(acs.functionName)}`,
    },
    // The reference authorises CreateLogGroup on the log group, the other two on its streams.
    { Sid: 'OwnLogGroup', Effect: 'Allow', Action: 'logs:CreateLogGroup', Resource: logGroup },
    {
      Sid: 'OwnLogStreams',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `${logGroup}:log-stream:*`,
    },
  ]
  // acs.allowedSourceCidrs is enforced by the ACS on each request's source address, not by an IAM
  // deny on aws:SourceIp here: this role's own CreatePresignedDomainUrl call comes from Lambda's
  // address, so such a deny would refuse every login.
  const localOnly = ['ManagedProfiles', 'CreateManagedProfiles', 'TagOnCreateOnly', 'PassTeamRoles']
  const kept = statements.filter(
    (s) =>
      (teams.length > 0 || !localOnly.includes(s.Sid ?? '')) &&
      (s.Sid !== 'ConfirmUsers' || !remoteIdentityStore(d)),
  )
  if (remote.length > 0)
    kept.splice(localOnly.filter((sid) => kept.some((s) => s.Sid === sid)).length, 0, {
      Sid: 'PresignInDomainAccounts',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: remote,
    })
  return { Version: '2012-10-17', Statement: kept }
}

/** The function's tags: what the tool owns and what `import` and the next plan read back. */
export function functionTags(
  ctx: EngineContext,
  p: Pick<
    AcsFunctionPayload,
    'configSha256' | 'sessionExpirationSeconds' | 'allowedSourceCidrs' | 'codeVersion'
  >,
): Record<string, string> {
  return {
    [TAG_MANAGED]: 'true',
    [TAG_CONFIG]: p.configSha256 ?? '',
    [TAG_SESSION]: String(p.sessionExpirationSeconds ?? ''),
    [TAG_CIDRS]: (p.allowedSourceCidrs ?? []).join(' ').slice(0, 256),
    [TAG_CODE_VERSION]: p.codeVersion ?? '',
    [TAG_TEAM_ORDER]: teamOrderTag(Object.keys(ctx.teams.config.teams)),
    [TAG_ACS_SETTINGS]: acsSettingsTag(ctx),
  }
}

/**
 * The ACS settings `import` reads back, as one tag value: base64url of their JSON, because a Lambda
 * tag value holds only letters, digits, spaces and _ . : / = + - @ (and at most 256 of them; JSON's
 * braces, quotes and commas are refused). Empty when it would not fit.
 */
export function acsSettingsTag(ctx: EngineContext): string {
  const a = ctx.teams.config.acs!
  const value = Buffer.from(
    JSON.stringify({
      audience: a.audience,
      url: a.url ?? null,
      urlExpiresSeconds: a.urlExpiresSeconds,
      landingUri: a.landingUri,
      provisioning: a.provisioning,
    }),
  ).toString('base64url')
  return value.length <= 256 ? value : ''
}

/** The settings of acsSettingsTag (and of the JSON value earlier versions wrote). */
export function readAcsSettingsTag(value: string | undefined): Record<string, unknown> {
  if (!value) return {}
  try {
    return JSON.parse(value.startsWith('{') ? value : Buffer.from(value, 'base64url').toString('utf8'))
  } catch {
    return {}
  }
}

const remoteIdentityStore = (d: Pick<Discovery, 'accountId' | 'identityCenterAccountId'>) =>
  d.identityCenterAccountId !== undefined && d.identityCenterAccountId !== d.accountId

/** The ACS configuration for this account and teams file, with the resolved members baked in. */
export function acsConfigFor(ctx: EngineContext, functionUrl?: string) {
  const d = ctx.discovery
  return buildAcsConfig({
    functionUrl,
    teams: ctx.teams,
    accountId: d.accountId,
    partition: d.partition,
    region: d.region,
    domainId: d.domainId,
    // An ACS outside the Identity Center account (acs.account) confirms users from the members
    // apply bakes in only: the identity store answers in its own account.
    ...(remoteIdentityStore(d) ? {} : { identityStoreId: d.identityStoreId }),
    identities: ctx.identities,
    ...(d.acsPlacement ? { placement: d.acsPlacement } : {}),
  })
}

/** Team ids separated by spaces, as many whole ids as a tag value (256 characters) holds. */
function teamOrderTag(teams: string[]): string {
  let out = ''
  for (const t of teams) {
    const next = out ? `${out} ${t}` : t
    if (next.length > 256) break
    out = next
  }
  return out
}

export function configSha256(config: AcsConfig): string {
  return createHash('sha256').update(configJson(config)).digest('hex')
}

export interface DeployedPackage {
  config?: AcsConfig
  codeVersion?: string
  error?: string
}

/**
 * Reads the configuration and code version inside the deployed package (GetFunction's Code.Location,
 * a presigned URL: never logged, nor put in an error message).
 */
export async function readDeployedPackage(location: string): Promise<DeployedPackage> {
  try {
    const res = await fetch(location, { signal: AbortSignal.timeout(30_000) })
    if (!res.ok) return { error: `download answered HTTP ${res.status}` }
    const { unzipSync, strFromU8 } = await import('fflate')
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()))
    const config = files['acs-config.json']
    return {
      ...(config ? { config: JSON.parse(strFromU8(config)) as AcsConfig } : { error: 'no acs-config.json' }),
      ...(files['index.mjs'] ? { codeVersion: codeVersionOf(files['index.mjs']) } : {}),
    }
  } catch (err) {
    return { error: `download failed (${(err as Error).name})` }
  }
}

/** A new IAM role can take seconds before Lambda may assume it; retry that one error briefly. */
export async function withRolePropagation<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (err) {
      const assumable = /cannot be assumed/i.test((err as Error).message ?? '')
      if (!assumable || attempt >= 6) throw err
      await new Promise((r) => setTimeout(r, 2000 * attempt))
    }
  }
}
