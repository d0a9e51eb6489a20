/**
 * One Studio user profile per (resolved user × team).
 *
 * Cost: ListUserProfiles returns names and status but no tags or settings. With
 * `--refresh existence` (the default) the plan reads list pages and one sampled profile per team:
 * a desired profile that is present counts as in place unless the team's sample shows that the
 * team's role, tags or settings changed, and then that team's profiles are read (see observe).
 * Tags (ownership) and settings are read per profile only where a change could touch it: every
 * desired profile with `--refresh full` (drift, name collisions), and profiles outside the desired
 * set with `--prune` (delete candidates). Apps and spaces are listed once per domain, only then.
 *
 * Tags: the team's tags and the tool's are added (AddTags). A team-tag key that leaves the file is
 * deleted (DeleteTags) only if the profile's `sagemaker-teams:tag-keys` record says the tool set it;
 * every other tag (cost allocation, put there by someone else) is left alone.
 */
import {
  AddTagsCommand,
  CreateUserProfileCommand,
  type CreateUserProfileCommandInput,
  DeleteAppCommand,
  DeleteTagsCommand,
  DeleteUserProfileCommand,
  DescribeUserProfileCommand,
  paginateListApps,
  paginateListSpaces,
  paginateListTags,
  paginateListUserProfiles,
  type SageMakerClient,
  UpdateUserProfileCommand,
  type UpdateUserProfileCommandInput,
} from '@aws-sdk/client-sagemaker'
import pLimit from 'p-limit'
import { serviceModel } from '../../aws/model.js'
import { deepEqual } from '../../canonical.js'
import { awsErrorCode } from '../../errors.js'
import {
  ABAC_TAG,
  profileName,
  TAG_SETTINGS_KEYS,
  TAG_TEAM,
  TAG_USER_ID,
  TAG_USER_NAME,
  teamRoleArn,
} from '../../model/names.js'
import { encodeTagKeys, profileTags, recordedSettingsKeys, staleTagKeys } from '../../model/profile-tags.js'
import type { Change, KeptItem, ProfilePayload, TagChange } from '../../plan/types.js'
import { type ObservedApplication, removedTeams } from '../application/engine.js'
import type { AwsRequest, EngineContext, ResourceModule } from '../engine-contract.js'

export interface ObservedProfile {
  name: string
  status?: string
  /** LastModifiedTime from ListUserProfiles (ms); UpdateUserProfile moves it, tag changes do not. */
  lastModified?: number
  /** Read only where needed (see the module comment). */
  tags?: Record<string, string>
  userSettings?: Record<string, unknown>
}

export interface ObservedProfiles {
  /** lowercase name → profile (SageMaker compares names case-insensitively). */
  byName: Map<string, ObservedProfile>
  /**
   * lowercase profile name → live apps / spaces: read with --prune, and whenever an owned profile the
   * file no longer calls for is there (its apps are stopped, see app.ts).
   */
  apps: Map<string, string[]>
  spaces: Map<string, string[]>
  /** lowercase profile name → its live apps and those of the private spaces it owns (read as `apps`). */
  running: Map<string, RunningApp[]>
}

export interface RunningApp {
  appType: string
  appName: string
  status: string
  /** The private space the app runs in (absent: the profile's own app). */
  spaceName?: string
}

export type DesiredProfiles = Map<string, ProfilePayload & { team: string }>

const CONCURRENCY = 8

export function desiredProfiles(ctx: EngineContext): DesiredProfiles {
  const desired: DesiredProfiles = new Map()
  for (const [team, config] of Object.entries(ctx.teams.config.teams)) {
    const role = teamRoleArn(config.executionRole, team, ctx.discovery.accountId, ctx.discovery.partition)
    for (const user of ctx.identities.teamUsers.get(team)?.values() ?? []) {
      const name = profileName(team, user.userId)
      desired.set(name.toLowerCase(), {
        team,
        profileName: name,
        userId: user.userId,
        userName: user.userName,
        executionRole: role,
        tags: profileTags(
          team,
          config.tags ?? {},
          user.userId,
          user.userName,
          Object.keys(config.userSettings ?? {}),
        ),
        ...(config.userSettings && Object.keys(config.userSettings).length > 0
          ? { userSettings: config.userSettings }
          : {}),
      })
    }
  }
  return desired
}

