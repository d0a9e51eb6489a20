/**
 * Evaluation by IAM itself: `iam:SimulateCustomPolicy` with the role's identity policies (inline and
 * the default versions of its managed policies), its permissions boundary, and the context keys each
 * request carries (built from the shipped extract of the Service Authorization Reference, as the test
 * engine builds them). This is how the installed CLI evaluates; the AGPL engine stays a dev dependency.
 *
 * One call evaluates every action of `ActionNames` against every ARN of `ResourceArns` under one set
 * of `ContextEntries`, so requests are grouped by their context, then resources asked with the same
 * actions share a call (only pairs that were asked for are evaluated: an action on a resource type
 * it does not take is not a question IAM answers), split so that one page (`MaxItems`, at most the
 * model's maximum) holds the answers; `Marker` pages are followed all the same. Every call is checked against the service model (schema/aws-model) before it is sent.
 *
 * IAM's simulator does not evaluate resource-based policies of IAM roles (trust policies): a request
 * on a role is evaluated on the principal's own policies, as IAM's simulator does.
 */
import type {
  ContextEntry,
  IAMClient,
  SimulateCustomPolicyCommandInput,
  SimulateCustomPolicyCommandOutput,
} from '@aws-sdk/client-iam'
import pLimit from 'p-limit'
import { awsValidationMessage, serviceModel, validateRequest } from '../aws/model.js'
import { awsErrorCode, describeAwsError } from '../errors.js'
import { shippedReference } from './request-context.js'
import {
  type ContextReference,
  requestContext,
  type SimDecision,
  type SimPrincipal,
  type SimRequest,
} from './simulate.js'

/** Evaluates requests for one principal; answers in the order of `requests`. */
export type RequestEvaluator = (principal: SimPrincipal, requests: SimRequest[]) => Promise<SimDecision[]>

/** IAM's simulator could not be used (no permission, no connection): nothing was evaluated. */
export class SimulationUnavailable extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message)
    this.name = 'SimulationUnavailable'
  }
}

const DECISIONS: Record<string, SimDecision> = {
  allowed: 'Allowed',
  explicitDeny: 'ExplicitlyDenied',
  implicitDeny: 'ImplicitlyDenied',
}

/** The largest page IAM answers (`maxItemsType` in the service model). */
export function simulationPageSize(): number {
  return serviceModel('iam')?.shapes.maxItemsType?.max ?? 1000
}

const isRole = (arn: string) => /^arn:[^:]+:iam::\d{12}:role\//.test(arn)
/** One answer: the request's group (its context) and the pair. */
const pairKey = (group: string, action: string, resource: string) =>
  `${group}\n${action.toLowerCase()}\n${resource}`

