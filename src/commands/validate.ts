import { BaseCommand } from '../lib/command.js'

/** TEMPORARY: replaced by the validating command of issue #2. */
export default class Validate extends BaseCommand<typeof Validate> {
  static override summary = 'Check a teams file and report every problem.'

  async run(): Promise<{ teams: number }> {
    const teams = await this.loadTeams()
    const n = Object.keys(teams.config.teams ?? {}).length
    this.log(`${teams.file}: ${n} teams`)
    return { teams: n }
  }
}
