/**
 * `--refresh events`: full drift detection of user profiles at the cost of list pages plus the
 * profiles that may have changed. A profile is read in full when
 * - CloudTrail's event history (LookupEvents: by event source, or by event name in a busy window)
 *   holds a change of it (CreateUserProfile, UpdateUserProfile, DeleteUserProfile, AddTags,
 *   DeleteTags) since the refresh point;
 * - its LastModifiedTime (from ListUserProfiles) is at or after the point, or within the
 *   undelivered window (an UpdateUserProfile whose event is not delivered yet);
 * - its desired state changed since the point (bucket digests of the file's desired profiles), or
 *   it had a change at the point (recheck).
 * Tag changes move no LastModifiedTime: those made within the delivery delay are not visible yet,
 * and the plan says so. The point recorded is (observation start − delay), so the next plan looks
 * at that window again: a change is late, never lost.
 *
 * Falls back to reading every profile (as `--refresh full`), with the reason in the plan, when
 * there is no point, the point is older than the 90-day event history, the caller may not call
 * cloudtrail:LookupEvents, or there are more events than profiles (reading them all is cheaper).
 *
 * Only profiles use events. Roles, LF grants and assignments are read in full in every mode at a
 * cost that grows with teams and list pages, not users; their CloudTrail events (IAM's in
 * us-east-1 only, and more LookupEvents at 2 calls/s) would cost more time, not less.
 */
import { createHash } from 'node:crypto'
import { stableStringify } from '../canonical.js'
import { awsErrorCode, describeAwsError } from '../errors.js'
import type { EngineContext } from '../kinds/engine-contract.js'
import type { Plan } from '../plan/types.js'
import type { RefreshPoint, SaveOutcome } from './point-store.js'
import type { EventsRefresh } from './run.js'

/** The event names that change a user profile. */
export const PROFILE_EVENTS = [
  'CreateUserProfile',
  'UpdateUserProfile',
  'DeleteUserProfile',
  'AddTags',
  'DeleteTags',
] as const
/** CloudTrail's event history holds 90 days; the point must be inside it with a margin. */
export const HISTORY_MS = 90 * 24 * 3600 * 1000 - 3600 * 1000
/** CloudTrail delivers events "within an average of about 5 minutes"; 15 minutes is the conservative default. */
export const DEFAULT_EVENTS_DELAY_SECONDS = 900
/** LookupEvents: "limited to two per second, per account, per Region" (the API reference). */
const LOOKUPS_PER_SECOND = 2
/** The event source of the profile events: one lookup by it covers all five names in a quiet window. */
const SAGEMAKER_SOURCE = 'sagemaker.amazonaws.com'
const BUCKETS = 64

export type { EventsRefresh }

/** The profile observation's refresh run of this plan (set by {@link startObservation}). */
export function eventsRefreshOf(ctx: EngineContext): EventsRefresh | undefined {
  return ctx.eventsRefresh
}

/** A listed profile: what ListUserProfiles tells about it. */
export interface ListedProfile {
  name: string
  lastModified?: number
}

/** The key of the point: the domain and the file's set of teams (files sharing a domain keep their own). */
export function pointId(ctx: EngineContext): string {
  const teams = Object.keys(ctx.teams.config.teams).sort().join(',')
  return `refresh-point#${ctx.discovery.domainId}#${createHash('sha256').update(teams).digest('hex').slice(0, 16)}`
}

/** Desired profiles spread over 64 buckets by name; a bucket's digest changes when any of its profiles does. */
export function digestBuckets(desired: Map<string, unknown>): string[] {
  const parts: string[][] = Array.from({ length: BUCKETS }, () => [])
  for (const [key, payload] of [...desired].sort(([a], [b]) => a.localeCompare(b)))
    parts[bucketOf(key)].push(`${key}=${stableStringify(payload)}`)
  return parts.map((p) => createHash('sha256').update(p.join('\n')).digest('hex').slice(0, 16))
}

const bucketOf = (key: string) => createHash('sha256').update(key).digest()[0] % BUCKETS

/**
 * The desired, present profiles to read in full, each with its reason; undefined means read them
 * all (the fallback reason is then in the run and in ctx.warnings).
 */
