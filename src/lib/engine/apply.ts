/**
 * Applies a plan: kinds in dependency order, changes of one kind concurrently under a bound
 * (the SDK's adaptive retry mode throttles the request rate itself). A failure never hides the
 * others: independent changes go on, dependent ones (a team's assignments after its application
 * failed) are skipped, and every outcome is reported.
 */
import pLimit from 'p-limit'
import { awsErrorCode, describeAwsError } from '../errors.js'
import { type Change, KINDS, type Kind, type Plan } from '../plan/types.js'
import { MODULES } from '../resources/index.js'
import { type ApplyContext, type EngineContext, ManualStepError } from '../resources/types.js'

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
}

export interface ApplyProgress {
  startKind(kind: Kind, total: number): void
  changeDone(outcome: ApplyOutcome, done: number, total: number): void
  endKind(kind: Kind): void
}

/** Kinds whose changes wait for the same team's change of another kind. */
const DEPENDS_ON: Partial<Record<Kind, Kind[]>> = {
  assignment: ['application'],
  profile: ['role'],
  'lf-grant': ['role', 'lf-tag'],
}

export interface ApplyRunner {
  /** Kinds with changes to apply, in order. */
  kinds: Kind[]
  total(kind: Kind): number
  /** Applies one kind's changes; call in `kinds` order. */
  run(kind: Kind, onDone?: (outcome: ApplyOutcome, done: number, total: number) => void): Promise<void>
  outcomes: ApplyOutcome[]
}

export function applyRunner(plan: Plan, engine: EngineContext, concurrency: number): ApplyRunner {
  const ctx: ApplyContext = { ...engine, runtime: new Map() }
  const outcomes: ApplyOutcome[] = []
  const unsettled = new Set<string>() // "kind/team" whose change did not complete
  const byKind = new Map<Kind, Change[]>()
  for (const kind of KINDS) {
    const changes = plan.changes.filter(
      (c) => c.kind === kind && c.action !== 'manual' && c.action !== 'blocked',
    )
    if (changes.length > 0 && MODULES.some((m) => m.kind === kind)) byKind.set(kind, changes)
  }
  return {
    kinds: [...byKind.keys()],
    total: (kind) => byKind.get(kind)?.length ?? 0,
    outcomes,
    async run(kind, onDone) {
      const module = MODULES.find((m) => m.kind === kind)!
      const changes = byKind.get(kind) ?? []
      const limit = pLimit(Math.max(1, concurrency))
      let done = 0
      const settle = (change: Change, status: OutcomeStatus, err?: unknown) => {
        const base = {
          kind,
          key: change.key,
          team: change.team,
          action: change.action,
          summary: change.summary,
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
        const blocker = (DEPENDS_ON[kind] ?? []).find(
          (k) => unsettled.has(`${k}/${change.team ?? '*'}`) || unsettled.has(`${k}/*`),
        )
        if (blocker)
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

/** Applies every change with plain progress lines (logs, CI). */
export async function applyPlan(
  plan: Plan,
  engine: EngineContext,
  opts: { concurrency: number; progress?: ApplyProgress },
): Promise<ApplyOutcome[]> {
  const runner = applyRunner(plan, engine, opts.concurrency)
  for (const kind of runner.kinds) {
    opts.progress?.startKind(kind, runner.total(kind))
    await runner.run(kind, (o, done, total) => opts.progress?.changeDone(o, done, total))
    opts.progress?.endKind(kind)
  }
  return runner.outcomes
}

/** Applies every change with listr2 progress per kind (a person at a terminal). */
export async function applyPlanInteractive(
  plan: Plan,
  engine: EngineContext,
  concurrency: number,
): Promise<ApplyOutcome[]> {
  const { Listr } = await import('listr2')
  const runner = applyRunner(plan, engine, concurrency)
  const tasks = new Listr(
    runner.kinds.map((kind) => ({
      title: `${kind}: ${runner.total(kind)} change${runner.total(kind) === 1 ? '' : 's'}`,
      task: async (_: unknown, task: { title: string; output: string }) => {
        let problems = 0
        await runner.run(kind, (o, done, total) => {
          if (o.status !== 'done') {
            problems++
            task.output = `${o.status}: ${o.summary}`
          }
          task.title = `${kind}: ${done}/${total}${problems ? ` (${problems} not done)` : ''}`
        })
        if (problems > 0) throw new Error(`${kind}: ${problems} change${problems === 1 ? '' : 's'} not done`)
      },
    })),
    { concurrent: false, exitOnError: false, collectErrors: false },
  )
  await tasks.run().catch(() => {})
  return runner.outcomes
}

/** Plain progress lines for logs and CI (no TTY). */
export function lineProgress(write: (line: string) => void): ApplyProgress {
  return {
    startKind: (kind, total) => write(`applying ${total} ${kind} change${total === 1 ? '' : 's'}`),
    changeDone: (o) =>
      write(
        `  ${o.status === 'done' ? 'ok     ' : o.status.padEnd(7)} ${o.action} ${o.kind}${o.team ? ` [${o.team}]` : ''} ${o.summary}${o.message && o.status !== 'done' ? ` — ${o.message}` : ''}`,
      ),
    endKind: () => {},
  }
}
