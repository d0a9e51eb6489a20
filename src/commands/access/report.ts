import { Flags } from '@oclif/core'
import { BaseCommand } from '../../lib/command.js'
import type { AccessReport } from '../../lib/report/types.js'
import { accessReportView } from '../../lib/views/access-report.js'

export default class AccessReportCommand extends BaseCommand<typeof AccessReportCommand> {
  static override summary =
    'Write an access certification report: who can reach which team, since when, and what to review.'
  static override description =
    `For every team: its members (direct, or through which group), their profiles and last sign-in (the ACS's login records), what the team's role can reach (evaluated by IAM's simulator, iam:SimulateCustomPolicy: workspace prefix, workgroup, models, Studio, LF-tag grants in place), and findings — members without a sign-in for --stale-days, profiles kept after their member left, anything one team's role can reach of another's, console steps never verified. Writes a self-contained HTML page (access-report.html), one CSV per table and access-report.json (schema/access-report.schema.json) into --out. Reads only; changes nothing.`
  static override examples = [
    '<%= config.bin %> access report',
    '<%= config.bin %> access report --out reports/2026-q4 --stale-days 60',
    '<%= config.bin %> access report --format html --team team1',
  ]
  static override view = accessReportView
  static override flags = {
    out: Flags.string({
      default: 'access-report',
      summary: 'Folder to write the report into (created when missing).',
    }),
    format: Flags.string({
      multiple: true,
      options: ['html', 'csv', 'json'],
      summary: 'Formats to write (repeatable; default: all three).',
    }),
    'stale-days': Flags.integer({
      default: 90,
      min: 1,
      summary: 'A member without a sign-in within this many days is a finding.',
    }),
    team: Flags.string({ multiple: true, summary: 'Only this team (repeatable).' }),
  }

  async run(): Promise<AccessReport> {
    const teams = await this.loadTeams()
    const aws = await this.awsClients(teams.config.region)
    const { writeAccessReport, REPORT_FORMATS } = await import('../../lib/report/index.js')
    const { report, written } = await writeAccessReport(aws, teams, {
      out: this.flags.out,
      formats: (this.flags.format as typeof REPORT_FORMATS | undefined) ?? REPORT_FORMATS,
      staleDays: this.flags['stale-days'],
      teams: this.flags.team,
    })
    return this.show(accessReportView, report, { written })
  }
}
