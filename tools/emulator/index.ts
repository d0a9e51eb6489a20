/**
 * A local emulator of exactly the AWS API subset sagemaker-teams calls, on 127.0.0.1. The CLI
 * reaches it only through AWS_ENDPOINT_URL (every service on one port; the service is read from
 * the SigV4 credential scope), with dummy credentials. DynamoDB is dynalite (a real
 * implementation) behind this server, which answers the two TTL operations dynalite lacks.
 */
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { parse as parseYaml } from 'yaml'
import {
  adminUser,
  type Credentials,
  DEFAULT_ACCESS_KEY_ID,
  type Principal,
  ROLE_ARN,
  roleSession,
  userCredentials,
} from './accounts.js'
import { ACCOUNT, AwsError, type Input, type Operation, parseQuery, toXml } from './core.js'
import { athena } from './services/athena.js'
import { cloudTrail, newTrail, recordCall, type Trail } from './services/cloudtrail.js'
import { glue } from './services/glue.js'
import { type Directory, iam } from './services/iam.js'
import { identityStore, ssoAdmin } from './services/identity.js'
import { canRead, lakeFormation, type ReadDecision } from './services/lakeformation.js'
import { LAMBDA_ROUTES, lambda } from './services/lambda.js'
import { sageMaker } from './services/sagemaker.js'
import { sts } from './services/sts.js'
import { applySeed, type EmulatorState, emptyState, type SeedData } from './state.js'
import { enforceModel, queryInput, restJsonInput } from './validation.js'

export type { Credentials, Principal } from './accounts.js'
export { ACCOUNT } from './core.js'
export type { EmulatorState, SeedData } from './state.js'

export interface FaultSpec {
  /** "service:Operation", a pattern with `*` ("service:*", "*:Create*") or undefined for every call. */
  operation?: string
  /**
   * denied: the service's AccessDenied answer (a caller without the permission); reset: the
   * connection is closed without an answer (ECONNRESET at the client, as a dropped keep-alive
   * connection gives).
   */
  kind: 'throttle' | '5xx' | 'denied' | 'reset'
  /** Probability per call (0..1). */
  rate?: number
  /** Fail the next N matching calls. */
  next?: number
  /** Only calls that land in this account (default: every account). */
  account?: string
}

/**
 * Rate-based throttling as AWS does it: a token bucket per API operation (each operation the
 * pattern matches gets its own bucket), refilled at `rate` calls per second up to `burst`. A call
 * that finds its bucket empty is refused with the service's throttling error and takes no token;
 * unlike random faults, a client that slows down to the rate is never throttled.
 */
export interface RateLimitSpec {
  /** "service:Operation", a pattern with `*` ("sagemaker:*", "*:Create*") or undefined for every operation. */
  operation?: string
  /** Sustained calls per second, per operation. */
  rate: number
  /** Calls the bucket holds (accepted at once after an idle spell); default max(1, rate). */
  burst?: number
}

export interface EmulatorOptions {
  port?: number
  seed?: SeedData | string
  /** Start dynalite for DynamoDB (default true). */
  dynamo?: boolean
  /** How long a new profile stays Pending, and a deleted app Deleting (default 100 ms). */
  profileReadyMs?: number
  /**
   * How long a table's TTL stays ENABLING (or DISABLING) after UpdateTimeToLive, during which
   * another update is refused (AWS: up to an hour). Default 0: at once.
   */
  ttlSettleMs?: number
  region?: string
  /** Delay before a write shows in CloudTrail's event history (LookupEvents), ms (default 0). */
  cloudTrailDelayMs?: number
  /**
   * Member accounts besides the default one (ACCOUNT, the Identity Center / caller account), each
   * its own partition of every service, seeded from data or a YAML file.
   */
  accounts?: Array<{ id: string; seed?: SeedData | string }>
}

export interface EmulatorCall {
  account: string
  service: string
  operation: string
  input: Record<string, unknown>
  principalArn: string
  region: string
  /** IAM calls naming a RoleName: that role's permissions boundary before the call. */
  roleBoundary?: string
  /** performance.now() when the service took the call: half the injected round trip after it arrived. */
  at: number
}

