import { Flags } from '@oclif/core'
import type { AwsClients } from '../lib/aws/clients.js'
import { BaseCommand } from '../lib/command.js'
import { reconcileFlags } from '../lib/command-flags.js'
import { isMultiDomain, primaryDomainId } from '../lib/config/domains.js'
import type { LoadedTeams } from '../lib/config/load.js'
import type { ApplyOutcome } from '../lib/engine/apply.js'
import { UserError } from '../lib/errors.js'
import type { Plan } from '../lib/plan/types.js'

export interface ApplyResult {
  applied: boolean
  /** Absent when the run was interrupted before its plan was computed. */
  plan?: Plan
  outcomes: ApplyOutcome[]
  summary: { done: number; failed: number; manual: number; skipped: number }
}

export default class Apply extends BaseCommand<typeof Apply> {
  static override summary = 'Make the account match the teams file.'
  static override description =
    `Computes a fresh plan (or takes a reviewed one with --plan), shows it, asks for confirmation when --require-approval says so, and applies the changes in dependency order (roles → LF-tags → LF grants → applications → assignments → profiles → ACS; then deletes in the reverse order), concurrently within a kind. A failed change does not stop independent ones; every failure is printed with its AWS error code and the exit code is 1. Running apply again converges.

Assignments the file no longer calls for are revoked by a plain apply; what holds data (a removed member's profile, a removed team's application, role and grants) is kept until --prune. By default (--require-approval destructive) apply asks when access widens or anything is deleted or revoked; without a terminal it never prompts: pass --yes (or --require-approval never) to apply changes that need approval.

One apply at a time: apply holds a lease lock (a DynamoDB item in the table sagemaker-teams-lock); a second one fails at once naming the holder, or waits up to --lock-timeout seconds. Ctrl-C stops starting new changes, lets in-flight ones finish, releases the lock and exits 130; a second Ctrl-C exits at once.`
  static override examples = [
    '<%= config.bin %> apply',
    '<%= config.bin %> apply --yes',
    '<%= config.bin %> apply --plan plan.json --yes',
    '<%= config.bin %> apply --prune --require-approval any-change',
  ]

  static override flags = {
    ...reconcileFlags,
    plan: Flags.string({
      summary:
        'Apply exactly this reviewed JSON plan (from `plan --out`): refused, with what differs, unless apply would make exactly these changes now.',
    }),
    yes: Flags.boolean({ char: 'y', summary: 'Do not ask for confirmation.' }),
    'require-approval': Flags.option({
      options: ['never', 'broadening', 'destructive', 'any-change'] as const,
      default: 'destructive' as const,
      summary:
        'When to ask: never; broadening (access widens); destructive (access widens, or anything is deleted or revoked); any-change.',
    })(),
    'lock-timeout': Flags.integer({
      default: 0,
      min: 0,
      summary: 'Seconds to wait for the lock held by another apply (0: fail at once, naming the holder).',
    }),
    concurrency: Flags.integer({
      default: 8,
      min: 1,
      max: 64,
      summary: 'Changes of one kind applied at the same time.',
    }),
  }

