import { Flags } from '@oclif/core'
import { BaseCommand } from '../../lib/command.js'
import { type ChecklistResult, checklistView } from '../../lib/views/checklist.js'

export default class SsoChecklist extends BaseCommand<typeof SsoChecklist> {
  static override summary = 'Print the IAM Identity Center console steps per team, with the exact values.'
  static override description =
    'The ACS URL, the SAML audience and the attribute mappings of each team application can only be set in the console, and its SAML metadata can only be downloaded there. This prints them per team and whether the ACS has accepted a signed login for the team (the proof that the steps are done).'
  static override examples = [
    '<%= config.bin %> sso checklist',
    '<%= config.bin %> sso checklist --team team1 --json',
  ]
  static override view = checklistView
  static override flags = { team: Flags.string({ summary: 'Only this team.' }) }

  async run(): Promise<ChecklistResult> {
    const teams = await this.loadTeams()
    const aws = await this.awsClients(teams.config.region)
    const { buildChecklist } = await import('../../lib/acs/checklist.js')
    if (this.flags.team && !teams.config.teams[this.flags.team])
      this.error(`no team ${this.flags.team} in ${teams.file}`, { exit: 1 })
    return this.show(checklistView, { teams: await buildChecklist(aws, teams, this.flags.team) })
  }
}