export interface Emulator {
  url: string
  dynamoUrl?: string
  /**
   * Environment for the CLI or an SDK client: the default caller
   * (`arn:aws:iam::123456789012:user/emulator-admin`, administrator of the default account), or,
   * given a principal ARN, credentialsFor(that ARN) (with AWS_SESSION_TOKEN for a role).
   */
  env(principalArn?: string): Record<string, string>
  /** Resets every account (the set of accounts stays; member accounts go back to their seed). */
  reset(): void
  /** Adds a member account (12 digits), seeded with `seed` now and after every reset(). */
  addAccount(id: string, seed?: SeedData): void
  /** The account ids the emulator has, the default one first. */
  accounts(): string[]
  /** A member account's partition (or the default account's: the same object as `state`). */
  accountState(id: string): EmulatorState
  /**
   * Credentials acting as a role or user of an account, without a trust check. A role ARN gives a
   * role session (ASIA…, with a session token, valid 12 hours); a user ARN long-term keys.
   */
  credentialsFor(principalArn: string): Credentials
  /** Makes the given session credentials (every issued session when none given) expired from now on. */
  expireCredentials(accessKeyId?: string): void
  /** Deletes every DynamoDB table (dynalite keeps them across reset(): the lock and the ACS tables). */
  dropTables(): Promise<void>
  /** Seeds the default account, or the given one. */
  seed(data: SeedData, accountId?: string): void
  seedFile(file: string, accountId?: string): Promise<void>
  /** Calls by "service:Operation", summed over every account, or of one account. */
  counters(accountId?: string): Record<string, number>
  /**
   * Every call that reached a service of one account (or of all), in order: the operation, its input,
   * who signed it (the role behind a session, else the user), and for an IAM call on a role that
   * role's permissions boundary at the time (what iam:PermissionsBoundary evaluates). S3 and
   * control requests are not recorded. Cleared by resetCounters().
   */
  calls(accountId?: string): EmulatorCall[]
  /** Calls answered with an injected fault, by "service:Operation". */
  faultCounters(): Record<string, number>
  /** Calls refused by a rate limit (throttled: their bucket was empty), by "service:Operation". */
  throttleCounters(): Record<string, number>
  /**
   * How long the service worked on each call (from the request's arrival at the service to its
   * answer being ready, dynalite's time for DynamoDB), ms, by "service:Operation".
   */
  processingTimes(): Record<string, number[]>
  resetCounters(): void
  /**
   * Every AWS call's round trip, as the client sees it, takes `ms` (0: at once): the request
   * reaches the service after ms/2, the service works, and the answer leaves so that it arrives
   * `ms` after the request left. The service's own processing (dynalite's, for DynamoDB) falls
   * inside the round trip, not on top of it; only processing longer than ms/2 lengthens it. The
   * same for every service; throttles and injected faults take the round trip too. Control
   * requests (/_emulator/…) are answered at once.
   */
  setLatency(ms: number): void
  injectFaults(spec: FaultSpec): void
  clearFaults(): void
  /**
   * Holds every call of `operation` ("service:Operation", `*` patterns as in FaultSpec) before the
   * service sees it, until the returned function is called (or reset()): a test makes one process
   * wait at a step for another one's outcome instead of assuming how fast either runs.
   */
  holdCalls(operation: string): () => void
  /** Adds a per-operation token-bucket rate limit; the first limit that matches a call applies. */
  setRateLimit(spec: RateLimitSpec): void
  clearRateLimits(): void
  /**
   * Whether a role may read a table (of a database or through a resource link of its account), by
   * Lake Formation's grants across the emulator's accounts (see services/lakeformation.ts canRead).
   */
  lakeFormationCanRead(roleArn: string, query: { database: string; table: string }): ReadDecision
  setSamlProviderRefused(refused: boolean): void
  /** Delay before the writes made from now on show in LookupEvents, ms. */
  setCloudTrailDelay(ms: number): void
  /** Makes every recorded CloudTrail event visible now (the delivery delay has passed). */
  deliverCloudTrailEvents(): void
  /** The recorded CloudTrail events (delivered or not) of the default account or the given one, oldest first. */
  cloudTrailEvents(accountId?: string): Trail['events']
  /** How long TTL changes stay ENABLING/DISABLING from now on (see EmulatorOptions.ttlSettleMs). */
  setTtlSettleMs(ms: number): void
  /** Ends every ENABLING/DISABLING window now (the hour AWS may take, passed at once). */
  settleTtlNow(): void
  state: EmulatorState
  close(): Promise<void>
}

/** Signing names in the credential scope → the service names used in counters. */
const SERVICES: Record<string, string> = {
  sso: 'sso-admin',
  identitystore: 'identitystore',
  sagemaker: 'sagemaker',
  iam: 'iam',
  sts: 'sts',
  lakeformation: 'lakeformation',
  lambda: 'lambda',
  dynamodb: 'dynamodb',
  athena: 'athena',
  glue: 'glue',
  s3: 's3',
  cloudtrail: 'cloudtrail',
}

/**
 * Limits AWS documents and enforces whatever the caller does: LookupEvents is limited to 2 calls
 * per second per account and region (CloudTrail API reference, LookupEvents). A test's own
 * limits (setRateLimit) are matched first.
 */
const DOCUMENTED_LIMITS: RateLimitSpec[] = [{ operation: 'cloudtrail:LookupEvents', rate: 2, burst: 2 }]

const THROTTLE: Record<string, { code: string; status: number }> = {
  iam: { code: 'Throttling', status: 400 },
  sts: { code: 'Throttling', status: 400 },
  lambda: { code: 'TooManyRequestsException', status: 429 },
}

const DENIED: Record<string, { code: string; status: number }> = {
  iam: { code: 'AccessDenied', status: 403 },
  sts: { code: 'AccessDenied', status: 403 },
}

/** The throttling error each service answers with (awsQuery services, Lambda's REST 429, awsJson). */
function throttlingError(service: string): AwsError {
  return new AwsError(
    THROTTLE[service]?.code ?? 'ThrottlingException',
    'Rate exceeded',
    THROTTLE[service]?.status ?? 400,
  )
}

/** Whether "service:Operation" matches a pattern where `*` stands for any run of characters. */
function matchesOperation(pattern: string | undefined, key: string): boolean {
  if (!pattern || pattern === '*') return true
  if (!pattern.includes('*')) return pattern === key
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  return new RegExp(`^${source}$`).test(key)
}

interface Bucket {
  tokens: number
  at: number
}

const QUERY_NS: Record<string, string> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
}