export async function profilesToRead(
  ctx: EngineContext,
  run: EventsRefresh,
  byName: Map<string, ListedProfile>,
  /** The refresh point and its lookups, started while the list pages were read (see lookUpSincePoint). */
  lookup?: Promise<PointLookup>,
): Promise<Map<string, string> | undefined> {
  const { startedAt, delayMs, desired } = run
  const log = (line: string) => ctx.aws.options.log?.(`refresh events: ${line}`)
  const fallBack = (reason: string) => {
    run.fallback = reason
    ctx.warnings.push(`--refresh events read every profile (as --refresh full): ${reason}.`)
    log(`reading every profile: ${reason}`)
    return undefined
  }
  const early = await (lookup ?? lookUpSincePoint(ctx, run))
  if ('fallback' in early) return fallBack(early.fallback)
  const { point, found } = early
  const present = [...desired.keys()].filter((k) => byName.has(k))
  const hinted = new Map<string, string>()
  if (run.events > Math.max(present.length, 100))
    return fallBack(
      `more profile events since ${new Date(point.at).toISOString()} than managed profiles (reading every profile costs less)`,
    )

  const oldBuckets = point.buckets.length === BUCKETS ? point.buckets : undefined
  const newBuckets = digestBuckets(desired)
  const recheck = new Set(point.recheck)
  const windowStart = Math.min(point.at, startedAt - delayMs)
  for (const key of present) {
    const p = byName.get(key)!
    const why =
      found.get(key) ??
      (recheck.has(key) ? 'had a change at the refresh point' : undefined) ??
      ((p.lastModified ?? 0) >= windowStart
        ? `LastModifiedTime ${new Date(p.lastModified ?? 0).toISOString()} is after the refresh point or within the undelivered window`
        : undefined) ??
      (oldBuckets?.[bucketOf(key)] !== newBuckets[bucketOf(key)]
        ? 'its desired state in the file changed since the refresh point'
        : undefined)
    if (why) hinted.set(key, why)
  }
  for (const [key, why] of hinted) log(`read profile ${byName.get(key)?.name ?? key}: ${why}`)
  run.reads = hinted
  if (delayMs === 0) return hinted // the caller says events arrive at once: no window to name
  run.notYetVisible = `not yet visible: changes made in the last ${duration(delayMs)} (tag changes of user profiles since ${new Date(startedAt - delayMs).toISOString()} reach CloudTrail's event history with a delay and move no LastModifiedTime; the next plan looks at them again)`
  ctx.warnings.push(`${run.notYetVisible}.`)
  return hinted
}

/** The refresh point and the profiles CloudTrail names as changed since it, or why every profile must be read. */
export type PointLookup = { point: RefreshPoint; found: Map<string, string> } | { fallback: string }

/**
 * Reads the refresh point and looks up the profile events since it. Needs nothing from the list
 * pages, so `observe` starts it before them and the lookups' round trips (and CloudTrail's rate
 * limit) overlap the pages.
 */
/** Clock skew allowed between the machine that recorded a point and this one. */
const POINT_SKEW_MS = 5 * 60_000

export async function lookUpSincePoint(ctx: EngineContext, run: EventsRefresh): Promise<PointLookup> {
  const log = (line: string) => ctx.aws.options.log?.(`refresh events: ${line}`)
  const { loadPoint } = await import('./point-store.js')
  const point = await loadPoint(ctx.aws, pointId(ctx)).catch((err) => {
    if (awsErrorCode(err) === 'AccessDeniedException') return 'denied' as const
    throw err
  })
  if (point === 'denied') return { fallback: 'no permission to read the refresh point (dynamodb:GetItem)' }
  if (!point)
    return {
      fallback:
        'no refresh point recorded yet for this domain and set of teams (apply --refresh events records one; later plans keep it current)',
    }
  // The point is data anyone who can write the table chooses: one in the future would make every
  // events plan look at no history (or fail), so it is not trusted.
  if (point.at > Date.now() + POINT_SKEW_MS)
    return {
      fallback: `the refresh point (${new Date(point.at).toISOString()}) is in the future; not trusted`,
    }
  if (point.at < run.startedAt - HISTORY_MS)
    return {
      fallback: `the refresh point (${new Date(point.at).toISOString()}) is older than CloudTrail's 90-day event history`,
    }
  // Only apply writes the point, as its observation start minus its delay, and records both: a point
  // that does not match its own record (moved forward to hide a change, or backward) was moved by hand.
  const moved = movedByHand(point)
  if (moved)
    return { fallback: `the refresh point (${new Date(point.at).toISOString()}) ${moved}; not trusted` }
  try {
    // The bound of the early stop: the profiles the file calls for (those listed are counted later).
    const found = await lookupProfileChanges(ctx, point.at, run.desired.size, run, log)
    if (found === 'too-many')
      return {
        fallback: `more profile events since ${new Date(point.at).toISOString()} than managed profiles (reading every profile costs less)`,
      }
    return { point, found }
  } catch (err) {
    if (awsErrorCode(err) === 'AccessDeniedException')
      return { fallback: `no permission to call cloudtrail:LookupEvents (${describeAwsError(err)})` }
    throw err
  }
}

