/**
 * `plan`: every account's part (an account that cannot be read fails alone, named in the plan), and
 * a warning for each account whose apply lock is held. plan takes no lock, but reads each account's
 * (where apply takes it) and says when one is held: its result may change meanwhile. A plan role
 * without dynamodb:GetItem on the lock table still plans.
 */
import type { AwsClients } from '../aws/clients.js'
import type { LoadedTeams } from '../config/load.js'
import type { PlanOptions } from '../kinds/engine-contract.js'
import type { ReadProgress } from '../plan/read-progress.js'
import type { Plan } from '../plan/types.js'
import type { AccountLock } from './scopes.js'

interface LockRead {
  name: string
  accountId: string
  held?: string
  error?: string
}

/** The plan; `progress` (a person at a terminal) sees the reads and ends when they do. */
export async function planWithLocks(
  aws: AwsClients,
  teams: LoadedTeams,
  options: PlanOptions,
  progress?: ReadProgress,
): Promise<Plan> {
  const [{ buildPlan }, { readLock, describeLock }, { onePlace }] = await Promise.all([
    import('./scopes.js'),
    import('./lock.js'),
    import('../plan/places.js'),
  ])
  const locks: Promise<LockRead>[] = []
  const readAccountLock: AccountLock = async (a) => {
    const where = { name: a.name, accountId: a.accountId }
    locks.push(
      readLock(a.aws, a.domainId).then(
        (held) => ({ ...where, ...(held ? { held: describeLock(held) } : {}) }),
        (err: Error) => ({ ...where, error: err.name }),
      ),
    )
  }
  let plan: Plan
  try {
    ;({ plan } = await buildPlan(aws, teams, options, progress?.onRead, readAccountLock))
    progress?.finish()
  } catch (err) {
    // The progress line is cleared before the error is printed.
    progress?.stop()
    throw err
  }
  // One place (one account, one domain): the lock needs no address.
  const single = onePlace(plan)
  for (const lock of await Promise.all(locks)) {
    const where = single ? '' : ` in account ${lock.name} (${lock.accountId})`
    if (lock.error)
      plan.warnings.push(
        `could not read the apply lock${single ? '' : ` of account ${lock.name}`} (${lock.error}); an apply may be running.`,
      )
    else if (lock.held)
      plan.warnings.push(
        `an apply is running${where}: the lock is held by ${lock.held}; this plan may be out of date when it finishes.`,
      )
  }
  return plan
}
