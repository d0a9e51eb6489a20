/**
 * The Assertion Consumer Service: `POST <base>/saml/acs/<team>` with a signed SAML response from
 * IAM Identity Center → verify strictly → confirm the user (from the baked member map: no AWS call
 * for a configured member) → claim the assertion id and presign at the same time → 302 to the
 * presigned Studio URL. Only when the presign finds no profile: create it (when `provisioning`
 * allows), wait until InService, presign again. One module for the Lambda and for `acs serve`.
 *
 * Every request is hostile. Refusals are a 4xx with a short generic body and one JSON log line
 * with a reason code; AWS failures are a 502. The SAML document, tokens and the presigned URL are
 * never logged.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net'
import { DescribeUserCommand, type IdentitystoreClient } from '@aws-sdk/client-identitystore'
import {
  CreatePresignedDomainUrlCommand,
  CreateUserProfileCommand,
  DescribeUserProfileCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker'
import { acsUrl as makeAcsUrl, profileName, TEAM_ID_PATTERN, USER_ID_PATTERN } from '../model/names.js'
import { profileTags } from '../model/profile-tags.js'
import type { AcsConfig } from './config.js'
import { nameIdHash, nameIdMatches, primaryEmail } from './nameid.js'
import type { AcsStore } from './stores.js'
import { AcsRefusal, verifySamlResponse } from './verify.js'

export const MAX_BODY_BYTES = 256 * 1024
/**
 * The login record's bound, from its start beside the claim and the presign. It only ever holds an
 * answer when DynamoDB is slower than the presign (warm, it takes a few milliseconds against the
 * presign's tens). Not shorter: the first login after set-up, the one that shows a team's console
 * steps as verified, is usually a cold start whose first DynamoDB call opens a new connection.
 */
export const LOGIN_RECORD_TIMEOUT_MS = 1_000

export interface AcsRequest {
  method: string
  /** Path without the query string. */
  path: string
  headers: Record<string, string | undefined>
  body: Buffer
  /** Scheme and host the request arrived at, when the base URL is not configured (function URL). */
  origin?: string
  sourceIp?: string
}

export interface AcsResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export interface AcsLogEntry {
  /** `acs`: one line per request; `acs_login_record`: a login record that failed (the answer stands). */
  event: 'acs' | 'acs_login_record'
  outcome: 'redirect' | 'refused' | 'error'
  reason?: string
  status: number
  team?: string
  userId?: string
  /** nameIdHash of the signed NameID: never the NameID itself. */
  nameIdHash?: string
  profile?: string
  assertionId?: string
  createdProfile?: boolean
  /** The AWS error name of a failed login record. */
  code?: string
  ms: number
}

export interface AcsDeps {
  config: AcsConfig
  sagemaker: SageMakerClient
  /**
   * A team whose domain is in another account (config.teams[team].presignRoleArn): the client that
   * acts as that account's presign role. Without it, `sagemaker` serves every team.
   */
  sagemakerFor?: (team: string) => SageMakerClient
  identityStore?: IdentitystoreClient
  store: AcsStore
  log: (entry: AcsLogEntry) => void
  now?: () => Date
  /** How long to wait for a new profile to be InService. */
  profileWait?: { timeoutMs: number; intervalMs: number }
  /** How long the login record may run from its start (default LOGIN_RECORD_TIMEOUT_MS). */
  loginRecordTimeoutMs?: number
}

const PATH = /^\/saml\/acs\/([^/]+)\/?$/
const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'Content-Type': 'text/plain; charset=utf-8',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
}
const MESSAGES: Record<number, string> = {
  400: 'Bad request.',
  403: 'Sign-in refused. Start again from the AWS access portal.',
  404: 'Not found.',
  405: 'Method not allowed.',
  413: 'Request too large.',
  502: 'SageMaker could not be reached. Try again in a moment.',
}

class UpstreamError extends Error {}

