import { BaseCommand } from '../lib/command.js'
import type { Check } from '../lib/doctor.js'

export default class Doctor extends BaseCommand<typeof Doctor> {
  static override summary = 'Check that everything plan and apply need is in place.'
  static override description =
    "Credentials and account, region, the IAM Identity Center instance (reachable and administrable from these credentials), the identity store, the domain (exists, IAM auth mode), the permissions the tool needs (iam:SimulatePrincipalPolicy), Lake Formation admin rights, user-profile quota headroom, and each team's IdP metadata file and certificate expiry (warns 30 days ahead). One line per check with a hint; exit 1 on any failure."
  static override examples = ['<%= config.bin %> doctor', '<%= config.bin %> doctor --json']

  async run(): Promise<{ ok: boolean; checks: Check[] }> {
    const teams = await this.loadTeams()
    const aws = await this.awsClients(teams.config.region)
    const { renderChecks, runDoctor } = await import('../lib/doctor.js')
    const checks = await runDoctor(aws, teams)
    if (!this.jsonEnabled()) process.stdout.write(renderChecks(checks))
    const ok = !checks.some((c) => c.status === 'fail')
    if (!ok) process.exitCode = 1
    return { ok, checks }
  }
}
