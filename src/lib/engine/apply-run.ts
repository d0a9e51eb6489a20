/**
 * One apply, whatever the teams file: the saved plan check, the approval prompt, Ctrl-C, the
 * summary and the failure listing. The ApplyTarget says how it locks and plans (every account of
 * the file's topology, each under its lock), how it applies, where it records the refresh points,
 * and which locks it holds; tests may give their own.
 */
import type { AwsClients } from '../aws/clients.js'
import type { LoadedTeams } from '../config/load.js'
import { UserError } from '../errors.js'
import type { PlanOptions } from '../kinds/engine-contract.js'
import type { ApprovalMode } from '../plan/approval.js'
import type { Plan, PlanAccount } from '../plan/types.js'
import type { ApplyOutcome, ApplyProgress } from './apply.js'
import type { AccountResult } from './scopes.js'

export interface ApplySummary {
  done: number
  failed: number
  manual: number
  skipped: number
  /** Changes the plan shows as blocked: not applied, so the apply is not complete (exit 1). */
  blocked: number
  /** Accounts that could not be read or whose changes failed. */
  failedAccounts?: number
}

export interface ApplyResult {
  applied: boolean
  /** Absent when the run was interrupted before its plan was computed. */
  plan?: Plan
  outcomes: ApplyOutcome[]
  summary: ApplySummary
  /** Each account's result. */
  accounts?: AccountResult[]
}

/** What an apply acts on: every account of the teams file. */
export interface ApplyTarget {
  /** Takes the lock(s) first (what is planned is what runs), then plans with these options. */
  plan(options: PlanOptions): Promise<Plan>
  /**
   * Applies the plan with `progress` lines (undefined: quiet), or live progress per kind (and per
   * account when several apply) when `live` (a person at a terminal).
   */
  apply(opts: {
    concurrency: number
    shouldStop: () => boolean
    progress: ApplyProgress | undefined
    live: boolean
  }): Promise<{ outcomes: ApplyOutcome[]; accounts?: AccountResult[] }>
  /** Records the `--refresh events` point(s) of the plan's observation. */
  recordRefreshPoints(): Promise<void>
  /** The locks lost while the run held them (force-unlock), as messages name them. */
  lostLocks(): string[]
  /** True when every lock is lost: nothing may run any more. */
  allLocksLost(): boolean
  /** Releases every lock taken (also those still being taken); never throws. */
  release(): Promise<void>
}

export interface ApplyRunOptions {
  /** `--plan`: the saved plan file that must be exactly what runs. */
  planFile?: string
  /** The plan options of a fresh plan (a saved plan brings its own). */
  planOptions: PlanOptions
  yes: boolean
  requireApproval: ApprovalMode
  concurrency: number
  /** --json: no prompt, no live progress. */
  quiet: boolean
  /** stdin and stdout are a terminal (the prompt may ask). */
  canPrompt: boolean
  /** stderr is a terminal (live progress). */
  liveProgress: boolean
  /** Shows the plan before it is approved and applied (the plan view; nothing with --json). */
  showPlan: (plan: Plan) => void | Promise<void>
  /** Standard error: progress lines, errors, interruptions (tests capture it). */
  err: (text: string) => void
}

/** What the apply view shows beside the result: how the run ended, and how long it took. */
export interface ApplyReportFacts {
  /**
   * applied: the changes ran; nothing-to-run: the plan had none (only blocked ones, or accounts that
   * failed); refused: the approval was refused at the prompt; interrupted: said on stderr.
   */
  ended: 'applied' | 'nothing-to-run' | 'refused' | 'interrupted'
  elapsedMs: number
}

export interface ApplyRunResult extends ApplyResult {
  exitCode: number
  /** In-flight calls did not finish within the grace period after Ctrl-C: exit now. */
  exitNow?: boolean
  /** How the run ended and how long it took: what the apply view shows besides the result. */
  report: ApplyReportFacts
}

const EMPTY: ApplySummary = { done: 0, failed: 0, manual: 0, skipped: 0, blocked: 0 }

