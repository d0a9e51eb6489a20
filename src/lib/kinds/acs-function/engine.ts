/**
 * The ACS function's engine. Observes the function (and, without an acs section, the tool's retired
 * deployments, which every ACS part reads from here); plans the package of the shipped handler and
 * the configuration for this file (its hashes: the CodeSha256 is remembered per content, so a warm
 * plan zips nothing), and applies the planned configuration: the package apply uploads is zipped
 * from the change's own `config`, and refused if it is not the planned package.
 */
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  type GetFunctionCommandOutput,
  PutFunctionConcurrencyCommand,
  TagResourceCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda'
import { ACS_HANDLER, ACS_RUNTIME, buildAcsBundle, buildAcsPackageHash } from '../../acs/bundle.js'
import type { AcsConfig } from '../../acs/config.js'
import { diffAcsConfig } from '../../acs/config-diff.js'
import {
  acsConfigFor,
  acsRoleName,
  configSha256,
  functionTags,
  readDeployedPackage,
  TAG_CIDRS,
  TAG_CODE_VERSION,
  TAG_CONFIG,
  TAG_SESSION,
  withRolePropagation,
} from '../../acs/deployment.js'
import type { ObservedAcsFunction, ObservedAcsUrl } from '../../acs/observed.js'
import { observeRetiredAcs, retiredChanges } from '../../acs/retired.js'
import { ACS_DEFAULTS } from '../../config/types.js'
import { awsErrorCode } from '../../errors.js'
import { TAG_MANAGED } from '../../model/names.js'
import type { AcsFunctionPayload, Change } from '../../plan/types.js'
import type { AwsRequest, EngineContext, ResourceModule } from '../engine-contract.js'

export interface DesiredAcsFunction {
  payload: AcsFunctionPayload
  config: AcsConfig
}

const functionArnOf = (ctx: EngineContext, name: string) =>
  `arn:${ctx.discovery.partition}:lambda:${ctx.discovery.region}:${ctx.discovery.accountId}:function:${name}`

/** The function's tags as planned; the configuration tag names the package uploaded (the planned one). */
const tagsOf = (after: AcsFunctionPayload) =>
  after.tags && { ...after.tags, [TAG_CONFIG]: after.configSha256 ?? '' }

/** The requests of a change beside the package upload, as apply sends them (the preflight checks them). */
function requestsOf(change: Change<'acs-function'>, ctx: EngineContext): AwsRequest[] {
  const { before, after } = change
  if (change.action === 'delete' || !after) return []
  return [
    ...(change.action === 'update' && before?.codeSha256 !== after.codeSha256
      ? [{ service: 'lambda', operation: 'UpdateFunctionCode', input: { FunctionName: after.functionName } }]
      : []),
    // The tag values are what Lambda refuses most easily (its tag character set); on a create
    // CreateFunction carries them: the same check.
    ...(after.tags
      ? [
          {
            service: 'lambda',
            operation: 'TagResource',
            input: {
              Resource: before?.functionArn ?? functionArnOf(ctx, after.functionName),
              Tags: tagsOf(after),
            },
          },
        ]
      : []),
    // A flood of posts can take at most this much of the account's Lambda concurrency.
    ...(after.reservedConcurrency !== undefined && before?.reservedConcurrency !== after.reservedConcurrency
      ? [
          {
            service: 'lambda',
            operation: 'PutFunctionConcurrency',
            input: {
              FunctionName: after.functionName,
              ReservedConcurrentExecutions: after.reservedConcurrency,
            },
          },
        ]
      : []),
  ]
}

/** The package of the planned configuration, refused unless it is exactly the planned one. */
async function plannedPackage(after: AcsFunctionPayload) {
  const built = await buildAcsBundle(after.config as unknown as AcsConfig)
  if (built.codeSha256 !== after.codeSha256 || built.configSha256 !== after.configSha256)
    throw new Error(
      `the ACS package built now (code ${built.codeSha256}, configuration ${built.configSha256}) is not the planned one (code ${after.codeSha256}, configuration ${after.configSha256}): plan again`,
    )
  return built
}

