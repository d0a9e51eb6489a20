import { BaseCommand } from '../lib/command.js'
import { UserError } from '../lib/errors.js'
import { type DoctorResult, doctorView } from '../lib/views/doctor.js'
import { formatFlag } from '../lib/views/flags.js'

export default class Doctor extends BaseCommand<typeof Doctor> {
  static override summary = 'Check that everything plan and apply need is in place.'
  static override description =
    "Credentials and account, region, the IAM Identity Center instance (reachable and administrable from these credentials), the identity store, the domain (exists, IAM auth mode), the permissions the tool needs (iam:SimulatePrincipalPolicy), Lake Formation admin rights, user-profile quota headroom, and each team's IdP metadata file and certificate expiry (warns 30 days ahead). Without a usable teams file it still checks credentials, region (--region, AWS_REGION) and Identity Center. One line per check with a hint; exit 1 on any failure."
  static override examples = [
    '<%= config.bin %> doctor',
    '<%= config.bin %> doctor --json',
    '<%= config.bin %> doctor --format markdown >> "$GITHUB_STEP_SUMMARY"',
  ]
  static override view = doctorView
  static override flags = { format: formatFlag(doctorView) }

  async run(): Promise<DoctorResult> {
    const { runDoctor } = await import('../lib/doctor.js')
    const { ConfigError } = await import('../lib/config/load.js')
    let teams: Awaited<ReturnType<typeof this.loadTeams>> | { problem: string; hint?: string }
    try {
      teams = await this.loadTeams()
    } catch (err) {
      if (err instanceof ConfigError)
        teams = {
          problem: `${this.flags.config}: ${err.problems.length} problem(s)`,
          hint: 'Run `sagemaker-teams validate`.',
        }
      else if (err instanceof UserError) teams = { problem: err.message, hint: err.hint }
      else throw err
    }
    const region =
      'config' in teams
        ? teams.config.region
        : (process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? '')
    const aws = await this.awsClients(region)
    const checks = await runDoctor(aws, teams)
    const ok = !checks.some((c) => c.status === 'fail')
    if (!ok) process.exitCode = 1
    return this.show(doctorView, { ok, checks })
  }
}
