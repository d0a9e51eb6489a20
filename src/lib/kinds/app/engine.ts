/**
 * The running Studio apps of a revoked member: the apps of each owned profile the file no longer calls
 * for (a member removed from a team, a team removed from the file) and of the private spaces it owns.
 * Revoking the assignment takes the tile away, but a running app keeps the team role's reach (and a
 * live Studio session lasts up to acs.sessionExpirationSeconds): a plain apply deletes these apps, as
 * it revokes the assignment. An app holds no data — the space's storage and the home directory stay —
 * so this needs no flag; deleting the profile still needs --prune.
 *
 * Observed with the profiles (profile.ts lists the domain's apps and spaces when such a profile is
 * there). A profile that --prune deletes takes its apps with it (profile.ts), so none are listed here.
 */
import { DeleteAppCommand } from '@aws-sdk/client-sagemaker'
import { awsErrorCode } from '../../errors.js'
import { TAG_TEAM, TAG_USER_ID, TAG_USER_NAME } from '../../model/names.js'
import type { AppPayload, Change } from '../../plan/types.js'
import type { ResourceModule } from '../engine-contract.js'
import { type DesiredProfiles, desiredProfiles, type ObservedProfiles } from '../profile/engine.js'

export const apps: ResourceModule<'app', ObservedProfiles, DesiredProfiles> = {
  kind: 'app',

  observe: (ctx) => ctx.observed<ObservedProfiles>('profile'),

  desire: desiredProfiles,

  diff(desired, observed, ctx) {
    const changes: Change<'app'>[] = []
    for (const [key, present] of observed.byName) {
      const team = present.tags?.[TAG_TEAM]
      if (desired.has(key) || !team) continue
      // With --prune the profile's own change deletes its apps (or is blocked naming them, when it
      // owns a space or without --force): only what that leaves running is listed here.
      const own = observed.apps.get(key) ?? []
      const ownsSpaces = (observed.spaces.get(key)?.length ?? 0) > 0
      const deletedWithProfile = ctx.options.prune && !ownsSpaces && (own.length === 0 || ctx.options.force)
      for (const app of observed.running.get(key) ?? []) {
        if (deletedWithProfile && !app.spaceName) continue
        const payload: AppPayload = {
          profileName: present.name,
          userName: present.tags?.[TAG_USER_NAME] || present.tags?.[TAG_USER_ID] || '',
          ...(app.spaceName ? { spaceName: app.spaceName } : {}),
          appType: app.appType,
          appName: app.appName,
          status: app.status,
        }
        changes.push({
          kind: 'app',
          key: `${key}/${app.spaceName ? `space/${app.spaceName}/` : ''}${app.appType}/${app.appName}`,
          team,
          action: 'delete',
          summary: `${app.appType} ${app.appName} ${app.spaceName ? `in space ${app.spaceName} of` : 'of'} ${present.name} (${payload.userName})`,
          before: payload,
          reason: `${ctx.teams.config.teams[team] ? 'a removed member' : `team ${team}, no longer in the file`}: it runs with the team's role; its space and home directory stay`,
        })
      }
    }
    return changes
  },

  requests(change, ctx) {
    const b = change.before
    if (change.action !== 'delete' || !b) return []
    return [
      { service: 'sagemaker', operation: 'DeleteApp', input: deleteAppInput(ctx.discovery.domainId, b) },
    ]
  },

  async apply(change, ctx) {
    const b = change.before
    if (change.action !== 'delete' || !b) return
    const client = await ctx.aws.sageMaker()
    // DeleteApp starts the deletion (Deleting → Deleted); the app stops serving at once. One that is
    // gone already (deleted by its user, an interrupted apply) is done.
    try {
      await client.send(new DeleteAppCommand(deleteAppInput(ctx.discovery.domainId, b) as never))
    } catch (err) {
      if (awsErrorCode(err) !== 'ResourceNotFound') throw err
    }
  },
}

function deleteAppInput(DomainId: string, b: AppPayload): Record<string, unknown> {
  return {
    DomainId,
    ...(b.spaceName ? { SpaceName: b.spaceName } : { UserProfileName: b.profileName }),
    AppType: b.appType,
    AppName: b.appName,
  }
}
