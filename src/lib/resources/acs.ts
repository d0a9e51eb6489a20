/**
 * The ACS deployment (kind `acs`): a least-privilege role, the DynamoDB table (replay ids and
 * login records, on-demand, TTL on), the function (bundle + baked configuration), its function URL
 * (auth NONE: browsers post to it) and the URL's permissions. Updates only what changed: the code
 * hash, the configuration hash (a function tag), the role policy, a missing URL or table.
 */
import { createHash } from 'node:crypto'
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb'
import {
  CreateRoleCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam'
import {
  AddPermissionCommand,
  type AddPermissionCommandInput,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  GetFunctionCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  PutFunctionConcurrencyCommand,
  RemovePermissionCommand,
  TagResourceCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda'
import {
  ACS_HANDLER,
  ACS_RUNTIME,
  buildAcsBundle,
  buildAcsPackageHash,
  codeVersionOf,
  configJson,
} from '../acs/bundle.js'
import { type AcsConfig, buildAcsConfig } from '../acs/config.js'
import { diffAcsConfig } from '../acs/config-diff.js'
import { acsTableName } from '../acs/status.js'
import { ACS_DEFAULTS, type TeamsFile } from '../config/types.js'
import { awsErrorCode } from '../errors.js'
import type { ApplyContext, Discovery, EngineContext, ResourceModule } from '../kinds/engine-contract.js'
import { readRole } from '../kinds/role/engine.js'
import { acsBoundaryPolicyArn, TAG_MANAGED, teamRoleArn } from '../model/names.js'
import type { AcsPayload, Change, PolicyDocument, PolicyStatement } from '../plan/types.js'
import { parsePolicy, policiesEqual } from '../policies/normalize.js'
import { managedProfileStatements } from '../policies/profile-access.js'
import { printPolicy } from '../policies/team-role.js'
import { acsRoleName } from './acs-names.js'
import { applyAcsRemoval, diffRetiredAcs, observeRetiredAcs, type RetiredAcs } from './acs-removal.js'

const TAG_CONFIG = 'sagemaker-teams:config-sha256'
const TAG_SESSION = 'sagemaker-teams:session-seconds'
const TAG_CIDRS = 'sagemaker-teams:source-cidrs'
const TAG_CODE_VERSION = 'sagemaker-teams:code-version'
/** The teams in the order of the file last applied (not compared: order changes nothing), for `import`. */
export const TAG_TEAM_ORDER = 'sagemaker-teams:team-order'
/** The rest of the acs section, so that `import` can write it back. */
export const TAG_ACS_SETTINGS = 'sagemaker-teams:acs-settings'
const POLICY_NAME = 'sagemaker-teams-acs'

export interface ObservedAcs {
  function?: {
    codeSha256?: string
    role?: string
    tags: Record<string, string>
    arn?: string
    version?: string
    lastModified?: string
    /** GetFunction's Concurrency.ReservedConcurrentExecutions; absent: none reserved. */
    reservedConcurrency?: number
  }
  url?: string
  /** The configuration in the deployed package, read only when its hash differs from the new one. */
  deployed?: { config?: AcsConfig; codeVersion?: string; error?: string }
  /** The function's resource policy statements (GetPolicy); empty when it has none. */
  permissions: PolicyStatement[]
  rolePolicy?: PolicyDocument
  roleBoundary?: string
  roleExists: boolean
  table: boolean
  /** TTL is on or being turned on (ENABLED or ENABLING). */
  ttl: boolean
  /** DescribeTimeToLive's TimeToLiveStatus. */
  ttlStatus?: string
  /** Without an acs section: the tool's ACS deployments to remove (see acs-removal.ts). */
  retired?: RetiredAcs[]
}

export interface DesiredAcs {
  payload: AcsPayload
  config: AcsConfig
  rolePolicy: PolicyDocument
  roleBoundary: string
}

/**
 * The function URL's permissions (auth NONE: browsers post to it). Since October 2025 a function URL
 * needs both; the InvokeFunction one holds only for calls through the URL
 * (lambda:InvokedViaFunctionUrl), so nobody can `Invoke` the function directly with a forged event.
 */
export const URL_PERMISSIONS: (AddPermissionCommandInput & { StatementId: string })[] = [
  {
    FunctionName: undefined,
    StatementId: 'FunctionURLAllowPublicAccess',
    Action: 'lambda:InvokeFunctionUrl',
    Principal: '*',
    FunctionUrlAuthType: 'NONE',
  },
  {
    FunctionName: undefined,
    StatementId: 'FunctionURLAllowInvokeViaUrl',
    Action: 'lambda:InvokeFunction',
    Principal: '*',
    InvokedViaFunctionUrl: true,
  },
]
/** Statement ids earlier versions of the tool wrote: replaced when they differ from URL_PERMISSIONS. */
const OWN_STATEMENT_IDS = new Set([
  ...URL_PERMISSIONS.map((p) => p.StatementId),
  'FunctionURLAllowPublicInvoke',
])

/** Whether a statement of the function's policy is exactly the permission AddPermission would write. */
function statementMatches(s: PolicyStatement, p: (typeof URL_PERMISSIONS)[number]): boolean {
  const principal = s.Principal === '*' || (s.Principal as { AWS?: string })?.AWS === '*'
  const condition: Record<string, Record<string, string>> = {}
  if (p.FunctionUrlAuthType) condition.StringEquals = { 'lambda:FunctionUrlAuthType': p.FunctionUrlAuthType }
  if (p.InvokedViaFunctionUrl) condition.Bool = { 'lambda:InvokedViaFunctionUrl': 'true' }
  const observed = JSON.stringify(s.Condition ?? {}, (_k, v) => (typeof v === 'boolean' ? String(v) : v))
  return (
    s.Sid === p.StatementId &&
    s.Effect === 'Allow' &&
    principal &&
    s.Action === p.Action &&
    JSON.stringify(sortDeep(condition)) === JSON.stringify(sortDeep(JSON.parse(observed)))
  )
}

function sortDeep(v: unknown): unknown {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortDeep((v as Record<string, unknown>)[k])]),
  )
}

