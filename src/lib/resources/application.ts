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
  TagResourceCommand,
  UpdateApplicationCommand,
} from '@aws-sdk/client-sso-admin'
import pLimit from 'p-limit'
import { awsErrorCode } from '../errors.js'
import { CUSTOM_SAML_PROVIDER_ARN, TAG_TEAM } from '../names.js'
import type { ApplicationPayload, Change } from '../plan/types.js'
import { type ApplyContext, type EngineContext, ManualStepError, type ResourceModule } from './types.js'

export interface ObservedApplication {
  arn: string
  name: string
  providerArn: string
  status: 'ENABLED' | 'DISABLED'
  portalVisible: boolean
  tags: Record<string, string>
  assignmentRequired?: boolean
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
  return created ?? observed.find((a) => a.tags[TAG_TEAM] === team)?.arn
}

export const applications: ResourceModule<'application', ObservedApplication[], DesiredApplications> = {
  kind: 'application',

  async observe(ctx) {
    const client = await ctx.aws.ssoAdmin()
    const apps: ObservedApplication[] = []
    for await (const page of paginateListApplications(
      { client },
      {
        InstanceArn: ctx.discovery.instanceArn,
        Filter: { ApplicationProvider: CUSTOM_SAML_PROVIDER_ARN },
        MaxResults: 100,
      },
    )) {
      for (const a of page.Applications ?? []) {
        apps.push({
          arn: a.ApplicationArn!,
          name: a.Name ?? '',
          providerArn: a.ApplicationProviderArn ?? CUSTOM_SAML_PROVIDER_ARN,
          status: (a.Status as 'ENABLED' | 'DISABLED') ?? 'ENABLED',
          portalVisible: a.PortalOptions?.Visibility !== 'DISABLED',
          tags: {},
        })
      }
    }
    // Ownership lives in tags, which ListApplications does not return: one read per SAML app.
    const limit = pLimit(8)
    await Promise.all(
      apps.map((app) =>
        limit(async () => {
          for await (const page of paginateListTagsForResource(
            { client },
            { InstanceArn: ctx.discovery.instanceArn, ResourceArn: app.arn },
          )) {
            for (const t of page.Tags ?? []) if (t.Key) app.tags[t.Key] = t.Value ?? ''
          }
          if (app.tags[TAG_TEAM]) {
            const config = await client.send(
              new GetApplicationAssignmentConfigurationCommand({ ApplicationArn: app.arn }),
            )
            app.assignmentRequired = config.AssignmentRequired
          }
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
    const changes: Change<'application'>[] = []
    for (const [team, after] of desired) {
      const owned = observed.find((a) => a.tags[TAG_TEAM] === team)
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
        changes.push({
          kind: 'application',
          key: team,
          team,
          action: 'blocked',
          summary: `"${after.name}"`,
          after,
          reason: `the application named "${after.name}" belongs to team ${otherOwner.tags[TAG_TEAM]}; display names must differ`,
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
    for (const app of observed) {
      const team = app.tags[TAG_TEAM]
      if (!team || desired.has(team)) continue
      if (!ctx.options.prune) {
        // Otherwise a removed team plans as (almost) nothing, and looks done.
        ctx.warnings.push(
          `team ${team} is no longer in the file; its application "${app.name}", profiles, role and grants were kept; plan with --prune to delete them.`,
        )
        continue
      }
      changes.push({
        kind: 'application',
        key: team,
        team,
        action: 'delete',
        summary: `"${app.name}" (team ${team} is no longer in the file)`,
        before: {
          name: app.name,
          applicationArn: app.arn,
          providerArn: app.providerArn,
          status: app.status,
          portalVisible: app.portalVisible,
          assignmentRequired: app.assignmentRequired ?? false,
        },
      })
    }
    return changes
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