export async function runApply(target: ApplyTarget, opts: ApplyRunOptions): Promise<ApplyRunResult> {
  const started = performance.now()
  const [{ approvalNeeded }, saved, { watchInterrupts, INTERRUPT_GRACE_MS }, { onePlace }] =
    await Promise.all([
      import('../plan/approval.js'),
      import('../plan/saved.js'),
      import('./interrupt.js'),
      import('../plan/places.js'),
    ])
  const report = (ended: ApplyReportFacts['ended']): ApplyReportFacts => ({
    ended,
    elapsedMs: performance.now() - started,
  })
  const reviewed = opts.planFile ? await saved.readPlanFile(opts.planFile) : undefined
  /** The end of a run stopped by Ctrl-C (or every lock lost): the message and exit code 130. */
  const interrupted = (finished: number, total: number, summary: ApplySummary, timedOut = false) => {
    opts.err(
      total === 0
        ? 'Interrupted before any change; nothing applied.\n'
        : `Interrupted after ${finished} of ${total} changes${timedOut ? ' (in-flight calls did not finish in time)' : ''}; run apply again to converge.\n`,
    )
    return { applied: false, outcomes: [], summary, exitCode: 130, report: report('interrupted') }
  }
  const interrupts = watchInterrupts()
  const stopRequested = () => Boolean(interrupts.signal) || target.allLocksLost()
  // Said at once: a run waiting for in-flight calls must not look hung.
  void interrupts.requested.then(() =>
    opts.err('Stopping: no new changes start; waiting for those in flight (Ctrl-C again exits now).\n'),
  )
  try {
    const planning = target.plan(reviewed ? reviewed.options : opts.planOptions)
    // Interrupted while planning: the planning may still fail later; nobody waits for it then.
    planning.catch(() => {})
    const planned = await Promise.race([planning, interrupts.requested.then(() => undefined)])
    if (!planned) return interrupted(0, 0, EMPTY)
    const plan = planned
    // A saved plan runs only if it is exactly what apply would do now; what runs (and what the
    // summary, the access review and the approval are computed from) is the recomputed plan.
    if (reviewed) saved.assertSamePlan(opts.planFile!, reviewed, plan)
    await opts.showPlan(plan)
    // One account and domain: the lines need no address (as the rendered plan shows none).
    const at = (account: string | undefined) => (onePlace(plan) ? undefined : account)
    const planFailed = (plan.context.accounts ?? []).filter((a) => a.error)
    const blocked = plan.changes.filter((c) => c.action === 'blocked')
    if (!plan.changes.some((c) => RUNS.includes(c.action))) {
      // Nothing to run; blocked changes (what the file asks for and cannot be done) still fail.
      // The apply view lists them and each account that failed; its error goes to stderr here.
      if (blocked.length > 0) {
        await target.recordRefreshPoints()
        reportAccountErrors(planFailed, [], opts.err)
        reportErrors(plan, opts.err)
        return {
          applied: false,
          plan,
          outcomes: [],
          summary: {
            ...EMPTY,
            blocked: blocked.length,
            ...(plan.context.accounts ? { failedAccounts: planFailed.length } : {}),
          },
          exitCode: 1,
          report: report('nothing-to-run'),
        }
      }
      await target.recordRefreshPoints()
      if (planFailed.length === 0)
        return {
          applied: false,
          plan,
          outcomes: [],
          summary: EMPTY,
          exitCode: reportErrors(plan, opts.err) ? 1 : 0,
          report: report('nothing-to-run'),
        }
      reportAccountErrors(planFailed, [], opts.err)
      reportErrors(plan, opts.err)
      return {
        applied: false,
        plan,
        outcomes: [],
        summary: { ...EMPTY, failedAccounts: planFailed.length },
        exitCode: 1,
        report: report('nothing-to-run'),
      }
    }

    const approval = approvalNeeded(plan, opts.requireApproval)
    if (approval.needed && !opts.yes) {
      const reasons = [
        ...approval.widened.map(
          (i) =>
            `  + widens: ${i.description}${at(i.account) ? ` [${i.team ? `${i.team} @ ` : ''}${i.account}]` : ''}`,
        ),
        ...approval.deletes.map(
          (c) =>
            `  - deletes: ${c.kind} ${c.summary}${c.team ? ` [${c.team}${at(c.account) ? ` @ ${c.account}` : ''}]` : ''}`,
        ),
      ]
      if (!opts.canPrompt || opts.quiet) {
        throw new UserError(
          `approval required (--require-approval ${opts.requireApproval}) and there is no terminal to ask: ${reasons.length ? `this plan\n${reasons.join('\n')}` : 'this plan has changes'}`,
          1,
          'Review the plan and re-run with --yes.',
        )
      }
      const { confirm } = await import('@inquirer/prompts')
      const what = [
        approval.widened.length ? `widens access (${approval.widened.length})` : '',
        approval.deletes.length ? `deletes or revokes ${approval.deletes.length}` : '',
      ].filter(Boolean)
      let ok: boolean
      try {
        ok = await confirm({
          message: what.length ? `This plan ${what.join(' and ')}. Apply it?` : 'Apply these changes?',
          default: false,
        })
      } catch (err) {
        // Ctrl-C at the prompt (raw mode: no SIGINT, the prompt rejects).
        if ((err as Error).name === 'ExitPromptError') return interrupted(0, 0, EMPTY)
        throw err
      }
      if (!ok) {
        // A refused approval is an error exit (README "Exit codes"): a script must not read it as applied.
        return { applied: false, plan, outcomes: [], summary: EMPTY, exitCode: 1, report: report('refused') }
      }
    }
    if (stopRequested()) return interrupted(0, 0, EMPTY)

    const { lineProgress } = await import('./apply.js')
    const total = plan.changes.filter((c) => c.action !== 'manual' && c.action !== 'blocked').length
    const applying = target.apply({
      concurrency: opts.concurrency,
      shouldStop: stopRequested,
      progress: opts.quiet
        ? undefined
        : lineProgress((l) => opts.err(`${l}\n`), { addresses: !onePlace(plan) }),
      live: opts.liveProgress && !opts.quiet,
    })
    // After the first signal, in-flight calls get a bounded time to finish.
    const graceOver = interrupts.requested.then(
      () => new Promise<undefined>((r) => setTimeout(() => r(undefined), INTERRUPT_GRACE_MS).unref()),
    )
    const applied = await Promise.race([applying, graceOver])
    if (!applied) {
      await target.release()
      return { ...interrupted(0, total, EMPTY, true), exitNow: true }
    }
    const { outcomes, accounts } = applied
    const summary: ApplySummary = {
      done: outcomes.filter((o) => o.status === 'done').length,
      failed: outcomes.filter((o) => o.status === 'failed').length,
      manual: outcomes.filter((o) => o.status === 'manual').length,
      skipped: outcomes.filter((o) => o.status === 'skipped').length,
      blocked: blocked.length,
    }
    if (stopRequested()) {
      const finished = summary.done + summary.failed + summary.manual
      for (const where of target.lostLocks())
        opts.err(
          `The lock${where ? ` of ${where}` : ''} was removed (force-unlock) while this apply ran; it stopped.\n`,
        )
      return { ...interrupted(finished, total, summary), plan, outcomes, ...(accounts ? { accounts } : {}) }
    }
    // The apply view lists the failed, manual, skipped and blocked changes and each account's result;
    // the errors of the accounts that failed, and the plan's, go to stderr here.
    const failedAccounts = (accounts ?? []).filter(
      (a) => a.status === 'failed' && !planFailed.some((p) => p.name === a.account),
    )
    const failures = summary.failed > 0 || planFailed.length > 0 || failedAccounts.length > 0
    if (plan.context.accounts) summary.failedAccounts = planFailed.length + failedAccounts.length
    if (accounts) reportAccountErrors(planFailed, accounts, opts.err)
    const erred = reportErrors(plan, opts.err)
    // The point is the plan's observation; what apply wrote (or failed to) is read again next time.
    await target.recordRefreshPoints()
    return {
      applied: true,
      plan,
      outcomes,
      summary,
      ...(accounts ? { accounts } : {}),
      exitCode: failures || erred || summary.blocked > 0 ? 1 : 0,
      report: report('applied'),
    }
  } finally {
    await target.release()
    interrupts.stop()
  }
}

