import { Flags } from '@oclif/core'
import { BaseCommand } from '../lib/command.js'
import type { InitAnswers } from '../lib/config/init.js'
import { UserError } from '../lib/errors.js'

export default class Init extends BaseCommand<typeof Init> {
  static override summary = 'Write a new teams file (a wizard, or flags for CI).'
  static override description =
    'Asks for the region, the SageMaker domain, the ACS function name and the teams with their members, and writes a commented teams file that starts with the schema line editors use for completion. Without a terminal it never prompts: pass every value as a flag.'
  static override examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init --region us-east-1 --domain-id d-abcdefghijkl --acs-function-name sagemaker-teams-acs \\\n  --team "id=team1,name=Studio Team 1,users=user1@example.com" --team "id=team2,users=user1@example.com|user2@example.com,groups=ds-team2"',
  ]

  static override flags = {
    region: Flags.string({ summary: 'AWS region of the domain and IAM Identity Center.' }),
    'domain-id': Flags.string({ summary: 'SageMaker domain id (d-…), in IAM auth mode.' }),
    'acs-function-name': Flags.string({
      summary: 'Name of the ACS Lambda function.',
      default: 'sagemaker-teams-acs',
    }),
    team: Flags.string({
      multiple: true,
      summary:
        'A team: id=ID,name=DISPLAY NAME,users=a@x|b@x,groups=g1|g2 (repeatable; a comma in a name: \\, or name="A, B").',
    }),
    force: Flags.boolean({ summary: 'Overwrite an existing file.' }),
  }

  async run(): Promise<{ file: string; teams: number }> {
    const { checkAnswers, parseTeamFlag, schemaReference, writeTeamsFile } = await import(
      '../lib/config/init.js'
    )
    const { loadTeamsFileOrThrow } = await import('../lib/config/load.js')
    const { existsSync } = await import('node:fs')
    const flags = this.flags
    const file = flags.config
    if (existsSync(file) && !flags.force) throw new UserError(`${file} exists; pass --force to overwrite it`)
    const answers: Partial<InitAnswers> = {
      region: flags.region,
      domainId: flags['domain-id'],
      acsFunctionName: flags['acs-function-name'],
      teams: flags.team?.map(parseTeamFlag),
    }
    // Every flag is checked before a prompt or a write: a bad value leaves no file behind.
    const problems = checkAnswers(answers)
    if (problems.length > 0) throw new UserError(`${problems.join('; ')}; nothing was written`)
    const missing = [
      !answers.region && '--region',
      !answers.domainId && '--domain-id',
      !answers.teams?.length && '--team',
    ].filter(Boolean)
    if (missing.length > 0) {
      if (!process.stdin.isTTY || !process.stdout.isTTY) {
        throw new UserError(
          `no terminal to ask on; missing ${missing.join(', ')}`,
          1,
          `Example: ${Init.examples[1].replace('<%= config.bin %>', this.config.bin)}`,
        )
      }
      try {
        await this.ask(answers)
      } catch (err) {
        // Ctrl-C in a prompt: leave quietly with the shell's code for SIGINT, writing nothing.
        if ((err as Error).name === 'ExitPromptError') {
          process.stderr.write('\nCancelled; nothing was written.\n')
          this.exit(130)
        }
        throw err
      }
    }
    await writeTeamsFile(
      file,
      answers as InitAnswers,
      flags.force,
      schemaReference(file, this.config.root, this.config.version),
    )
    const loaded = await loadTeamsFileOrThrow(file)
    this.log(
      `Wrote ${file} with ${answers.teams!.length} team${answers.teams!.length === 1 ? '' : 's'}. Next: sagemaker-teams plan -f ${file}`,
    )
    return { file, teams: Object.keys(loaded.config.teams).length }
  }

  private async ask(answers: Partial<InitAnswers>): Promise<void> {
    const { input, confirm } = await import('@inquirer/prompts')
    const { TEAM_ID_PATTERN } = await import('../lib/names.js')
    const list = (s: string) => s.split(/[,\s]+/).filter(Boolean)
    const { REGION_PATTERN, DOMAIN_ID_PATTERN } = await import('../lib/config/init.js')
    answers.region ??= await input({
      message: 'AWS region',
      default: process.env.AWS_REGION ?? 'us-east-1',
      validate: (v) => REGION_PATTERN.test(v) || 'expected a region such as us-east-1',
    })
    answers.domainId ??= await input({
      message: 'SageMaker domain id (IAM auth mode)',
      validate: (v) => DOMAIN_ID_PATTERN.test(v) || 'expected d- and lowercase letters or digits',
    })
    answers.acsFunctionName = await input({
      message: 'ACS Lambda function name',
      default: answers.acsFunctionName,
    })
    if (!answers.teams?.length) {
      answers.teams = []
      do {
        const id = await input({
          message: 'Team id',
          validate: (v) =>
            answers.teams?.some((t) => t.id === v)
              ? `team ${v} is already added`
              : TEAM_ID_PATTERN.test(v) || '1–20 of a-z, 0-9, -',
        })
        const displayName = await input({
          message: 'Display name in the access portal',
          default: `SageMaker Studio ${id}`,
        })
        const users = list(
          await input({ message: 'Users (identity store user names, comma-separated)', default: '' }),
        )
        const groups = list(await input({ message: 'Groups (display names, comma-separated)', default: '' }))
        answers.teams.push({ id, displayName, users, groups })
      } while (await confirm({ message: 'Add another team?', default: false }))
    }
  }
}