  async run(): Promise<ApplyResult> {
    const started = performance.now()
    const teams = await this.loadTeams()
    const aws = await this.awsClients(teams.config.region)
    const flags = this.flags
    if (isMultiDomain(teams.config)) return this.applyMany(teams, aws, started)
    const [engine, { renderPlan }, { approvalNeeded }, saved, lock, { watchInterrupts, INTERRUPT_GRACE_MS }] =
      await Promise.all([
        import('../lib/engine/plan.js'),
        import('../lib/plan/render.js'),
        import('../lib/plan/approval.js'),
        import('../lib/plan/saved.js'),
        import('../lib/engine/lock.js'),
        import('../lib/engine/interrupt.js'),
      ])
    const reviewed = flags.plan ? await saved.readPlanFile(flags.plan) : undefined
    const quiet = this.jsonEnabled()
    const say = (text: string) => {
      if (!quiet) process.stdout.write(text)
    }
    const empty = { done: 0, failed: 0, manual: 0, skipped: 0 }
    // One writer at a time: the lock is taken before the plan is computed, so what is planned is
    // what this run applies.
    const lease = await lock.acquireLock(aws, {
      domainId: primaryDomainId(teams.config),
      command: `apply${flags.prune ? ' --prune' : ''}`,
      timeoutSeconds: flags['lock-timeout'],
      onWait: (holder) => process.stderr.write(`Waiting for the lock: ${lock.describeLock(holder)}\n`),
    })
    const interrupts = watchInterrupts()
    const stopRequested = () => Boolean(interrupts.signal) || lease.lost()
    try {
      const options = reviewed
        ? reviewed.options
        : {
            prune: flags.prune,
            force: flags.force,
            refresh: flags.refresh,
            ...(flags.refresh === 'events' ? { eventsDelaySeconds: flags['events-delay'] } : {}),
            teams: flags.team,
          }
      const planning = (async () => {
        const ctx = await engine.buildContext(aws, teams, options)
        return { ctx, plan: await engine.planWith(ctx) }
      })()
      const planned = await Promise.race([planning, interrupts.requested.then(() => undefined)])
      if (!planned) return this.interrupted(0, 0, empty)
      const { ctx, plan } = planned
      // A saved plan runs only if it is exactly what apply would do now; what runs (and what the
      // summary, the access review and the approval are computed from) is the recomputed plan.
      if (reviewed) saved.assertSamePlan(flags.plan!, reviewed, plan)
      const colour = this.colour()
      say(renderPlan(plan, 'text', { color: colour }))
      if (!engine.hasChanges(plan)) {
        await engine.recordRefreshPoint(ctx, plan, { apply: true })
        return { applied: false, plan, outcomes: [], summary: empty }
      }

      const approval = approvalNeeded(plan, flags['require-approval'])
      if (approval.needed && !flags.yes) {
        const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY) && !quiet
        const reasons = [
          ...approval.widened.map((i) => `  + widens: ${i.description}`),
          ...approval.deletes.map(
            (c) => `  - deletes: ${c.kind} ${c.summary}${c.team ? ` [${c.team}]` : ''}`,
          ),
        ]
        if (!interactive) {
          throw new UserError(
            `approval required (--require-approval ${flags['require-approval']}) and there is no terminal to ask: ${reasons.length ? `this plan\n${reasons.join('\n')}` : 'this plan has changes'}`,
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
          if ((err as Error).name === 'ExitPromptError') return this.interrupted(0, 0, empty)
          throw err
        }
        if (!ok) {
          say('Nothing applied.\n')
          return { applied: false, plan, outcomes: [], summary: empty }
        }
      }
      if (stopRequested()) return this.interrupted(0, 0, empty)
      // Preflight checks (before the first write) belong here.

      const { applyPlan, applyPlanInteractive, applySummaryLines, lineProgress } = await import(
        '../lib/engine/apply.js'
      )
      const total = plan.changes.filter((c) => c.action !== 'manual' && c.action !== 'blocked').length
      const applying =
        process.stderr.isTTY && !quiet
          ? applyPlanInteractive(plan, ctx, flags.concurrency, { shouldStop: stopRequested })
          : applyPlan(plan, ctx, {
              concurrency: flags.concurrency,
              shouldStop: stopRequested,
              progress: quiet ? undefined : lineProgress((l) => process.stderr.write(`${l}\n`)),
            })
      // After the first signal, in-flight calls get a bounded time to finish.
      const graceOver = interrupts.requested.then(
        () => new Promise<undefined>((r) => setTimeout(() => r(undefined), INTERRUPT_GRACE_MS).unref()),
      )
      const outcomes = await Promise.race([applying, graceOver])
      if (!outcomes) {
        await lease.release()
        this.interrupted(0, total, empty, true)
        process.exit(130)
      }
      const summary = {
        done: outcomes.filter((o) => o.status === 'done').length,
        failed: outcomes.filter((o) => o.status === 'failed').length,
        manual: outcomes.filter((o) => o.status === 'manual').length,
        skipped: outcomes.filter((o) => o.status === 'skipped').length,
      }
      if (stopRequested()) {
        const finished = summary.done + summary.failed + summary.manual
        if (lease.lost())
          process.stderr.write('The lock was removed (force-unlock) while this apply ran; it stopped.\n')
        const result = this.interrupted(finished, total, summary)
        return { ...result, plan, outcomes }
      }
      for (const o of outcomes.filter((x) => x.status === 'failed'))
        say(`FAILED  ${o.kind} ${o.summary}: ${o.message}\n`)
      for (const o of outcomes.filter((x) => x.status === 'manual'))
        say(`MANUAL  ${o.kind} ${o.summary}: ${o.message}\n`)
      for (const o of outcomes.filter((x) => x.status === 'skipped'))
        say(`SKIPPED ${o.kind} ${o.summary}: ${o.message}\n`)
      say(
        `\nApply ${summary.failed ? 'finished with failures' : 'complete'}: ${summary.done} done, ${summary.failed} failed, ${summary.manual} manual, ${summary.skipped} skipped.\n`,
      )
      for (const line of applySummaryLines(outcomes, plan, performance.now() - started)) say(`${line}\n`)
      // The default refresh samples one profile per team; tag changes do not move a profile's
      // LastModifiedTime, so after failed profile updates only a full refresh is sure to see them all.
      if (outcomes.some((o) => o.kind === 'profile' && o.action === 'update' && o.status !== 'done'))
        say(
          `Some profile updates did not complete: run apply again with --refresh full to re-read every profile.\n`,
        )
      // The point is the plan's observation; what apply wrote (or failed to) is read again next time.
      await engine.recordRefreshPoint(ctx, plan, { apply: true })
      if (summary.failed > 0) process.exitCode = 1
      return { applied: true, plan, outcomes, summary }
    } finally {
      await lease.release()
      interrupts.stop()
    }
  }