export const profiles: ResourceModule<'profile', ObservedProfiles, DesiredProfiles> = {
  kind: 'profile',

  async observe(ctx) {
    const client = await ctx.aws.sageMaker()
    const domainId = ctx.discovery.domainId
    const startedAt = Date.now()
    const desired = desiredProfiles(ctx)
    // --refresh events reads the profiles CloudTrail and the list pages point at (../refresh/events.ts);
    // it reads every profile, as full, where it cannot tell (and records a refresh point either way).
    // The refresh point and CloudTrail's lookups need no list page: they run while the pages are read.
    const events = ctx.options.refresh !== 'existence' ? await import('../../refresh/events.js') : undefined
    const run = events?.startObservation(ctx, startedAt, desired)
    const lookup = ctx.options.refresh === 'events' && run ? events!.lookUpSincePoint(ctx, run) : undefined
    lookup?.catch(() => {}) // awaited below; a failed list page must not leave it unhandled
    const byName = new Map<string, ObservedProfile>()
    for await (const page of paginateListUserProfiles(
      { client },
      { DomainIdEquals: domainId, MaxResults: 100 },
    )) {
      for (const p of page.UserProfiles ?? [])
        if (p.UserProfileName)
          byName.set(p.UserProfileName.toLowerCase(), {
            name: p.UserProfileName,
            status: p.Status,
            lastModified: p.LastModifiedTime?.getTime() ?? 0,
          })
    }
    let hinted: Map<string, string> | undefined
    if (events && run && lookup) hinted = await events.profilesToRead(ctx, run, byName, lookup)
    const full = ctx.options.refresh === 'full' || (ctx.options.refresh === 'events' && !hinted)
    // Without --prune, the profiles named like a team's (of the file, or gone from it but still
    // owning an application) that the file no longer calls for are read too: the managed ones are
    // listed as kept (their access is revoked), so a removed member never goes unnoticed.
    const teamIds = [
      ...Object.keys(ctx.teams.config.teams),
      ...removedTeams(ctx, await ctx.observed<ObservedApplication[]>('application')),
    ]
    const candidate = (key: string) => ctx.options.prune || teamIds.some((t) => key.startsWith(`${t}-`))
    const toRead: ObservedProfile[] = []
    const byTeam = new Map<string, ObservedProfile[]>() // existence refresh: present desired profiles
    for (const [key, p] of byName) {
      const want = desired.get(key)
      if (want ? full || hinted?.has(key) : candidate(key)) toRead.push(p)
      else if (want && !hinted) byTeam.set(want.team, [...(byTeam.get(want.team) ?? []), p])
    }
    const limit = pLimit(CONCURRENCY)
    const read = (list: ObservedProfile[]) =>
      Promise.all(
        list.map((p) =>
          limit(async () => {
            p.tags = await readTags(client, ctx, p.name)
            if (desired.has(p.name.toLowerCase())) {
              const out = await client.send(
                new DescribeUserProfileCommand({ DomainId: domainId, UserProfileName: p.name }),
              )
              p.userSettings = (out.UserSettings ?? {}) as Record<string, unknown>
              p.status = out.Status
            }
          }),
        ),
      )
    // Existence refresh still reads one profile per team: the team's role, tags and settings are
    // the same on all its profiles, so a change of them in the file (executionRole create → arn, a
    // new Team tag) shows on the sample, and then that team's profiles are read in full. Without
    // this the role would move (or its Team tag change) and the profiles silently stay behind.
    // The sample is the least recently modified profile: after an apply that updated only some of
    // a team's profiles (a failure, an interruption), that is one it did not reach.
    for (const list of byTeam.values())
      list.sort((a, b) => (a.lastModified ?? 0) - (b.lastModified ?? 0) || a.name.localeCompare(b.name))
    // And the most recently modified one: UpdateUserProfile moves LastModifiedTime, so a hand change
    // of one profile's execution role (an escalation to another team's role) makes it the newest.
    // (A tag change alone moves nothing: --refresh events or full sees it.)
    const samples = (list: ObservedProfile[]) =>
      list.length > 1 ? [list[0], list[list.length - 1]] : [list[0]]
    await Promise.all([read(toRead), read([...byTeam.values()].flatMap(samples))])
    const drifted = [...byTeam.values()].filter((list) =>
      samples(list).some((sample) => {
        const want = desired.get(sample.name.toLowerCase())!
        return sample.tags?.[TAG_TEAM] !== want.team || profileDrift(sample, want).length > 0
      }),
    )
    await read(drifted.flatMap((list) => list.slice(1, -1)))
    const apps = new Map<string, string[]>()
    const spaces = new Map<string, string[]>()
    const running = new Map<string, RunningApp[]>()
    // Apps are listed (one paginated call per domain, and one for spaces) when a profile may be
    // deleted (--prune) or revoked: an owned profile the file no longer calls for still runs its apps
    // with the team's role until they are stopped.
    const revoked = [...byName].some(([key, p]) => !desired.has(key) && p.tags?.[TAG_TEAM])
    if (ctx.options.prune || revoked) {
      const spaceApps = new Map<string, RunningApp[]>()
      for await (const page of paginateListApps({ client }, { DomainIdEquals: domainId, MaxResults: 100 })) {
        for (const a of page.Apps ?? []) {
          if (a.Status === 'Deleted' || a.Status === 'Failed' || !a.AppType || !a.AppName) continue
          const app: RunningApp = { appType: a.AppType, appName: a.AppName, status: a.Status ?? '' }
          if (a.UserProfileName) {
            const key = a.UserProfileName.toLowerCase()
            apps.set(key, [...(apps.get(key) ?? []), `${a.AppType}/${a.AppName}`])
            running.set(key, [...(running.get(key) ?? []), app])
          } else if (a.SpaceName)
            spaceApps.set(a.SpaceName, [
              ...(spaceApps.get(a.SpaceName) ?? []),
              { ...app, spaceName: a.SpaceName },
            ])
        }
      }
      for await (const page of paginateListSpaces(
        { client },
        { DomainIdEquals: domainId, MaxResults: 100 },
      )) {
        for (const s of page.Spaces ?? []) {
          const owner = s.OwnershipSettingsSummary?.OwnerUserProfileName?.toLowerCase()
          if (!owner || !s.SpaceName) continue
          spaces.set(owner, [...(spaces.get(owner) ?? []), s.SpaceName])
          // A private space's apps run with its owner's execution role; a shared space's with the
          // domain's space role, for everyone in it: those are not the owner's to lose.
          if (s.SpaceSharingSettingsSummary?.SharingType !== 'Shared')
            running.set(owner, [...(running.get(owner) ?? []), ...(spaceApps.get(s.SpaceName) ?? [])])
        }
      }
    }
    return { byName, apps, spaces, running }
  },

  desire: desiredProfiles,

  diff(desired, observed, ctx) {
    const warnings: string[] = []
    const kept: KeptItem[] = []
    const changes: Change<'profile'>[] = []
    const onLogin = ctx.teams.config.acs?.provisioning === 'on-login'
    const stuck = new Map<string, { keys: Set<string>; profiles: number }>() // settings apply cannot unset
    for (const [key, after] of desired) {
      const { team, ...payload } = after
      const present = observed.byName.get(key)
      const summary = `${after.profileName} for ${after.userName}`
      if (!present) {
        if (!onLogin) changes.push({ kind: 'profile', key, team, action: 'create', summary, after: payload })
        continue
      }
      if (!present.tags) continue // existence refresh: present is enough, nothing to touch
      if (present.tags[TAG_TEAM] !== team) {
        changes.push({
          kind: 'profile',
          key,
          team,
          action: 'blocked',
          summary,
          after: payload,
          reason: present.tags[TAG_TEAM]
            ? `a profile of this name belongs to team ${present.tags[TAG_TEAM]}; not modified`
            : `a profile of this name exists without the ${TAG_TEAM} tag (not created by sagemaker-teams); not modified`,
        })
        continue
      }
      const before: ProfilePayload = {
        profileName: present.name,
        userId: present.tags[TAG_USER_ID] ?? after.userId,
        userName: present.tags[TAG_USER_NAME] ?? after.userName,
        executionRole: String(present.userSettings?.ExecutionRole ?? ''),
        tags: present.tags,
        ...(present.userSettings ? { userSettings: withoutRole(present.userSettings) } : {}),
      }
      const settings = settingsToUnset(present, payload)
      if (settings.stuck.length > 0) {
        const seen = stuck.get(team) ?? { keys: new Set<string>(), profiles: 0 }
        for (const k of settings.stuck) seen.keys.add(k)
        seen.profiles++
        stuck.set(team, seen)
      }
      const target = settings.after
      const reasons = profileDrift(present, payload)
      const tagChanges = profileTagChanges(present, target)
      const heldBy = heldAccessOf(ctx, team, before)
      if (reasons.length > 0)
        changes.push({
          kind: 'profile',
          key,
          team,
          action: 'update',
          summary,
          before,
          after: {
            ...target,
            ...(tagChanges.length > 0 ? { tagChanges } : {}),
            ...(heldBy ? { repairsAccessOf: heldBy } : {}),
          },
          reason: reasons.join('; '),
        })
    }

    for (const [team, { keys, profiles }] of stuck) {
      const names = [...keys].sort()
      const one = names.length === 1
      warnings.push(
        `team ${team}: userSettings ${names.join(', ')} left the file but ${one ? 'stays' : 'stay'} on ${profiles} profile${profiles === 1 ? '' : 's'}: UpdateUserProfile has no value that unsets ${one ? 'it' : 'them'} (${names.map(unsetHint).join('; ')}); set the value you want in the file instead.`,
      )
    }
    for (const [key, present] of observed.byName) {
      if (desired.has(key) || !present.tags) continue
      const team = present.tags[TAG_TEAM]
      if (!team) continue // never touch what the tool did not create
      if (!ctx.options.prune) {
        const who = present.tags[TAG_USER_NAME] || present.tags[TAG_USER_ID] || ''
        kept.push({
          kind: 'profile',
          key,
          team,
          summary: `${present.name} of ${who}`,
          reason: `${ctx.teams.config.teams[team] ? 'a removed member' : `team ${team}, no longer in the file`}: access revoked; its home directory (EFS) stays until --prune deletes the profile`,
        })
        continue
      }
      const before: ProfilePayload = {
        profileName: present.name,
        userId: present.tags[TAG_USER_ID] ?? '',
        userName: present.tags[TAG_USER_NAME] ?? '',
        executionRole: '',
        tags: present.tags,
        apps: observed.apps.get(key) ?? [],
        spaces: observed.spaces.get(key) ?? [],
      }
      const summary = `${present.name} of ${before.userName || before.userId}`
      const busy = (before.apps?.length ?? 0) + (before.spaces?.length ?? 0) > 0
      // --force deletes apps, never spaces (they hold the user's files), and SageMaker refuses to
      // delete a profile that owns spaces: such a profile stays blocked rather than fail in apply.
      const spaces = (before.spaces?.length ?? 0) > 0
      if (busy && (!ctx.options.force || spaces)) {
        changes.push({
          kind: 'profile',
          key,
          team,
          action: 'blocked',
          summary,
          before,
          reason: `still has ${[...(before.apps ?? []).map((a) => `app ${a}`), ...(before.spaces ?? []).map((s) => `space ${s}`)].join(', ')}; ${spaces ? 'delete its spaces in Studio first' : '--force deletes its apps first'}`,
        })
      } else {
        changes.push({
          kind: 'profile',
          key,
          team,
          action: 'delete',
          summary,
          before,
          ...(busy ? { reason: `--force: deletes ${before.apps?.join(', ')} first` } : {}),
        })
      }
    }
    return { changes, warnings, kept }
  },

  requests(change, ctx) {
    const after = change.after
    if (!after || (change.action !== 'create' && change.action !== 'update')) return []
    const DomainId = ctx.discovery.domainId
    const input =
      change.action === 'create' ? createProfileInput(DomainId, after) : updateProfileInput(DomainId, after)
    const requests: AwsRequest[] = [
      {
        service: 'sagemaker',
        operation: change.action === 'create' ? 'CreateUserProfile' : 'UpdateUserProfile',
        input: input as unknown as Record<string, unknown>,
      },
    ]
    const tags = Object.entries(after.tags).filter(([k, v]) => change.before?.tags[k] !== v)
    if (change.action === 'update' && tags.length > 0)
      requests.push({
        service: 'sagemaker',
        operation: 'AddTags',
        input: {
          ResourceArn: profileArn(ctx, after.profileName),
          Tags: tags.map(([Key, Value]) => ({ Key, Value })),
        },
      })
    return requests
  },

  async apply(change, ctx) {
    const client = await ctx.aws.sageMaker()
    const DomainId = ctx.discovery.domainId
    if (change.action === 'create') {
      const after = change.after!
      try {
        await client.send(new CreateUserProfileCommand(createProfileInput(DomainId, after)))
      } catch (err) {
        // Idempotent create: a profile that exists already and is ours (an interrupted or
        // concurrent apply, or the ACS) is done; one that is not ours is a failure.
        if (awsErrorCode(err) !== 'ResourceInUse') throw err
        const tags = await readTags(client, ctx, after.profileName)
        if (tags[TAG_TEAM] !== change.team) throw err
      }
    } else if (change.action === 'update') {
      const after = change.after!
      const before = change.before
      if (
        !before ||
        before.executionRole !== after.executionRole ||
        (after.unsetSettings?.length ?? 0) > 0 ||
        !deepEqual(pick(before.userSettings, after.userSettings), after.userSettings ?? {})
      ) {
        await client.send(new UpdateUserProfileCommand(updateProfileInput(DomainId, after)))
      }
      const arn = profileArn(ctx, after.profileName)
      // Stale team tags go first: were the new record written and this call then failed, the keys
      // would no longer be recorded and never removed. (At most 50: they are on the profile.)
      const stale = staleTagKeys(before?.tags, after.tags)
      if (stale.length > 0) await client.send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: stale }))
      const tags = Object.entries(after.tags).filter(([k, v]) => before?.tags[k] !== v)
      if (tags.length > 0) {
        await client.send(
          new AddTagsCommand({ ResourceArn: arn, Tags: tags.map(([Key, Value]) => ({ Key, Value })) }),
        )
      }
    } else if (change.action === 'delete') {
      const before = change.before!
      for (const app of before.apps ?? []) {
        const [AppType, AppName] = app.split('/')
        try {
          await client.send(
            new DeleteAppCommand({
              DomainId,
              UserProfileName: before.profileName,
              AppType: AppType as never,
              AppName,
            }),
          )
        } catch (err) {
          if (awsErrorCode(err) !== 'ResourceNotFound') throw err
        }
      }
      // DeleteApp only starts the deletion: SageMaker refuses to delete the profile (ResourceInUse)
      // until every app of it is Deleted.
      if ((before.apps ?? []).length > 0) await appsDeleted(client, DomainId, before.profileName)
      try {
        await client.send(new DeleteUserProfileCommand({ DomainId, UserProfileName: before.profileName }))
      } catch (err) {
        if (awsErrorCode(err) !== 'ResourceNotFound') throw err
      }
    }
  },
}

