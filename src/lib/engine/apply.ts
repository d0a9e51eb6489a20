/**
 * Applies a plan in two passes: creates and updates by kind in dependency order, then deletes in
 * the reverse order (a team's profiles and grants go before its role, assignments before their
 * application), changes of one kind concurrently under a bound (the SDK's adaptive retry mode
 * throttles the request rate itself). A failure never hides the others: independent changes go
 * on, dependent ones (a team's assignments after its application failed, a role whose profiles
 * could not move off it) are skipped, and every outcome is reported.
 */
import pLimit from 'p-limit'
import { awsErrorCode, describeAwsError } from '../errors.js'
import { type ApplyContext, type EngineContext, ManualStepError } from '../kinds/engine-contract.js'
import { engineOf, loadEngines } from '../kinds/engines.js'
import { DELETE_DEPENDS_ON, DEPENDS_ON } from '../kinds/registry.js'
import { type Change, KINDS, type Kind, type Plan } from '../plan/types.js'
import { preflight } from './preflight.js'

export type OutcomeStatus = 'done' | 'failed' | 'manual' | 'skipped'

export interface ApplyOutcome {
  kind: Kind
  key: string
  team?: string
  action: Change['action']
  summary: string
  status: OutcomeStatus
  /** AWS error code of a failure. */
  code?: string
  message?: string
  /** Files with accounts:/domains: — the account the change was made in. */
  account?: string
}

export interface ApplyProgress {
  startStep(step: ApplyStep, total: number): void
  changeDone(outcome: ApplyOutcome, done: number, total: number): void
  endStep(step: ApplyStep): void
}

/** One kind's creates and updates, or (second pass) its deletes. */
export interface ApplyStep {
  kind: Kind
  deletes: boolean
}

export interface ApplyRunner {
  /** Steps with changes to apply, in order. */
  steps: ApplyStep[]
  total(step: ApplyStep): number
  /** Applies one step's changes; call in `steps` order. */
  run(step: ApplyStep, onDone?: (outcome: ApplyOutcome, done: number, total: number) => void): Promise<void>
  outcomes: ApplyOutcome[]
}

/** "role" or "role deletes": a step as progress shows it. */
export const stepLabel = (step: ApplyStep) => (step.deletes ? `${step.kind} deletes` : step.kind)

/** Not started because the run was interrupted (Ctrl-C) or lost its lock. */
export const NOT_STARTED = 'not started: the apply was stopped'

export interface RunnerOptions {
  /** Checked before each change starts: true stops starting new ones (in-flight ones finish). */
  shouldStop?: () => boolean
  /**
   * "kind/team" of changes that did not complete, shared by the runners of one account (a domain's
   * profiles wait for the account's team roles).
   */
  unsettled?: Set<string>
  /** Checked when a change's step starts: a reason holds the change back (skipped, with the reason). */
  holdBack?: (change: Change) => string | undefined
}

