/**
 * Assignments of a team's users (USER) and groups (GROUP) to its application. Groups are
 * assigned as groups: Identity Center expands them itself. The applications are the tool's own,
 * so every assignment on them that the file does not call for is removed by a plain apply (a member
 * or group left a team, a team left the file): revoking access needs no flag.
 */
import {
  CreateApplicationAssignmentCommand,
  DeleteApplicationAssignmentCommand,
  paginateListApplicationAssignments,
} from '@aws-sdk/client-sso-admin'
import pLimit from 'p-limit'
import { awsErrorCode } from '../../errors.js'
import { TAG_TEAM } from '../../model/names.js'
import type { AssignmentPayload, Change } from '../../plan/types.js'
import {
  applicationArnOf,
  type ObservedApplication,
  PLACEHOLDER_APPLICATION_ARN,
  removedTeams,
  teamOrMovedApplication,
} from '../application/engine.js'
import type { EngineContext, ResourceModule } from '../engine-contract.js'

/**
 * team → assignments on its owned (or adoptable) application; teams whose application is blocked;
 * teams whose application is not tagged yet (adopted by this apply: its other assignments are not
 * the tool's to remove until it is).
 */
export type ObservedAssignments = Map<string, AssignmentPayload[]> & {
  blockedTeams: Set<string>
  unownedTeams: Set<string>
}
export type DesiredAssignments = Map<string, AssignmentPayload[]>

const keyOf = (team: string, a: { principalType: string; principalId: string }) =>
  `${team}/${a.principalType}/${a.principalId}`

/**
 * Principals the file no longer names (their assignments are about to be revoked) are read from the
 * identity store, one call each, so the plan says who loses access; a principal deleted from the
 * identity store keeps its id.
 */
async function nameRemovedPrincipals(ctx: EngineContext, list: AssignmentPayload[]) {
  const unnamed = list.filter((a) => a.principalName === a.principalId)
  if (unnamed.length === 0) return
  const { DescribeGroupCommand, DescribeUserCommand } = await import('@aws-sdk/client-identitystore')
  const client = await ctx.aws.identityStore()
  const IdentityStoreId = ctx.discovery.identityStoreId
  const names = new Map<string, Promise<string | undefined>>()
  const limit = pLimit(8)
  const nameOf = (a: AssignmentPayload) => {
    const key = `${a.principalType}/${a.principalId}`
    if (!names.has(key))
      names.set(
        key,
        limit(async () => {
          try {
            if (a.principalType === 'USER')
              return (await client.send(new DescribeUserCommand({ IdentityStoreId, UserId: a.principalId })))
                .UserName
            return (await client.send(new DescribeGroupCommand({ IdentityStoreId, GroupId: a.principalId })))
              .DisplayName
          } catch (err) {
            if (awsErrorCode(err) === 'ResourceNotFoundException') return undefined
            throw err
          }
        }),
      )
    return names.get(key)!
  }
  await Promise.all(
    unnamed.map(async (a) => {
      a.principalName = (await nameOf(a)) ?? a.principalId
    }),
  )
}

/** The groups among a team's assignments that stay which have the user as a member. */
function groupsStillAssigning(ctx: EngineContext, wanted: AssignmentPayload[], userId: string): string[] {
  const groups = [...ctx.identities.groupsByName.values()]
  return wanted
    .filter((a) => a.principalType === 'GROUP')
    .filter((a) => groups.find((g) => g.groupId === a.principalId)?.memberIds.includes(userId))
    .map((a) => a.principalName)
    .sort()
}