/** The evaluator that asks IAM (SimulateCustomPolicy) through `iam`. */
export function awsEvaluator(
  iam: () => Promise<IAMClient>,
  reference: ContextReference = shippedReference,
): RequestEvaluator {
  return async (principal, requests) => {
    const groupOf: string[] = []
    const groups = new Map<
      string,
      { entries: ContextEntry[]; resourcePolicy?: string; pairs: Map<string, Set<string>> }
    >()
    for (const r of requests) {
      const { context } = await requestContext(principal, r, reference)
      const entries: ContextEntry[] = Object.keys(context)
        .sort()
        .map((k) => {
          const v = context[k]
          return {
            ContextKeyName: k,
            ContextKeyValues: Array.isArray(v) ? v : [v],
            ContextKeyType: Array.isArray(v) ? 'stringList' : 'string',
          }
        })
      const resourcePolicy =
        r.resourcePolicy && !isRole(r.resource) ? JSON.stringify(r.resourcePolicy) : undefined
      const key = JSON.stringify([entries, resourcePolicy ?? null])
      let g = groups.get(key)
      if (!g) {
        g = {
          entries,
          pairs: new Map(),
          ...(resourcePolicy ? { resourcePolicy } : {}),
        }
        groups.set(key, g)
      }
      const actions = g.pairs.get(r.resource) ?? new Set<string>()
      actions.add(r.action)
      g.pairs.set(r.resource, actions)
      groupOf.push(key)
    }

    const policies = Object.values(principal.policies).map((p) => JSON.stringify(p))
    const boundary = principal.permissionsBoundary ? [JSON.stringify(principal.permissionsBoundary)] : []
    const page = simulationPageSize()
    const calls: { group: string; input: SimulateCustomPolicyCommandInput }[] = []
    for (const [group, g] of groups) {
      // Only pairs that were asked for: resources asked with the same actions share a call.
      const byActions = new Map<string, { actions: string[]; resources: string[] }>()
      for (const [resource, actionSet] of g.pairs) {
        const actions = [...actionSet].sort()
        const k = JSON.stringify(actions)
        const b = byActions.get(k) ?? { actions, resources: [] }
        b.resources.push(resource)
        byActions.set(k, b)
      }
      for (const { actions, resources } of byActions.values())
        for (let i = 0; i < resources.length; i += page) {
          const someResources = resources.slice(i, i + page)
          const perCall = Math.max(1, Math.floor(page / someResources.length))
          for (let j = 0; j < actions.length; j += perCall)
            calls.push({
              group,
              input: {
                PolicyInputList: policies,
                ...(boundary.length ? { PermissionsBoundaryPolicyInputList: boundary } : {}),
                ActionNames: actions.slice(j, j + perCall),
                ResourceArns: someResources,
                ContextEntries: g.entries,
                ...(g.resourcePolicy ? { ResourcePolicy: g.resourcePolicy } : {}),
                MaxItems: page,
              },
            })
        }
    }
    for (const { input } of calls) {
      const violations = validateRequest('iam', 'SimulateCustomPolicy', input)
      if (violations?.length)
        throw new Error(
          `iam SimulateCustomPolicy: ${awsValidationMessage(violations)} (${principal.roleArn})`,
        )
    }

    const { SimulateCustomPolicyCommand } = await import('@aws-sdk/client-iam')
    const client = await iam().catch((err: unknown) => {
      throw unavailable(err)
    })
    const limit = pLimit(4)
    const answers = await Promise.all(
      calls.map(({ group, input }) =>
        limit(async () => {
          const found = new Map<string, SimDecision>()
          let marker: string | undefined
          do {
            let out: SimulateCustomPolicyCommandOutput
            try {
              out = await client.send(
                new SimulateCustomPolicyCommand({ ...input, ...(marker ? { Marker: marker } : {}) }),
              )
            } catch (err) {
              throw unavailable(err)
            }
            for (const r of out.EvaluationResults ?? []) {
              const action = r.EvalActionName ?? ''
              if (r.ResourceSpecificResults?.length)
                for (const rs of r.ResourceSpecificResults)
                  found.set(
                    pairKey(group, action, rs.EvalResourceName ?? '*'),
                    DECISIONS[rs.EvalResourceDecision ?? ''] ?? 'ImplicitlyDenied',
                  )
              else
                found.set(
                  pairKey(group, action, r.EvalResourceName ?? '*'),
                  DECISIONS[r.EvalDecision ?? ''] ?? 'ImplicitlyDenied',
                )
            }
            marker = out.IsTruncated ? out.Marker : undefined
          } while (marker)
          return found
        }),
      ),
    )
    const all = new Map<string, SimDecision>()
    for (const a of answers) for (const [k, v] of a) all.set(k, v)
    return requests.map((r, i) => {
      const d = all.get(pairKey(groupOf[i], r.action, r.resource))
      if (!d) throw new Error(`iam SimulateCustomPolicy gave no answer for ${r.action} on ${r.resource}`)
      return d
    })
  }
}

/** Why IAM's simulator could not be used, for the plan's warning. */
function unavailable(err: unknown): SimulationUnavailable {
  const code = awsErrorCode(err) ?? 'Error'
  if (/AccessDenied|UnauthorizedOperation/.test(code))
    return new SimulationUnavailable(
      `these credentials may not call iam:SimulateCustomPolicy (${code}); \`policy\` and \`policy --for plan\` include it`,
      code,
    )
  return new SimulationUnavailable(`iam:SimulateCustomPolicy failed: ${describeAwsError(err)}`, code)
}