/** Needs the kinds' engines loaded (await loadEngines()). */
export function applyRunner(
  plan: Plan,
  engine: EngineContext,
  concurrency: number,
  runnerOptions: RunnerOptions = {},
): ApplyRunner {
  const stopped = () => runnerOptions.shouldStop?.() ?? false
  // Before the first write: refuse the whole plan if AWS would refuse any of its requests.
  preflight(plan, engine)
  const ctx: ApplyContext = { ...engine, runtime: new Map() }
  const outcomes: ApplyOutcome[] = []
  const unsettled = runnerOptions.unsettled ?? new Set<string>() // "kind/team" whose change did not complete
  const steps: { step: ApplyStep; changes: Change[] }[] = []
  for (const deletes of [false, true]) {
    for (const kind of deletes ? [...KINDS].reverse() : KINDS) {
      const changes = plan.changes.filter(
        (c) =>
          c.kind === kind &&
          c.action !== 'manual' &&
          c.action !== 'blocked' &&
          (c.action === 'delete') === deletes,
      )
      if (changes.length > 0) steps.push({ step: { kind, deletes }, changes })
    }
  }
  const changesOf = (step: ApplyStep) =>
    steps.find((s) => s.step.kind === step.kind && s.step.deletes === step.deletes)?.changes ?? []
  return {
    steps: steps.map((s) => s.step),
    total: (step) => changesOf(step).length,
    outcomes,
    async run(step, onDone) {
      const kind = step.kind
      const module = engineOf(kind)
      const changes = changesOf(step)
      const limit = pLimit(Math.max(1, concurrency))
      let done = 0
      const settle = (change: Change, status: OutcomeStatus, err?: unknown) => {
        const base = {
          kind,
          key: change.key,
          team: change.team,
          action: change.action,
          summary: change.summary,
          ...(change.account !== undefined ? { account: change.account } : {}),
        }
        let outcome: ApplyOutcome = { ...base, status }
        if (status === 'skipped') outcome.message = String(err)
        else if (err instanceof ManualStepError) outcome = { ...base, status: 'manual', message: err.message }
        else if (err)
          outcome = {
            ...base,
            status: 'failed',
            code: awsErrorCode(err) ?? 'Error',
            message: describeAwsError(err, change.summary),
          }
        if (outcome.status !== 'done') unsettled.add(`${kind}/${change.team ?? '*'}`)
        outcomes.push(outcome)
        onDone?.(outcome, ++done, changes.length)
      }
      const ready: Change[] = []
      for (const change of changes) {
        const blocker = ((step.deletes ? DELETE_DEPENDS_ON : DEPENDS_ON)[kind] ?? []).find(
          (k) => unsettled.has(`${k}/${change.team ?? '*'}`) || unsettled.has(`${k}/*`),
        )
        const held = runnerOptions.holdBack?.(change)
        if (held) settle(change, 'skipped', held)
        else if (blocker)
          settle(change, 'skipped', `waits for the team's ${blocker} change, which did not complete`)
        else ready.push(change)
      }
      if (module.applyBatch) {
        const size = module.batchSize ?? 20
        const batches: Change[][] = []
        for (let i = 0; i < ready.length; i += size) batches.push(ready.slice(i, i + size))
        await Promise.all(
          batches.map((batch) =>
            limit(async () => {
              if (stopped()) {
                for (const change of batch) settle(change, 'skipped', NOT_STARTED)
                return
              }
              let results: (Error | undefined)[]
              try {
                results = await module.applyBatch!(batch, ctx)
              } catch (err) {
                results = batch.map(() => err as Error)
              }
              batch.forEach((change, i) => settle(change, results[i] ? 'failed' : 'done', results[i]))
            }),
          ),
        )
        return
      }
      await Promise.all(
        ready.map((change) =>
          limit(async () => {
            if (stopped()) return settle(change, 'skipped', NOT_STARTED)
            try {
              await module.apply(change, ctx)
              settle(change, 'done')
            } catch (err) {
              settle(change, 'failed', err)
            }
          }),
        ),
      )
    },
  }
}

/** One step of one runner: what an account applies, in order. */
export interface RunnerStep {
  runner: ApplyRunner
  step: ApplyStep
}

/**
 * The steps of runners that apply together (the parts of one account: they share what did not
 * settle), in dependency order: every runner's creates and updates kind by kind, then the deletes
 * in the reverse order.
 */
export function orderedSteps(runners: ApplyRunner[]): RunnerStep[] {
  const out: RunnerStep[] = []
  for (const deletes of [false, true])
    for (const kind of deletes ? [...KINDS].reverse() : KINDS)
      for (const runner of runners) {
        const step = runner.steps.find((s) => s.kind === kind && s.deletes === deletes)
        if (step) out.push({ runner, step })
      }
  return out
}

/** Runs the steps with plain progress lines (logs, CI); a stop request skips the steps not started. */
export async function runStepLines(
  steps: RunnerStep[],
  opts: {
    progress?: ApplyProgress
    shouldStop?: () => boolean
    /** Awaited before each step (an account's steps may wait for other accounts'). */
    before?: (step: RunnerStep) => Promise<void>
  },
): Promise<void> {
  for (const s of steps) {
    if (opts.shouldStop?.()) continue
    await opts.before?.(s)
    if (opts.shouldStop?.()) continue
    opts.progress?.startStep(s.step, s.runner.total(s.step))
    await s.runner.run(s.step, (o, done, total) => opts.progress?.changeDone(o, done, total))
    opts.progress?.endStep(s.step)
  }
}

