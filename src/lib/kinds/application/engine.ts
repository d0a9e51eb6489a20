/**
 * One custom SAML 2.0 application per team in IAM Identity Center. AWS documents CreateApplication
 * as OAuth-only and has refused the custom-saml provider in some accounts; then the change turns
 * into a manual step (create it in the console under the exact name) and the next apply adopts
 * the untagged application of that name by tagging it.
 */
import {
  type ApplicationStatus,
  CreateApplicationCommand,
  type CreateApplicationCommandInput,
  DeleteApplicationCommand,
  GetApplicationAssignmentConfigurationCommand,
  PutApplicationAssignmentConfigurationCommand,
  paginateListApplications,
  paginateListTagsForResource,
  type SSOAdminClient,
  TagResourceCommand,
  UpdateApplicationCommand,
} from '@aws-sdk/client-sso-admin'
import pLimit from 'p-limit'
import { awsErrorCode } from '../../errors.js'
import { CUSTOM_SAML_PROVIDER_ARN, TAG_TEAM } from '../../model/names.js'
import type { ApplicationPayload, Change, KeptItem } from '../../plan/types.js'
import {
  type ApplyContext,
  type EngineContext,
  ManualStepError,
  type ResourceModule,
} from '../engine-contract.js'

export interface ObservedApplication {
  arn: string
  name: string
  providerArn: string
  status: 'ENABLED' | 'DISABLED'
  portalVisible: boolean
  tags: Record<string, string>
  assignmentRequired?: boolean
  /** CreatedDate (ms): of two applications of one team the older one is the team's. */
  created?: number
}

/**
 * The team's application: of its tool-tagged applications the oldest (two applies that raced, or a
 * copy made by hand, leave more than one; the newer ones are duplicates, see diff).
 */
export function teamApplication(apps: ObservedApplication[], team: string): ObservedApplication | undefined {
  return ownedBy(apps, team)[0]
}

/** The team's tool-tagged applications beyond its own (newest last). */
export function duplicateApplications(apps: ObservedApplication[], team: string): ObservedApplication[] {
  return ownedBy(apps, team).slice(1)
}

function ownedBy(apps: ObservedApplication[], team: string): ObservedApplication[] {
  return apps
    .filter((a) => a.tags[TAG_TEAM] === team)
    .sort((a, b) => (a.created ?? 0) - (b.created ?? 0) || a.arn.localeCompare(b.arn))
}

/** Teams that own an application but are no longer in the file (nor moved into one of its teams). */
export function removedTeams(ctx: EngineContext, apps: ObservedApplication[]): string[] {
  const teams = new Set<string>()
  const moved = movedTeams(ctx)
  for (const a of apps) {
    const team = a.tags[TAG_TEAM]
    if (team && !Object.hasOwn(ctx.teams.config.teams, team) && !moved.has(team)) teams.add(team)
  }
  return [...teams].sort()
}

/** Former id → the team of the file declaring `movedFrom: <former id>`. */
export function movedTeams(ctx: Pick<EngineContext, 'teams'>): Map<string, string> {
  const moved = new Map<string, string>()
  for (const [team, config] of Object.entries(ctx.teams.config.teams))
    if (config.movedFrom && !Object.hasOwn(ctx.teams.config.teams, config.movedFrom))
      moved.set(config.movedFrom, team)
  return moved
}

/**
 * The team's application: its own, or (movedFrom) its former id's, which apply re-tags to it in
 * place — the application, its assignments and its SAML set-up stay.
 */
export function teamOrMovedApplication(
  ctx: Pick<EngineContext, 'teams'>,
  apps: ObservedApplication[],
  team: string,
): ObservedApplication | undefined {
  const from = ctx.teams.config.teams[team]?.movedFrom
  return (
    teamApplication(apps, team) ??
    (from && movedTeams(ctx).get(from) === team ? teamApplication(apps, from) : undefined)
  )
}

export type DesiredApplications = Map<string, ApplicationPayload>

/** The ARN of a team's application: observed, or created earlier in this apply. */
export function applicationArnOf(
  ctx: EngineContext | ApplyContext,
  team: string,
  observed: ObservedApplication[],
): string | undefined {
  const created =
    'runtime' in ctx ? (ctx.runtime.get(`application:${team}`) as string | undefined) : undefined
  return created ?? teamApplication(observed, team)?.arn
}

