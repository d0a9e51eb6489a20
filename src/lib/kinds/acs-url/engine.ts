/**
 * The ACS function URL's engine. A created URL is baked into the function's configuration (the
 * Lambda refuses events of other hosts): the create carries the planned configuration, and apply
 * uploads exactly it with the new URL, which exists only once created.
 */
import {
  CreateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  TagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda'
import { buildAcsBundle } from '../../acs/bundle.js'
import type { AcsConfig } from '../../acs/config.js'
import { acsConfigFor, TAG_CONFIG } from '../../acs/deployment.js'
import type { ObservedAcsFunction, ObservedAcsUrl } from '../../acs/observed.js'
import { retiredChanges } from '../../acs/retired.js'
import { awsErrorCode } from '../../errors.js'
import type { AcsUrlPayload, Change } from '../../plan/types.js'
import type { AwsRequest, ResourceModule } from '../engine-contract.js'

function requestsOf(change: Change<'acs-url'>): AwsRequest[] {
  const after = change.after
  if (change.action === 'delete' || !after) return []
  return [
    {
      service: 'lambda',
      operation: change.action === 'create' ? 'CreateFunctionUrlConfig' : 'UpdateFunctionUrlConfig',
      input: { FunctionName: after.functionName, AuthType: after.authType },
    },
  ]
}

export const acsUrlEngine: ResourceModule<'acs-url', ObservedAcsUrl, AcsUrlPayload | undefined> = {
  kind: 'acs-url',

  // Read without the function's observation (which reads this one to bake the URL in).
  async observe(ctx) {
    const acs = ctx.teams.config.acs
    if (!acs) return { retired: (await ctx.observed<ObservedAcsFunction>('acs-function')).retired ?? [] }
    const lambda = await ctx.aws.lambda()
    try {
      const out = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: acs.functionName }))
      return {
        url: {
          functionName: acs.functionName,
          authType: out.AuthType === 'AWS_IAM' ? 'AWS_IAM' : 'NONE',
          ...(out.FunctionUrl ? { url: out.FunctionUrl } : {}),
        },
      }
    } catch (err) {
      // Also the answer for a function that does not exist.
      if (awsErrorCode(err) !== 'ResourceNotFoundException') throw err
      return {}
    }
  },

  async desire(ctx) {
    const acs = ctx.teams.config.acs
    if (!acs || (await ctx.observed<ObservedAcsFunction>('acs-function')).foreign) return undefined
    const observed = await ctx.observed<ObservedAcsUrl>('acs-url')
    if (observed.url) return { functionName: acs.functionName, authType: 'NONE' }
    // To be created: the function's planned configuration (without a URL), to bake the new URL into.
    const config = await acsConfigFor(ctx, undefined)
    return {
      functionName: acs.functionName,
      authType: 'NONE',
      config: config as unknown as Record<string, unknown>,
    }
  },

  diff(desired, observed, ctx) {
    if (!ctx.teams.config.acs) return retiredChanges('acs-url', observed.retired ?? [], ctx)
    if (!desired) return []
    const before = observed.url
    if (!before)
      return [
        {
          kind: 'acs-url',
          key: desired.functionName,
          action: 'create',
          summary: `${desired.functionName} function URL (auth ${desired.authType})`,
          after: desired,
        },
      ]
    if (before.authType === desired.authType) return []
    return [
      {
        kind: 'acs-url',
        key: desired.functionName,
        action: 'update',
        summary: `${desired.functionName} function URL`,
        before,
        after: { ...desired, ...(before.url ? { url: before.url } : {}) },
        reason: `auth ${before.authType} → ${desired.authType}`,
      },
    ]
  },

  requests: (change) => requestsOf(change),

  async apply(change, ctx) {
    const lambda = await ctx.aws.lambda()
    if (change.action === 'delete') {
      await lambda
        .send(new DeleteFunctionUrlConfigCommand({ FunctionName: change.before!.functionName }))
        .catch((err) => {
          if (awsErrorCode(err) !== 'ResourceNotFoundException') throw err
        })
      return
    }
    const after = change.after!
    if (change.action === 'update') {
      await lambda.send(new UpdateFunctionUrlConfigCommand(requestsOf(change)[0].input as never))
      return
    }
    const url = (await lambda.send(new CreateFunctionUrlConfigCommand(requestsOf(change)[0].input as never)))
      .FunctionUrl
    if (!after.config) return
    // The planned configuration with the URL it could not know before.
    const built = await buildAcsBundle({ ...(after.config as unknown as AcsConfig), functionUrl: url })
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: after.functionName, ZipFile: built.zip }))
    const d = ctx.discovery
    await lambda.send(
      new TagResourceCommand({
        Resource: `arn:${d.partition}:lambda:${d.region}:${d.accountId}:function:${after.functionName}`,
        Tags: { [TAG_CONFIG]: built.configSha256 },
      }),
    )
  },
}

export type { ObservedAcsUrl }
