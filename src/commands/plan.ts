import { writeFile } from 'node:fs/promises'
import { Flags } from '@oclif/core'
import { BaseCommand } from '../lib/command.js'
import { detailsFlag, reconcileFlags } from '../lib/command-flags.js'
import type { ReadProgress } from '../lib/plan/read-progress.js'
import type { Plan } from '../lib/plan/types.js'
import { formatFlag } from '../lib/views/flags.js'
import { planView } from '../lib/views/plan.js'

export default class PlanCommand extends BaseCommand<typeof PlanCommand> {
  static override summary = 'Show what apply would change (a dry run).'
  static override description =
    `Reads the account (paginated list calls), compares it with the teams file and prints the changes: + create, ~ update, - delete, ! manual (console steps), × blocked; then an access review of what widens and what narrows access.

Exit codes: 0 success; 1 error; with --detailed-exitcode, 0 means no changes and 2 means changes are present (manual console steps alone do not count).`
  static override examples = [
    '<%= config.bin %> plan',
    '<%= config.bin %> plan --format markdown > plan.md',
    '<%= config.bin %> plan --out plan.json --detailed-exitcode',
    '<%= config.bin %> plan --prune --refresh full',
    '<%= config.bin %> plan --refresh events --detailed-exitcode',
  ]

  static override view = planView
  static override flags = {
    ...reconcileFlags,
    format: formatFlag(planView),
    out: Flags.string({ summary: 'Also write the JSON plan to this file, for `apply --plan`.' }),
    'detailed-exitcode': Flags.boolean({ summary: 'Exit 0 when there are no changes, 2 when there are.' }),
    details: detailsFlag,
  }

  async run(): Promise<Plan> {
    const teams = await this.loadTeams()
    const aws = await this.awsClients(teams.config.region)
    const { planWithLocks } = await import('../lib/engine/plan-run.js')
    // Every account's part (an account that cannot be read fails alone: exit 1), lock warnings added.
    const plan = await planWithLocks(aws, teams, this.planOptions(), await this.readProgress())
    if (this.flags.out) {
      const { renderPlan } = await import('../lib/plan/render.js')
      await writeFile(this.flags.out, renderPlan(plan, 'json', { color: false }))
    }
    await this.show(planView, plan, { details: this.flags.details, fullPlan: this.flags.out })
    await this.exitCode(plan)
    return plan
  }

  /** 1 when the plan has errors or an account failed (each on stderr); 2 for changes with --detailed-exitcode. */
  private async exitCode(plan: Plan): Promise<void> {
    const { hasChanges } = await import('../lib/plan/changes.js')
    const failed = (plan.context.accounts ?? []).filter((a) => a.error)
    for (const a of failed)
      process.stderr.write(`Error: ${a.error!.message}\n${a.error!.hint ? `Hint: ${a.error!.hint}\n` : ''}`)
    if (planErrors(plan) || failed.length > 0) process.exitCode = 1
    else if (this.flags['detailed-exitcode'] && hasChanges(plan)) process.exitCode = 2
  }

  /** The plan options of the flags. */
  private planOptions() {
    return {
      prune: this.flags.prune,
      force: this.flags.force,
      refresh: this.flags.refresh,
      ...(this.flags.refresh === 'events' ? { eventsDelaySeconds: this.flags['events-delay'] } : {}),
      teams: this.flags.team,
    }
  }

  /**
   * The read progress, only for a person at a terminal: never with --json, when stderr is piped (CI
   * logs), or beside --verbose's own line per call.
   */
  private async readProgress(): Promise<ReadProgress | undefined> {
    if (!process.stderr.isTTY || this.jsonEnabled() || this.flags.verbose) return undefined
    const { readProgress } = await import('../lib/plan/read-progress.js')
    return readProgress(process.stderr, { colour: this.colour(process.stderr) })
  }
}

/**
 * The plan's errors (a member the identity store does not have: its team is held back, the rest is
 * planned), on stderr; true when there is any (the plan exits 1).
 */
function planErrors(plan: Plan): boolean {
  for (const e of plan.errors ?? [])
    process.stderr.write(`Error: ${e.message}\n${e.hint ? `Hint: ${e.hint}\n` : ''}`)
  return Boolean(plan.errors?.length)
}
