import { Flags } from '@oclif/core'
import { BaseCommand } from '../lib/command.js'
import type { StatusReport } from '../lib/status.js'
import { statusView } from '../lib/views/status.js'

export default class Status extends BaseCommand<typeof Status> {
  static override summary =
    'Show what is in place per team: application, assignments, profiles, grants, console steps, ACS.'
  static override description =
    `Shown account → domain → team (a one-domain file: its domain's table), each account read as plan reads it (through its role, or the caller's own credentials in the caller's own account). An account whose role cannot be assumed is reported with the error and a hint, the other accounts are still shown, and the exit code is 1.`
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --team team1 --json']
  static override view = statusView
  static override flags = {
    team: Flags.string({ multiple: true, summary: 'Only this team (repeatable).' }),
  }

  async run(): Promise<StatusReport> {
    const teams = await this.loadTeams()
    const aws = await this.awsClients(teams.config.region)
    const { readStatus, statusMissingItems } = await import('../lib/status.js')
    const report = await this.show(statusView, await readStatus(aws, teams, this.flags.team))
    // Something the file asks for is missing: exit 1, so a script or CI job does not read it as fine.
    const missing = [
      ...statusMissingItems(report, Boolean(teams.config.acs)),
      ...(report.membersNotFound ?? []),
    ]
    if (missing.length > 0) {
      process.stderr.write(
        `Missing (${missing.length}): ${missing.join('; ')}. Run plan to see the changes.\n`,
      )
      process.exitCode = 1
    }
    const failed = report.accounts.filter((a) => a.error)
    for (const a of failed)
      process.stderr.write(`Error: ${a.error!.message}\n${a.error!.hint ? `Hint: ${a.error!.hint}\n` : ''}`)
    if (failed.length > 0) process.exitCode = 1
    return report
  }
}
