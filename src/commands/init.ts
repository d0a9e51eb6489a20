import { Flags } from '@oclif/core'
import { BaseCommand } from '../lib/command.js'
import type { InitAnswers, InitTeam } from '../lib/config/init.js'
import type { InitAccount } from '../lib/config/init-account.js'
import { UserError } from '../lib/errors.js'
import { type InitResult, initView } from '../lib/views/files.js'

export default class Init extends BaseCommand<typeof Init> {
  static override summary = 'Write a new teams file (a wizard, or flags for CI).'
  static override description =
    `Asks for the region, the SageMaker domain, the ACS function name and the teams with their members, and writes a commented teams file that starts with the schema line editors use for completion. Without a terminal it never prompts: pass every value as a flag.

When AWS credentials work, init offers the account's SageMaker domains in IAM auth mode, refuses a --domain-id that does not exist or is not in IAM mode, and refuses members the Identity Center identity store does not have; nothing is written then. Without credentials, or when AWS does not answer within a few seconds, it warns and goes on offline.`
  static override examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init --region us-east-1 --domain-id d-abcdefghijkl --acs-function-name sagemaker-teams-acs \\\n  --team "id=team1,name=Studio Team 1,users=user1@example.com" --team "id=team2,users=user1@example.com|user2@example.com,groups=ds-team2"',
  ]

  static override view = initView
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

  async run(): Promise<InitResult> {
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
    const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY)
    if (missing.length > 0 && !interactive) {
      throw new UserError(
        `no terminal to ask on; missing ${missing.join(', ')}`,
        1,
        `Example: ${Init.examples[1].replace('<%= config.bin %>', this.config.bin)}`,
      )
    }
    const online = new AccountReader(flags.profile)
    try {
      // The account, when credentials work: the domain and the members are checked against it.
      if (answers.region) await online.read(answers.region)
      if (online.account && answers.domainId) await online.assertDomain(answers.domainId)
      if (missing.length > 0) {
        try {
          await this.ask(answers, online)
        } catch (err) {
          // Ctrl-C in a prompt: leave quietly with the shell's code for SIGINT, writing nothing.
          if ((err as Error).name === 'ExitPromptError') {
            process.stderr.write('\nCancelled; nothing was written.\n')
            this.exit(130)
          }
          throw err
        }
      }
      await online.assertMembers(answers.teams ?? [])
    } finally {
      await online.close()
    }
    await writeTeamsFile(
      file,
      answers as InitAnswers,
      flags.force,
      schemaReference(file, this.config.root, this.config.version),
    )
    const loaded = await loadTeamsFileOrThrow(file)
    return this.show(initView, { file, teams: Object.keys(loaded.config.teams).length })
  }

  private async ask(answers: Partial<InitAnswers>, online: AccountReader): Promise<void> {
    const { input, confirm, select } = await import('@inquirer/prompts')
    const { TEAM_ID_PATTERN } = await import('../lib/model/names.js')
    const list = (s: string) => s.split(/[,\s]+/).filter(Boolean)
    const { REGION_PATTERN, DOMAIN_ID_PATTERN } = await import('../lib/model/names.js')
    answers.region ??= await input({
      message: 'AWS region',
      default: process.env.AWS_REGION ?? 'us-east-1',
      validate: (v) => REGION_PATTERN.test(v) || 'expected a region such as us-east-1',
    })
    if (!online.account) await online.read(answers.region)
    const usable = online.usableDomains()
    if (!answers.domainId && usable.length > 0)
      answers.domainId = await select({
        message: 'SageMaker domain (IAM auth mode)',
        choices: [
          ...usable.map((d) => ({ name: `${d.id}  ${d.name} (${d.status})`, value: d.id })),
          { name: 'Another domain id…', value: '' },
        ],
      })
    else if (!answers.domainId && online.account)
      process.stderr.write(`No SageMaker domain in ${answers.region} is in IAM auth mode.\n`)
    answers.domainId ||= await input({
      message: 'SageMaker domain id (IAM auth mode)',
      validate: (v) =>
        !DOMAIN_ID_PATTERN.test(v)
          ? 'expected d- and lowercase letters or digits'
          : (online.domainProblem(v)?.replace(/^--domain-id /, '') ?? true),
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
          await input({
            message: 'Users (identity store user names, comma-separated)',
            default: '',
            validate: (v) => online.membersProblem(list(v), []),
          }),
        )
        const groups = list(
          await input({
            message: 'Groups (display names, comma-separated)',
            default: '',
            validate: (v) => online.membersProblem([], list(v)),
          }),
        )
        answers.teams.push({ id, displayName, users, groups })
      } while (await confirm({ message: 'Add another team?', default: false }))
    }
  }
}

/** The account as init sees it: read once, when credentials work (see config/init-account.ts). */
class AccountReader {
  account?: InitAccount
  private lib?: typeof import('../lib/config/init-account.js')
  private read_ = false

  constructor(private readonly profile?: string) {}

  /** Reads the account once; without credentials or an answer in time, warns and stays offline. */
  async read(region: string): Promise<void> {
    if (this.read_) return
    this.read_ = true
    this.lib = await import('../lib/config/init-account.js')
    const { account, warning } = await this.lib.readInitAccount(region, { profile: this.profile })
    if (warning) process.stderr.write(`Warning: ${warning}\n`)
    this.account = account
    if (account?.storeNote) process.stderr.write(`Warning: ${account.storeNote}; members are not checked.\n`)
  }

  usableDomains() {
    return this.account && this.lib ? this.lib.usableDomains(this.account) : []
  }

  domainProblem(domainId: string): string | undefined {
    return this.account && this.lib ? this.lib.domainProblem(this.account, domainId) : undefined
  }

  async assertDomain(domainId: string): Promise<void> {
    const problem = this.domainProblem(domainId)
    if (problem) throw new UserError(`${problem}; nothing was written`)
  }

  /** For a prompt's validate: true, or which names the identity store does not have. */
  async membersProblem(users: string[], groups: string[]): Promise<true | string> {
    if (!this.account?.identityStoreId || !this.lib || (!users.length && !groups.length)) return true
    const lines = await this.lib.unknownMemberLines(this.account, [
      { id: '', displayName: '', users, groups },
    ])
    return lines.length
      ? `not in identity store ${this.account.identityStoreId}: ${lines.map((l) => l.replace(/^team : /, '')).join(', ')}`
      : true
  }

  async assertMembers(teams: InitTeam[]): Promise<void> {
    if (!this.account?.identityStoreId || !this.lib) return
    let lines: string[]
    try {
      lines = await this.lib.unknownMemberLines(this.account, teams)
    } catch (err) {
      process.stderr.write(`Warning: members not checked (${(err as Error).message.split('\n')[0]}).\n`)
      return
    }
    if (lines.length > 0)
      throw new UserError(
        this.lib.unknownMembersMessage(this.account, lines),
        1,
        'Users are matched by UserName and groups by DisplayName, as IAM Identity Center shows them.',
      )
  }

  async close(): Promise<void> {
    await this.account?.close()
  }
}
