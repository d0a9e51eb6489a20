import type { AcsDeployResult } from '../../lib/acs/deploy.js'
import { BaseCommand } from '../../lib/command.js'
import { isMultiDomain, primaryDomainId } from '../../lib/config/domains.js'
import { UserError } from '../../lib/errors.js'

export default class AcsDeploy extends BaseCommand<typeof AcsDeploy> {
  static override summary = 'Deploy the ACS: role, table, function and function URL (apply does this too).'
  static override description =
    "Creates or updates only what changed: a least-privilege role for the function, the DynamoDB table for replay ids and login records (on-demand, TTL on), the function with its bundled configuration, and a function URL (auth NONE: browsers post to it). Prints each team's ACS URL and audience to enter in the IAM Identity Center console."
  static override examples = ['<%= config.bin %> acs deploy -f teams.yaml']

  async run(): Promise<AcsDeployResult> {
    const teams = await this.loadTeams()
    // Not account-aware yet: refuse rather than act on the first domain in the wrong account.
    if (isMultiDomain(teams.config))
      throw new UserError(
        'acs deploy does not support a teams file with accounts:/domains: yet',
        1,
        '`plan` and `apply` cover every account and domain of the file (apply deploys the ACS).',
      )
    const aws = await this.awsClients(teams.config.region)
    const [{ deployAcs }, { acquireLock }] = await Promise.all([
      import('../../lib/acs/deploy.js'),
      import('../../lib/engine/lock.js'),
    ])
    // The same lock as apply: both write the ACS.
    const lease = await acquireLock(aws, {
      domainId: primaryDomainId(teams.config),
      command: 'acs deploy',
      timeoutSeconds: 0,
    })
    let r: AcsDeployResult
    try {
      r = await deployAcs(aws, teams)
    } finally {
      await lease.release()
    }
    this.log(r.changed ? `ACS deployed: ${r.functionUrl}` : `ACS up to date: ${r.functionUrl}`)
    for (const t of r.teams) this.log(`  ${t.team}: ACS URL ${t.acsUrl}  audience ${t.audience}`)
    return r
  }
}