export const assignments: ResourceModule<'assignment', ObservedAssignments, DesiredAssignments> = {
  kind: 'assignment',

  async observe(ctx) {
    const apps = await ctx.observed<ObservedApplication[]>('application')
    const client = await ctx.aws.ssoAdmin()
    const observed: ObservedAssignments = Object.assign(new Map<string, AssignmentPayload[]>(), {
      blockedTeams: new Set<string>(),
      unownedTeams: new Set<string>(),
    })
    const limit = pLimit(8)
    // The teams of the file, and the teams gone from it whose application is still there (its
    // assignments are revoked).
    const teams: [string, { displayName?: string }][] = [
      ...Object.entries(ctx.teams.config.teams),
      ...removedTeams(ctx, apps).map((t): [string, { displayName?: string }] => [t, {}]),
    ]
    await Promise.all(
      teams.map(([team, config]) =>
        limit(async () => {
          // The owned app, or the untagged app of the team's name that apply will adopt: only when
          // it is the one such app. With several (or one of another team) the application change is
          // blocked, and the assignments of an app that is not ours are never read nor pruned.
          const sameName = config.displayName ? apps.filter((a) => a.name === config.displayName) : []
          const unowned = sameName.filter((a) => !a.tags[TAG_TEAM])
          const app =
            teamOrMovedApplication(ctx, apps, team) ?? (unowned.length === 1 ? unowned[0] : undefined)
          if (!app) {
            if (sameName.length > 0) observed.blockedTeams.add(team)
            return
          }
          if (!app.tags[TAG_TEAM]) observed.unownedTeams.add(team)
          const list: AssignmentPayload[] = []
          for await (const page of paginateListApplicationAssignments(
            { client },
            { ApplicationArn: app.arn, MaxResults: 100 },
          )) {
            for (const a of page.ApplicationAssignments ?? []) {
              const name =
                a.PrincipalType === 'USER'
                  ? ctx.identities.usersById.get(a.PrincipalId!)?.userName
                  : [...ctx.identities.groupsByName.values()].find((g) => g.groupId === a.PrincipalId)
                      ?.displayName
              list.push({
                applicationArn: app.arn,
                principalType: a.PrincipalType as 'USER' | 'GROUP',
                principalId: a.PrincipalId!,
                principalName: name ?? a.PrincipalId!,
              })
            }
          }
          observed.set(team, list)
        }),
      ),
    )
    await nameRemovedPrincipals(ctx, [...observed.values()].flat())
    return observed
  },

  desire(ctx) {
    const desired: DesiredAssignments = new Map()
    for (const [team, config] of Object.entries(ctx.teams.config.teams)) {
      const list: AssignmentPayload[] = []
      // A member the identity store does not have is left out (an error of its team: see holdBackMissingMembers).
      for (const name of config.members?.users ?? []) {
        const u = ctx.identities.usersByName.get(name.toLowerCase())
        if (u) list.push({ principalType: 'USER', principalId: u.userId, principalName: u.userName })
      }
      for (const name of config.members?.groups ?? []) {
        const g = ctx.identities.groupsByName.get(name)
        if (g) list.push({ principalType: 'GROUP', principalId: g.groupId, principalName: g.displayName })
      }
      desired.set(team, list)
    }
    return desired
  },

  diff(desired, observed, ctx) {
    const changes: Change<'assignment'>[] = []
    for (const [team, wanted] of desired) {
      const present = observed.get(team) ?? []
      const presentKeys = new Set(present.map((a) => keyOf(team, a)))
      const blocked = observed.blockedTeams.has(team)
      for (const a of wanted) {
        if (presentKeys.has(keyOf(team, a))) continue
        changes.push({
          kind: 'assignment',
          key: keyOf(team, a),
          team,
          action: blocked ? 'blocked' : 'create',
          summary: `${a.principalType.toLowerCase()} ${a.principalName}`,
          after: a,
          ...(blocked ? { reason: "waits for the team's application, which is blocked" } : {}),
        })
      }
      // Revocation: every other assignment on the team's own application goes, without --prune.
      if (observed.unownedTeams.has(team)) continue
      const wantedKeys = new Set(wanted.map((a) => keyOf(team, a)))
      for (const a of present) {
        if (wantedKeys.has(keyOf(team, a))) continue
        const through = a.principalType === 'USER' ? groupsStillAssigning(ctx, wanted, a.principalId) : []
        changes.push({
          kind: 'assignment',
          key: keyOf(team, a),
          team,
          action: 'delete',
          summary: `${a.principalType.toLowerCase()} ${a.principalName}`,
          before: { ...a, ...(through.length ? { stillAssignedThrough: through } : {}) },
          reason: through.length
            ? `no longer a direct member; still assigned through group ${through.join(', ')}`
            : 'no longer a member of the team in the file: access revoked',
        })
      }
    }
    // A team gone from the file: its application stays until --prune (it is kept), its assignments go.
    for (const [team, present] of observed) {
      if (desired.has(team)) continue
      for (const a of present)
        changes.push({
          kind: 'assignment',
          key: keyOf(team, a),
          team,
          action: 'delete',
          summary: `${a.principalType.toLowerCase()} ${a.principalName}`,
          before: a,
          reason: `team ${team} is no longer in the file: access revoked`,
        })
    }
    return changes
  },

  requests(change) {
    const target = change.after ?? change.before!
    if (change.action !== 'create' && change.action !== 'delete') return []
    return [
      {
        service: 'sso-admin',
        operation: change.action === 'create' ? 'CreateApplicationAssignment' : 'DeleteApplicationAssignment',
        input: {
          // The application may be created earlier in the same apply: a placeholder of its form.
          ApplicationArn: target.applicationArn ?? PLACEHOLDER_APPLICATION_ARN,
          PrincipalId: target.principalId,
          PrincipalType: target.principalType,
        },
      },
    ]
  },

  async apply(change, ctx) {
    const client = await ctx.aws.ssoAdmin()
    const apps = await ctx.observed<ObservedApplication[]>('application')
    const target = change.after ?? change.before!
    const arn = target.applicationArn ?? applicationArnOf(ctx, change.team!, apps)
    if (!arn) throw new Error(`team ${change.team} has no application yet`)
    const input = {
      ApplicationArn: arn,
      PrincipalId: target.principalId,
      PrincipalType: target.principalType,
    }
    try {
      if (change.action === 'create') await client.send(new CreateApplicationAssignmentCommand(input))
      else if (change.action === 'delete') await client.send(new DeleteApplicationAssignmentCommand(input))
    } catch (err) {
      const code = awsErrorCode(err)
      // Idempotent: an assignment that exists (or is gone) already is the desired outcome.
      if (change.action === 'create' && code === 'ConflictException') return
      if (change.action === 'delete' && code === 'ResourceNotFoundException') return
      throw err
    }
  },
}
