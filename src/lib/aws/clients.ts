import { userInfo } from 'node:os'
/**
 * The one AWS client factory. Clients are created lazily with dynamic imports so that commands
 * that never talk to AWS (and `--help`) do not load the SDK. The SDK's standard credential chain,
 * `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` apply unchanged; retry is adaptive with 8 attempts
 * unless AWS_RETRY_MODE / AWS_MAX_ATTEMPTS say otherwise.
 */
import type { AthenaClient } from '@aws-sdk/client-athena'
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail'
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { GlueClient } from '@aws-sdk/client-glue'
import type { IAMClient } from '@aws-sdk/client-iam'
import type { IdentitystoreClient } from '@aws-sdk/client-identitystore'
import type { LakeFormationClient } from '@aws-sdk/client-lakeformation'
import type { LambdaClient } from '@aws-sdk/client-lambda'
import type { S3Client } from '@aws-sdk/client-s3'
import type { SageMakerClient } from '@aws-sdk/client-sagemaker'
import type { SSOAdminClient } from '@aws-sdk/client-sso-admin'
import type { STSClient } from '@aws-sdk/client-sts'
import type { AwsCredentialIdentityProvider } from '@smithy/types'

export interface AwsOptions {
  region: string
  /** Named profile from the shared config files. */
  profile?: string
  /** Receives one line per AWS call (service, operation, duration, outcome) when set. */
  log?: (line: string) => void
  /** Total attempts per call including retries (SDK default 3). */
  maxAttempts?: number
  /** Connection and per-attempt limits (ms) instead of the defaults (a quick probe: init). */
  timeouts?: { connectionTimeout: number; requestTimeout: number }
  /**
   * Credentials of these clients (an assumed role's, see `assumeRole`); default: the SDK's standard
   * chain (environment, --profile, instance role…).
   */
  credentials?: AwsCredentialIdentityProvider
  /** Clients of the IAM Identity Center account: sso-admin and identitystore calls go there. */
  identityCenter?: AwsClients
  /** The account these clients act in, as the teams file names it (for messages). */
  accountName?: string
  /** Who hears each call end (see onCall); clients derived from these (assumeRole) share the set. */
  callListeners?: Set<(call: AwsCallDone) => void>
}

/** The session name the CLI's assumed-role sessions carry: `sagemaker-teams-<user>` (CloudTrail shows it). */
export function roleSessionName(user = safeUserName()): string {
  // STS AssumeRole RoleSessionName: 2..64 of [\w+=,.@-].
  return `sagemaker-teams-${user.replace(/[^\w+=,.@-]/g, '-')}`.slice(0, 64)
}

function safeUserName(): string {
  try {
    return userInfo().username || 'unknown'
  } catch {
    return process.env.USER ?? 'unknown'
  }
}

/** Per-operation counters of the calls this process made (for --verbose summaries and benchmarks). */
export interface CallStats {
  calls: number
  retries: number
  errors: number
}

// biome-ignore lint/suspicious/noExplicitAny: SDK clients share no exported base type with a middleware stack
type AnyClient = any

/** One AWS call that ended (answered, or refused such as NoSuchEntity): what progress displays count. */
export interface AwsCallDone {
  service: string
  operation: string
  /** Elements of the answer's top-level lists (a page of ListUserProfiles: its profiles); 0 for an error. */
  items: number
}

export class AwsClients {
  readonly stats = new Map<string, CallStats>()
  private readonly cache = new Map<string, Promise<AnyClient>>()
  private readonly callListeners: Set<(call: AwsCallDone) => void>
  readonly options: AwsOptions

  constructor(options: AwsOptions) {
    // In the options, so that clients made from them ({ ...options }: an assumed role's, another
    // account's) report their calls to the same listeners.
    this.callListeners = options.callListeners ?? new Set()
    this.options = { ...options, callListeners: this.callListeners }
  }

  /** Calls `listener` after every AWS call of this run ends (never with parameters or payloads); returns the unsubscribe. */
  onCall(listener: (call: AwsCallDone) => void): () => void {
    this.callListeners.add(listener)
    return () => this.callListeners.delete(listener)
  }