/** One account's share of everything the emulator keeps. */
interface Partition {
  id: string
  state: EmulatorState
  trail: Trail
  handlers: Handlers
  /** DynamoDB TTL settings by table (the emulator answers the TTL operations itself). */
  ttl: Map<string, { AttributeName: string; Enabled: boolean; settlesAt: number }>
  counts: Map<string, number>
  /** Every call answered by a service of this account, with its caller (see Emulator.calls). */
  calls: EmulatorCall[]
  /** A member account's seed, applied again on every reset(). */
  seed?: SeedData
  /** The account's own dynalite (its tables), started on its first DynamoDB call. */
  dynalite?: Promise<{ server: http.Server; port: number }>
}

const ACCOUNT_ID = /^\d{12}$/

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const region = options.region ?? 'us-east-1'
  const profileReadyMs = options.profileReadyMs ?? 100
  const partitions = new Map<string, Partition>()
  const directory: Directory = { states: () => [...partitions.values()].map((p) => p.state) }
  const newPartition = (id: string, seed?: SeedData): Partition => {
    const state = emptyState(region, profileReadyMs, id)
    const trail = newTrail()
    trail.delayMs = options.cloudTrailDelayMs ?? 0
    if (seed) applySeed(state, seed)
    return {
      id,
      state,
      trail,
      handlers: buildHandlers(state, trail, directory),
      ttl: new Map(),
      counts: new Map(),
      calls: [],
      seed,
    }
  }
  const main = newPartition(ACCOUNT)
  partitions.set(ACCOUNT, main)
  const box = { state: main.state }
  const partitionOf = (id: string): Partition => {
    const p = partitions.get(id)
    if (!p) throw new Error(`emulator: no account ${id} (accounts: ${[...partitions.keys()].join(', ')})`)
    return p
  }

  /** Every credential the emulator has issued or handed out, by access key id (kept across reset()). */
  const credentials = new Map<string, Principal>()
  const defaultCaller = adminUser(ACCOUNT)
  const stsOps = sts({
    stateOf: (id) => partitions.get(id)?.state,
    register: (session) => credentials.set(session.accessKeyId, session),
    defaultCaller: () => defaultCaller,
  })

  /** The principal that signed the request: the partition it lands in and whom it acts as. */
  const callerOf = (req: IncomingMessage, service: string): Principal => {
    const keyId = /Credential=([^/,\s]+)\//.exec(String(req.headers.authorization ?? ''))?.[1]
    if (!keyId) return defaultCaller
    const known = credentials.get(keyId)
    const query = service === 'iam' || service === 'sts'
    const invalid = () =>
      new AwsError(
        query ? 'InvalidClientTokenId' : 'UnrecognizedClientException',
        'The security token included in the request is invalid.',
        query ? 403 : 400,
      )
    if (!known) {
      // A temporary key the emulator never issued: AWS knows no such session.
      if (keyId.startsWith('ASIA')) throw invalid()
      return defaultCaller
    }
    if (known.sessionToken !== undefined && req.headers['x-amz-security-token'] !== known.sessionToken)
      throw invalid()
    if (known.expiresAt !== undefined && Date.now() >= known.expiresAt)
      throw new AwsError(
        query ? 'ExpiredToken' : 'ExpiredTokenException',
        'The security token included in the request is expired',
        400,
      )
    return known
  }

  const faultCounts = new Map<string, number>()
  const throttleCounts = new Map<string, number>()
  const processing = new Map<string, number[]>()
  let faults: FaultSpec[] = []
  let limits: { spec: RateLimitSpec; buckets: Map<string, Bucket> }[] = []
  let documentedLimits = DOCUMENTED_LIMITS.map((spec) => ({ spec, buckets: new Map<string, Bucket>() }))
  let latency = 0
  let holds: { operation: string; released: Promise<void>; release: () => void }[] = []
  let ttlSettleMs = options.ttlSettleMs ?? 0

  const dynamoOn = options.dynamo !== false
  /** A dynalite for one account; its tables' ARNs name that account. */
  const startDynalite = async (account: string) => {
    const { default: createDynalite } = await import('dynalite')
    // dynalite reads the account of its table ARNs from the environment when it is created.
    const saved = process.env.AWS_ACCOUNT_ID
    process.env.AWS_ACCOUNT_ID = account
    let server: http.Server
    try {
      server = createDynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as http.Server
    } finally {
      if (saved === undefined) delete process.env.AWS_ACCOUNT_ID
      else process.env.AWS_ACCOUNT_ID = saved
    }
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return { server, port: (server.address() as AddressInfo).port }
  }
  const dynaliteOf = (p: Partition) => {
    p.dynalite ??= startDynalite(p.id)
    return p.dynalite
  }
  if (dynamoOn) await dynaliteOf(main)

  const injected = (key: string, account: string): FaultSpec | undefined => {
    for (const f of faults) {
      if (!matchesOperation(f.operation, key)) continue
      if (f.account !== undefined && f.account !== account) continue
      if (f.next !== undefined) {
        if (f.next > 0) {
          f.next--
          return f
        }
        continue
      }
      if (f.rate !== undefined && Math.random() < f.rate) return f
    }
    return undefined
  }

  /**
   * Takes a token from the call's bucket under the first matching rate limit; false when it is
   * empty. AWS's limits are per account: each account has its own buckets.
   */
  const admitted = (key: string, account: string): boolean => {
    const limit =
      limits.find((l) => matchesOperation(l.spec.operation, key)) ??
      documentedLimits.find((l) => matchesOperation(l.spec.operation, key))
    if (!limit) return true
    const { rate } = limit.spec
    const burst = limit.spec.burst ?? Math.max(1, rate)
    const now = performance.now()
    const bucketKey = `${account}|${key}`
    let bucket = limit.buckets.get(bucketKey)
    if (!bucket) {
      bucket = { tokens: burst, at: now }
      limit.buckets.set(bucketKey, bucket)
    }
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rate)
    bucket.at = now
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }

  const server = http.createServer(async (req, res) => {
    const arrived = performance.now()
    const body = await readBody(req)
    try {
      if (req.url?.startsWith('/_emulator/')) return control(req.url, body, res)
      const service = serviceOf(req)
      if (!service)
        return send(
          res,
          400,
          { 'content-type': 'text/plain' },
          'emulator: cannot tell the AWS service of this request',
        )
      const operation = operationOf(service, req, body)
      const key = `${service}:${operation}`
      let caller: Principal
      try {
        caller = callerOf(req, service)
      } catch (err) {
        main.counts.set(key, (main.counts.get(key) ?? 0) + 1)
        throw err
      }
      const partition = partitionOf(caller.account)
      partition.counts.set(key, (partition.counts.get(key) ?? 0) + 1)
      // The rate is judged when the call arrives; the answer still takes the round trip.
      const admit = admitted(key, partition.id)
      // See setLatency: half the round trip on the way in, the answer held until the whole of it.
      await sleepUntil(arrived + latency / 2)
      const working = performance.now()
      answering.set(res, {
        at: arrived + latency,
        ready: () => {
          const times = processing.get(key) ?? []
          times.push(performance.now() - working)
          processing.set(key, times)
        },
      })
      if (!admit) {
        throttleCounts.set(key, (throttleCounts.get(key) ?? 0) + 1)
        return sendError(res, service, throttlingError(service))
      }
      for (const hold of holds) if (matchesOperation(hold.operation, key)) await hold.released
      const fault = injected(key, partition.id)
      if (fault) {
        faultCounts.set(key, (faultCounts.get(key) ?? 0) + 1)
        if (fault.kind === 'reset') {
          answering.delete(res)
          return void req.socket.destroy()
        }
        const err =
          fault.kind === 'throttle'
            ? throttlingError(service)
            : fault.kind === 'denied'
              ? new AwsError(
                  DENIED[service]?.code ?? 'AccessDeniedException',
                  `User: ${caller.arn} is not authorized to perform: ${service}:${operation}`,
                  DENIED[service]?.status ?? 400,
                )
              : Math.random() < 0.5
                ? new AwsError('InternalFailure', 'We encountered an internal error. Please try again.', 500)
                : new AwsError('ServiceUnavailable', 'Service is unavailable. Please try again.', 503)
        return sendError(res, service, err)
      }
      if (service === 'dynamodb') {
        logCall(partition, caller, {
          service,
          operation,
          input: body ? JSON.parse(body) : {},
          region: regionOf(req) ?? partition.state.region,
        })
        return await dynamo(req, body, res, operation, partition)
      }
      return await dispatch(service, operation, req, body, res, partition, caller)
    } catch (err) {
      const service = serviceOf(req) ?? 'sagemaker'
      if (err instanceof AwsError) return sendError(res, service, err)
      return sendError(res, service, new AwsError('InternalFailure', (err as Error).message, 500))
    }
  })

  function logCall(
    partition: Partition,
    caller: Principal,
    call: { service: string; operation: string; input: Record<string, unknown>; region: string },
  ) {
    const roleName = call.service === 'iam' ? call.input.RoleName : undefined
    const role =
      typeof roleName === 'string' ? partition.state.roles.find((r) => r.RoleName === roleName) : undefined
    partition.calls.push({
      account: partition.id,
      at: performance.now(),
      ...call,
      principalArn: caller.roleArn ?? caller.arn,
      ...(role?.PermissionsBoundary ? { roleBoundary: role.PermissionsBoundary } : {}),
    })
  }

  async function dispatch(
    service: string,
    operation: string,
    req: IncomingMessage,
    body: string,
    res: ServerResponse,
    partition: Partition,
    caller: Principal,
  ) {
    const region = regionOf(req) ?? partition.state.region
    const { handlers, trail } = partition
    const who = {
      userName: caller.sessionName ?? caller.arn.split('/').pop()!,
      accessKeyId: caller.accessKeyId,
      assumedRole: caller.roleArn !== undefined,
    }
    if (service === 'iam' || service === 'sts') {
      const input = queryInput(service, operation, parseQuery(body))
      const op = service === 'sts' ? stsOps[operation] : handlers[service][operation]
      if (!op) throw new AwsError('InvalidAction', `Could not find operation ${operation}`)
      enforceModel(service, operation, input)
      logCall(partition, caller, { service, operation, input, region })
      const out = await op(input, { region, service, operation, caller })
      const requestId = randomUUID()
      recordCall(trail, { service, operation, input, region, requestId, caller: who })
      const xml = `<${operation}Response xmlns="${QUERY_NS[service]}"><${operation}Result>${toXml(out)}</${operation}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`
      return send(res, 200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, xml)
    }
    if (service === 's3') return s3(operation, req, res, partition)
    if (service === 'lambda') {
      const [path] = (req.url ?? '').split('?')
      for (const route of LAMBDA_ROUTES) {
        const m = route.method === req.method ? route.pattern.exec(path) : null
        if (!m) continue
        const json = restJsonInput(service, route.operation, req, body ? JSON.parse(body) : {})
        enforceModel(service, route.operation, json)
        logCall(partition, caller, {
          service,
          operation: route.operation,
          input: { ...json, ...(m[1] ? { FunctionName: decodeURIComponent(m[1]) } : {}) },
          region,
        })
        const out = handlers.lambda[route.operation](
          json,
          decodeURIComponent(m[1] ?? ''),
          m[2] === undefined ? undefined : decodeURIComponent(m[2]),
        )
        const code = (out.body as { Code?: { Location?: string } }).Code
        if (code?.Location?.startsWith('/'))
          code.Location = `http://${req.headers.host}${code.Location}${partition === main ? '' : `?account=${partition.id}`}`
        return send(
          res,
          out.status ?? 200,
          { 'content-type': 'application/json' },
          out.status === 204 ? '' : JSON.stringify(out.body),
        )
      }
      throw new AwsError('UnknownOperationException', `No route for ${req.method} ${path}`, 404)
    }
    const op = (handlers[service] as Record<string, Operation>)[operation]
    if (!op) throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`)
    const input = body ? (JSON.parse(body) as Input) : {}
    enforceModel(
      service,
      operation,
      service === 'lakeformation' ? restJsonInput(service, operation, req, input) : input,
    )
    logCall(partition, caller, { service, operation, input, region })
    const out = await op(input, { region, service, operation, caller })
    const requestId = randomUUID()
    recordCall(trail, { service, operation, input, region, requestId, caller: who })
    const contentType = service === 'lakeformation' ? 'application/json' : 'application/x-amz-json-1.1'
    return send(res, 200, { 'content-type': contentType, 'x-amzn-requestid': requestId }, JSON.stringify(out))
  }

  /**
   * S3 (restXml): HeadBucket only — whether a bucket exists and this account owns it. Bucket names
   * are global: another account's bucket answers 403 (no bucket policy grants this account).
   */
  function s3(operation: string, req: IncomingMessage, res: ServerResponse, partition: Partition) {
    if (operation !== 'HeadBucket')
      throw new AwsError('NotImplemented', `S3 ${operation} is not emulated`, 501)
    const name = bucketOf(req)
    const bucket = partition.state.buckets.find((b) => b.Name === name)
    if (!bucket) {
      const elsewhere = [...partitions.values()].some((p) => p.state.buckets.some((b) => b.Name === name))
      throw elsewhere
        ? new AwsError('Forbidden', 'Forbidden', 403)
        : new AwsError('NotFound', 'Not Found', 404)
    }
    const expected = req.headers['x-amz-expected-bucket-owner']
    if (expected !== undefined && expected !== bucket.Owner) throw new AwsError('Forbidden', 'Forbidden', 403)
    return send(res, 200, { 'x-amz-bucket-region': bucket.Region }, '')
  }

  function tagInDynalite(req: IncomingMessage, port: number, account: string, table: string, Tags: unknown) {
    const tag = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/',
      headers: {
        ...Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'content-length')),
        host: `127.0.0.1:${port}`,
        'x-amz-target': 'DynamoDB_20120810.TagResource',
        'content-type': 'application/x-amz-json-1.0',
      },
    })
    tag.on('error', () => {})
    tag.end(JSON.stringify({ ResourceArn: `arn:aws:dynamodb:us-east-1:${account}:table/${table}`, Tags }))
  }

  async function dynamo(
    req: IncomingMessage,
    body: string,
    res: ServerResponse,
    operation: string,
    partition: Partition,
  ) {
    const input = body ? JSON.parse(body) : {}
    const ttl = partition.ttl
    if (DYNAMO_OPERATIONS.includes(operation)) enforceModel('dynamodb', operation, input)
    if (operation === 'UpdateTimeToLive') {
      const spec = input.TimeToLiveSpecification
      const current = ttl.get(input.TableName)
      // AWS: the change takes effect asynchronously (ENABLING/DISABLING, up to an hour), and
      // another UpdateTimeToLive of the table in that window is refused.
      if (current && Date.now() < current.settlesAt)
        throw new AwsError(
          'ValidationException',
          'Time to live has been modified multiple times within a fixed interval',
        )
      if (current && current.Enabled === Boolean(spec.Enabled))
        throw new AwsError(
          'ValidationException',
          `TimeToLive is already ${spec.Enabled ? 'enabled' : 'disabled'}`,
        )
      ttl.set(input.TableName, {
        AttributeName: spec.AttributeName,
        Enabled: Boolean(spec.Enabled),
        settlesAt: Date.now() + ttlSettleMs,
      })
      return send(
        res,
        200,
        { 'content-type': 'application/x-amz-json-1.0' },
        JSON.stringify({ TimeToLiveSpecification: spec }),
      )
    }
    if (operation === 'DescribeTimeToLive') {
      const t = ttl.get(input.TableName)
      const settling = t !== undefined && Date.now() < t.settlesAt
      const description = t
        ? {
            TimeToLiveStatus: t.Enabled
              ? settling
                ? 'ENABLING'
                : 'ENABLED'
              : settling
                ? 'DISABLING'
                : 'DISABLED',
            AttributeName: t.AttributeName,
          }
        : { TimeToLiveStatus: 'DISABLED' }
      return send(
        res,
        200,
        { 'content-type': 'application/x-amz-json-1.0' },
        JSON.stringify({ TimeToLiveDescription: description }),
      )
    }
    if (!dynamoOn)
      throw new AwsError('UnknownOperationException', 'DynamoDB is not running in this emulator', 400)
    const { port } = await dynaliteOf(partition)
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: `127.0.0.1:${port}` },
      },
      (up) => {
        // Read whole, then answered through send(): it holds the answer for the injected latency.
        const chunks: Buffer[] = []
        up.on('data', (c: Buffer) => chunks.push(c))
        up.on('end', () => {
          // dynalite ignores CreateTable's Tags; DynamoDB keeps them: tag the new table in dynalite.
          if (operation === 'CreateTable' && up.statusCode === 200 && Array.isArray(input.Tags))
            tagInDynalite(req, port, partition.id, input.TableName, input.Tags)
          send(res, up.statusCode ?? 500, up.headers as Record<string, string>, Buffer.concat(chunks))
        })
      },
    )
    upstream.on('error', (err) =>
      sendError(res, 'dynamodb', new AwsError('InternalFailure', err.message, 500)),
    )
    upstream.end(body)
  }

  function control(url: string, body: string, res: ServerResponse) {
    const [path, search] = url.split('?')
    // ?account=<id> picks a member account (default: the default account).
    const account = new URLSearchParams(search ?? '').get('account') ?? undefined
    const json = (res: ServerResponse, value: unknown) =>
      send(res, 200, { 'content-type': 'application/json' }, JSON.stringify(value))
    if (path.startsWith('/_emulator/lambda-code/')) {
      const name = decodeURIComponent(path.slice('/_emulator/lambda-code/'.length))
      const f = partitionOf(account ?? ACCOUNT).state.functions.find((x) => x.FunctionName === name)
      if (!f?.ZipFile) return send(res, 404, { 'content-type': 'text/plain' }, 'NoSuchKey')
      res.writeHead(200, { 'content-type': 'application/zip' })
      res.end(Buffer.from(f.ZipFile, 'base64'))
      return
    }
    const input = body ? JSON.parse(body) : {}
    switch (path) {
      case '/_emulator/reset':
        api.reset()
        break
      case '/_emulator/seed':
        api.seed(input, account)
        break
      case '/_emulator/accounts':
        // POST {"id": "…", "seed": {…}} adds a member account; GET (no body) lists them.
        if (input.id) api.addAccount(String(input.id), input.seed)
        return json(res, { accounts: api.accounts() })
      case '/_emulator/credentials':
        // POST {"arn": "arn:aws:iam::<acct>:role/<name>"}: credentials acting as that principal.
        return json(res, api.credentialsFor(String(input.arn)))
      case '/_emulator/counters':
        return json(res, {
          calls: api.counters(account),
          faults: api.faultCounters(),
          throttled: api.throttleCounters(),
        })
      case '/_emulator/counters/reset':
        api.resetCounters()
        break
      case '/_emulator/latency':
        api.setLatency(Number(input.ms ?? 0))
        break
      case '/_emulator/faults':
        if (input.clear) api.clearFaults()
        else api.injectFaults(input)
        break
      case '/_emulator/rate-limit':
        if (input.clear) api.clearRateLimits()
        else api.setRateLimit(input)
        break
      case '/_emulator/cloudtrail':
        if (input.deliver) api.deliverCloudTrailEvents()
        if (input.delayMs !== undefined) api.setCloudTrailDelay(Number(input.delayMs))
        break
      case '/_emulator/ttl':
        if (input.settleNow) api.settleTtlNow()
        else api.setTtlSettleMs(Number(input.settleMs ?? 0))
        break
      case '/_emulator/saml-provider':
        api.setSamlProviderRefused(Boolean(input.refused))
        break
      case '/_emulator/state':
        return json(res, api.accountState(account ?? ACCOUNT))
      default:
        return send(res, 404, { 'content-type': 'text/plain' }, 'unknown control endpoint')
    }
    return send(res, 200, { 'content-type': 'application/json' }, '{"ok":true}')
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const sum = (maps: Map<string, number>[]) => {
    const out = new Map<string, number>()
    for (const m of maps) for (const [k, n] of m) out.set(k, (out.get(k) ?? 0) + n)
    return Object.fromEntries([...out].sort(([a], [b]) => a.localeCompare(b)))
  }

  const api: Emulator = {
    url,
    dynamoUrl: dynamoOn ? url : undefined,
    env: (principalArn) => ({
      AWS_ENDPOINT_URL: url,
      ...(principalArn === undefined
        ? { AWS_ACCESS_KEY_ID: DEFAULT_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: defaultCaller.secretAccessKey }
        : (({ accessKeyId, secretAccessKey, sessionToken }) => ({
            AWS_ACCESS_KEY_ID: accessKeyId,
            AWS_SECRET_ACCESS_KEY: secretAccessKey,
            ...(sessionToken ? { AWS_SESSION_TOKEN: sessionToken } : {}),
          }))(api.credentialsFor(principalArn))),
      AWS_REGION: box.state.region,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_SDK_LOAD_CONFIG: '',
      AWS_PROFILE: '',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    }),
    reset() {
      for (const p of partitions.values()) {
        p.state = emptyState(region, profileReadyMs, p.id)
        if (p.seed) applySeed(p.state, p.seed)
        p.trail = newTrail()
        p.trail.delayMs = options.cloudTrailDelayMs ?? 0
        p.handlers = buildHandlers(p.state, p.trail, directory)
        p.ttl.clear()
        p.counts.clear()
        p.calls.length = 0
      }
      box.state = main.state
      api.state = box.state
      faults = []
      limits = []
      documentedLimits = DOCUMENTED_LIMITS.map((spec) => ({ spec, buckets: new Map<string, Bucket>() }))
      latency = 0
      for (const hold of holds) hold.release()
      holds = []
      ttlSettleMs = options.ttlSettleMs ?? 0
      faultCounts.clear()
      throttleCounts.clear()
      processing.clear()
    },
    addAccount(id, seed) {
      if (!ACCOUNT_ID.test(id)) throw new Error(`emulator: an account id is 12 digits (got ${id})`)
      if (partitions.has(id)) throw new Error(`emulator: account ${id} exists already`)
      partitions.set(id, newPartition(id, seed))
    },
    accounts: () => [...partitions.keys()],
    accountState: (id) => partitionOf(id).state,
    lakeFormationCanRead: (roleArn, query) => canRead(directory.states(), roleArn, query),
    credentialsFor(principalArn) {
      let principal: Principal
      const session = /^arn:aws:sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/([\w+=,.@-]+)$/.exec(principalArn)
      if (ROLE_ARN.test(principalArn) || session) {
        const account = session ? session[1] : ROLE_ARN.exec(principalArn)![1]
        const roles = partitionOf(account).state.roles
        const role = session
          ? roles.find((r) => r.RoleName === session[2])
          : roles.find((r) => r.Arn.toLowerCase() === principalArn.toLowerCase())
        // A role not created yet (apply makes it later) still gets a session of its ARN.
        const roleArn = role?.Arn ?? (session ? `arn:aws:iam::${account}:role/${session[2]}` : principalArn)
        principal = roleSession(roleArn, session ? session[3] : 'emulator', {
          roleId: role?.RoleId,
          durationSeconds: 12 * 3600,
        })
      } else if (principalArn === defaultCaller.arn) {
        principal = defaultCaller
      } else {
        principal = userCredentials(principalArn)
        partitionOf(principal.account)
      }
      credentials.set(principal.accessKeyId, principal)
      return {
        accessKeyId: principal.accessKeyId,
        secretAccessKey: principal.secretAccessKey,
        ...(principal.sessionToken ? { sessionToken: principal.sessionToken } : {}),
      }
    },
    expireCredentials(accessKeyId) {
      for (const c of credentials.values())
        if (c.expiresAt !== undefined && (accessKeyId === undefined || c.accessKeyId === accessKeyId))
          c.expiresAt = Math.min(c.expiresAt, Date.now())
    },
    async dropTables() {
      if (!dynamoOn) return
      const { DynamoDBClient, ListTablesCommand, DeleteTableCommand } = await import(
        '@aws-sdk/client-dynamodb'
      )
      for (const p of partitions.values()) {
        if (!p.dynalite) continue
        const db = new DynamoDBClient({
          endpoint: `http://127.0.0.1:${(await p.dynalite).port}`,
          region: box.state.region,
          credentials: { accessKeyId: 'emulator', secretAccessKey: 'emulator' },
        })
        const { TableNames = [] } = await db.send(new ListTablesCommand({}))
        for (const TableName of TableNames) await db.send(new DeleteTableCommand({ TableName }))
        db.destroy()
      }
    },
    seed(data, accountId) {
      applySeed(partitionOf(accountId ?? ACCOUNT).state, data)
    },
    async seedFile(file, accountId) {
      const text = await readFile(file, 'utf8')
      applySeed(partitionOf(accountId ?? ACCOUNT).state, parseYaml(text) as SeedData)
    },
    counters: (accountId) =>
      sum(
        accountId === undefined
          ? [...partitions.values()].map((p) => p.counts)
          : [partitionOf(accountId).counts],
      ),
    calls: (accountId) =>
      (accountId === undefined ? [...partitions.values()] : [partitionOf(accountId)]).flatMap((p) => [
        ...p.calls,
      ]),
    faultCounters: () => sum([faultCounts]),
    throttleCounters: () => sum([throttleCounts]),
    processingTimes: () => Object.fromEntries([...processing].map(([k, v]) => [k, [...v]])),
    resetCounters() {
      for (const p of partitions.values()) {
        p.counts.clear()
        p.calls.length = 0
      }
      faultCounts.clear()
      throttleCounts.clear()
      processing.clear()
    },
    setLatency(ms) {
      latency = ms
    },
    injectFaults(spec) {
      faults.push({ ...spec })
    },
    clearFaults() {
      faults = []
    },
    holdCalls(operation) {
      let release!: () => void
      const released = new Promise<void>((r) => {
        release = r
      })
      const hold = { operation, released, release }
      holds.push(hold)
      return () => {
        hold.release()
        holds = holds.filter((h) => h !== hold)
      }
    },
    setRateLimit(spec) {
      if (!(Number(spec.rate) > 0) || (spec.burst !== undefined && !(Number(spec.burst) >= 1)))
        throw new Error(`emulator: a rate limit needs rate > 0 and burst ≥ 1 (got ${JSON.stringify(spec)})`)
      limits.push({
        spec: { operation: spec.operation, rate: Number(spec.rate), burst: spec.burst && Number(spec.burst) },
        buckets: new Map(),
      })
    },
    clearRateLimits() {
      limits = []
    },
    setSamlProviderRefused(refused) {
      box.state.samlProviderRefused = refused
    },
    setCloudTrailDelay(ms) {
      for (const p of partitions.values()) p.trail.delayMs = ms
    },
    deliverCloudTrailEvents() {
      const now = Date.now()
      for (const p of partitions.values())
        for (const e of p.trail.events) e.deliverAt = Math.min(e.deliverAt, now)
    },
    cloudTrailEvents: (accountId) => [...partitionOf(accountId ?? ACCOUNT).trail.events],
    setTtlSettleMs(ms) {
      ttlSettleMs = ms
    },
    settleTtlNow() {
      for (const p of partitions.values())
        for (const t of p.ttl.values()) t.settlesAt = Math.min(t.settlesAt, Date.now())
    },
    state: box.state,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections?.()
      for (const p of partitions.values()) {
        if (!p.dynalite) continue
        const { server: d } = await p.dynalite
        await new Promise<void>((resolve) => d.close(() => resolve()))
      }
    },
  }
  for (const a of options.accounts ?? []) {
    const seed = typeof a.seed === 'string' ? (parseYaml(await readFile(a.seed, 'utf8')) as SeedData) : a.seed
    api.addAccount(a.id, seed)
  }
  if (typeof options.seed === 'string') await api.seedFile(options.seed)
  else if (options.seed) api.seed(options.seed)
  return api
}