export async function handleAcs(req: AcsRequest, deps: AcsDeps): Promise<AcsResponse> {
  const started = Date.now()
  const entry: AcsLogEntry = { event: 'acs', outcome: 'refused', status: 400, ms: 0 }
  const finish = (status: number, reason?: string, message?: string): AcsResponse => {
    entry.status = status
    if (reason) entry.reason = reason
    entry.ms = Date.now() - started
    deps.log(entry)
    return {
      status,
      headers: { ...SECURITY_HEADERS },
      body: `${message ?? MESSAGES[status] ?? 'Refused.'}\n`,
    }
  }
  try {
    const match = PATH.exec(req.path)
    const team = match?.[1]
    if (!team || !TEAM_ID_PATTERN.test(team) || !Object.hasOwn(deps.config.teams, team))
      return finish(404, 'unknown_team')
    entry.team = team
    if (req.method !== 'POST') return finish(405, 'method_not_allowed')
    if (
      deps.config.allowedSourceCidrs?.length &&
      !sourceAllowed(req.sourceIp, deps.config.allowedSourceCidrs)
    )
      return finish(403, 'source_ip_not_allowed')
    const length = Number(req.headers['content-length'] ?? req.body.length)
    if (length > MAX_BODY_BYTES || req.body.length > MAX_BODY_BYTES) return finish(413, 'body_too_large')
    if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? ''))
      return finish(400, 'bad_content_type')
    const form = new URLSearchParams(req.body.toString('utf8'))
    const samlResponse = form.getAll('SAMLResponse')
    if (samlResponse.length !== 1) return finish(400, 'missing_saml_response')
    // RelayState is accepted but never used: it is not a redirect target.

    const teamConfig = deps.config.teams[team]
    if (!teamConfig.idp) return finish(403, 'team_not_configured')
    const base = deps.config.baseUrl ?? req.origin
    const expectedUrl = teamConfig.acsUrl ?? (base ? makeAcsUrl(base, team) : undefined)
    if (!expectedUrl) return finish(403, 'no_acs_url')
    const now = deps.now?.() ?? new Date()
    const login = await verifySamlResponse({
      samlResponse: samlResponse[0],
      acsUrl: expectedUrl,
      audience: teamConfig.audience,
      entityId: teamConfig.idp.entityId,
      certificates: teamConfig.idp.certificates,
      now,
    })
    entry.assertionId = login.assertionId
    entry.nameIdHash = nameIdHash(login.nameId)

    const teamIds = login.attributes.teamid ?? []
    if (teamIds.length !== 1 || teamIds[0] !== team) return finish(403, 'teamid_mismatch')
    const userIds = login.attributes.ssouserid ?? []
    if (userIds.length !== 1 || !USER_ID_PATTERN.test(userIds[0])) return finish(403, 'ssouserid_malformed')
    const userId = userIds[0]
    entry.userId = userId
    const user = await confirmUser(userId, deps)
    if (!user) {
      return finish(
        403,
        'unknown_user',
        'Sign-in refused: your user id is not an IAM Identity Center user id. An admin should check the ssouserid attribute mapping of this application.',
      )
    }
    // The file decides who is in the team: a member removed from it is refused here too, whatever
    // assignment Identity Center still has.
    if (teamConfig.members && !teamConfig.members.includes(userId))
      return finish(
        403,
        'not_a_member',
        'Sign-in refused: you are not a member of this team. Ask an admin to add you to the teams file.',
      )
    // One person per assertion: the signed NameID must be this member's UserName or primary email,
    // so a response that pairs one person's NameID with another's ssouserid (a mapping mistake in
    // the console, or an IdP that lets a user set the attribute) signs nobody in.
    if (!nameIdMatches(login.nameId, user))
      return finish(
        403,
        'nameid_mismatch',
        "Sign-in refused: the application's Subject does not name the user of its ssouserid attribute. An admin should check the attribute mappings (sagemaker-teams sso checklist).",
      )
    const userName = user.userName
    // A renamed team (movedFrom) signs in under its former id and opens its own profiles.
    const name = profileName(teamConfig.profileTeam ?? team, userId)
    // The warm path is one round trip: the replay claim and the presign start together (and the
    // login record beside them). The URL is used only once the claim has succeeded; on a replay
    // it is dropped here, never returned nor logged. The profile is created only after a claim.
    const settleLoginRecord = startLoginRecord(team, userId, login.assertionId, now, deps)
    try {
      const [claimed, presigned] = await Promise.allSettled([
        deps.store.claim(login.assertionId, login.expiresAt),
        presign(name, team, deps),
      ])
      if (claimed.status === 'rejected') throw claimed.reason
      if (!claimed.value) return finish(403, 'replay')
      entry.profile = name
      let url: string
      if (presigned.status === 'fulfilled') url = presigned.value
      else {
        const failure = presigned.reason
        if (!isMissingProfile(failure) && !mayBeNotReady(failure)) {
          entry.createdProfile = false
          throw new UpstreamError('presign_failed')
        }
        const ready = await ensureProfile(name, team, userId, userName, deps, isMissingProfile(failure))
        if (ready === 'not_provisioned') {
          return finish(
            403,
            'not_provisioned',
            'You have no Studio profile for this team yet. An admin must run `sagemaker-teams apply`.',
          )
        }
        entry.createdProfile = ready === 'created'
        try {
          url = await presign(name, team, deps)
        } catch {
          throw new UpstreamError('presign_failed')
        }
      }
      entry.createdProfile ??= false
      entry.outcome = 'redirect'
      entry.status = 302
      entry.ms = Date.now() - started
      deps.log(entry)
      return {
        status: 302,
        headers: { ...SECURITY_HEADERS, Location: url },
        body: 'Redirecting to SageMaker Studio.\n',
      }
    } finally {
      await settleLoginRecord()
    }
  } catch (err) {
    if (err instanceof AcsRefusal) return finish(err.status, err.reason)
    entry.outcome = 'error'
    return finish(502, err instanceof UpstreamError ? err.message : 'upstream_error')
  }
}