/** Actions that apply runs (manual steps and blocked changes are shown, never run). */
const RUNS: string[] = ['create', 'update', 'delete']

/** The plan's errors (a member the identity store does not have), on stderr; true when there is any. */
function reportErrors(plan: Plan, err: (text: string) => void): boolean {
  for (const e of plan.errors ?? []) err(`Error: ${e.message}\n${e.hint ? `Hint: ${e.hint}\n` : ''}`)
  return Boolean(plan.errors?.length)
}

/** The errors of the accounts that could not be planned, or failed as a whole while applying (stderr). */
function reportAccountErrors(
  planFailed: PlanAccount[],
  accounts: AccountResult[],
  err: (text: string) => void,
) {
  for (const a of planFailed)
    err(`Error: ${a.error!.message}\n${a.error!.hint ? `Hint: ${a.error!.hint}\n` : ''}`)
  // An account that failed as a whole while applying (its preflight refused the plan, its lock…): on stderr too.
  for (const a of accounts.filter(
    (x) => x.status === 'failed' && x.error && !planFailed.some((p) => p.name === x.account),
  ))
    err(`Error: ${a.error}\n`)
}

export interface LockOptions {
  /** What the lock records as the holder's command ("apply --prune"). */
  command: string
  timeoutSeconds: number
  onWait?: (holder: string) => void
}