/** The instance's custom SAML applications with their tags (ownership lives in tags). */
export async function listSamlApplications(
  client: SSOAdminClient,
  instanceArn: string,
): Promise<ObservedApplication[]> {
  const apps: ObservedApplication[] = []
  for await (const page of paginateListApplications(
    { client },
    { InstanceArn: instanceArn, Filter: { ApplicationProvider: CUSTOM_SAML_PROVIDER_ARN }, MaxResults: 100 },
  )) {
    for (const a of page.Applications ?? []) {
      apps.push({
        arn: a.ApplicationArn!,
        name: a.Name ?? '',
        providerArn: a.ApplicationProviderArn ?? CUSTOM_SAML_PROVIDER_ARN,
        status: (a.Status as 'ENABLED' | 'DISABLED') ?? 'ENABLED',
        portalVisible: a.PortalOptions?.Visibility !== 'DISABLED',
        tags: {},
        created: a.CreatedDate?.getTime(),
      })
    }
  }
  // ListApplications does not return tags: one read per SAML app.
  const limit = pLimit(8)
  await Promise.all(
    apps.map((app) =>
      limit(async () => {
        for await (const page of paginateListTagsForResource(
          { client },
          { InstanceArn: instanceArn, ResourceArn: app.arn },
        )) {
          for (const t of page.Tags ?? []) if (t.Key) app.tags[t.Key] = t.Value ?? ''
        }
      }),
    ),
  )
  return apps
}

/** team → its tool-tagged applications, for teams that have more than one (duplicates). */
export function teamsWithDuplicates(apps: ObservedApplication[]): Map<string, ObservedApplication[]> {
  const out = new Map<string, ObservedApplication[]>()
  for (const team of new Set(apps.map((a) => a.tags[TAG_TEAM]).filter(Boolean))) {
    const owned = ownedBy(apps, team)
    if (owned.length > 1) out.set(team, owned)
  }
  return out
}

function applicationPayload(app: ObservedApplication): ApplicationPayload {
  return {
    name: app.name,
    applicationArn: app.arn,
    providerArn: app.providerArn,
    status: app.status,
    portalVisible: app.portalVisible,
    assignmentRequired: app.assignmentRequired ?? false,
  }
}

const duplicateKey = (team: string, app: ObservedApplication) =>
  `${team}/duplicate/${app.arn.split('/').pop()}`

/**
 * A second tool-tagged application of a team (two applies raced, or someone copied it): blocked,
 * since users assigned to it reach the team outside the file; --prune deletes it (the newer one
 * goes, nothing is moved: the team's own application gets the file's assignments).
 */
function duplicateChange(team: string, app: ObservedApplication, ctx: EngineContext): Change<'application'> {
  const created = app.created ? ` created ${new Date(app.created).toISOString()}` : ''
  return {
    kind: 'application',
    key: duplicateKey(team, app),
    team,
    action: ctx.options.prune ? 'delete' : 'blocked',
    summary: `"${app.name}" (a duplicate application of team ${team}${created})`,
    before: applicationPayload(app),
    reason: ctx.options.prune
      ? `team ${team} has more than one application; the newer one is deleted with its assignments`
      : `team ${team} has more than one application tagged ${TAG_TEAM}=${team}; plan --prune deletes the newer one (${app.arn})`,
  }
}

