import type { AcsDeployResult } from '../../lib/acs/deploy.js'
import { BaseCommand } from '../../lib/command.js'
import { isMultiDomain, primaryDomainId } from '../../lib/model/topology.js'

export default class AcsDeploy extends BaseCommand<typeof AcsDeploy> {
  static override summary = 'Deploy the ACS: role, table, function and function URL (apply does this too).'
  static override description =
    "Creates or updates only what changed: a least-privilege role for the function, the DynamoDB table for replay ids and login records (on-demand, TTL on), the function with its bundled configuration, and a function URL (auth NONE: browsers post to it). Prints each team's ACS URL and audience to enter in the IAM Identity Center console."
  static override examples = ['<%= config.bin %> acs deploy -f teams.yaml']

  async run(): Promise<AcsDeployResult> {
    const teams = await this.loadTeams()
    const aws = await this.awsClients(teams.config.region)
    const { deployAcs } = await import('../../lib/acs/deploy.js')
    // accounts:/domains: — each account's part under that account's own lock (see deployAcs).
    if (isMultiDomain(teams.config)) return this.report(await deployAcs(aws, teams))
    const { acquireLock } = await import('../../lib/engine/lock.js')
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
    return this.report(r)
  }

  private report(r: AcsDeployResult): AcsDeployResult {
    this.log(r.changed ? `ACS deployed: ${r.functionUrl}` : `ACS up to date: ${r.functionUrl}`)
    for (const t of r.teams) this.log(`  ${t.team}: ACS URL ${t.acsUrl}  audience ${t.audience}`)
    return r
  }
}
