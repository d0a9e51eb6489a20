/** Writes a new, commented teams file from a few answers (the `init` wizard and its flags). */
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { UserError } from '../errors.js'
import { TEAM_ID_PATTERN } from '../names.js'

export interface InitTeam {
  id: string
  displayName: string
  users: string[]
  groups: string[]
}

export interface InitAnswers {
  region: string
  domainId: string
  acsFunctionName: string
  teams: InitTeam[]
}

/** Parses `--team id=team1,name=Team One,users=a@x|b@x,groups=ds-team1`. */
export function parseTeamFlag(value: string): InitTeam {
  const fields = new Map<string, string>()
  for (const part of value.split(',')) {
    const eq = part.indexOf('=')
    if (eq < 0)
      throw new UserError(
        `--team ${JSON.stringify(value)}: expected key=value pairs (id=…,name=…,users=a|b,groups=g)`,
      )
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
  }
  const id = fields.get('id') ?? ''
  if (!TEAM_ID_PATTERN.test(id))
    throw new UserError(`--team: id ${JSON.stringify(id)} must be 1–20 characters of a-z, 0-9 and "-"`)
  const list = (k: string) =>
    (fields.get(k) ?? '')
      .split('|')
      .map((s) => s.trim())
      .filter(Boolean)
  return {
    id,
    displayName: fields.get('name') || `SageMaker Studio ${id}`,
    users: list('users'),
    groups: list('groups'),
  }
}

const yamlString = (s: string) =>
  /^[\w@.\-:/ ]+$/.test(s) && !/^[\d-]/.test(s) && !s.includes(': ') ? s : JSON.stringify(s)
const yamlList = (items: string[]) => `[${items.map(yamlString).join(', ')}]`

export function renderTeamsFile(a: InitAnswers, schemaRef: string): string {
  const teams = a.teams
    .map(
      (t) => `  ${t.id}:                              # team id: the value of the teamid SAML attribute
    displayName: ${yamlString(t.displayName)}   # the application's name in the AWS access portal
    executionRole: { create: true }   # role sagemaker-teams-${t.id} with ABAC policies (or arn: an existing role)
    tags: { Team: ${yamlString(t.id)} }             # on the team's profiles and role; Team drives ABAC
    members:
      users: ${yamlList(t.users)}    # identity store UserNames
      groups: ${yamlList(t.groups)}   # identity store group DisplayNames
    saml:
      idpMetadata: metadata/${t.id}.xml   # download from the application's page in the IAM Identity Center console
`,
    )
    .join('\n')
  return `# yaml-language-server: $schema=${schemaRef}
# sagemaker-teams: which ML teams exist, who is in them, and what each team may do.
# Check it with \`sagemaker-teams validate\`, preview with \`sagemaker-teams plan\`, apply with \`sagemaker-teams apply\`.
version: 1
region: ${a.region}                     # region of the domain, IAM Identity Center and the ACS
domain:
  id: ${a.domainId}                     # existing SageMaker domain in IAM auth mode
acs:                                    # the SAML Assertion Consumer Service Lambda
  functionName: ${a.acsFunctionName}
  audience: urn:sagemaker-teams:acs     # team X's SAML audience is urn:sagemaker-teams:acs:X
  provisioning: both                    # pre | on-login | both
teams:
${teams}`
}

export async function writeTeamsFile(
  file: string,
  answers: InitAnswers,
  force: boolean,
  schemaRef: string,
): Promise<void> {
  if (existsSync(file) && !force) throw new UserError(`${file} exists; pass --force to overwrite it`)
  await writeFile(file, renderTeamsFile(answers, schemaRef), { flag: force ? 'w' : 'wx' })
}

/** The schema reference written into a new file: the installed package's schema, relative when possible. */
export function schemaReference(file: string, packageRoot: string): string {
  const schema = path.join(packageRoot, 'schema', 'teams.schema.json')
  const rel = path.relative(path.dirname(path.resolve(file)), schema)
  return rel.startsWith('..') && path.isAbsolute(schema) && rel.split(path.sep).length > 4
    ? schema
    : rel || schema
}
