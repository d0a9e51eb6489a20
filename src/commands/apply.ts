import { readFile } from 'node:fs/promises'
import { Flags } from '@oclif/core'
import { BaseCommand } from '../lib/command.js'
import { reconcileFlags } from '../lib/command-flags.js'
import type { ApplyOutcome } from '../lib/engine/apply.js'
import { UserError } from '../lib/errors.js'
import type { Plan } from '../lib/plan/types.js'

export interface ApplyResult {
  applied: boolean
  plan: Plan
  outcomes: ApplyOutcome[]
  summary: { done: number; failed: number; manual: number; skipped: number }
}

export default class Apply extends BaseCommand<typeof Apply> {
  static override summary = 'Make the account match the teams file.'
  static override description =
    `Computes a fresh plan (or takes a reviewed one with --plan), shows it, asks for confirmation when --require-approval says so, and applies the changes in dependency order (roles → LF-tags → LF grants → applications → assignments → profiles → ACS; then deletes in the reverse order), concurrently within a kind. A failed change does not stop independent ones; every failure is printed with its AWS error code and the exit code is 1. Running apply again converges.

Without a terminal it never prompts: pass --yes (or --require-approval never) to apply changes that need approval.`
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
        'Apply exactly this reviewed JSON plan (from `plan --out`); refused if the account changed since.',
    }),
    yes: Flags.boolean({ char: 'y', summary: 'Do not ask for confirmation.' }),
    'require-approval': Flags.option({
      options: ['never', 'broadening', 'any-change'] as const,
      default: 'broadening' as const,
      summary: 'When to ask: never; broadening (only when access widens); any-change.',
    })(),
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
    const [engine, { renderPlan }, { approvalNeeded }] = await Promise.all([
      import('../lib/engine/plan.js'),
      import('../lib/plan/render.js'),
      import('../lib/plan/approval.js'),
    ])
    const flags = this.flags
    const reviewed = flags.plan ? await readPlanFile(flags.plan) : undefined
    const options = reviewed
      ? reviewed.options
      : {
          prune: flags.prune,
          force: flags.force,
          refresh: flags.refresh,
          ...(flags.refresh === 'events' ? { eventsDelaySeconds: flags['events-delay'] } : {}),
          teams: flags.team,
        }
    const ctx = await engine.buildContext(aws, teams, options)
    const fresh = await engine.planWith(ctx)
    if (reviewed && reviewed.fingerprint !== fresh.fingerprint) {
      throw new UserError(
        `the account or the teams file changed since ${flags.plan} was made (fingerprint ${reviewed.fingerprint.slice(0, 19)}… is now ${fresh.fingerprint.slice(0, 19)}…); nothing was applied`,
        1,
        'Run plan again and review the new plan.',
      )
    }
    const plan = reviewed ?? fresh
    const quiet = this.jsonEnabled()
    const say = (text: string) => {
      if (!quiet) process.stdout.write(text)
    }
    const colour = this.colour()
    say(renderPlan(plan, 'text', { color: colour }))
    const empty = { done: 0, failed: 0, manual: 0, skipped: 0 }
    if (!engine.hasChanges(plan)) {
      await engine.recordRefreshPoint(ctx, plan, { apply: true })
      return { applied: false, plan, outcomes: [], summary: empty }
    }

    const approval = approvalNeeded(plan, flags['require-approval'])
    if (approval.needed && !flags.yes) {
      const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY) && !quiet
      if (!interactive) {
        const why =
          approval.widened.length > 0
            ? `this plan widens access:\n${approval.widened.map((i) => `  + ${i.description}`).join('\n')}`
            : 'this plan has changes'
        throw new UserError(
          `approval required (--require-approval ${flags['require-approval']}) and there is no terminal to ask: ${why}`,
          1,
          'Review the plan and re-run with --yes.',
        )
      }
      const { confirm } = await import('@inquirer/prompts')
      const ok = await confirm({
        message:
          approval.widened.length > 0
            ? `This plan widens access (${approval.widened.length}). Apply it?`
            : 'Apply these changes?',
        default: false,
      })
      if (!ok) {
        say('Nothing applied.\n')
        return { applied: false, plan, outcomes: [], summary: empty }
      }
    }

    const { applyPlan, applyPlanInteractive, applySummaryLines, lineProgress } = await import(
      '../lib/engine/apply.js'
    )
    const outcomes =
      process.stderr.isTTY && !quiet
        ? await applyPlanInteractive(plan, ctx, flags.concurrency)
        : await applyPlan(plan, ctx, {
            concurrency: flags.concurrency,
            progress: quiet ? undefined : lineProgress((l) => process.stderr.write(`${l}\n`)),
          })
    const summary = {
      done: outcomes.filter((o) => o.status === 'done').length,
      failed: outcomes.filter((o) => o.status === 'failed').length,
      manual: outcomes.filter((o) => o.status === 'manual').length,
      skipped: outcomes.filter((o) => o.status === 'skipped').length,
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
  }
}

async function readPlanFile(file: string): Promise<Plan> {
  let plan: Plan
  try {
    plan = JSON.parse(await readFile(file, 'utf8')) as Plan
  } catch (err) {
    throw new UserError(`${file}: not a readable JSON plan (${(err as Error).message})`)
  }
  if (plan?.planVersion !== 1 || !Array.isArray(plan.changes) || typeof plan.fingerprint !== 'string') {
    throw new UserError(`${file}: not a sagemaker-teams plan (planVersion 1 expected)`)
  }
  return plan
}
