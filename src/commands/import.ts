import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { Flags } from '@oclif/core'
import { BaseCommand } from '../lib/command.js'
import { UserError } from '../lib/errors.js'
import { type ImportResult, importView } from '../lib/views/files.js'

export default class Import extends BaseCommand<typeof Import> {
  static override summary = 'Write a teams file from what the account has (adopt an existing set-up).'
  static override description =
    `Reads the SAML applications tagged sagemaker-teams:team, their assignments, the managed profiles, the team roles, the LF-tag grants to them and the ACS function, and writes the teams file that describes them (to -f, default ./teams.yaml; --force to overwrite). The result validates, and plan against the same accounts shows no changes.

--domain names a domain to import (repeatable): DOMAIN_ID for a domain of the account whose credentials run the CLI (where IAM Identity Center and the ACS are read), ACCOUNT_ID:DOMAIN_ID for a domain of another account, read through its role sagemaker-teams-admin, or ACCOUNT_ID:ROLE:DOMAIN_ID through another role; ACCOUNT_ID@REGION (e.g. 222222222222@eu-west-1:d-devdomain001) when that account's domains are not in --region. An ACS in another account (acs.account): --acs-account ACCOUNT_ID[@REGION][:ROLE]. A data mesh (dataMesh:): --governance-account ACCOUNT_ID[@REGION][:ROLE] names its governance account (without it: the one catalog the tool's resource links point to, through its role sagemaker-teams-admin, or a warning says what to pass); each imported account's resource links (the tool's, tagged) become its dataMesh.consumers entry, each team's links its sharedDatabases and its grants in the governance catalog its lakeFormation grants. One domain of the caller's account writes a one-domain file (domain:); several domains, or a domain of another account, write accounts: (named by account id; rename them freely), domains: (named after the SageMaker domain) and each team's domain:. Each team goes to the domain that holds its profiles (a team of a domain not named is left out, with a warning); a team with profiles in two domains is refused (a team id is its SAML teamid, unique in the file), never merged.`
  static override examples = [
    '<%= config.bin %> import --domain d-abcdefghijkl --region us-east-1 -f teams.yaml',
    '<%= config.bin %> import --domain d-abcdefghijkl --domain 222222222222:d-devdomain001 -f teams.yaml',
    '<%= config.bin %> import --domain 333333333333:ops-admin:d-prodaaaaaaaa --domain 333333333333:ops-admin:d-prodbbbbbbbb',
  ]
  static override view = importView
  static override flags = {
    domain: Flags.string({
      required: true,
      multiple: true,
      aliases: ['domain-id'],
      summary:
        'A domain to import: DOMAIN_ID, ACCOUNT_ID[@REGION]:DOMAIN_ID or ACCOUNT_ID[@REGION]:ROLE:DOMAIN_ID (repeatable).',
    }),
    'acs-account': Flags.string({
      summary:
        "The ACS's account when it is not the caller's (the file's acs.account): ACCOUNT_ID[@REGION][:ROLE].",
    }),
    'governance-account': Flags.string({
      summary:
        "A data mesh's governance account (dataMesh.governance): ACCOUNT_ID[@REGION][:ROLE]; its LF-tags and the imported accounts' resource links to its catalog are read back.",
    }),
    'acs-function-name': Flags.string({
      default: 'sagemaker-teams-acs',
      summary: 'Name of the ACS function to look for.',
    }),
    force: Flags.boolean({ summary: 'Overwrite an existing file.' }),
  }

  async run(): Promise<ImportResult> {
    const file = this.flags.config
    if (existsSync(file) && !this.flags.force)
      throw new UserError(`${file} exists; pass --force to overwrite it`)
    const region = this.flags.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION
    if (!region) throw new UserError('no region: pass --region')
    const [
      { importTeams, parseImportAccount, parseImportDomain, renderTeamsFile },
      { schemaReference },
      { loadTeamsFileOrThrow },
    ] = await Promise.all([
      import('../lib/import.js'),
      import('../lib/config/init.js'),
      import('../lib/config/load.js'),
    ])
    const domains = this.flags.domain.map(parseImportDomain)
    const acsAccount = this.flags['acs-account'] ? parseImportAccount(this.flags['acs-account']) : undefined
    const governanceAccount = this.flags['governance-account']
      ? parseImportAccount(this.flags['governance-account'], '--governance-account')
      : undefined
    const aws = await this.awsClients(region)
    const { config, warnings } = await importTeams(aws, {
      region,
      domains,
      ...(acsAccount ? { acsAccount } : {}),
      ...(governanceAccount ? { governanceAccount } : {}),
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
    for (const w of warnings) this.warn(w)
    return this.show(importView, { file, config })
  }
}
