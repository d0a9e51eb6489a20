import { BaseCommand } from '../lib/command.js'
import { type ValidateResult, validateView } from '../lib/views/validate.js'

export type { ValidateResult } from '../lib/views/validate.js'

export default class Validate extends BaseCommand<typeof Validate> {
  static override summary = 'Check a teams file and report every problem.'
  static override description =
    'Checks the file against the published schema (schema/teams.schema.json) and the rules a schema cannot express: team ids, execution roles, LF-tag references, permissions per resource type, IdP metadata files. Every problem is printed as FILE:LINE:COL  key.path  message. No AWS call is made.'
  static override examples = [
    '<%= config.bin %> validate',
    '<%= config.bin %> validate -f teams.example.yaml',
    '<%= config.bin %> validate --json',
  ]
  static override view = validateView

  async run(): Promise<ValidateResult> {
    const { loadTeamsFile, formatProblem } = await import('../lib/config/load.js')
    const file = this.flags.config
    const result = await loadTeamsFile(file)
    if (!result.ok) {
      if (!this.jsonEnabled()) {
        for (const p of result.problems) process.stderr.write(`${formatProblem(p)}\n`)
        process.stderr.write(
          `${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} in ${file}\n`,
        )
      }
      process.exitCode = 1
      return this.show(validateView, { valid: false, file, problems: result.problems })
    }
    const warnings = result.teams.warnings ?? []
    if (!this.jsonEnabled()) for (const p of warnings) process.stderr.write(`${formatProblem(p)}\n`)
    const teams = Object.values(result.teams.config.teams)
    const users = new Set(teams.flatMap((t) => t.members?.users ?? []))
    const groups = new Set(teams.flatMap((t) => t.members?.groups ?? []))
    const grants = teams.reduce((n, t) => n + (t.lakeFormation?.length ?? 0), 0)
    const summary = { teams: teams.length, users: users.size, groups: groups.size, grants }
    return this.show(validateView, { valid: true, file, problems: warnings, summary })
  }
}
