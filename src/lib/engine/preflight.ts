/**
 * The plan-time preflight: before the first write, every request the plan's changes would send is
 * checked against AWS's own constraints (schema/aws-model). If AWS would refuse any of them, the
 * whole apply is refused with nothing changed: a plan AWS was always going to refuse is never
 * half-applied.
 */
import { awsValidationMessage, validateRequest } from '../aws/model.js'
import { UserError } from '../errors.js'
import type { AwsRequest, EngineContext } from '../kinds/engine-contract.js'
import { engineOf } from '../kinds/engines.js'
import { type Change, KINDS, type Plan } from '../plan/types.js'

export interface PreflightRefusal {
  change: Pick<Change, 'kind' | 'key' | 'action' | 'summary'>
  request: Pick<AwsRequest, 'service' | 'operation'>
  /** AWS's own wording: "1 validation error detected: Value … at 'name' failed to satisfy constraint: …" */
  message: string
}

export class PreflightError extends UserError {
  constructor(readonly refusals: PreflightRefusal[]) {
    super(
      [
        `apply refused before any change: AWS would refuse ${refusals.length} request${refusals.length === 1 ? '' : 's'} of this plan`,
        ...refusals.map(
          (r) =>
            `  ${r.change.action} ${r.change.kind} ${r.change.key}: ${r.request.service} ${r.request.operation}: ${r.message}`,
        ),
      ].join('\n'),
      1,
      'Nothing was changed. Fix the teams file (`sagemaker-teams validate` names each AWS limit), then plan again.',
    )
    this.name = 'PreflightError'
  }
}

/** Every request of the plan's changes that AWS's model constraints refuse. */
export function preflightRefusals(plan: Plan, ctx: EngineContext): PreflightRefusal[] {
  const refusals: PreflightRefusal[] = []
  for (const change of plan.changes) {
    if (change.action === 'manual' || change.action === 'blocked') continue
    // A hand-edited saved plan may name a kind that does not exist: apply refuses it elsewhere.
    for (const request of KINDS.includes(change.kind)
      ? engineOf(change.kind).requests(change as never, ctx)
      : []) {
      const violations = validateRequest(request.service, request.operation, request.input)
      if (violations && violations.length > 0) {
        refusals.push({
          change: { kind: change.kind, key: change.key, action: change.action, summary: change.summary },
          request: { service: request.service, operation: request.operation },
          message: awsValidationMessage(violations),
        })
      }
    }
  }
  return refusals
}

/** Throws a PreflightError when any request of the plan would be refused. */
export function preflight(plan: Plan, ctx: EngineContext): void {
  const refusals = preflightRefusals(plan, ctx)
  if (refusals.length > 0) throw new PreflightError(refusals)
}
