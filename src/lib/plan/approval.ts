/** Whether `apply` must ask before applying a plan (`--require-approval`, like `cdk deploy`). */

import { reviewAccess } from './access-review.js'
import { hasChanges } from './changes.js'
import type { AccessItem, Plan } from './types.js'

export type ApprovalMode = 'never' | 'broadening' | 'any-change'

export function approvalNeeded(plan: Plan, mode: ApprovalMode): { needed: boolean; widened: AccessItem[] } {
  const widened = (plan.accessReview ?? reviewAccess(plan)).widened
  if (mode === 'never') return { needed: false, widened }
  if (mode === 'any-change') return { needed: hasChanges(plan), widened }
  return { needed: widened.length > 0, widened }
}