/** Why a point does not match the apply that recorded it, or undefined when it does. */
function movedByHand(point: RefreshPoint): string | undefined {
  const iso = (ms: number) => new Date(ms).toISOString()
  if (point.startedAt === undefined || point.delayMs === undefined || point.recordedAt === undefined)
    return 'carries no record of the apply that wrote it (an item of an older version, or written by hand; the next apply --refresh events records a new one)'
  const expected = point.startedAt - point.delayMs
  if (point.at !== expected)
    return `is ${point.at > expected ? 'later' : 'earlier'} than the apply that recorded it at ${iso(point.recordedAt)} verified (${iso(expected)}: its observation start ${iso(point.startedAt)} minus its delay of ${duration(point.delayMs)})`
  if (point.recordedAt < point.startedAt || point.recordedAt > Date.now() + POINT_SKEW_MS)
    return `was recorded at ${iso(point.recordedAt)}, which its observation start (${iso(point.startedAt)}) and this machine's clock do not allow`
  return undefined
}

/** "15 minutes", "90 seconds". */
function duration(ms: number): string {
  const s = Math.round(ms / 1000)
  if (s < 120) return `${s} second${s === 1 ? '' : 's'}`
  const m = Math.round(s / 60)
  return `${m} minutes`
}

/**
 * The times of the latest LookupEvents calls per account and region: a call waits until the one two
 * calls back is a second old, so no second holds more than CloudTrail's two (shared by the domains
 * of one account that a plan reads side by side).
 */
const lookupTimes = new Map<string, number[]>()

async function lookupSlot(key: string): Promise<void> {
  const times = lookupTimes.get(key) ?? []
  lookupTimes.set(key, times)
  for (;;) {
    const wait =
      times.length < LOOKUPS_PER_SECOND ? 0 : times[times.length - LOOKUPS_PER_SECOND] + 1000 - Date.now()
    if (wait <= 0) break
    await new Promise((r) => setTimeout(r, wait))
  }
  times.push(Date.now())
  if (times.length > LOOKUPS_PER_SECOND) times.shift()
}

/**
 * Profiles of this domain named by profile-changing events since `since`: name → reason. First one
 * lookup by event source (SageMaker), the names filtered here: when the window's SageMaker events
 * fit in one page (a quiet domain, a scheduled check) that is the only call. When there are more,
 * one lookup per event name instead (each paged back to `since`), side by side within the rate limit.
 */
async function lookupProfileChanges(
  ctx: EngineContext,
  since: number,
  profileCount: number,
  run: EventsRefresh,
  log: (line: string) => void,
): Promise<Map<string, string> | 'too-many'> {
  const client = await ctx.aws.cloudTrail()
  const { LookupEventsCommand } = await import('@aws-sdk/client-cloudtrail')
  const domainId = ctx.discovery.domainId
  const slot = `${ctx.discovery.accountId}:${ctx.aws.region}`
  const names = new Set<string>(PROFILE_EVENTS)
  /** One page; its profile events (SageMaker's, of the five names) into `into`. */
  const page = async (
    attribute: { AttributeKey: 'EventSource' | 'EventName'; AttributeValue: string },
    NextToken: string | undefined,
    into: Map<string, string>,
  ) => {
    await lookupSlot(slot)
    const out = await client.send(
      new LookupEventsCommand({
        LookupAttributes: [attribute],
        StartTime: new Date(since),
        MaxResults: 50,
        NextToken,
      }),
    )
    run.lookups++
    let events = 0
    for (const e of out.Events ?? []) {
      if (e.EventSource && e.EventSource !== SAGEMAKER_SOURCE) continue
      if (!e.EventName || !names.has(e.EventName)) continue
      events++
      const name = profileOfEvent(e, domainId)
      if (name && !into.has(name))
        into.set(name, `${e.EventName} at ${e.EventTime?.toISOString() ?? 'unknown time'}`)
    }
    return { events, total: out.Events?.length ?? 0, next: out.NextToken }
  }
  const sinceText = new Date(since).toISOString()

  const bySource = new Map<string, string>()
  const first = await page(
    { AttributeKey: 'EventSource', AttributeValue: SAGEMAKER_SOURCE },
    undefined,
    bySource,
  )
  log(
    `LookupEvents EventSource=${SAGEMAKER_SOURCE} since ${sinceText}: ${first.total} events (${first.events} of user profiles), ${first.next ? 'more pages: looking up by event name' : '1 page'}`,
  )
  if (!first.next) {
    run.events += first.events
    return bySource
  }

  const found = new Map<string, string>()
  let tooMany = false
  await Promise.all(
    PROFILE_EVENTS.map(async (EventName) => {
      let NextToken: string | undefined
      let pages = 0
      let events = 0
      do {
        if (tooMany) return
        const got = await page({ AttributeKey: 'EventName', AttributeValue: EventName }, NextToken, found)
        pages++
        events += got.events
        run.events += got.events
        if (run.events > Math.max(profileCount, 100)) tooMany = true
        NextToken = got.next
      } while (NextToken)
      log(
        `LookupEvents EventName=${EventName} since ${sinceText}: ${events} events, ${pages} page${pages === 1 ? '' : 's'}`,
      )
    }),
  )
  return tooMany ? 'too-many' : found
}