  /**
   * A file with accounts:/domains: — plan every account, then apply the accounts concurrently, each
   * under its own lock; an account that fails (its role cannot be assumed, a change fails) does not
   * stop the others, and the summary names it (exit 1).
   */
  private async applyMany(teams: LoadedTeams, aws: AwsClients, started: number): Promise<ApplyResult> {
    const flags = this.flags
    if (flags.plan)
      throw new UserError(
        '--plan is not supported yet for a teams file with accounts:/domains:',
        1,
        'Run apply without --plan (it plans again and shows the plan first).',
      )
    const [{ buildManyPlan, applyManyPlan }, { hasChanges }, { renderPlan }, { approvalNeeded }, apply] =
      await Promise.all([
        import('../lib/engine/many.js'),
        import('../lib/engine/plan.js'),
        import('../lib/plan/render.js'),
        import('../lib/plan/approval.js'),
        import('../lib/engine/apply.js'),
      ])
    const quiet = this.jsonEnabled()
    const say = (text: string) => {
      if (!quiet) process.stdout.write(text)
    }
    const many = await buildManyPlan(aws, teams, {
      prune: flags.prune,
      force: flags.force,
      refresh: flags.refresh,
      teams: flags.team,
    })
    const { plan } = many
    say(renderPlan(plan, 'text', { color: this.colour() }))
    const planFailed = (plan.context.accounts ?? []).filter((a) => a.error)
    if (hasChanges(plan)) {
      const approval = approvalNeeded(plan, flags['require-approval'])
      if (approval.needed && !flags.yes)
        throw new UserError(
          `approval required (--require-approval ${flags['require-approval']}): this plan widens access or deletes; a file with accounts:/domains: is applied only with --yes for now`,
          1,
          'Review the plan and re-run with --yes.',
        )
    }
    const { outcomes, accounts } = hasChanges(plan)
      ? await applyManyPlan(many, {
          concurrency: flags.concurrency,
          progress: quiet ? undefined : apply.lineProgress((l) => process.stderr.write(`${l}\n`)),
          lock: {
            command: `apply${flags.prune ? ' --prune' : ''}`,
            timeoutSeconds: flags['lock-timeout'],
            onWait: (holder) => process.stderr.write(`Waiting for the lock: ${holder}\n`),
          },
        })
      : { outcomes: [], accounts: [] }
    const summary = {
      done: outcomes.filter((o) => o.status === 'done').length,
      failed: outcomes.filter((o) => o.status === 'failed').length,
      manual: outcomes.filter((o) => o.status === 'manual').length,
      skipped: outcomes.filter((o) => o.status === 'skipped').length,
    }
    for (const o of outcomes.filter((x) => x.status === 'failed'))
      say(`FAILED  ${o.account ? `[${o.account}] ` : ''}${o.kind} ${o.summary}: ${o.message}\n`)
    for (const o of outcomes.filter((x) => x.status === 'manual'))
      say(`MANUAL  ${o.kind} ${o.summary}: ${o.message}\n`)
    for (const o of outcomes.filter((x) => x.status === 'skipped'))
      say(`SKIPPED ${o.account ? `[${o.account}] ` : ''}${o.kind} ${o.summary}: ${o.message}\n`)
    const failedAccounts = [
      ...planFailed.map((a) => `${a.name} (${a.id}): ${a.error!.message}`),
      ...accounts
        .filter((a) => a.status === 'failed' && !planFailed.some((p) => p.name === a.account))
        .map((a) => `${a.account} (${a.accountId}): ${a.error ?? 'changes failed (listed above)'}`),
    ]
    say(
      `\nApply ${summary.failed || failedAccounts.length ? 'finished with failures' : 'complete'}: ${summary.done} done, ${summary.failed} failed, ${summary.manual} manual, ${summary.skipped} skipped.\n`,
    )
    for (const a of accounts.filter((x) => x.status === 'done')) say(`Account ${a.account}: ok\n`)
    for (const line of failedAccounts) say(`Account ${line}\n`)
    for (const a of planFailed)
      process.stderr.write(`Error: ${a.error!.message}\n${a.error!.hint ? `Hint: ${a.error!.hint}\n` : ''}`)
    for (const line of apply.applySummaryLines(outcomes, plan, performance.now() - started)) say(`${line}\n`)
    if (summary.failed > 0 || failedAccounts.length > 0) process.exitCode = 1
    return { applied: outcomes.length > 0, plan, outcomes, summary }
  }

  /** The end of a run stopped by Ctrl-C (or a lost lock): the message and exit code 130. */
  private interrupted(
    finished: number,
    total: number,
    summary: ApplyResult['summary'],
    timedOut = false,
  ): ApplyResult {
    process.stderr.write(
      total === 0
        ? 'Interrupted before any change; nothing applied.\n'
        : `Interrupted after ${finished} of ${total} changes${timedOut ? ' (in-flight calls did not finish in time)' : ''}; run apply again to converge.\n`,
    )
    process.exitCode = 130
    return { applied: false, outcomes: [], summary }
  }
}