/** The DynamoDB operations this server answers itself (dynalite lacks them; dynalite validates the rest). */
const DYNAMO_OPERATIONS = ['UpdateTimeToLive', 'DescribeTimeToLive']

/** Every operation the emulator implements, by service (for the model-coverage contract test). */
export function implementedOperations(): Record<string, string[]> {
  const handlers = buildHandlers(emptyState('us-east-1', 0), newTrail())
  const out: Record<string, string[]> = {}
  for (const [service, ops] of Object.entries(handlers)) {
    out[service] =
      service === 'lambda' ? [...new Set(LAMBDA_ROUTES.map((r) => r.operation))] : Object.keys(ops)
  }
  out.sts = Object.keys(
    sts({ stateOf: () => undefined, register: () => {}, defaultCaller: () => adminUser(ACCOUNT) }),
  )
  out.dynamodb = [...DYNAMO_OPERATIONS]
  return out
}

/** The operations of one account's services (STS is the emulator's: it spans accounts). */
type Handlers = ReturnType<typeof buildHandlers>

function buildHandlers(state: EmulatorState, trail: Trail, directory?: Directory) {
  return {
    cloudtrail: cloudTrail(trail),
    'sso-admin': ssoAdmin(state),
    identitystore: identityStore(state),
    sagemaker: sageMaker(state),
    iam: iam(state, directory),
    lakeformation: lakeFormation(state, directory),
    lambda: lambda(state),
    athena: athena(state),
    glue: glue(state, directory),
  } as unknown as Record<string, Record<string, Operation>> & { lambda: ReturnType<typeof lambda> }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function scope(req: IncomingMessage): RegExpExecArray | null {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
    String(req.headers.authorization ?? ''),
  )
}