/** The lowercase profile name an event acts on in this domain, from its request parameters (or resources). */
export function profileOfEvent(
  e: { CloudTrailEvent?: string; Resources?: { ResourceName?: string }[] },
  domainId: string,
): string | undefined {
  let params: Record<string, unknown> = {}
  try {
    params = (JSON.parse(e.CloudTrailEvent ?? '{}').requestParameters ?? {}) as Record<string, unknown>
  } catch {
    // An unreadable record still has its resources.
  }
  if (typeof params.userProfileName === 'string' && params.domainId === domainId)
    return params.userProfileName.toLowerCase()
  const arns = [params.resourceArn, ...(e.Resources ?? []).map((r) => r.ResourceName)]
  for (const arn of arns) {
    const m = typeof arn === 'string' ? /:user-profile\/([^/]+)\/([^/]+)$/.exec(arn) : null
    if (m && m[1] === domainId) return m[2].toLowerCase()
  }
  return undefined
}

/**
 * After an apply whose profile observation had full detection power (events, or full), records the
 * next point: observation start − delay (and both, so a point moved by hand shows), the digests of
 * the desired profiles, and the profiles that had changes. `apply --refresh events` creates the
 * table; `--refresh full` writes only where it exists. A plan records nothing.
 */
export async function recordRefreshPoint(
  ctx: EngineContext,
  plan: Plan,
  opts: { apply: boolean },
): Promise<SaveOutcome | undefined> {
  const run = ctx.eventsRefresh
  // Only apply moves the point: the plan role stays read-only, and a plan cannot move the point past
  // a change it did not apply (the next plan still looks back to the last apply).
  if (!opts.apply || ctx.options.refresh === 'existence' || !run) return undefined
  // A --team plan leaves other teams' changes out of the plan, so its recheck list would be
  // incomplete: only a whole-file run moves the point.
  if (ctx.options.teams?.length) return undefined
  const point: RefreshPoint = {
    at: run.startedAt - run.delayMs,
    buckets: digestBuckets(run.desired),
    recheck: [...new Set(plan.changes.filter((c) => c.kind === 'profile').map((c) => c.key))].sort(),
    startedAt: run.startedAt,
    delayMs: run.delayMs,
  }
  try {
    const { savePoint } = await import('./point-store.js')
    const outcome = await savePoint(ctx.aws, pointId(ctx), point, {
      create: ctx.options.refresh === 'events',
      accountId: ctx.discovery.accountId,
      partition: ctx.discovery.partition,
    })
    ctx.aws.options.log?.(`refresh events: refresh point ${new Date(point.at).toISOString()}: ${outcome}`)
    return outcome
  } catch (err) {
    // The plan stands; without a new point the next one looks further back (or reads all).
    ctx.aws.options.log?.(`refresh events: refresh point not recorded: ${describeAwsError(err)}`)
    if (ctx.options.refresh === 'events')
      process.stderr.write(`Warning: the refresh point was not recorded (${describeAwsError(err)}).\n`)
    return undefined
  }
}

/**
 * Starts the profile observation's refresh run (for any refresh that records a point), kept on the
 * plan's context: the plan reads its notice and the next point its start and desired profiles.
 */
export function startObservation(
  ctx: EngineContext,
  startedAt: number,
  desired: Map<string, unknown>,
): EventsRefresh {
  ctx.eventsRefresh = {
    startedAt,
    delayMs: (ctx.options.eventsDelaySeconds ?? DEFAULT_EVENTS_DELAY_SECONDS) * 1000,
    desired,
    reads: new Map(),
    lookups: 0,
    events: 0,
  }
  return ctx.eventsRefresh
}