  get region(): string {
    return this.options.region
  }

  /**
   * Clients that act as `roleArn` (sts:AssumeRole with these clients' own credentials as the source),
   * with the SDK's own provider: one AssumeRole for the whole run, shared by every service client
   * of the account, and a new one five minutes before the session expires.
   */
  async assumeRole(
    roleArn: string,
    opts: { region?: string; accountName?: string; identityCenter?: AwsClients } = {},
  ): Promise<AwsClients> {
    const [
      { fromTemporaryCredentials },
      { memoizeIdentityProvider, isIdentityExpired, doesIdentityRequireRefresh },
    ] = await Promise.all([import('@aws-sdk/credential-providers'), import('@smithy/core')])
    const base = this.config()
    const provider = fromTemporaryCredentials({
      params: { RoleArn: roleArn, RoleSessionName: roleSessionName() },
      ...(this.options.credentials ? { masterCredentials: this.options.credentials } : {}),
      clientConfig: {
        region: opts.region ?? this.options.region,
        requestHandler: base.requestHandler,
        ...(this.options.profile ? { profile: this.options.profile } : {}),
      },
    })
    const credentials = memoizeIdentityProvider(provider, isIdentityExpired, doesIdentityRequireRefresh)
    return new AwsClients({
      ...this.options,
      region: opts.region ?? this.options.region,
      credentials: credentials as AwsCredentialIdentityProvider,
      ...(opts.accountName !== undefined ? { accountName: opts.accountName } : {}),
      ...(opts.identityCenter ? { identityCenter: opts.identityCenter } : {}),
    })
  }

  /** Resolves these clients' credentials now (an assumed role: the AssumeRole call), so a refusal is reported once, up front. */
  async checkCredentials(): Promise<void> {
    const provider = this.options.credentials
    if (provider) await provider()
  }

  ssoAdmin(): Promise<SSOAdminClient> {
    if (this.options.identityCenter) return this.options.identityCenter.ssoAdmin()
    return this.client(
      'sso-admin',
      async () => new (await import('@aws-sdk/client-sso-admin')).SSOAdminClient(this.config()),
    )
  }

  identityStore(): Promise<IdentitystoreClient> {
    if (this.options.identityCenter) return this.options.identityCenter.identityStore()
    return this.client(
      'identitystore',
      async () => new (await import('@aws-sdk/client-identitystore')).IdentitystoreClient(this.config()),
    )
  }

  sageMaker(): Promise<SageMakerClient> {
    return this.client(
      'sagemaker',
      async () => new (await import('@aws-sdk/client-sagemaker')).SageMakerClient(this.config()),
    )
  }

  iam(): Promise<IAMClient> {
    return this.client('iam', async () => new (await import('@aws-sdk/client-iam')).IAMClient(this.config()))
  }

  sts(): Promise<STSClient> {
    return this.client('sts', async () => new (await import('@aws-sdk/client-sts')).STSClient(this.config()))
  }

  lakeFormation(): Promise<LakeFormationClient> {
    return this.client(
      'lakeformation',
      async () => new (await import('@aws-sdk/client-lakeformation')).LakeFormationClient(this.config()),
    )
  }

  lambda(): Promise<LambdaClient> {
    return this.client(
      'lambda',
      async () => new (await import('@aws-sdk/client-lambda')).LambdaClient(this.config()),
    )
  }

  athena(): Promise<AthenaClient> {
    return this.client(
      'athena',
      async () => new (await import('@aws-sdk/client-athena')).AthenaClient(this.config()),
    )
  }

  glue(): Promise<GlueClient> {
    return this.client(
      'glue',
      async () => new (await import('@aws-sdk/client-glue')).GlueClient(this.config()),
    )
  }

  s3(): Promise<S3Client> {
    return this.client('s3', async () => new (await import('@aws-sdk/client-s3')).S3Client(this.config()))
  }