const allowLists = new Map<string, BlockList>()

/**
 * acs.allowedSourceCidrs, enforced here on the address the request came from (the function URL's
 * requestContext.http.sourceIp, set by AWS; never a header a client can write). An IAM deny on
 * aws:SourceIp cannot do it: the ACS role itself calls CreatePresignedDomainUrl, from Lambda's
 * address, so such a deny refuses every login. No address, no login.
 */
function sourceAllowed(ip: string | undefined, cidrs: string[]): boolean {
  if (!ip) return false
  const key = cidrs.join(' ')
  let list = allowLists.get(key)
  if (!list) {
    list = new BlockList()
    for (const cidr of cidrs) {
      const [network, bits] = cidr.split('/')
      const type = isIPv6(network) ? 'ipv6' : 'ipv4'
      list.addSubnet(network, Number(bits ?? (type === 'ipv6' ? 128 : 32)), type)
    }
    allowLists.set(key, list)
  }
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1] // IPv4 on a dual-stack socket
  const address = mapped ?? ip
  if (isIPv4(address)) return list.check(address, 'ipv4')
  return isIPv6(address) && list.check(address, 'ipv6')
}

/**
 * The user's name and primary email when the id is an identity store user: from the baked member
 * map, else DescribeUser.
 */
async function confirmUser(
  userId: string,
  deps: AcsDeps,
): Promise<{ userName: string; email?: string } | undefined> {
  const known = deps.config.members[userId]
  const email = deps.config.memberEmails?.[userId]
  if (known) return { userName: known, ...(email ? { email } : {}) }
  if (!deps.identityStore || !deps.config.identityStoreId) return undefined
  try {
    const out = await deps.identityStore.send(
      new DescribeUserCommand({ IdentityStoreId: deps.config.identityStoreId, UserId: userId }),
    )
    return { userName: out.UserName ?? userId, ...primaryEmail(out) }
  } catch (err) {
    const code = (err as Error).name
    if (code === 'ResourceNotFoundException' || code === 'ValidationException') return undefined
    throw new UpstreamError('identitystore_error')
  }
}

/**
 * The login record (first, last, count per team: what `status` and `sso checklist` show as a
 * verified console set-up) runs beside the claim and the presign. Once the answer is ready it is
 * awaited only until LOGIN_RECORD_TIMEOUT_MS after its start, then aborted: a Lambda must not leave
 * a call in flight after answering. A failure is one log line with a reason code; it never changes
 * the answer. Call the returned function once, before answering.
 */
function startLoginRecord(
  team: string,
  userId: string,
  assertionId: string,
  at: Date,
  deps: AcsDeps,
): () => Promise<void> {
  const started = Date.now()
  const abort = new AbortController()
  const written = deps.store.recordLogin(team, assertionId, at, abort.signal, userId).then(
    () => 'ok' as const,
    (err: unknown) => err,
  )
  return async () => {
    const remaining = started + (deps.loginRecordTimeoutMs ?? LOGIN_RECORD_TIMEOUT_MS) - Date.now()
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, remaining))
    })
    const result = await Promise.race([written, timedOut])
    clearTimeout(timer)
    if (result === 'ok') return
    if (result === 'timeout') abort.abort()
    deps.log({
      event: 'acs_login_record',
      outcome: 'error',
      reason: result === 'timeout' ? 'login_record_timeout' : 'login_record_failed',
      ...(result === 'timeout' ? {} : { code: (result as Error)?.name ?? 'Error' }),
      status: 0,
      team,
      assertionId,
      ms: Date.now() - started,
    })
  }
}

/** CreatePresignedDomainUrl's documented error for a profile that does not exist. */
const isMissingProfile = (err: unknown) => (err as Error)?.name === 'ResourceNotFound'