/**
 * Every account of the file planned and applied concurrently, each under its own lock (taken
 * before the account is read, keyed by its first domain: a one-domain file's lock is its domain's);
 * one account's failure, or its lost lock, stops that account alone.
 */
export function applyTarget(aws: AwsClients, teams: LoadedTeams, lock: LockOptions): ApplyTarget {
  type Lease = import('./lock.js').Lease
  const leases = new Map<string, Lease>()
  let released = false
  let many: import('./scopes.js').ScopedPlan | undefined
  return {
    async plan(options) {
      const [{ buildPlan }, { acquireLock, describeLock }, { lockNaming }] = await Promise.all([
        import('./scopes.js'),
        import('./lock.js'),
        import('./unlock.js'),
      ])
      many = await buildPlan(aws, teams, options, undefined, async (account) => {
        if (leases.has(account.name)) return
        const naming = lockNaming(account)
        const lease = await acquireLock(account.aws, {
          domainId: account.domainId,
          command: lock.command,
          timeoutSeconds: lock.timeoutSeconds,
          onWait: (holder) =>
            lock.onWait?.(`${naming.unlockArgs ? `account ${account.name}: ` : ''}${describeLock(holder)}`),
          ...naming,
        })
        leases.set(account.name, lease)
        // Interrupted while waiting for it: give it back at once.
        if (released) await lease.release()
      })
      return many.plan
    },
    async apply({ concurrency, shouldStop, progress, live }) {
      const { applyParts } = await import('./scopes.js')
      // Accounts apply concurrently: live progress per account at a terminal, else lines naming it.
      return applyParts(many!, {
        concurrency,
        shouldStop,
        live,
        lockLost: (account) => Boolean(leases.get(account)?.lost()),
        ...(progress ? { progress } : {}),
      })
    },
    async recordRefreshPoints() {
      const { recordRefreshPoints } = await import('./scopes.js')
      if (many) await recordRefreshPoints(many, { apply: true })
    },
    lostLocks: () => [...leases].filter(([, l]) => l.lost()).map(([name]) => `account ${name}`),
    allLocksLost: () => leases.size > 0 && [...leases.values()].every((l) => l.lost()),
    async release() {
      released = true
      await Promise.all([...leases.values()].map((l) => l.release()))
    },
  }
}
