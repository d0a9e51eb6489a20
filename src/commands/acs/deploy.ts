import { Flags } from '@oclif/core'
import type { AcsApproval, AcsDeployResult } from '../../lib/acs/deploy.js'
import { BaseCommand } from '../../lib/command.js'
import { UserError } from '../../lib/errors.js'
import { acsDeployView } from '../../lib/views/acs.js'
import { planView } from '../../lib/views/plan.js'

export default class AcsDeploy extends BaseCommand<typeof AcsDeploy> {
  static override summary = 'Deploy the ACS: role, table, function and function URL (apply does this too).'
  static override description =
    "Creates or updates only what changed: a least-privilege role for the function, the DynamoDB table for replay ids and login records (on-demand, TTL on), the function with its bundled configuration, and a function URL (auth NONE: browsers post to it). Prints each team's ACS URL and audience to enter in the IAM Identity Center console."
  static override examples = [
    '<%= config.bin %> acs deploy -f teams.yaml',
    '<%= config.bin %> acs deploy --yes',
  ]
  static override view = acsDeployView
  static override flags = {
    yes: Flags.boolean({ char: 'y', summary: 'Do not ask for confirmation.' }),
    'require-approval': Flags.option({
      options: ['never', 'broadening', 'destructive', 'any-change'] as const,
      default: 'destructive' as const,
      summary:
        'When to ask, as for apply: never; broadening (access widens); destructive (access widens, or anything is deleted or revoked); any-change.',
    })(),
  }

  async run(): Promise<AcsDeployResult> {
    const teams = await this.loadTeams()
    const aws = await this.awsClients(teams.config.region)
    const { deployAcs } = await import('../../lib/acs/deploy.js')
    // Each account's part under that account's own lock, the one apply takes (both write the ACS).
    return this.report(await deployAcs(aws, teams, this.approval()))
  }

  /** The ACS part of the plan, shown, and the approval gate of apply (prompt, or exit 1 without a terminal unless --yes). */
  private approval(): AcsApproval {
    return async (plan) => {
      const { approvalNeeded } = await import('../../lib/plan/approval.js')
      const quiet = this.jsonEnabled()
      await this.preview(planView, plan, {})
      const mode = this.flags['require-approval']
      const approval = approvalNeeded(plan, mode)
      if (!approval.needed || this.flags.yes) return
      const reasons = [
        ...approval.widened.map((i) => `  + widens: ${i.description}`),
        ...approval.deletes.map((c) => `  - deletes: ${c.kind} ${c.summary}`),
      ]
      if (quiet || !(process.stdin.isTTY && process.stdout.isTTY))
        throw new UserError(
          `approval required (--require-approval ${mode}) and there is no terminal to ask: ${reasons.length ? `this deployment\n${reasons.join('\n')}` : 'this deployment has changes'}`,
          1,
          'Review the plan and re-run with --yes.',
        )
      const { confirm } = await import('@inquirer/prompts')
      const ok = await confirm({ message: 'Deploy these ACS changes?', default: false })
      if (!ok) throw new UserError('Nothing deployed.', 1)
    }
  }

  private async report(r: AcsDeployResult): Promise<AcsDeployResult> {
    await this.show(acsDeployView, r)
    // A member the identity store lacks is an error of its team, as in apply: named, exit 1.
    for (const e of r.errors ?? [])
      process.stderr.write(`Error: ${e.message}\n${e.hint ? `Hint: ${e.hint}\n` : ''}`)
    if (r.errors?.length) process.exitCode = 1
    return r
  }
}
