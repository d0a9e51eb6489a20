import { Flags } from '@oclif/core'
import type { AcsBuildResult } from '../../lib/acs/deploy.js'
import { BaseCommand } from '../../lib/command.js'
import { acsBuildView } from '../../lib/views/acs.js'

export default class AcsBuild extends BaseCommand<typeof AcsBuild> {
  static override summary = 'Bundle the ACS Lambda and its configuration into a zip.'
  static override description =
    'One esbuild bundle for the nodejs22.x runtime plus acs-config.json derived from the teams file (teams, role ARNs, tags, settings, IdP certificates and issuers, audiences, domain, durations, resolved members), in a deterministic zip. Reads the account to resolve roles and members.'
  static override examples = ['<%= config.bin %> acs build', '<%= config.bin %> acs build --out dist-acs']
  static override view = acsBuildView
  static override flags = { out: Flags.string({ default: 'build', summary: 'Directory for the zip.' }) }

  async run(): Promise<AcsBuildResult> {
    const teams = await this.loadTeams()
    const aws = await this.awsClients(teams.config.region)
    const { buildAcs } = await import('../../lib/acs/deploy.js')
    return this.show(acsBuildView, await buildAcs(aws, teams, this.flags.out))
  }
}
