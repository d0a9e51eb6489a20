import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { Flags } from '@oclif/core'
import { BaseCommand } from '../lib/command.js'
import type { TeamsFile } from '../lib/config/types.js'
import { UserError } from '../lib/errors.js'

export default class Import extends BaseCommand<typeof Import> {
  static override summary = 'Write a teams file from what the account has (adopt an existing set-up).'
  static override description =
    'Reads the SAML applications tagged sagemaker-teams:team, their assignments, the managed profiles, the team roles, the LF-tag grants to them and the ACS function, and writes the teams file that describes them (to -f, default ./teams.yaml; --force to overwrite). The result validates, and plan against the same account shows no changes.'
  static override examples = [
    '<%= config.bin %> import --domain-id d-abcdefghijkl --region us-east-1 -f teams.yaml',
  ]
  static override flags = {
    'domain-id': Flags.string({ required: true, summary: 'The SageMaker domain the teams use.' }),
    'acs-function-name': Flags.string({
      default: 'sagemaker-teams-acs',
      summary: 'Name of the ACS function to look for.',
    }),
    force: Flags.boolean({ summary: 'Overwrite an existing file.' }),
  }

  async run(): Promise<{ file: string; config: TeamsFile }> {
    const file = this.flags.config
    if (existsSync(file) && !this.flags.force)
      throw new UserError(`${file} exists; pass --force to overwrite it`)
    const region = this.flags.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION
    if (!region) throw new UserError('no region: pass --region')
    const aws = await this.awsClients(region)
    const [{ importTeams, renderTeamsFile }, { schemaReference }, { loadTeamsFileOrThrow }] =
      await Promise.all([
        import('../lib/import.js'),
        import('../lib/config/init.js'),
        import('../lib/config/load.js'),
      ])
    const config = await importTeams(aws, {
      region,
      domainId: this.flags['domain-id'],
      functionName: this.flags['acs-function-name'],
      file,
    })
    if (Object.keys(config.teams).length === 0)
      throw new UserError('no managed team applications (tag sagemaker-teams:team) found; nothing to import')
    await writeFile(
      file,
      renderTeamsFile(config, schemaReference(file, this.config.root, this.config.version)),
    )
    await loadTeamsFileOrThrow(file)
    this.log(
      `Wrote ${file}: ${Object.keys(config.teams).length} teams. Next: sagemaker-teams plan -f ${file}`,
    )
    return { file, config }
  }
}