function serviceOf(req: IncomingMessage): string | undefined {
  const s = scope(req)
  if (s) return SERVICES[s[2]]
  const target = String(req.headers['x-amz-target'] ?? '')
  if (target.startsWith('DynamoDB_')) return 'dynamodb'
  return undefined
}

function regionOf(req: IncomingMessage): string | undefined {
  return scope(req)?.[1]
}

function operationOf(service: string, req: IncomingMessage, body: string): string {
  const target = req.headers['x-amz-target']
  if (target) return String(target).split('.').pop() ?? 'Unknown'
  if (service === 'iam' || service === 'sts') return new URLSearchParams(body).get('Action') ?? 'Unknown'
  if (service === 'lakeformation') return (req.url ?? '/').split('?')[0].slice(1)
  if (service === 's3') {
    const path = (req.url ?? '/').split('?')[0]
    return req.method === 'HEAD' && path.split('/').filter(Boolean).length <= 1 ? 'HeadBucket' : 'Unknown'
  }
  if (service === 'lambda') {
    const path = (req.url ?? '').split('?')[0]
    return LAMBDA_ROUTES.find((r) => r.method === req.method && r.pattern.test(path))?.operation ?? 'Unknown'
  }
  return 'Unknown'
}

/**
 * Each AWS call's answer in the making: when it may leave (see setLatency), and what to note when
 * the service has it ready.
 */