export const applications: ResourceModule<'application', ObservedApplication[], DesiredApplications> = {
  kind: 'application',

  async observe(ctx) {
    const client = await ctx.aws.ssoAdmin()
    const apps = await listSamlApplications(client, ctx.discovery.instanceArn)
    const limit = pLimit(8)
    await Promise.all(
      apps
        .filter((app) => app.tags[TAG_TEAM])
        .map((app) =>
          limit(async () => {
            const config = await client.send(
              new GetApplicationAssignmentConfigurationCommand({ ApplicationArn: app.arn }),
            )
            app.assignmentRequired = config.AssignmentRequired
          }),
        ),
    )
    return apps
  },

  desire(ctx) {
    const desired: DesiredApplications = new Map()
    for (const [team, config] of Object.entries(ctx.teams.config.teams)) {
      desired.set(team, {
        name: config.displayName,
        providerArn: CUSTOM_SAML_PROVIDER_ARN,
        status: 'ENABLED',
        portalVisible: true,
        assignmentRequired: true,
      })
    }
    return desired
  },

  diff(desired, observed, ctx) {
    const kept: KeptItem[] = []
    const changes: Change<'application'>[] = []
    for (const [team, after] of desired) {
      const owned = teamOrMovedApplication(ctx, observed, team)
      const movedFrom = owned && owned.tags[TAG_TEAM] !== team ? owned.tags[TAG_TEAM] : undefined
      if (owned && movedFrom) {
        const before = applicationPayload(owned)
        const drift = (['name', 'status', 'assignmentRequired'] as const).filter(
          (k) => before[k] !== after[k],
        )
        changes.push({
          kind: 'application',
          key: team,
          team,
          action: 'update',
          summary: `"${after.name}" (moves from team ${movedFrom})`,
          before,
          after: { ...after, applicationArn: owned.arn, movedFrom },
          reason: [
            `team ${movedFrom} → ${team} (movedFrom): re-tagged in place; its assignments and SAML set-up stay`,
            ...drift.map((k) => `${k}: ${JSON.stringify(before[k])} → ${JSON.stringify(after[k])}`),
          ].join(', '),
        })
        continue
      }
      if (owned) {
        const before: ApplicationPayload = {
          name: owned.name,
          applicationArn: owned.arn,
          providerArn: owned.providerArn,
          status: owned.status,
          portalVisible: owned.portalVisible,
          assignmentRequired: owned.assignmentRequired ?? false,
        }
        const drift = (['name', 'status', 'assignmentRequired'] as const).filter(
          (k) => before[k] !== after[k],
        )
        if (drift.length > 0) {
          changes.push({
            kind: 'application',
            key: team,
            team,
            action: 'update',
            summary: `"${after.name}"`,
            before,
            after: { ...after, applicationArn: owned.arn },
            reason: drift
              .map((k) => `${k}: ${JSON.stringify(before[k])} → ${JSON.stringify(after[k])}`)
              .join(', '),
          })
        }
        continue
      }
      const sameName = observed.filter((a) => a.name === after.name && a.providerArn === after.providerArn)
      const otherOwner = sameName.find((a) => a.tags[TAG_TEAM])
      const unowned = sameName.filter((a) => !a.tags[TAG_TEAM])
      if (unowned.length === 1) {
        changes.push({
          kind: 'application',
          key: team,
          team,
          action: 'create',
          summary: `"${after.name}" (adopt the untagged application of this name)`,
          after: { ...after, applicationArn: unowned[0].arn, adopt: true },
          reason: 'an application of this name was created in the console; apply tags it as owned',
        })
      } else if (unowned.length > 1) {
        changes.push({
          kind: 'application',
          key: team,
          team,
          action: 'blocked',
          summary: `"${after.name}"`,
          after,
          reason: `${unowned.length} untagged applications are named "${after.name}"; delete or rename all but one in the IAM Identity Center console`,
        })
      } else if (otherOwner) {
        const holder = otherOwner.tags[TAG_TEAM]
        const gone = !Object.hasOwn(ctx.teams.config.teams, holder)
        changes.push({
          kind: 'application',
          key: team,
          team,
          action: 'blocked',
          summary: `"${after.name}"`,
          after: { ...after, nameTakenBy: holder },
          reason: gone
            ? `the application named "${after.name}" belongs to team ${holder}, which is no longer in the file; if ${team} is ${holder} renamed, declare \`movedFrom: ${holder}\` on ${team}; otherwise give ${team} another displayName`
            : `the application named "${after.name}" belongs to team ${holder}; display names must differ`,
        })
      } else {
        changes.push({
          kind: 'application',
          key: team,
          team,
          action: 'create',
          summary: `"${after.name}"`,
          after,
        })
      }
    }
    for (const team of new Set(observed.map((a) => a.tags[TAG_TEAM]).filter(Boolean))) {
      if (!desired.has(team)) continue
      for (const app of duplicateApplications(observed, team)) changes.push(duplicateChange(team, app, ctx))
    }
    const moved = movedTeams(ctx)
    for (const app of observed) {
      const team = app.tags[TAG_TEAM]
      if (!team || desired.has(team)) continue
      // The former id's application moves (above): neither kept nor deleted.
      if (moved.has(team) && teamApplication(observed, team) === app) continue
      if (!ctx.options.prune) {
        // Its assignments are revoked (see assignment.ts); the application, role, grants and
        // profiles stay until --prune, listed as kept so that the plan never looks done.
        kept.push({
          kind: 'application',
          key: app.arn,
          team,
          summary: `"${app.name}" of team ${team}, no longer in the file`,
          reason: `access revoked (its assignments are removed); --prune deletes it with the team's role and grants`,
        })
        continue
      }
      const duplicate = teamApplication(observed, team) !== app
      changes.push({
        kind: 'application',
        key: duplicate ? duplicateKey(team, app) : team,
        team,
        action: 'delete',
        summary: `"${app.name}" (team ${team} is no longer in the file)`,
        before: applicationPayload(app),
      })
    }
    return { changes, kept }
  },

  requests(change, ctx) {
    const after = change.after
    if (!after || after.adopt) return []
    if (change.action === 'create')
      return [
        {
          service: 'sso-admin',
          operation: 'CreateApplication',
          input: createApplicationInput(ctx, change.team!, after) as unknown as Record<string, unknown>,
        },
      ]
    if (
      change.action === 'update' &&
      (change.before?.name !== after.name || change.before?.status !== after.status)
    )
      return [
        {
          service: 'sso-admin',
          operation: 'UpdateApplication',
          input: {
            ApplicationArn: after.applicationArn ?? PLACEHOLDER_APPLICATION_ARN,
            Name: after.name,
            Status: after.status,
          },
        },
      ]
    return []
  },

  async apply(change, ctx) {
    const client = await ctx.aws.ssoAdmin()
    const team = change.team!
    const after = change.after
    if (change.action === 'delete') {
      try {
        await client.send(new DeleteApplicationCommand({ ApplicationArn: change.before!.applicationArn }))
      } catch (err) {
        if (awsErrorCode(err) !== 'ResourceNotFoundException') throw err
      }
      return
    }
    if (!after) return
    let arn = after.applicationArn
    if (change.action === 'create' && after.adopt && arn) {
      await client.send(
        new TagResourceCommand({
          InstanceArn: ctx.discovery.instanceArn,
          ResourceArn: arn,
          Tags: [{ Key: TAG_TEAM, Value: team }],
        }),
      )
    } else if (change.action === 'create') {
      try {
        const out = await client.send(new CreateApplicationCommand(createApplicationInput(ctx, team, after)))
        arn = out.ApplicationArn
      } catch (err) {
        if (isSamlProviderRefusal(err, after)) {
          throw new ManualStepError(
            `AWS refused to create a SAML application through the API here. Create it in the IAM Identity Center console (Applications → Add application → "I have an application I want to set up" → SAML 2.0) under the exact name "${after.name}"; the next apply adopts it.`,
          )
        }
        throw err
      }
    } else if (change.action === 'update' && arn) {
      // movedFrom: the former id's application becomes this team's (the tag is its ownership).
      if (after.movedFrom)
        await client.send(
          new TagResourceCommand({
            InstanceArn: ctx.discovery.instanceArn,
            ResourceArn: arn,
            Tags: [{ Key: TAG_TEAM, Value: team }],
          }),
        )
      const before = change.before
      if (!before || before.name !== after.name || before.status !== after.status) {
        await client.send(
          new UpdateApplicationCommand({ ApplicationArn: arn, Name: after.name, Status: after.status }),
        )
      }
    }
    if (!arn) throw new Error(`no application ARN for team ${team}`)
    if (change.action !== 'update' || change.before?.assignmentRequired !== after.assignmentRequired) {
      await client.send(
        new PutApplicationAssignmentConfigurationCommand({
          ApplicationArn: arn,
          AssignmentRequired: after.assignmentRequired,
        }),
      )
    }
    ctx.runtime.set(`application:${team}`, arn)
  },
}

