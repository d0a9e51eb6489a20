import type { Action, Plan } from './types.js'

/** Changes that make `plan` report work to do (manual console steps do not). */
export const ACTIONABLE: Action[] = ['create', 'update', 'delete', 'blocked']

export function hasChanges(plan: Pick<Plan, 'changes'>): boolean {
  return plan.changes.some((c) => ACTIONABLE.includes(c.action))
}
