/** The checks of a teams file that its JSON Schema cannot express. */

import { existsSync, readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import path from 'node:path'
import { acsRoleName, PRESIGN_ROLE_NAME } from '../model/acs-names.js'
import { ABAC_TAG, RESERVED_TAG_PREFIXES, TAG_TEXT, TEAM_ID_PATTERN, teamRoleName } from '../model/names.js'
import { teamWorkspace } from '../model/workspace.js'
import { closest } from '../text.js'
import { checkDataMesh } from './data-mesh.js'
import { certificateFindings, MetadataError, parseIdpMetadata } from './metadata.js'
import type { Locator, Problem } from './problems.js'
import { DEFAULT_ACCOUNT_ROLE, DEFAULT_DOMAIN_NAME, type TeamsFile } from './types.js'

/** Lake Formation permissions valid on an LF-tag policy, by resource type (AWS LF developer guide). */
export const LF_PERMISSIONS: Record<'DATABASE' | 'TABLE', string[]> = {
  DATABASE: ['ALL', 'ALTER', 'CREATE_TABLE', 'DESCRIBE', 'DROP'],
  TABLE: ['ALL', 'ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT', 'SELECT'],
}

const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/
const POLICY_ARN = /^arn:aws(-[a-z]+)*:iam::(aws|\d{12}):policy\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/
/** SageMaker allows 50 tags on a profile; the tool adds four of its own (profile-tags.ts). */
const MAX_TEAM_TAGS = 46

export function checkSemantics(config: TeamsFile, at: Locator, dir: string, now = new Date()): Problem[] {
  const problems: Problem[] = []
  if (!config || typeof config !== 'object') return problems
  const declared = config.lakeFormation?.tags ?? {}

  if (config.acs && typeof config.acs === 'object') {
    const { url, allowedSourceCidrs } = config.acs
    if (typeof url === 'string' && !isHttpsUrl(url)) {
      problems.push(
        at.problem(
          ['acs', 'url'],
          `expected an https:// base URL (or http://localhost…), found ${JSON.stringify(url)}`,
        ),
      )
    }
    ;(Array.isArray(allowedSourceCidrs) ? allowedSourceCidrs : []).forEach((cidr, i) => {
      if (typeof cidr === 'string' && !isCidr(cidr)) {
        problems.push(
          at.problem(
            ['acs', 'allowedSourceCidrs', i],
            `expected an IPv4 or IPv6 CIDR such as 10.0.0.0/16, found ${JSON.stringify(cidr)}`,
          ),
        )
      }
    })
  }

  for (const [key, values] of Object.entries(declared)) {
    if (!Array.isArray(values)) continue
    if (values.length === 0)
      problems.push(at.problem(['lakeFormation', 'tags', key], `LF-tag "${key}" needs at least one value`))
    duplicates(values).forEach((i) =>
      problems.push(
        at.problem(['lakeFormation', 'tags', key, i], `duplicate value ${JSON.stringify(values[i])}`),
      ),
    )
  }

  problems.push(...domainReferences(config, at))
  problems.push(...checkDataMesh(config, at))

  const teams = config.teams && typeof config.teams === 'object' ? config.teams : {}
  if (config.teams && Object.keys(teams).length === 0)
    problems.push(at.problem(['teams'], 'expected at least one team'))
  const displayNames = new Map<string, string>()
  const abacValues = new Map<string, string>()
  const otherRoles = toolRoleNames(config)
  for (const [id, team] of Object.entries(teams)) {
    const base = ['teams', id]
    // A team's role is `sagemaker-teams-<team>`; IAM role names are unique case-insensitively, so a
    // team named like one of the tool's other roles would make apply adopt (and rewrite) that role.
    const taken = otherRoles.get(teamRoleName(id).toLowerCase())
    if (taken) {
      problems.push(
        at.problem(
          base,
          `team id ${JSON.stringify(id)}: its role would be named "${teamRoleName(id)}", which is ${taken}; rename the team`,
          true,
        ),
      )
    }
    if (!TEAM_ID_PATTERN.test(id)) {
      problems.push(
        at.problem(
          base,
          `invalid team id ${JSON.stringify(id)}: expected 1–20 characters of a-z, 0-9 and "-"`,
          true,
        ),
      )
    }
    // movedFrom names the team's former id: one gone from the file, claimed by one team only.
    if (typeof team?.movedFrom === 'string') {
      const from = team.movedFrom
      const claimed = Object.entries(teams).find(([other, t]) => other !== id && t?.movedFrom === from)
      if (Object.hasOwn(teams, from))
        problems.push(
          at.problem(
            [...base, 'movedFrom'],
            `movedFrom ${JSON.stringify(from)} is a team of this file; it must name the team's former id, which the file no longer has`,
          ),
        )
      else if (claimed && claimed[0] < id)
        problems.push(
          at.problem(
            [...base, 'movedFrom'],
            `movedFrom ${JSON.stringify(from)} is also claimed by team ${claimed[0]}; a team moves to one team only`,
          ),
        )
    }
    // The team role's IAM patterns name its profiles as `<team>-*` (profile names are `<team>-<user>`),
    // which would also match every profile of a team `<team>-<more>`.
    const shadowed = Object.keys(teams).find((other) => other !== id && other.startsWith(`${id}-`))
    if (shadowed) {
      problems.push(
        at.problem(
          base,
          `team ids "${id}" and "${shadowed}": the profiles of "${shadowed}" are named "${shadowed}-…", which team "${id}"'s IAM patterns ("${id}-*") would also match; rename one of them`,
          true,
        ),
      )
    }
    if (!team || typeof team !== 'object') continue

    if (typeof team.displayName === 'string') {
      const other = displayNames.get(team.displayName)
      if (other) {
        problems.push(
          at.problem(
            [...base, 'displayName'],
            `display name ${JSON.stringify(team.displayName)} is already used by team ${other}; application names must differ`,
          ),
        )
      }
      displayNames.set(team.displayName, id)
    }

    const role = team.executionRole
    if (role && typeof role === 'object') {
      const create = role.create === true
      if (create && role.arn !== undefined) {
        problems.push(
          at.problem(
            [...base, 'executionRole'],
            'expected exactly one of "create: true" or "arn", found both',
          ),
        )
      } else if (!create && role.arn === undefined) {
        problems.push(
          at.problem(
            [...base, 'executionRole'],
            'expected exactly one of "create: true" or "arn", found neither',
          ),
        )
      }
      if (typeof role.arn === 'string' && !ROLE_ARN.test(role.arn)) {
        problems.push(
          at.problem(
            [...base, 'executionRole', 'arn'],
            `expected an IAM role ARN (arn:aws:iam::123456789012:role/NAME), found ${JSON.stringify(role.arn)}`,
          ),
        )
      }
      // A team's profiles and grants follow its role: naming the role the tool creates for another
      // team of the file would give this team's members that team's access.
      const owner =
        typeof role.arn === 'string'
          ? /:role\/(?:.*\/)?sagemaker-teams-([a-z0-9-]+)$/.exec(role.arn)?.[1]
          : undefined
      if (owner && owner !== id && Object.hasOwn(config.teams ?? {}, owner)) {
        problems.push(
          at.problem(
            [...base, 'executionRole', 'arn'],
            `is team ${owner}'s role (the tool creates sagemaker-teams-${owner}); a team may not use another team's role`,
          ),
        )
      }
      if (role.arn !== undefined && role.managedPolicyArns?.length) {
        problems.push(
          at.problem(
            [...base, 'executionRole', 'managedPolicyArns'],
            'managedPolicyArns apply only to a role the tool creates (create: true); an existing role is never modified',
          ),
        )
      }
      ;(Array.isArray(role.managedPolicyArns) ? role.managedPolicyArns : []).forEach((arn, i) => {
        if (typeof arn === 'string' && !POLICY_ARN.test(arn)) {
          problems.push(
            at.problem(
              [...base, 'executionRole', 'managedPolicyArns', i],
              `expected an IAM policy ARN (arn:aws:iam::aws:policy/NAME), found ${JSON.stringify(arn)}`,
            ),
          )
        }
      })
      if (create && !team.tags?.[ABAC_TAG]) {
        problems.push(
          at.problem(
            [...base, 'tags'],
            `tag "${ABAC_TAG}" is required: the created role's ABAC policies compare it`,
            !team.tags,
          ),
        )
      }
    }

    const tags = team.tags && typeof team.tags === 'object' ? team.tags : {}
    const abac = tags[ABAC_TAG]
    if (typeof abac === 'string') {
      const other = abacValues.get(abac)
      if (other !== undefined) {
        problems.push(
          at.problem(
            [...base, 'tags', ABAC_TAG],
            `teams ${other} and ${id} have the same ${ABAC_TAG} tag ${JSON.stringify(abac)}: every ABAC condition would treat them as one team`,
          ),
        )
      } else abacValues.set(abac, id)
    }
    for (const [key, value] of Object.entries(tags)) {
      if (RESERVED_TAG_PREFIXES.some((p) => key.toLowerCase().startsWith(p))) {
        problems.push(
          at.problem([...base, 'tags', key], `tag key "${key}" is reserved (aws:, sagemaker-teams:)`, true),
        )
      } else if (key.length > 128 || !TAG_TEXT.test(key)) {
        problems.push(
          at.problem(
            [...base, 'tags', key],
            `tag key "${key}": 1 to 128 letters, digits, spaces and _ . : / = + - @ (SageMaker and IAM tag rules)`,
            true,
          ),
        )
      }
      if (typeof value === 'string' && (value.length > 256 || (value !== '' && !TAG_TEXT.test(value)))) {
        problems.push(
          at.problem(
            [...base, 'tags', key],
            `tag value "${value}": up to 256 letters, digits, spaces and _ . : / = + - @ (SageMaker and IAM tag rules)`,
          ),
        )
      }
    }
    if (Object.keys(tags).length > MAX_TEAM_TAGS) {
      problems.push(
        at.problem(
          [...base, 'tags'],
          `expected at most ${MAX_TEAM_TAGS} tags (SageMaker allows 50 per profile, 4 are the tool's), found ${Object.keys(tags).length}`,
        ),
      )
    }

    for (const list of ['users', 'groups'] as const) {
      const names = team.members?.[list]
      if (!Array.isArray(names)) continue
      duplicates(names).forEach((i) =>
        problems.push(
          at.problem([...base, 'members', list, i], `duplicate member ${JSON.stringify(names[i])}`),
        ),
      )
    }

    const metadata = team.saml?.idpMetadata
    if (typeof metadata === 'string') {
      const file = path.resolve(dir, metadata)
      if (existsSync(file)) {
        try {
          const { certificates } = parseIdpMetadata(readFileSync(file, 'utf8'))
          for (const f of certificateFindings(certificates, now)) {
            const p = at.problem([...base, 'saml', 'idpMetadata'], `${metadata}: ${f.message}; ${f.hint}`)
            problems.push(f.severity === 'warning' ? { ...p, severity: 'warning' } : p)
          }
        } catch (err) {
          const reason = err instanceof MetadataError ? err.message : (err as Error).message
          problems.push(
            at.problem(
              [...base, 'saml', 'idpMetadata'],
              `${metadata} is not usable SAML IdP metadata: ${reason}`,
            ),
          )
        }
      }
    }

    const grants = Array.isArray(team.lakeFormation) ? team.lakeFormation : []
    const grantKeys = new Map<string, number>()
    grants.forEach((grant, g) => {
      if (!grant || typeof grant !== 'object') return
      const gpath = [...base, 'lakeFormation', g]
      const expression = grant.expression && typeof grant.expression === 'object' ? grant.expression : {}
      if (Object.keys(expression).length === 0)
        problems.push(at.problem([...gpath, 'expression'], 'expected at least one LF-tag key'))
      for (const [key, values] of Object.entries(expression)) {
        if (!(key in declared)) {
          const guess = closest(key, Object.keys(declared))
          problems.push(
            at.problem(
              [...gpath, 'expression', key],
              `LF-tag "${key}" is not declared under lakeFormation.tags${guess ? ` (did you mean "${guess}"?)` : ''}`,
              true,
            ),
          )
          continue
        }
        if (!Array.isArray(values)) continue
        if (values.length === 0)
          problems.push(at.problem([...gpath, 'expression', key], 'expected at least one value'))
        values.forEach((v, i) => {
          if (!declared[key]?.includes(v)) {
            problems.push(
              at.problem(
                [...gpath, 'expression', key, i],
                `value ${JSON.stringify(v)} is not declared for LF-tag "${key}" (declared: ${declared[key]?.join(', ')})`,
              ),
            )
          }
        })
      }
      const valid = LF_PERMISSIONS[grant.resourceType as 'DATABASE' | 'TABLE']
      if (valid && Array.isArray(grant.permissions)) {
        grant.permissions.forEach((perm, i) => {
          if (!valid.includes(perm)) {
            problems.push(
              at.problem(
                [...gpath, 'permissions', i],
                `${JSON.stringify(perm)} is not a ${grant.resourceType} permission; expected one of ${valid.join(', ')}`,
              ),
            )
          }
        })
        duplicates(grant.permissions).forEach((i) =>
          problems.push(
            at.problem(
              [...gpath, 'permissions', i],
              `duplicate permission ${JSON.stringify(grant.permissions[i])}`,
            ),
          ),
        )
      }
      const key = `${grant.resourceType}|${JSON.stringify(
        Object.entries(expression)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => [k, Array.isArray(v) ? [...v].sort() : v]),
      )}`
      const first = grantKeys.get(key)
      if (first !== undefined) {
        problems.push(
          at.problem(
            gpath,
            `same resource type and expression as grant ${first + 1}; merge their permissions`,
          ),
        )
      } else grantKeys.set(key, g)
    })
  }
  problems.push(...overlappingWorkspaces(config, at))
  return problems
}

/**
 * `accounts:`, `domains:` and each team's `domain:` refer to each other by name: every reference must
 * resolve, an account or a domain appears once, and every team has exactly one domain.
 */
/** The roles the tool uses besides the teams' own, by lower-cased name: what each one is. */
function toolRoleNames(config: TeamsFile): Map<string, string> {
  const roles = new Map<string, string>([
    [DEFAULT_ACCOUNT_ROLE.toLowerCase(), 'the default name of the role the CLI assumes in an account'],
    [PRESIGN_ROLE_NAME.toLowerCase(), "the ACS's presign role"],
  ])
  const functionName =
    config.acs && typeof config.acs.functionName === 'string' ? config.acs.functionName : undefined
  if (functionName) roles.set(acsRoleName(functionName).toLowerCase(), "the ACS function's role")
  const accounts =
    config.accounts && typeof config.accounts === 'object' ? Object.entries(config.accounts) : []
  for (const [name, account] of accounts)
    if (account && typeof account.role === 'string')
      roles.set(account.role.toLowerCase(), `the role the CLI assumes in account ${name}`)
  return roles
}

function domainReferences(config: TeamsFile, at: Locator): Problem[] {
  const problems: Problem[] = []
  const isMap = (v: unknown): v is Record<string, unknown> =>
    Boolean(v) && typeof v === 'object' && !Array.isArray(v)
  const accounts = isMap(config.accounts) ? config.accounts : {}
  const domains = isMap(config.domains) ? config.domains : {}
  if (config.domain === undefined && config.domains === undefined) {
    problems.push(at.problem([], 'missing required key "domain"', true))
    return problems
  }
  if (config.domains !== undefined && Object.keys(domains).length === 0)
    problems.push(at.problem(['domains'], 'expected at least one domain'))

  const accountIds = new Map<string, string>()
  for (const [name, account] of Object.entries(accounts)) {
    if (!isMap(account) || typeof account.id !== 'string') continue
    const other = accountIds.get(account.id)
    if (other !== undefined)
      problems.push(
        at.problem(
          ['accounts', name, 'id'],
          `account ${account.id} is already named "${other}"; name each account once`,
        ),
      )
    else accountIds.set(account.id, name)
  }

  // A domain is one (account, domain id); the file's own domain: and domains without account are the caller's.
  const domainKeys = new Map<string, string>()
  if (config.domain && typeof config.domain.id === 'string')
    domainKeys.set(`caller/${config.domain.id}`, 'domain')
  for (const [name, domain] of Object.entries(domains)) {
    if (!isMap(domain)) continue
    if (name === DEFAULT_DOMAIN_NAME && config.domain !== undefined)
      problems.push(
        at.problem(
          ['domains', name],
          `"${DEFAULT_DOMAIN_NAME}" names the file's own domain: key; choose another name`,
          true,
        ),
      )
    if (typeof domain.account === 'string' && !(domain.account in accounts)) {
      const guess = closest(domain.account, Object.keys(accounts))
      problems.push(
        at.problem(
          ['domains', name, 'account'],
          `account "${domain.account}" is not declared under accounts${guess ? ` (did you mean "${guess}"?)` : ''}`,
        ),
      )
    }
    if (typeof domain.id !== 'string') continue
    const owner =
      typeof domain.account === 'string' ? (accounts[domain.account] as { id?: string })?.id : 'caller'
    const key = `${owner ?? domain.account}/${domain.id}`
    const other = domainKeys.get(key)
    if (other !== undefined)
      problems.push(
        at.problem(
          ['domains', name, 'id'],
          `domain ${domain.id} is already declared as ${other === 'domain' ? "the file's domain:" : `"${other}"`}; declare each domain once`,
        ),
      )
    else domainKeys.set(key, name)
  }

  // acs.account: the account the ACS lives in, one of accounts:.
  const acsAccount = isMap(config.acs) ? (config.acs as { account?: unknown }).account : undefined
  if (typeof acsAccount === 'string' && !(acsAccount in accounts)) {
    const guess = closest(acsAccount, Object.keys(accounts))
    problems.push(
      at.problem(
        ['acs', 'account'],
        `account "${acsAccount}" is not declared under accounts${guess ? ` (did you mean "${guess}"?)` : ''}`,
      ),
    )
  }

  const names = [...(config.domain !== undefined ? [DEFAULT_DOMAIN_NAME] : []), ...Object.keys(domains)]
  const teams = isMap(config.teams) ? config.teams : {}
  for (const [id, team] of Object.entries(teams)) {
    if (!isMap(team)) continue
    if (typeof team.domain === 'string') {
      if (!names.includes(team.domain)) {
        const guess = closest(team.domain, names)
        problems.push(
          at.problem(
            ['teams', id, 'domain'],
            `domain "${team.domain}" is not declared under domains${guess ? ` (did you mean "${guess}"?)` : ''}; declared: ${names.join(', ')}`,
          ),
        )
      }
    } else if (team.domain === undefined && config.domain === undefined && names.length > 1) {
      problems.push(
        at.problem(
          ['teams', id],
          `team ${id} needs a domain: the file declares several (${names.join(', ')}) and no default domain:`,
          true,
        ),
      )
    }
  }
  return problems
}

/** Two teams' workspace prefixes in one bucket must not contain each other: each role reads `<prefix>*`. */
function overlappingWorkspaces(config: TeamsFile, at: Locator): Problem[] {
  const problems: Problem[] = []
  const teams = config.teams && typeof config.teams === 'object' ? config.teams : {}
  const spaces: { team: string; bucket: string; prefix: string }[] = []
  for (const team of Object.keys(teams)) {
    // The region/account default is the same bucket for every team that does not name one.
    const w = teamWorkspace(config, team, { region: '<region>', accountId: '<account>' })
    if (w && typeof w.prefix === 'string' && typeof w.bucket === 'string')
      spaces.push({ team, bucket: w.bucket, prefix: w.prefix })
  }
  for (const a of spaces) {
    const b = spaces.find((x) => x !== a && x.bucket === a.bucket && x.prefix.startsWith(a.prefix))
    if (!b) continue
    const own = config.teams[a.team]?.workspace?.prefix !== undefined
    problems.push(
      at.problem(
        own ? ['teams', a.team, 'workspace', 'prefix'] : ['teams', a.team],
        `workspace prefix "${a.prefix}" of team ${a.team} contains team ${b.team}'s prefix "${b.prefix}" in the same bucket: team ${a.team} could read and write team ${b.team}'s data`,
      ),
    )
  }
  return problems
}

function duplicates(values: unknown[]): number[] {
  const seen = new Set<string>()
  const dups: number[] = []
  values.forEach((v, i) => {
    const k = JSON.stringify(v)
    if (seen.has(k)) dups.push(i)
    seen.add(k)
  })
  return dups
}

function isHttpsUrl(s: string): boolean {
  try {
    const u = new URL(s)
    return (
      u.protocol === 'https:' ||
      (u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname))
    )
  } catch {
    return false
  }
}

function isCidr(s: string): boolean {
  const [address, prefix, extra] = s.split('/')
  if (extra !== undefined || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false
  const family = isIP(address)
  return family !== 0 && Number(prefix) <= (family === 4 ? 32 : 128)
}