function profileArn(ctx: EngineContext, name: string): string {
  const d = ctx.discovery
  return `arn:${d.partition}:sagemaker:${d.region}:${d.accountId}:user-profile/${d.domainId}/${name.toLowerCase()}`
}

async function readTags(
  client: SageMakerClient,
  ctx: EngineContext,
  name: string,
): Promise<Record<string, string>> {
  const tags: Record<string, string> = {}
  for await (const page of paginateListTags(
    { client },
    { ResourceArn: profileArn(ctx, name), MaxResults: 100 },
  )) {
    for (const t of page.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? ''
  }
  return tags
}

/** How long apply waits for a profile's apps to be deleted (SageMaker takes a minute or two). */
export const APP_DELETE_TIMEOUT_MS = 10 * 60_000

/** Waits until the profile has no app that is not Deleted: 250 ms, doubling up to 10 s between reads. */
async function appsDeleted(client: SageMakerClient, DomainId: string, UserProfileName: string) {
  const deadline = Date.now() + APP_DELETE_TIMEOUT_MS
  for (let wait = 250; ; wait = Math.min(wait * 2, 10_000)) {
    const left: string[] = []
    for await (const page of paginateListApps(
      { client },
      { DomainIdEquals: DomainId, UserProfileNameEquals: UserProfileName },
    ))
      for (const a of page.Apps ?? []) if (a.Status !== 'Deleted') left.push(`${a.AppType}/${a.AppName}`)
    if (left.length === 0) return
    if (Date.now() + wait > deadline)
      throw new Error(
        `apps of ${UserProfileName} still not deleted after ${APP_DELETE_TIMEOUT_MS / 60_000} minutes: ${left.join(', ')}`,
      )
    await new Promise((r) => setTimeout(r, wait))
  }
}

/** What differs on an owned profile that was read (role, the file's user settings, tags). */
function profileDrift(present: ObservedProfile, after: ProfilePayload): string[] {
  const reasons: string[] = []
  const role = String(present.userSettings?.ExecutionRole ?? '')
  if (present.userSettings && role !== after.executionRole)
    reasons.push(`execution role ${role || '(none)'} → ${after.executionRole}`)
  const settingsDrift = present.userSettings
    ? Object.keys(after.userSettings ?? {}).filter(
        (k) => !deepEqual(present.userSettings?.[k], after.userSettings?.[k]),
      )
    : []
  if (settingsDrift.length > 0) reasons.push(`user settings ${settingsDrift.join(', ')}`)
  const settings = settingsToUnset(present, after)
  if (settings.unset.length > 0) reasons.push(`unsets user settings ${settings.unset.join(', ')}`)
  const tagChanges = profileTagChanges(present, settings.after)
  const set = tagChanges.filter((t) => t.after !== undefined)
  const removed = tagChanges.filter((t) => t.after === undefined)
  if (set.length > 0) reasons.push(`tags ${set.map(describeTagChange).join(', ')}`)
  if (removed.length > 0)
    reasons.push(`removes tag${removed.length === 1 ? '' : 's'} ${removed.map(describeTagChange).join(', ')}`)
  return reasons
}

/**
 * The tags an update changes: those the file sets to another value (or adds), then the team tags
 * the tool set (recorded on the profile) that are no longer in the file, which it removes.
 */
function profileTagChanges(present: ObservedProfile, after: ProfilePayload): TagChange[] {
  const changed: TagChange[] = Object.keys(after.tags)
    .filter((key) => present.tags?.[key] !== after.tags[key])
    .map((key) => ({
      key,
      ...(present.tags?.[key] !== undefined ? { before: present.tags[key] } : {}),
      after: after.tags[key],
    }))
  const removed = staleTagKeys(present.tags, after.tags).map((key) => ({ key, before: present.tags?.[key] }))
  return [...changed, ...removed]
}

/** `Team "a" → "b"` (changed), `Team (none) → "b"` (added), `Project "churn"` (removed): values quoted, a space may be in one. */
function describeTagChange(t: TagChange): string {
  const value = (v: string | undefined) => (v === undefined ? '(none)' : JSON.stringify(v))
  return t.after === undefined
    ? `${t.key} ${value(t.before)}`
    : `${t.key} ${value(t.before)} → ${value(t.after)}`
}

/**
 * The userSettings keys an update unsets: recorded on the profile as set by the tool, set there, and
 * no longer in the file (a key someone else set is not recorded and stays). `unset` are those
 * UpdateUserProfile can unset, `stuck` those it cannot (see {@link unsetValue}); `after` is the
 * desired payload with `unsetSettings` and the record of what stays the tool's.
 */
function settingsToUnset(
  present: ObservedProfile,
  after: ProfilePayload,
): { unset: string[]; stuck: string[]; after: ProfilePayload } {
  if (!present.userSettings || !present.tags) return { unset: [], stuck: [], after }
  const wanted = Object.keys(after.userSettings ?? {})
  const gone = recordedSettingsKeys(present.tags)
    .filter((k) => k !== 'ExecutionRole' && !wanted.includes(k) && !isUnset(present.userSettings?.[k]))
    .sort()
  const unset = gone.filter((k) => unsetValue(k) !== undefined)
  const stuck = gone.filter((k) => unsetValue(k) === undefined)
  // The record names what the tool set and still answers for: the file's keys and the stuck ones.
  const record = [...wanted, ...stuck]
  const tags = { ...after.tags }
  if (record.length > 0) tags[TAG_SETTINGS_KEYS] = encodeTagKeys(record)
  else if (present.tags[TAG_SETTINGS_KEYS]) tags[TAG_SETTINGS_KEYS] = ''
  else delete tags[TAG_SETTINGS_KEYS]
  return { unset, stuck, after: { ...after, tags, ...(unset.length > 0 ? { unsetSettings: unset } : {}) } }
}

/**
 * The other team of the file whose access this profile holds (its execution role, or its ABAC `Team`
 * tag, is that team's): set by hand, an escalation; the update that repairs it takes that team's
 * access away from the person, which the access review says (not "widens").
 */
function heldAccessOf(ctx: EngineContext, team: string, before: ProfilePayload): string | undefined {
  const d = ctx.discovery
  for (const [other, config] of Object.entries(ctx.teams.config.teams)) {
    if (other === team) continue
    const role = teamRoleArn(config.executionRole, other, d.accountId, d.partition)
    const tag = config.tags?.[ABAC_TAG] ?? other
    if (
      before.executionRole === role ||
      (before.tags[ABAC_TAG] !== undefined && before.tags[ABAC_TAG] === tag)
    )
      return other
  }
  return undefined
}

/** Absent, or what unsetting leaves: an empty list or structure. */
function isUnset(value: unknown): boolean {
  if (value === undefined || value === null) return true
  if (Array.isArray(value)) return value.length === 0
  return typeof value === 'object' && Object.keys(value as object).length === 0
}

/**
 * What UpdateUserProfile is sent to unset a top-level userSettings member. It replaces the members it
 * is sent and leaves the others as they are, so leaving a key out changes nothing: a list is unset by
 * sending it empty (CustomFileSystemConfigs: [], SecurityGroups: []), a structure whose members are all
 * optional by sending it empty (JupyterLabAppSettings: {}). A structure with required members
 * (CustomPosixUserConfig: Uid and Gid), an enum or a string has no value that means "unset": undefined.
 */
export function unsetValue(key: string): unknown[] | Record<string, never> | undefined {
  const model = serviceModel('sagemaker')
  const ref = model?.shapes.UserSettings?.members?.[key]
  const shape = ref ? model?.shapes[ref.shape] : undefined
  if (shape?.type === 'list') return []
  if (shape?.type === 'structure' && !shape.required?.length) return {}
  return undefined
}

function unsetHint(key: string): string {
  const model = serviceModel('sagemaker')
  const ref = model?.shapes.UserSettings?.members?.[key]
  const shape = ref ? model?.shapes[ref.shape] : undefined
  return shape?.required?.length
    ? `${key} requires ${shape.required.join(' and ')}`
    : `${key} is ${shape?.type === 'string' && shape.enum ? 'an enum' : (shape?.type ?? 'not a known member')}`
}

function withoutRole(settings: Record<string, unknown>): Record<string, unknown> {
  const { ExecutionRole: _, ...rest } = settings
  return rest
}

function pick(
  source: Record<string, unknown> | undefined,
  keysOf: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(keysOf ?? {})) if (source && k in source) out[k] = source[k]
  return out
}

function createProfileInput(DomainId: string, after: ProfilePayload): CreateUserProfileCommandInput {
  return {
    DomainId,
    UserProfileName: after.profileName,
    UserSettings: { ...(after.userSettings ?? {}), ExecutionRole: after.executionRole },
    Tags: Object.entries(after.tags).map(([Key, Value]) => ({ Key, Value })),
  }
}

function updateProfileInput(DomainId: string, after: ProfilePayload): UpdateUserProfileCommandInput {
  const unset = Object.fromEntries((after.unsetSettings ?? []).map((k) => [k, unsetValue(k)]))
  return {
    DomainId,
    UserProfileName: after.profileName,
    UserSettings: { ...unset, ...(after.userSettings ?? {}), ExecutionRole: after.executionRole },
  }
}