/** An application ARN of AWS's form, for requests whose application the same apply creates first. */
export const PLACEHOLDER_APPLICATION_ARN =
  'arn:aws:sso::123456789012:application/ssoins-0000000000000000/apl-0000000000000000'

function createApplicationInput(
  ctx: EngineContext,
  team: string,
  after: ApplicationPayload,
): CreateApplicationCommandInput {
  return {
    InstanceArn: ctx.discovery.instanceArn,
    ApplicationProviderArn: after.providerArn,
    Name: after.name,
    Description: `SageMaker Studio for team ${team} (managed by sagemaker-teams)`,
    PortalOptions: { Visibility: 'ENABLED', SignInOptions: { Origin: 'IDENTITY_CENTER' } },
    Status: after.status as ApplicationStatus,
    Tags: [{ Key: TAG_TEAM, Value: team }],
  }
}

/**
 * AWS documents CreateApplication as OAuth-only ("SAML 2.0 … in the console only") and answers the
 * custom-SAML provider with ValidationException in accounts where it refuses it. The request passed
 * the preflight against the model's constraints, so a ValidationException to a custom-SAML create is
 * that refusal, whatever its message says.
 */
function isSamlProviderRefusal(err: unknown, after: ApplicationPayload): boolean {
  return awsErrorCode(err) === 'ValidationException' && after.providerArn === CUSTOM_SAML_PROVIDER_ARN
}