/** What to do to the function's policy: permissions to add, and our statements to remove. */
export function urlPermissionRepair(observed: PolicyStatement[]) {
  const add = URL_PERMISSIONS.filter((p) => !observed.some((s) => statementMatches(s, p)))
  const remove = observed
    .filter(
      (s) => s.Sid && OWN_STATEMENT_IDS.has(s.Sid) && !URL_PERMISSIONS.some((p) => statementMatches(s, p)),
    )
    .map((s) => s.Sid!)
  return { add, remove }
}

/**
 * The function's own least-privilege policy (checked against the Service Authorization Reference and
 * evaluated in test/policies/acs-role.test.ts). Profiles: only those that carry the tool's team tag
 * with one of the file's teams, so the ACS can neither presign nor describe an unmanaged profile;
 * creation only with that tag in the request, and tagging only as part of that creation
 * (sagemaker:TaggingAction), so it can never retag an existing profile.
 */
export function acsRolePolicy(
  config: TeamsFile,
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

const LAMBDA_TRUST: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
}

export const acsDeployment: ResourceModule<'acs', ObservedAcs | null, DesiredAcs | null> = {
  kind: 'acs',

  async observe(ctx) {
    const acs = ctx.teams.config.acs
    if (!acs)
      return {
        roleExists: false,
        permissions: [],
        table: false,
        ttl: false,
        retired: await observeRetiredAcs(ctx),
      }
    const lambda = await ctx.aws.lambda()
    const observed: ObservedAcs = { roleExists: false, permissions: [], table: false, ttl: false }
    try {
      const fn = await lambda.send(new GetFunctionCommand({ FunctionName: acs.functionName }))
      observed.function = {
        codeSha256: fn.Configuration?.CodeSha256,
        role: fn.Configuration?.Role,
        tags: fn.Tags ?? {},
        arn: fn.Configuration?.FunctionArn,
        version: fn.Configuration?.Version,
        lastModified: fn.Configuration?.LastModified,
        ...(fn.Concurrency?.ReservedConcurrentExecutions !== undefined
          ? { reservedConcurrency: fn.Concurrency.ReservedConcurrentExecutions }
          : {}),
      }

      try {
        observed.url = (
          await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: acs.functionName }))
        ).FunctionUrl
      } catch (err) {
        if (awsErrorCode(err) !== 'ResourceNotFoundException') throw err
      }
      const tagged = fn.Tags?.[TAG_CONFIG]
      if (fn.Code?.Location && tagged && tagged !== configSha256(await acsConfigFor(ctx, observed.url)))
        observed.deployed = await readDeployedPackage(fn.Code.Location)
      try {
        const policy = await lambda.send(new GetPolicyCommand({ FunctionName: acs.functionName }))
        observed.permissions = parsePolicy(policy.Policy ?? '{"Statement":[]}').Statement
      } catch (err) {
        // A function without a resource policy answers ResourceNotFoundException.
        if (awsErrorCode(err) !== 'ResourceNotFoundException') throw err
      }
    } catch (err) {
      if (awsErrorCode(err) !== 'ResourceNotFoundException') throw err
    }
    const role = await readRole(await ctx.aws.iam(), acsRoleName(acs.functionName))
    observed.roleExists = Boolean(role)
    observed.rolePolicy = role?.inlinePolicies[POLICY_NAME]
    observed.roleBoundary = role?.permissionsBoundary
    const db = await ctx.aws.dynamoDb()
    const table = acsTableName(acs.functionName)
    try {
      await db.send(new DescribeTableCommand({ TableName: table }))
      observed.table = true
      const ttl = await db.send(new DescribeTimeToLiveCommand({ TableName: table }))
      // UpdateTimeToLive takes effect asynchronously (ENABLING for up to an hour, and another
      // update in that window is refused): ENABLING is converging, neither drift nor a reason to call.
      observed.ttlStatus = ttl.TimeToLiveDescription?.TimeToLiveStatus
      observed.ttl = observed.ttlStatus === 'ENABLED' || observed.ttlStatus === 'ENABLING'
    } catch (err) {
      if (awsErrorCode(err) !== 'ResourceNotFoundException') throw err
    }
    return observed
  },

  async desire(ctx) {
    const acs = ctx.teams.config.acs
    if (!acs) return null
    // The function URL is baked in once it exists (the Lambda refuses events of other hosts).
    const observed = await ctx.observed<ObservedAcs | null>('acs')
    const config = await acsConfigFor(ctx, observed?.url)
    // Its hashes only (remembered per content): the bytes are zipped when apply uploads them.
    const bundle = await buildAcsPackageHash(config)
    return {
      payload: {
        functionName: acs.functionName,
        codeSha256: bundle.codeSha256,
        configSha256: bundle.configSha256,
        codeVersion: bundle.codeVersion,
        allowedSourceCidrs: [...(acs.allowedSourceCidrs ?? [])].sort(),
        sessionExpirationSeconds: config.sessionExpirationSeconds,
        roleName: acsRoleName(acs.functionName),
        tableName: acsTableName(acs.functionName),
        reservedConcurrency: acs.reservedConcurrency ?? ACS_DEFAULTS.reservedConcurrency,
      },
      config,
      rolePolicy: acsRolePolicy(ctx.teams.config, ctx.discovery),
      roleBoundary: acsBoundaryPolicyArn(ctx.discovery.accountId, ctx.discovery.partition),
    }
  },

  diff(desired, observed, ctx) {
    if (!desired) return diffRetiredAcs(observed?.retired ?? [], ctx)
    if (!observed) return []
    const after = desired.payload
    const fn = observed.function
    if (fn && fn.tags[TAG_MANAGED] !== 'true') {
      return [
        {
          kind: 'acs',
          key: after.functionName,
          action: 'blocked',
          summary: after.functionName,
          after,
          reason: `a function of this name exists without the ${TAG_MANAGED} tag; not modified`,
        },
      ]
    }
    const before: AcsPayload | undefined = fn
      ? {
          functionName: after.functionName,
          codeSha256: fn.codeSha256,
          configSha256: fn.tags[TAG_CONFIG],
          url: observed.url,
          allowedSourceCidrs: (fn.tags[TAG_CIDRS] ?? '').split(' ').filter(Boolean),
          sessionExpirationSeconds: fn.tags[TAG_SESSION] ? Number(fn.tags[TAG_SESSION]) : undefined,
          roleName: after.roleName,
          tableName: after.tableName,
          codeVersion: fn.tags[TAG_CODE_VERSION] ?? observed.deployed?.codeVersion,
          invokeOnlyViaUrl: observed.url ? urlPermissionsCurrent(observed.permissions) : undefined,
          ...(observed.roleBoundary ? { roleBoundary: observed.roleBoundary } : {}),
          ...(fn.reservedConcurrency !== undefined ? { reservedConcurrency: fn.reservedConcurrency } : {}),
        }
      : undefined
    if (!before)
      return [
        {
          kind: 'acs',
          key: after.functionName,
          action: 'create',
          summary: `${after.functionName} (function, URL, role, table; reserved concurrency ${after.reservedConcurrency})`,
          after,
        },
      ]
    const reasons: string[] = []
    let configChanges: AcsPayload['configChanges']
    if (before.configSha256 !== after.configSha256) {
      const deployed = observed.deployed?.config
      if (deployed) {
        configChanges = diffAcsConfig(deployed, desired.config)
        reasons.push(`configuration (${configChanges.length} change${configChanges.length === 1 ? '' : 's'})`)
      } else
        reasons.push(
          `configuration (the deployed one could not be read${observed.deployed?.error ? `: ${observed.deployed.error}` : ''})`,
        )
    }
    // The package holds code and configuration: its hash alone cannot say which changed.
    const sameConfig = before.configSha256 === after.configSha256
    if (before.codeVersion && before.codeVersion !== after.codeVersion)
      reasons.push(`ACS code version ${before.codeVersion} → ${after.codeVersion}`)
    else if (sameConfig && before.codeSha256 !== after.codeSha256)
      reasons.push(
        before.codeVersion ? 'code package' : `ACS code version (not recorded) → ${after.codeVersion}`,
      )
    if (!observed.rolePolicy || !policiesEqual(observed.rolePolicy, desired.rolePolicy))
      reasons.push('role policy')
    if (observed.roleExists && observed.roleBoundary !== desired.roleBoundary)
      reasons.push('role permissions boundary')
    if (!observed.url) reasons.push('function URL missing')
    else if (!urlPermissionsCurrent(observed.permissions)) reasons.push('function URL permissions')
    if (!observed.table || !observed.ttl) reasons.push('table')
    if (before.reservedConcurrency !== after.reservedConcurrency)
      reasons.push(
        `reserved concurrency ${before.reservedConcurrency ?? 'none'} → ${after.reservedConcurrency}`,
      )
    if (observed.ttlStatus === 'ENABLING')
      ctx.warnings.push(
        `acs: TTL enabling on table ${after.tableName} (DynamoDB turns it on asynchronously, up to an hour); nothing to do`,
      )
    if (reasons.length === 0) return []
    return [
      {
        kind: 'acs',
        key: after.functionName,
        action: 'update',
        summary: after.functionName,
        before,
        after: {
          ...after,
          url: observed.url,
          ...(configChanges ? { configChanges } : {}),
          invokeOnlyViaUrl: true,
          roleBoundary: desired.roleBoundary,
        },
        reason: reasons.join(', '),
      },
    ]
  },

  requests(change, ctx) {
    const after = change.after
    if (!after || change.action === 'delete') return []
    const d = ctx.discovery
    // The tag values are what Lambda refuses most easily (its tag character set).
    return [
      ...(after.reservedConcurrency !== undefined
        ? [
            {
              service: 'lambda',
              operation: 'PutFunctionConcurrency',
              input: {
                FunctionName: after.functionName,
                ReservedConcurrentExecutions: after.reservedConcurrency,
              },
            },
          ]
        : []),
      {
        service: 'lambda',
        operation: 'TagResource',
        input: {
          Resource: `arn:${d.partition}:lambda:${d.region}:${d.accountId}:function:${after.functionName}`,
          Tags: functionTags(ctx, after),
        },
      },
    ]
  },

  async apply(change: Change<'acs'>, ctx: ApplyContext) {
    if (change.action === 'delete') return applyAcsRemoval(change, ctx)
    // The zip is not part of the plan (binary); rebuild it: the build is deterministic, so it is the planned code.
    const desired = (await acsDeployment.desire(ctx))!
    // The bytes to upload, and their CodeSha256 as zipped now (never only the remembered hash).
    const built = await buildAcsBundle(desired.config)
    const observed = (await ctx.observed<ObservedAcs | null>('acs'))!
    const after = { ...desired.payload, codeSha256: built.codeSha256 }
    const iam = await ctx.aws.iam()
    if (!observed.roleExists) {
      try {
        await iam.send(
          new CreateRoleCommand({
            RoleName: after.roleName,
            AssumeRolePolicyDocument: JSON.stringify(LAMBDA_TRUST),
            Description: 'Execution role of the sagemaker-teams ACS (managed by sagemaker-teams)',
            PermissionsBoundary: desired.roleBoundary,
            Tags: [{ Key: TAG_MANAGED, Value: 'true' }],
          }),
        )
      } catch (err) {
        if (!/EntityAlreadyExists/.test(awsErrorCode(err) ?? '')) throw err
      }
    }
    // The boundary before the policy: the operator policy allows PutRolePolicy only on bounded roles.
    if (observed.roleExists && observed.roleBoundary !== desired.roleBoundary)
      await iam.send(
        new PutRolePermissionsBoundaryCommand({
          RoleName: after.roleName,
          PermissionsBoundary: desired.roleBoundary,
        }),
      )
    if (!observed.rolePolicy || !policiesEqual(observed.rolePolicy, desired.rolePolicy)) {
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: after.roleName,
          PolicyName: POLICY_NAME,
          PolicyDocument: printPolicy(desired.rolePolicy),
        }),
      )
    }
    const db = await ctx.aws.dynamoDb()
    if (!observed.table) {
      try {
        await db.send(
          new CreateTableCommand({
            TableName: after.tableName,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
            Tags: [{ Key: TAG_MANAGED, Value: 'true' }],
          }),
        )
      } catch (err) {
        if (awsErrorCode(err) !== 'ResourceInUseException') throw err
      }
      await waitUntilTableExists(
        { client: db, maxWaitTime: 120, minDelay: 1 },
        { TableName: after.tableName },
      )
    }
    if (!observed.ttl) {
      await db.send(
        new UpdateTimeToLiveCommand({
          TableName: after.tableName,
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        }),
      )
    }
    const lambda = await ctx.aws.lambda()
    const roleArn = `arn:${ctx.discovery.partition}:iam::${ctx.discovery.accountId}:role/${after.roleName}`
    const tags = functionTags(ctx, after)
    let functionArn = observed.function?.arn
    if (!observed.function) {
      const created = await withRolePropagation(() =>
        lambda.send(
          new CreateFunctionCommand({
            FunctionName: after.functionName,
            Runtime: ACS_RUNTIME,
            Handler: ACS_HANDLER,
            Role: roleArn,
            Code: { ZipFile: built.zip },
            Description: 'sagemaker-teams SAML Assertion Consumer Service',
            Timeout: 30,
            MemorySize: 512,
            Architectures: ['arm64'],
            Tags: tags,
          }),
        ),
      )
      functionArn = created.FunctionArn
    } else {
      if (observed.function.codeSha256 !== after.codeSha256) {
        await lambda.send(
          new UpdateFunctionCodeCommand({ FunctionName: after.functionName, ZipFile: built.zip }),
        )
      }
      await lambda.send(new TagResourceCommand({ Resource: functionArn, Tags: tags }))
    }
    // A flood of posts can take at most this much of the account's Lambda concurrency.
    if (
      after.reservedConcurrency !== undefined &&
      observed.function?.reservedConcurrency !== after.reservedConcurrency
    )
      await lambda.send(
        new PutFunctionConcurrencyCommand({
          FunctionName: after.functionName,
          ReservedConcurrentExecutions: after.reservedConcurrency,
        }),
      )
    let url = observed.url
    let permissions = observed.permissions
    if (!url) {
      url = (
        await lambda.send(
          new CreateFunctionUrlConfigCommand({ FunctionName: after.functionName, AuthType: 'NONE' }),
        )
      ).FunctionUrl
      ctx.runtime.set('acs:url', url)
      // The code was built before the URL existed; bake the URL in (the config hash then names it).
      const withUrl = await buildAcsBundle(await acsConfigFor(ctx, url))
      await lambda.send(
        new UpdateFunctionCodeCommand({ FunctionName: after.functionName, ZipFile: withUrl.zip }),
      )
      await lambda.send(
        new TagResourceCommand({ Resource: functionArn, Tags: { [TAG_CONFIG]: withUrl.configSha256 } }),
      )
      permissions = []
    }
    // New statements first, then the outdated ones: the URL keeps working throughout.
    const repair = urlPermissionRepair(permissions)
    for (const StatementId of repair.remove.filter((sid) => repair.add.some((p) => p.StatementId === sid)))
      await removePermission(lambda, after.functionName, StatementId)
    for (const p of repair.add) {
      try {
        await lambda.send(new AddPermissionCommand({ ...p, FunctionName: after.functionName }))
      } catch (err) {
        if (awsErrorCode(err) !== 'ResourceConflictException') throw err
      }
    }
    for (const StatementId of repair.remove.filter((sid) => !repair.add.some((p) => p.StatementId === sid)))
      await removePermission(lambda, after.functionName, StatementId)
  },
}

