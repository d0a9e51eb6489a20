/**
 * Assignments of a team's users (USER) and groups (GROUP) to its application. Groups are
 * assigned as groups: Identity Center expands them itself. Extra assignments on an owned
 * application are removed only with --prune.
 */
import {
  CreateApplicationAssignmentCommand,
  DeleteApplicationAssignmentCommand,
  paginateListApplicationAssignments,
} from '@aws-sdk/client-sso-admin'
import pLimit from 'p-limit'
import { awsErrorCode } from '../errors.js'
import { TAG_TEAM } from '../names.js'
import type { AssignmentPayload, Change } from '../plan/types.js'
import { applicationArnOf, type ObservedApplication, PLACEHOLDER_APPLICATION_ARN } from './application.js'
import type { ResourceModule } from './types.js'

/** team → assignments on its owned (or adoptable) application; teams whose application is blocked. */
export type ObservedAssignments = Map<string, AssignmentPayload[]> & { blockedTeams: Set<string> }
export type DesiredAssignments = Map<string, AssignmentPayload[]>

const keyOf = (team: string, a: { principalType: string; principalId: string }) =>
  `${team}/${a.principalType}/${a.principalId}`

export const assignments: ResourceModule<'assignment', ObservedAssignments, DesiredAssignments> = {
  kind: 'assignment',

  async observe(ctx) {
    const apps = await ctx.observed<ObservedApplication[]>('application')
    const client = await ctx.aws.ssoAdmin()
    const observed: ObservedAssignments = Object.assign(new Map<string, AssignmentPayload[]>(), {
      blockedTeams: new Set<string>(),
    })
    const limit = pLimit(8)
    const teams = Object.entries(ctx.teams.config.teams)
    await Promise.all(
      teams.map(([team, config]) =>
        limit(async () => {
          // The owned app, or the untagged app of the team's name that apply will adopt: only when
          // it is the one such app. With several (or one of another team) the application change is
          // blocked, and the assignments of an app that is not ours are never read nor pruned.
          const sameName = apps.filter((a) => a.name === config.displayName)
          const unowned = sameName.filter((a) => !a.tags[TAG_TEAM])
          const app =
            apps.find((a) => a.tags[TAG_TEAM] === team) ?? (unowned.length === 1 ? unowned[0] : undefined)
          if (!app) {
            if (sameName.length > 0) observed.blockedTeams.add(team)
            return
          }
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
    return observed
  },

  desire(ctx) {
    const desired: DesiredAssignments = new Map()
    for (const [team, config] of Object.entries(ctx.teams.config.teams)) {
      const list: AssignmentPayload[] = []
      for (const name of config.members?.users ?? []) {
        const u = ctx.identities.usersByName.get(name.toLowerCase())!
        list.push({ principalType: 'USER', principalId: u.userId, principalName: u.userName })
      }
      for (const name of config.members?.groups ?? []) {
        const g = ctx.identities.groupsByName.get(name)!
        list.push({ principalType: 'GROUP', principalId: g.groupId, principalName: g.displayName })
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
      if (!ctx.options.prune) continue
      const wantedKeys = new Set(wanted.map((a) => keyOf(team, a)))
      for (const a of present) {
        if (wantedKeys.has(keyOf(team, a))) continue
        changes.push({
          kind: 'assignment',
          key: keyOf(team, a),
          team,
          action: 'delete',
          summary: `${a.principalType.toLowerCase()} ${a.principalName}`,
          before: a,
        })
      }
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
