/**
 * Where a plan acts. Every change carries its address (account, and domain where it has one); a
 * plan of one account with at most one domain — a one-domain file, or the same teams written as
 * `accounts:`/`domains:` in the caller's own account — has nothing to tell apart, so its views
 * show no addresses and read as a one-domain plan always has.
 */
import type { Plan } from './types.js'

/** True when the plan acts in one AWS account (the Identity Center's) and at most one domain. */
export function onePlace(plan: Plan): boolean {
  const accounts = plan.context.accounts ?? []
  return (
    accounts.every((a) => !a.error && (a.id === '' || a.id === plan.context.accountId)) &&
    accounts.flatMap((a) => a.domains).length <= 1
  )
}

/** The plan as its views show it: its changes, kept items and review without addresses when it acts in one place. */
export function shownPlan(plan: Plan): Plan {
  if (!onePlace(plan)) return plan
  const strip = <T extends { account?: string; domain?: string }>(x: T): T => {
    const { account: _a, domain: _d, ...rest } = x
    return rest as T
  }
  return {
    ...plan,
    changes: plan.changes.map(strip),
    ...(plan.kept ? { kept: plan.kept.map(strip) } : {}),
    ...(plan.accessReview
      ? {
          accessReview: {
            ...plan.accessReview,
            widened: plan.accessReview.widened.map(strip),
            narrowed: plan.accessReview.narrowed.map(strip),
          },
        }
      : {}),
  }
}