/** Whether the function's policy holds exactly the URL permissions the tool writes (and none of its outdated ones). */
function urlPermissionsCurrent(permissions: PolicyStatement[]): boolean {
  const repair = urlPermissionRepair(permissions)
  return repair.add.length === 0 && repair.remove.length === 0
}

async function removePermission(
  lambda: Awaited<ReturnType<ApplyContext['aws']['lambda']>>,
  FunctionName: string,
  StatementId: string,
) {
  try {
    await lambda.send(new RemovePermissionCommand({ FunctionName, StatementId }))
  } catch (err) {
    if (awsErrorCode(err) !== 'ResourceNotFoundException') throw err
  }
}

/**
 * The ACS settings `import` reads back, as one tag value: base64url of their JSON, because a Lambda
 * tag value holds only letters, digits, spaces and _ . : / = + - @ (and at most 256 of them; JSON's
 * braces, quotes and commas are refused). Empty when it would not fit.
 */
/** The function's tags: what the tool owns and what `import` and the next plan read back. */
function functionTags(ctx: EngineContext, after: AcsPayload): Record<string, string> {
  return {
    [TAG_MANAGED]: 'true',
    [TAG_CONFIG]: after.configSha256 ?? '',
    [TAG_SESSION]: String(after.sessionExpirationSeconds ?? ''),
    [TAG_CIDRS]: (after.allowedSourceCidrs ?? []).join(' ').slice(0, 256),
    [TAG_CODE_VERSION]: after.codeVersion ?? '',
    [TAG_TEAM_ORDER]: teamOrderTag(Object.keys(ctx.teams.config.teams)),
    [TAG_ACS_SETTINGS]: acsSettingsTag(ctx),
  }
}

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

function configSha256(config: AcsConfig): string {
  return createHash('sha256').update(configJson(config)).digest('hex')
}

/**
 * Reads the configuration and code version inside the deployed package (GetFunction's Code.Location,
 * a presigned URL: never logged, nor put in an error message).
 */
export async function readDeployedPackage(location: string): Promise<NonNullable<ObservedAcs['deployed']>> {
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
async function withRolePropagation<T>(fn: () => Promise<T>): Promise<T> {
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
