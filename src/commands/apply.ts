import { Flags } from '@oclif/core'
import { BaseCommand } from '../lib/command.js'
import { reconcileFlags } from '../lib/command-flags.js'
import type { ApplyResult } from '../lib/engine/apply-run.js'
import { applyView } from '../lib/views/apply.js'
import { planView } from '../lib/views/plan.js'

export type { ApplyResult } from '../lib/engine/apply-run.js'

export default class Apply extends BaseCommand<typeof Apply> {
  static override summary = 'Make the account match the teams file.'
  static override description =
    `Computes a fresh plan (or takes a reviewed one with --plan), shows it, asks for confirmation when --require-approval says so, and applies the changes in dependency order (roles → LF-tags → LF grants → applications → assignments → profiles → ACS; then deletes in the reverse order), concurrently within a kind. A failed change does not stop independent ones; every failure is printed with its AWS error code and the exit code is 1, as it is when the plan has blocked changes (each printed with why, counted in the summary). Running apply again converges.

Assignments the file no longer calls for are revoked by a plain apply; what holds data (a removed member's profile, a removed team's application, role and grants) is kept until --prune. By default (--require-approval destructive) apply asks when access widens or anything is deleted or revoked; without a terminal it never prompts: pass --yes (or --require-approval never) to apply changes that need approval.

One apply at a time: apply holds a lease lock (a DynamoDB item in the table sagemaker-teams-lock), taken before it plans; a second one fails at once naming the holder, or waits up to --lock-timeout seconds. Ctrl-C stops starting new changes, lets in-flight ones finish, releases the lock and exits 130; a second Ctrl-C exits at once.

A file with accounts:/domains: works the same way across its accounts: one lock per account (the Identity Center account's and each domain account's, in that account), the accounts planned and applied concurrently, each account's kinds in dependency order. An account that cannot be assumed or locked, or whose change fails, fails alone: the others apply and the summary names it (exit 1); an account whose lock is removed while it runs stops. --plan, the prompt and Ctrl-C cover every account.`
  static override examples = [
    '<%= config.bin %> apply',
    '<%= config.bin %> apply --yes',
    '<%= config.bin %> apply --plan plan.json --yes',
    '<%= config.bin %> apply --prune --require-approval any-change',
  ]

  static override view = applyView
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
    const teams = await this.loadTeams()
    const aws = await this.awsClients(teams.config.region)
    const flags = this.flags
    const run = await import('../lib/engine/apply-run.js')
    const lock = {
      command: `apply${flags.prune ? ' --prune' : ''}`,
      timeoutSeconds: flags['lock-timeout'],
      onWait: (holder: string) => process.stderr.write(`Waiting for the lock: ${holder}\n`),
    }
    const target = run.applyTarget(aws, teams, lock)
    const quiet = this.jsonEnabled()
    const { exitCode, exitNow, report, ...result } = await run.runApply(target, {
      ...(flags.plan ? { planFile: flags.plan } : {}),
      planOptions: {
        prune: flags.prune,
        force: flags.force,
        refresh: flags.refresh,
        ...(flags.refresh === 'events' ? { eventsDelaySeconds: flags['events-delay'] } : {}),
        teams: flags.team,
      },
      yes: flags.yes,
      requireApproval: flags['require-approval'],
      concurrency: flags.concurrency,
      quiet,
      canPrompt: Boolean(process.stdin.isTTY && process.stdout.isTTY),
      liveProgress: Boolean(process.stderr.isTTY),
      showPlan: (plan) => this.preview(planView, plan, {}),
      err: (text) => process.stderr.write(text),
    })
    if (exitNow) process.exit(exitCode)
    if (exitCode !== 0) process.exitCode = exitCode
    return this.show(applyView, result, report)
  }
}