/**
 * Whether a failed presign may mean a profile that exists but is not InService yet (created by
 * `apply` or another login moments ago): a client error that is not a throttle. Throttles and 5xx
 * were already retried by the SDK; they are a 502 at once, without more calls.
 */
function mayBeNotReady(err: unknown): boolean {
  const e = err as { name?: string; $fault?: string; $metadata?: { httpStatusCode?: number } }
  if (e?.$fault !== 'client') return false
  const status = e.$metadata?.httpStatusCode ?? 400
  return status < 500 && status !== 429 && !/Throttl|TooManyRequests|LimitExceeded/.test(e.name ?? '')
}

/**
 * The creation path, taken only when the presign failed: create the profile when it is missing and
 * `provisioning` allows, then wait until it is InService; the caller presigns once more.
 */
async function ensureProfile(
  name: string,
  team: string,
  userId: string,
  userName: string,
  deps: AcsDeps,
  missing: boolean,
): Promise<'created' | 'ready' | 'not_provisioned'> {
  const { config } = deps
  const { sagemaker, domainId } = target(team, deps)
  // The presign has just said ResourceNotFound: no need to ask again before creating.
  let status = missing ? undefined : await describeStatus(name, team, deps)
  let created = false
  if (status === undefined) {
    if (config.provisioning === 'pre') return 'not_provisioned'
    const t = config.teams[team]
    try {
      await sagemaker.send(
        new CreateUserProfileCommand({
          DomainId: domainId,
          UserProfileName: name,
          UserSettings: { ...(t.userSettings ?? {}), ExecutionRole: t.roleArn },
          Tags: Object.entries(
            profileTags(t.profileTeam ?? team, t.tags, userId, userName, Object.keys(t.userSettings ?? {})),
          ).map(([Key, Value]) => ({
            Key,
            Value,
          })),
        }),
      )
      created = true
    } catch (err) {
      // Another login or an apply created it meanwhile: use it.
      if ((err as Error).name !== 'ResourceInUse') throw new UpstreamError('create_profile_failed')
    }
    status = await describeStatus(name, team, deps)
    // The name is taken by a profile the ACS may not see: one without the tool's team tag.
    if (status === undefined) throw new AcsRefusal('profile_not_managed')
  }
  const wait = deps.profileWait ?? { timeoutMs: 20_000, intervalMs: 1_000 }
  const deadline = Date.now() + wait.timeoutMs
  while (status !== 'InService') {
    if (status === 'Failed' || status === 'Delete_Failed' || status === 'Deleting' || Date.now() >= deadline)
      throw new UpstreamError('profile_not_ready')
    await new Promise((r) => setTimeout(r, wait.intervalMs))
    status = await describeStatus(name, team, deps)
  }
  return created ? 'created' : 'ready'
}

/** The client and domain of a team's profiles (its own account's presign role, or the ACS's own). */
function target(team: string, deps: AcsDeps): { sagemaker: SageMakerClient; domainId: string } {
  const t = deps.config.teams[team]
  return {
    sagemaker: (t?.presignRoleArn && deps.sagemakerFor?.(team)) || deps.sagemaker,
    domainId: t?.domainId ?? deps.config.domainId,
  }
}

async function describeStatus(name: string, team: string, deps: AcsDeps): Promise<string | undefined> {
  const { sagemaker, domainId } = target(team, deps)
  try {
    const out = await sagemaker.send(
      new DescribeUserProfileCommand({ DomainId: domainId, UserProfileName: name }),
    )
    return out.Status ?? 'InService'
  } catch (err) {
    // The ACS role may describe only profiles with the tool's team tag, so a profile without it
    // (or, depending on how SageMaker authorises, a missing one) answers AccessDenied: either way
    // one the ACS may not use as it is.
    const code = (err as Error).name
    if (code === 'ResourceNotFound' || code === 'AccessDeniedException') return undefined
    throw new UpstreamError('describe_profile_failed')
  }
}

/** The presigned URL; the SDK's error as thrown (the caller tells a missing profile from a failure). */
async function presign(name: string, team: string, deps: AcsDeps): Promise<string> {
  const { sagemaker, domainId } = target(team, deps)
  const out = await sagemaker.send(
    new CreatePresignedDomainUrlCommand({
      DomainId: domainId,
      UserProfileName: name,
      SessionExpirationDurationInSeconds: deps.config.sessionExpirationSeconds,
      ExpiresInSeconds: deps.config.urlExpiresSeconds,
      LandingUri: deps.config.landingUri,
    }),
  )
  if (!out.AuthorizedUrl?.startsWith('https://')) throw new Error('no URL')
  return out.AuthorizedUrl
}
