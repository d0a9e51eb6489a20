/** Writes a new, commented teams file from a few answers (the `init` wizard and its flags). */
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { UserError } from '../errors.js'
import { DOMAIN_ID_PATTERN, REGION_PATTERN, TEAM_ID_PATTERN } from '../model/names.js'
import { closest } from '../text.js'

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

const TEAM_FLAG_KEYS = ['id', 'name', 'users', 'groups']

/**
 * Splits `--team` on the commas between pairs. A comma inside a value is written `\,` or the value
 * is double-quoted: `name="Studio, Research"`.
 */
function splitPairs(value: string): string[] {
  const parts: string[] = []
  let current = ''
  let quoted = false
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]
    if (ch === '\\' && i + 1 < value.length) current += value[++i]
    else if (ch === '"') quoted = !quoted
    else if (ch === ',' && !quoted) {
      parts.push(current)
      current = ''
    } else current += ch
  }
  if (quoted) throw new UserError(`--team ${JSON.stringify(value)}: a double quote is not closed`)
  parts.push(current)
  return parts
}

/** Parses `--team id=team1,name=Team One,users=a@x|b@x,groups=ds-team1`. */
export function parseTeamFlag(value: string): InitTeam {
  const fields = new Map<string, string>()
  for (const part of splitPairs(value)) {
    const eq = part.indexOf('=')
    if (eq < 0)
      throw new UserError(
        `--team ${JSON.stringify(value)}: expected key=value pairs (id=…,name=…,users=a|b,groups=g)`,
        1,
        'A comma inside a display name is written \\, or the name is double-quoted: name="Studio, Research".',
      )
    const key = part.slice(0, eq).trim()
    if (!TEAM_FLAG_KEYS.includes(key)) {
      const guess = closest(key, TEAM_FLAG_KEYS)
      throw new UserError(
        `--team ${JSON.stringify(value)}: unknown key "${key}"${guess ? ` (did you mean "${guess}"?)` : ''}; expected ${TEAM_FLAG_KEYS.join(', ')}`,
      )
    }
    if (fields.has(key)) throw new UserError(`--team ${JSON.stringify(value)}: "${key}" is given twice`)
    fields.set(key, part.slice(eq + 1).trim())
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

/** Problems with the answers that would make an invalid file, named by the flag that gave them. */
export function checkAnswers(a: Partial<InitAnswers>): string[] {
  const problems: string[] = []
  if (a.region !== undefined && !REGION_PATTERN.test(a.region))
    problems.push(`--region ${JSON.stringify(a.region)} is not an AWS region (e.g. us-east-1)`)
  if (a.domainId !== undefined && !DOMAIN_ID_PATTERN.test(a.domainId))
    problems.push(
      `--domain-id ${JSON.stringify(a.domainId)} is not a SageMaker domain id (d- and lowercase letters or digits)`,
    )
  const seen = new Set<string>()
  for (const t of a.teams ?? []) {
    if (seen.has(t.id)) problems.push(`--team id=${t.id} is given more than once`)
    seen.add(t.id)
  }
  return problems
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

/**
 * Validates the rendered file before anything is written (the same checks as `validate`), then
 * writes it: a bad answer leaves no file behind.
 */
export async function writeTeamsFile(
  file: string,
  answers: InitAnswers,
  force: boolean,
  schemaRef: string,
): Promise<void> {
  if (existsSync(file) && !force) throw new UserError(`${file} exists; pass --force to overwrite it`)
  const text = renderTeamsFile(answers, schemaRef)
  const { checkTeamsText, formatProblem } = await import('./load.js')
  const problems = checkTeamsText(text, file)
  if (problems.length > 0)
    throw new UserError(
      `these answers would make an invalid teams file; nothing was written:\n${problems.map(formatProblem).join('\n')}`,
    )
  await writeFile(file, text, { flag: force ? 'w' : 'wx' })
}

/**
 * The schema reference written into a new file: a path relative to the file when the schema is in
 * the file's folder tree (the repository, or a project's node_modules), else the published URL —
 * never a path into a global install folder, which moves with every upgrade or machine.
 */
export function schemaReference(file: string, packageRoot: string, version: string): string {
  const schema = path.join(packageRoot, 'schema', 'teams.schema.json')
  const rel = path.relative(path.dirname(path.resolve(file)), schema)
  if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/')
  return publishedSchemaUrl(version)
}

/** Where the published package serves its schema (see "Publishing" in the README). */
export function publishedSchemaUrl(version: string): string {
  return `https://unpkg.com/sagemaker-teams@${version}/schema/teams.schema.json`
}