  dynamoDb(): Promise<DynamoDBClient> {
    return this.client(
      'dynamodb',
      async () => new (await import('@aws-sdk/client-dynamodb')).DynamoDBClient(this.config()),
    )
  }

  cloudTrail(): Promise<CloudTrailClient> {
    return this.client(
      'cloudtrail',
      async () => new (await import('@aws-sdk/client-cloudtrail')).CloudTrailClient(this.config()),
    )
  }

  /** The account id of the caller (STS GetCallerIdentity), read once. */
  async accountId(): Promise<string> {
    if (!this.account) {
      this.account = (async () => {
        const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts')
        const out = await (await this.sts()).send(new GetCallerIdentityCommand({}))
        if (!out.Account) throw new Error('STS GetCallerIdentity returned no account')
        return out.Account
      })()
    }
    return this.account
  }

  private account?: Promise<string>

  /**
   * Adaptive retry keeps one client-side rate limiter per client, and `client()` keeps one client
   * per service for the whole run, so every call to a service (at any --concurrency) shares it:
   * under AWS's per-API rate limits it settles near the limit (bench/run.ts, the rate-limit row).
   */
  /** Closes every client's sockets (a call still in flight ends with an error). */
  async destroy(): Promise<void> {
    for (const client of await Promise.allSettled(this.cache.values()))
      if (client.status === 'fulfilled') client.value.destroy()
  }

  private config() {
    const { connectionTimeout, requestTimeout } = this.options.timeouts ?? timeouts()
    return {
      region: this.options.region,
      // A connection that is not made, or an attempt that is not answered, in time ends the call
      // (see instrument): without these a silent endpoint makes a command hang for ever.
      requestHandler: { connectionTimeout, requestTimeout, throwOnRequestTimeout: true },
      ...(this.options.profile ? { profile: this.options.profile } : {}),
      ...(this.options.credentials ? { credentials: this.options.credentials } : {}),
      // Adaptive retry with 8 attempts, unless the environment asks for something else (the SDK
      // then reads AWS_RETRY_MODE / AWS_MAX_ATTEMPTS itself).
      ...(process.env.AWS_RETRY_MODE ? {} : { retryMode: 'adaptive' }),
      ...(this.options.maxAttempts || !process.env.AWS_MAX_ATTEMPTS
        ? { maxAttempts: this.options.maxAttempts ?? 8 }
        : {}),
    }
  }

  private client<T>(service: string, create: () => Promise<T>): Promise<T> {
    let client = this.cache.get(service)
    if (!client) {
      client = create().then((c) => {
        this.instrument(service, c)
        return c
      })
      this.cache.set(service, client)
    }
    return client as Promise<T>
  }