const answering = new WeakMap<ServerResponse, { at: number; ready: () => void }>()

function sleepUntil(at: number): Promise<void> | undefined {
  const ms = at - performance.now()
  return ms > 0 ? sleep(Math.ceil(ms)) : undefined
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
): void {
  const call = answering.get(res)
  answering.delete(res)
  call?.ready()
  const held = call && sleepUntil(call.at)
  if (held) {
    held.then(() => send(res, status, headers, body))
    return
  }
  res.writeHead(status, { 'x-amzn-requestid': randomUUID(), ...headers })
  res.end(body)
}

/** The bucket of an S3 request: path style (`/bucket/…`) or virtual-hosted (`bucket.host`). */
function bucketOf(req: IncomingMessage): string {
  const host = String(req.headers.host ?? '').split(':')[0]
  if (!/^(127\.0\.0\.1|localhost)$/.test(host)) return host.split('.')[0]
  return decodeURIComponent((req.url ?? '/').split('?')[0].split('/')[1] ?? '')
}

function sendError(res: ServerResponse, service: string, err: AwsError) {
  // S3 answers HEAD requests with a status and no body.
  if (service === 's3') return send(res, err.status, {}, '')
  if (service === 'iam' || service === 'sts') {
    const xml = `<ErrorResponse xmlns="${QUERY_NS[service]}"><Error><Type>${err.status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${err.code}</Code><Message>${toXml(err.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`
    return send(res, err.status, { 'content-type': 'text/xml' }, xml)
  }
  const contentType =
    service === 'lakeformation' || service === 'lambda' ? 'application/json' : 'application/x-amz-json-1.1'
  return send(
    res,
    err.status,
    { 'content-type': contentType, 'x-amzn-errortype': err.code },
    JSON.stringify({ __type: err.code, message: err.message, Message: err.message }),
  )
}
