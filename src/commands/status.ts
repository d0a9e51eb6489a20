import { Flags } from '@oclif/core'
import { BaseCommand } from '../lib/command.js'
import type { StatusReport } from '../lib/status.js'

export default class Status extends BaseCommand<typeof Status> {
  static override summary =
    'Show what is in place per team: application, assignments, profiles, grants, console steps, ACS.'
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --team team1 --json']
  static override flags = {
    team: Flags.string({ multiple: true, summary: 'Only this team (repeatable).' }),
  }

  async run(): Promise<StatusReport> {
    const teams = await this.loadTeams()
    const aws = await this.awsClients(teams.config.region)
    const { readStatus, renderStatus } = await import('../lib/status.js')
    const report = await readStatus(aws, teams, this.flags.team)
    if (!this.jsonEnabled()) process.stdout.write(renderStatus(report))
    return report
  }
}