  /** Counts every call and, with a logger, prints one line per call: never parameters or payloads. */
  private instrument(service: string, client: AnyClient): void {
    const stats = this.stats
    const log = this.options.log
    const listeners = this.callListeners
    const limits = () => this.options.timeouts ?? timeouts()
    // Per attempt (inside the retry middleware): an attempt that got no answer in time is not
    // retried, it ends the call with a message naming the service, the endpoint and the limit. A
    // connection not made in time is retried (nothing was sent); see the initialize step below.
    client.middlewareStack.addRelativeTo(
      // biome-ignore lint/suspicious/noExplicitAny: smithy middleware signature
      (next: any, context: any) => async (args: any) => {
        const r = args?.request
        if (r) context.sagemakerTeamsEndpoint = `${r.protocol}//${r.hostname}${r.port ? `:${r.port}` : ''}`
        try {
          return await next(args)
        } catch (err) {
          const e = err as { name?: string; message?: string; code?: string }
          // The SDK names a reset or broken connection (ECONNRESET, EPIPE: a keep-alive connection
          // the server closed as it was reused) TimeoutError too; those are retried as the SDK does.
          const dropped = e?.code === 'ECONNRESET' || e?.code === 'EPIPE'
          if (e?.name !== 'TimeoutError' || dropped || /establish a connection/.test(e.message ?? ''))
            throw err
          throw new AwsTimeoutError(
            `${service} ${operationOf(context)}: no answer from ${context.sagemakerTeamsEndpoint ?? 'its endpoint'} within ${limits().requestTimeout} ms (AWS_REQUEST_TIMEOUT_MS)`,
          )
        }
      },
      { name: 'sagemakerTeamsTimeout', relation: 'after', toMiddleware: 'retryMiddleware' },
    )
    client.middlewareStack.add(
      // biome-ignore lint/suspicious/noExplicitAny: smithy middleware signature
      (next: any, context: any) => async (args: any) => {
        const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '')
        const key = `${service}:${operation}`
        const s = stats.get(key) ?? { calls: 0, retries: 0, errors: 0 }
        stats.set(key, s)
        s.calls++
        const start = performance.now()
        try {
          const out = await next(args)
          const attempts = out?.output?.$metadata?.attempts ?? 1
          s.retries += attempts - 1
          log?.(
            `aws ${service} ${operation} ${Math.round(performance.now() - start)}ms ok${attempts > 1 ? ` (${attempts} attempts)` : ''}`,
          )
          for (const listener of listeners) listener({ service, operation, items: listedItems(out?.output) })
          return out
        } catch (caught) {
          let err = caught
          const e = caught as { name?: string; message?: string }
          if (e?.name === 'TimeoutError' && /establish a connection/.test(e.message ?? ''))
            err = new AwsTimeoutError(
              `${service} ${operation}: no connection to ${context.sagemakerTeamsEndpoint ?? 'its endpoint'} within ${limits().connectionTimeout} ms (AWS_CONNECT_TIMEOUT_MS), after every attempt`,
            )
          s.errors++
          // biome-ignore lint/suspicious/noExplicitAny: SDK error shape
          const attempts = (caught as any)?.$metadata?.attempts ?? 1
          s.retries += Math.max(0, attempts - 1)
          log?.(
            `aws ${service} ${operation} ${Math.round(performance.now() - start)}ms ${(err as Error)?.name ?? 'Error'}${attempts > 1 ? ` (${attempts} attempts)` : ''}`,
          )
          for (const listener of listeners) listener({ service, operation, items: 0 })
          throw err
        }
      },
      { step: 'initialize', name: 'sagemakerTeamsCallLog', priority: 'high' },
    )
  }
}

/** The number of elements in an answer's top-level arrays (0 for a Describe/Get answer). */
function listedItems(output: unknown): number {
  if (!output || typeof output !== 'object') return 0
  let n = 0
  for (const value of Object.values(output)) if (Array.isArray(value)) n += value.length
  return n
}

/** Default connection timeout (ms): AWS endpoints connect in well under a second. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000
/** Default per-attempt request timeout (ms): the slowest calls (UpdateFunctionCode) answer in seconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000

/** The timeouts of every client: defaults, or AWS_CONNECT_TIMEOUT_MS / AWS_REQUEST_TIMEOUT_MS. */
export function timeouts(): { connectionTimeout: number; requestTimeout: number } {
  const ms = (name: string, fallback: number) => {
    const v = Number(process.env[name])
    return Number.isFinite(v) && v > 0 ? v : fallback
  }
  return {
    connectionTimeout: ms('AWS_CONNECT_TIMEOUT_MS', DEFAULT_CONNECT_TIMEOUT_MS),
    requestTimeout: ms('AWS_REQUEST_TIMEOUT_MS', DEFAULT_REQUEST_TIMEOUT_MS),
  }
}

/** An AWS call that got no connection or no answer in time (not retried: the endpoint is silent). */
export class AwsTimeoutError extends Error {
  constructor(message: string) {
    super(message)
    // Not "TimeoutError": the SDK retries that name; this one ends the call.
    this.name = 'EndpointTimeout'
  }
}

// biome-ignore lint/suspicious/noExplicitAny: smithy handler context
function operationOf(context: any): string {
  return String(context.commandName ?? 'unknown').replace(/Command$/, '')
}
