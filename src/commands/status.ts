import { Flags } from '@oclif/core'
import { BaseCommand } from '../lib/command.js'
import { isMultiDomain } from '../lib/config/domains.js'
import { UserError } from '../lib/errors.js'
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
    // Not account-aware yet: refuse rather than act on the first domain in the wrong account.
    if (isMultiDomain(teams.config))
      throw new UserError(
        'status does not support a teams file with accounts:/domains: yet',
        1,
        '`plan` and `apply` cover every account and domain of the file (apply deploys the ACS).',
      )
    const aws = await this.awsClients(teams.config.region)
    const { readStatus, renderStatus } = await import('../lib/status.js')
    const report = await readStatus(aws, teams, this.flags.team)
    if (!this.jsonEnabled()) process.stdout.write(renderStatus(report))
    return report
  }
}
