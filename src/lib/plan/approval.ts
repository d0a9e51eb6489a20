/** Whether `apply` must ask before applying a plan (`--require-approval`, like `cdk deploy`). */

import { reviewAccess } from './access-review.js'
import { hasChanges } from './changes.js'
import type { AccessItem, Change, Plan } from './types.js'

export const APPROVAL_MODES = ['never', 'broadening', 'destructive', 'any-change'] as const
export type ApprovalMode = (typeof APPROVAL_MODES)[number]

export interface Approval {
  needed: boolean
  /** What widens access (from the access review of the changes that run). */
  widened: AccessItem[]
  /** Deletes: revoked assignments, deleted profiles, applications, grants, roles. */
  deletes: Change[]
}

/**
 * never: no; broadening: when access widens; destructive (the default): when access widens or
 * anything is deleted or revoked; any-change: whenever there is something to do. Always computed
 * from the changes that will run (the access review is recomputed, never read from a saved plan).
 */
export function approvalNeeded(plan: Pick<Plan, 'changes'>, mode: ApprovalMode): Approval {
  const widened = reviewAccess(plan).widened
  const deletes = plan.changes.filter((c) => c.action === 'delete')
  const needed =
    mode === 'never'
      ? false
      : mode === 'any-change'
        ? hasChanges(plan)
        : mode === 'destructive'
          ? widened.length > 0 || deletes.length > 0
          : widened.length > 0
  return { needed, widened, deletes }
}
