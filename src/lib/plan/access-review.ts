/**
 * The access review of a plan: which changes widen access and which narrow it, in the words a
 * reviewer uses. Each kind says what its changes do (its definition's `review`, src/lib/kinds);
 * policies are compared semantically (atoms; wildcards cover specific actions).
 */
import { KIND_DEFINITIONS } from '../kinds/registry.js'
import type { AccessItem, AccessReview, Change, Plan } from './types.js'

export function reviewAccess(plan: Pick<Plan, 'changes'>): AccessReview {
  const widened: AccessItem[] = []
  const narrowed: AccessItem[] = []
  const item = (c: Change, principal: string, description: string): AccessItem => ({
    kind: c.kind,
    key: c.key,
    ...(c.team ? { team: c.team } : {}),
    principal,
    description,
    ...(c.account ? { account: c.account } : {}),
  })
  for (const c of plan.changes) {
    if (c.action === 'manual' || c.action === 'blocked') continue
    // A change without payload (a hand-edited saved plan) describes nothing; apply refuses it anyway.
    if (!c.before && !c.after) continue
    KIND_DEFINITIONS[c.kind]?.review(c as never, { widened, narrowed, item }, plan)
  }
  return { widened, narrowed }
}
