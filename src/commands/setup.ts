import { Flags } from '@oclif/core'
import { BaseCommand } from '../lib/command.js'
import { UserError } from '../lib/errors.js'
import type { Plan } from '../lib/plan/types.js'
import { planView } from '../lib/views/plan.js'
import { type SetupResult, setupView } from '../lib/views/setup.js'

export type { SetupResult } from '../lib/views/setup.js'

export default class Setup extends BaseCommand<typeof Setup> {
  static override summary =
    'One-time set-up: write the permissions boundaries of the roles the tool creates (apply may not change them).'
  static override description =
    "Creates or updates sagemaker-teams-boundary (team roles) and sagemaker-teams-acs-boundary (the ACS role and presign roles) in one account, as the teams file needs them. Shows the change first and asks, as apply does (--yes for CI). Run it with credentials that may write these policies (`policy --for setup`), once, and again when plan shows a boundary change blocked. The caller's own account by default; --account NAME writes a file account's boundaries through a role assumed there (--role, default OrganizationAccountAccessRole)."
  static override examples = [
    '<%= config.bin %> setup',
    '<%= config.bin %> setup --yes',
    '<%= config.bin %> setup --account dev --role OrganizationAccountAccessRole',
  ]
  static override view = setupView
  static override flags = {
    yes: Flags.boolean({ char: 'y', summary: 'Do not ask for confirmation.' }),
    account: Flags.string({
      summary: "A file account (accounts:) whose boundaries to write (default: the caller's own account).",
    }),
    role: Flags.string({
      summary: 'With --account: the role to assume there (default OrganizationAccountAccessRole).',
      dependsOn: ['account'],
    }),
  }

  async run(): Promise<SetupResult> {
    const teams = await this.loadTeams()
    const aws = await this.awsClients(teams.config.region)
    const { planSetup, runSetup } = await import('../lib/setup.js')
    const setup = await planSetup(aws, teams, {
      ...(this.flags.account !== undefined ? { account: this.flags.account } : {}),
      ...(this.flags.role !== undefined ? { role: this.flags.role } : {}),
    })
    if (setup.plan.changes.length > 0) await this.approve(setup.plan)
    const changes = await runSetup(setup)
    return this.show(setupView, {
      account: setup.where.account,
      accountId: setup.where.accountId,
      changes: changes.map((c) => ({ policyName: c.key, action: c.action })),
    })
  }

  /** The boundary changes, shown, and apply's approval gate: a prompt at a terminal, exit 1 without one unless --yes. */
  private async approve(plan: Plan): Promise<void> {
    await this.preview(planView, plan, {})
    if (this.flags.yes) return
    if (this.jsonEnabled() || !(process.stdin.isTTY && process.stdout.isTTY))
      throw new UserError(
        'approval required to write the permissions boundaries and there is no terminal to ask',
        1,
        'Review the change and re-run with --yes.',
      )
    const { confirm } = await import('@inquirer/prompts')
    if (!(await confirm({ message: 'Write these permissions boundaries?', default: false })))
      throw new UserError('Nothing written.', 1)
  }
}