/** Applies every change with plain progress lines (logs, CI). */
export async function applyPlan(
  plan: Plan,
  engine: EngineContext,
  opts: { concurrency: number; progress?: ApplyProgress } & RunnerOptions,
): Promise<ApplyOutcome[]> {
  await loadEngines()
  const runner = applyRunner(plan, engine, opts.concurrency, opts)
  await runStepLines(orderedSteps([runner]), opts)
  return runner.outcomes
}

/**
 * Live progress per kind (a person at a terminal, listr2): each group's steps in order, the groups
 * at the same time (at most `concurrency`). One group shows its steps alone; several (accounts)
 * each under their title.
 */
export async function runStepsLive(
  groups: {
    title: string
    steps: RunnerStep[]
    shouldStop?: () => boolean
    /** Awaited before each step (as runStepLines). */
    before?: (step: RunnerStep) => Promise<void>
    /** Called once the group's steps are over, whatever happened to them. */
    after?: () => void
  }[],
  concurrency: number,
): Promise<void> {
  const { Listr } = await import('listr2')
  type Group = (typeof groups)[number]
  const stepTask = (s: RunnerStep, g: Group) => ({
    title: `${stepLabel(s.step)}: ${s.runner.total(s.step)} change${s.runner.total(s.step) === 1 ? '' : 's'}`,
    skip: () => g.shouldStop?.() ?? false,
    task: async (_: unknown, task: { title: string; output: string }) => {
      const { runner, step } = s
      await g.before?.(s)
      let problems = 0
      await runner.run(step, (o, done, total) => {
        if (o.status !== 'done') {
          problems++
          task.output = `${o.status}: ${o.summary}`
        }
        task.title = `${stepLabel(step)}: ${done}/${total}${problems ? ` (${problems} not done)` : ''}`
      })
      if (problems > 0)
        throw new Error(`${stepLabel(step)}: ${problems} change${problems === 1 ? '' : 's'} not done`)
    },
  })
  // A group's steps, then (untitled: not shown) its end, which runs whatever happened to them.
  const groupTasks = (g: Group) => [...g.steps.map((s) => stepTask(s, g)), { task: () => g.after?.() }]
  // No signal listeners of its own: listr2 would exit 127 on Ctrl-C; apply handles interrupts.
  const options = { exitOnError: false, collectErrors: false, registerSignalListeners: false } as const
  const tasks =
    groups.length === 1
      ? new Listr(groupTasks(groups[0]) as never, { ...options, concurrent: false })
      : new Listr(
          groups.map((g) => ({
            title: g.title,
            task: (_: unknown, task: { newListr: (tasks: never, o: object) => unknown }) =>
              task.newListr(groupTasks(g) as never, { concurrent: false, exitOnError: false }),
          })) as never,
          { ...options, concurrent: concurrency },
        )
  await tasks.run().catch(() => {})
  // Never left waiting: a group whose end did not run (the display failed) ends now.
  for (const g of groups) g.after?.()
}

/** Applies every change with listr2 progress per kind (a person at a terminal). */
export async function applyPlanInteractive(
  plan: Plan,
  engine: EngineContext,
  concurrency: number,
  runnerOptions: RunnerOptions = {},
): Promise<ApplyOutcome[]> {
  await loadEngines()
  const runner = applyRunner(plan, engine, concurrency, runnerOptions)
  const { shouldStop } = runnerOptions
  await runStepsLive([{ title: '', steps: orderedSteps([runner]), ...(shouldStop ? { shouldStop } : {}) }], 1)
  return runner.outcomes
}

/** Plain progress lines for logs and CI (no TTY). */
export function lineProgress(
  write: (line: string) => void,
  opts: { addresses: boolean } = { addresses: true },
): ApplyProgress {
  return {
    startStep: (step, total) =>
      write(`applying ${total} ${step.kind} ${step.deletes ? 'delete' : 'change'}${total === 1 ? '' : 's'}`),
    changeDone: (o) =>
      write(
        `  ${o.status === 'done' ? 'ok     ' : o.status.padEnd(7)} ${o.action} ${o.kind}${o.team ? ` [${o.team}]` : ''}${o.account && opts.addresses ? ` @ ${o.account}` : ''} ${o.summary}${o.message && o.status !== 'done' ? ` — ${o.message}` : ''}`,
      ),
    endStep: () => {},
  }
}