export const acsFunctionEngine: ResourceModule<
  'acs-function',
  ObservedAcsFunction,
  DesiredAcsFunction | undefined
> = {
  kind: 'acs-function',

  async observe(ctx) {
    const acs = ctx.teams.config.acs
    if (!acs) return { foreign: false, retired: await observeRetiredAcs(ctx) }
    const lambda = await ctx.aws.lambda()
    let fn: GetFunctionCommandOutput
    try {
      fn = await lambda.send(new GetFunctionCommand({ FunctionName: acs.functionName }))
    } catch (err) {
      if (awsErrorCode(err) !== 'ResourceNotFoundException') throw err
      return { foreign: false }
    }
    const observed: ObservedAcsFunction = {
      function: {
        codeSha256: fn.Configuration?.CodeSha256,
        role: fn.Configuration?.Role,
        tags: fn.Tags ?? {},
        arn: fn.Configuration?.FunctionArn,
        version: fn.Configuration?.Version,
        lastModified: fn.Configuration?.LastModified,
        ...(fn.Concurrency?.ReservedConcurrentExecutions !== undefined
          ? { reservedConcurrency: fn.Concurrency.ReservedConcurrentExecutions }
          : {}),
      },
      foreign: fn.Tags?.[TAG_MANAGED] !== 'true',
    }
    // The deployed package is downloaded only when its configuration differs from the planned one.
    const tagged = fn.Tags?.[TAG_CONFIG]
    if (fn.Code?.Location && tagged) {
      const url = (await ctx.observed<ObservedAcsUrl>('acs-url')).url?.url
      if (tagged !== configSha256(await acsConfigFor(ctx, url)))
        observed.deployed = await readDeployedPackage(fn.Code.Location)
    }
    return observed
  },

  async desire(ctx) {
    const acs = ctx.teams.config.acs
    if (!acs) return undefined
    // The function URL is baked in once it exists (the Lambda refuses events of other hosts).
    const url = (await ctx.observed<ObservedAcsUrl>('acs-url')).url?.url
    const config = await acsConfigFor(ctx, url)
    // Its hashes only (remembered per content): the bytes are zipped when apply uploads them.
    const bundle = await buildAcsPackageHash(config)
    const d = ctx.discovery
    const payload: AcsFunctionPayload = {
      functionName: acs.functionName,
      roleArn: `arn:${d.partition}:iam::${d.accountId}:role/${acsRoleName(acs.functionName)}`,
      codeSha256: bundle.codeSha256,
      configSha256: bundle.configSha256,
      codeVersion: bundle.codeVersion,
      allowedSourceCidrs: [...(acs.allowedSourceCidrs ?? [])].sort(),
      sessionExpirationSeconds: config.sessionExpirationSeconds,
      reservedConcurrency: acs.reservedConcurrency ?? ACS_DEFAULTS.reservedConcurrency,
    }
    payload.tags = functionTags(ctx, payload)
    payload.config = config as unknown as Record<string, unknown>
    return { payload, config }
  },

  diff(desired, observed, ctx) {
    if (!ctx.teams.config.acs) return retiredChanges('acs-function', observed.retired ?? [], ctx)
    if (!desired) return []
    const after = desired.payload
    const fn = observed.function
    if (fn && observed.foreign)
      return [
        {
          kind: 'acs-function',
          key: after.functionName,
          action: 'blocked',
          summary: after.functionName,
          after,
          reason: `a function of this name exists without the ${TAG_MANAGED} tag; not modified`,
        },
      ]
    if (!fn)
      return [
        {
          kind: 'acs-function',
          key: after.functionName,
          action: 'create',
          summary: `${after.functionName} (function; reserved concurrency ${after.reservedConcurrency})`,
          after,
        },
      ]
    const before: AcsFunctionPayload = {
      functionName: after.functionName,
      ...(fn.arn ? { functionArn: fn.arn } : {}),
      ...(fn.role ? { roleArn: fn.role } : {}),
      codeSha256: fn.codeSha256,
      configSha256: fn.tags[TAG_CONFIG],
      allowedSourceCidrs: (fn.tags[TAG_CIDRS] ?? '').split(' ').filter(Boolean),
      sessionExpirationSeconds: fn.tags[TAG_SESSION] ? Number(fn.tags[TAG_SESSION]) : undefined,
      codeVersion: fn.tags[TAG_CODE_VERSION] ?? observed.deployed?.codeVersion,
      ...(fn.reservedConcurrency !== undefined ? { reservedConcurrency: fn.reservedConcurrency } : {}),
    }
    const reasons: string[] = []
    let configChanges: AcsFunctionPayload['configChanges']
    if (before.configSha256 !== after.configSha256) {
      const deployed = observed.deployed?.config
      if (deployed) {
        configChanges = diffAcsConfig(deployed, desired.config)
        reasons.push(`configuration (${configChanges.length} change${configChanges.length === 1 ? '' : 's'})`)
      } else
        reasons.push(
          `configuration (the deployed one could not be read${observed.deployed?.error ? `: ${observed.deployed.error}` : ''})`,
        )
    }
    // The package holds code and configuration: its hash alone cannot say which changed.
    const sameConfig = before.configSha256 === after.configSha256
    if (before.codeVersion && before.codeVersion !== after.codeVersion)
      reasons.push(`ACS code version ${before.codeVersion} → ${after.codeVersion}`)
    else if (sameConfig && before.codeSha256 !== after.codeSha256)
      reasons.push(
        before.codeVersion ? 'code package' : `ACS code version (not recorded) → ${after.codeVersion}`,
      )
    if (before.reservedConcurrency !== after.reservedConcurrency)
      reasons.push(
        `reserved concurrency ${before.reservedConcurrency ?? 'none'} → ${after.reservedConcurrency}`,
      )
    if (reasons.length === 0) return []
    return [
      {
        kind: 'acs-function',
        key: after.functionName,
        action: 'update',
        summary: after.functionName,
        before,
        after: {
          ...after,
          ...(fn.arn ? { functionArn: fn.arn } : {}),
          ...(configChanges ? { configChanges } : {}),
        },
        reason: reasons.join(', '),
      },
    ]
  },

  requests: requestsOf,

  async apply(change, ctx) {
    const lambda = await ctx.aws.lambda()
    if (change.action === 'delete') {
      await lambda
        .send(new DeleteFunctionCommand({ FunctionName: change.before!.functionName }))
        .catch((err) => {
          if (awsErrorCode(err) !== 'ResourceNotFoundException') throw err
        })
      return
    }
    const after = change.after!
    if (change.action === 'create') {
      const built = await plannedPackage(after)
      await withRolePropagation(() =>
        lambda.send(
          new CreateFunctionCommand({
            FunctionName: after.functionName,
            Runtime: ACS_RUNTIME,
            Handler: ACS_HANDLER,
            Role: after.roleArn,
            Code: { ZipFile: built.zip },
            Description: 'sagemaker-teams SAML Assertion Consumer Service',
            Timeout: 30,
            MemorySize: 512,
            Architectures: ['arm64'],
            Tags: tagsOf(after),
          }),
        ),
      )
    }
    for (const { operation, input } of requestsOf(change, ctx)) {
      if (operation === 'UpdateFunctionCode') {
        const built = await plannedPackage(after)
        await lambda.send(
          new UpdateFunctionCodeCommand({ FunctionName: after.functionName, ZipFile: built.zip }),
        )
      } else if (operation === 'TagResource' && change.action === 'update')
        await lambda.send(new TagResourceCommand(input as never))
      else if (operation === 'PutFunctionConcurrency')
        await lambda.send(new PutFunctionConcurrencyCommand(input as never))
    }
  },
}

export type { ObservedAcsFunction }
