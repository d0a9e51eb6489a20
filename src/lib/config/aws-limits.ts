/**
 * The teams file against AWS's own request constraints (schema/aws-model, see src/lib/aws/model.ts):
 * every value that flows into a request is checked against the member it becomes, so `validate`
 * refuses what AWS would refuse half-way through an apply. Each message names the AWS limit.
 */
import {
  type Shape,
  serviceModel,
  shapeAt,
  shapeNameAt,
  type Violation,
  validateShape,
} from '../aws/model.js'
import { DOMAIN_ID_PATTERN, TEAM_ID_PATTERN } from '../model/names.js'
import { closest } from '../text.js'
import type { Locator, PathSegment, Problem } from './problems.js'
import type { TeamsFile } from './types.js'

/** Where a teams-file value goes: service, operation, and the member path in its input. */
export interface RequestMember {
  service: string
  operation: string
  /** Member names from the operation's input (list items and map values are skipped). */
  members: string[]
}

export const TARGETS = {
  applicationName: { service: 'sso-admin', operation: 'CreateApplication', members: ['Name'] },
  profileName: { service: 'sagemaker', operation: 'CreateUserProfile', members: ['UserProfileName'] },
  userSettings: { service: 'sagemaker', operation: 'CreateUserProfile', members: ['UserSettings'] },
  lfTagKey: { service: 'lakeformation', operation: 'CreateLFTag', members: ['TagKey'] },
  lfTagValue: { service: 'lakeformation', operation: 'CreateLFTag', members: ['TagValues'] },
  grantTagKey: {
    service: 'lakeformation',
    operation: 'BatchGrantPermissions',
    members: ['Entries', 'Resource', 'LFTagPolicy', 'Expression', 'TagKey'],
  },
  grantTagValues: {
    service: 'lakeformation',
    operation: 'BatchGrantPermissions',
    members: ['Entries', 'Resource', 'LFTagPolicy', 'Expression', 'TagValues'],
  },
  accountRoleName: { service: 'iam', operation: 'CreateRole', members: ['RoleName'] },
  domainId: { service: 'sagemaker', operation: 'DescribeDomain', members: ['DomainId'] },
  assumedRoleArn: { service: 'sts', operation: 'AssumeRole', members: ['RoleArn'] },
} satisfies Record<string, RequestMember>

const SERVICE_NAMES: Record<string, string> = {
  'sso-admin': 'IAM Identity Center',
  sagemaker: 'SageMaker',
  lakeformation: 'Lake Formation',
  iam: 'IAM',
  lambda: 'Lambda',
  sts: 'STS',
  glue: 'Glue',
}

/** "Lake Formation BatchGrantPermissions …Expression.TagValues": the AWS limit a message names. */
export function limitName(target: RequestMember): string {
  return `${SERVICE_NAMES[target.service] ?? target.service} ${target.operation} ${target.members.join('.')}`
}

function modelShape(target: RequestMember): { shapeName: string; shape: Shape } {
  const model = serviceModel(target.service)
  const input = model?.operations[target.operation]?.input
  const shapeName = model && input ? shapeNameAt(model, input, target.members) : undefined
  if (!model || !shapeName) throw new Error(`no AWS model for ${limitName(target)}`)
  return { shapeName, shape: model.shapes[shapeName] }
}

/** The limit as a person reads it: "at most 100 characters", "a value matching …", "at most 50 values". */
function describe(shape: Shape, v: Violation): string {
  switch (v.constraint) {
    case 'length': {
      const unit = shape.type === 'list' ? 'values' : shape.type === 'map' ? 'entries' : 'characters'
      return shape.min !== undefined && shape.max !== undefined
        ? `${shape.min} to ${shape.max} ${unit}`
        : shape.max !== undefined
          ? `at most ${shape.max} ${unit}`
          : `at least ${shape.min} ${unit}`
    }
    case 'pattern':
      return `a value matching ${shape.pattern}`
    case 'enum':
      return `one of ${shape.enum!.join(', ')}`
    case 'range':
      return `a number from ${shape.min ?? '-∞'} to ${shape.max ?? '∞'}`
    default:
      return v.rule
  }
}

/** Checks one value against the member it becomes; problems at `at` naming the limit. */
export function checkValue(
  value: unknown,
  target: RequestMember,
  what: string,
  report: (message: string) => void,
): void {
  const model = serviceModel(target.service)!
  const { shapeName, shape } = modelShape(target)
  for (const v of validateShape(model, shapeName, value)) {
    if (v.path.length > 0) continue // items of a list are checked one by one by the caller
    const found =
      v.constraint === 'length'
        ? Array.isArray(value)
          ? `${value.length} values`
          : `${String(value).length} characters`
        : JSON.stringify(value)
    report(`${what} ${found}: ${limitName(target)} takes ${describe(shape, v)}`)
  }
}

export function checkAwsLimits(config: TeamsFile, at: Locator): Problem[] {
  const problems: Problem[] = []
  const problem =
    (segments: PathSegment[], atKey = false) =>
    (message: string) =>
      problems.push(at.problem(segments, message, atKey))

  const declared = config.lakeFormation?.tags
  if (declared && typeof declared === 'object') {
    for (const [key, values] of Object.entries(declared)) {
      checkValue(key, TARGETS.lfTagKey, 'LF-tag key', problem(['lakeFormation', 'tags', key], true))
      if (!Array.isArray(values)) continue
      // More than 50 values is fine: apply creates the tag with 50 and adds the rest 50 at a time.
      values.forEach((v, i) => {
        if (typeof v === 'string')
          checkItem(v, TARGETS.lfTagValue, 'LF-tag value', problem(['lakeFormation', 'tags', key, i]))
      })
    }
  }

  // The ids of accounts:, domains: and identityCenter.roleArn become request members too.
  for (const [name, account] of Object.entries(config.accounts ?? {})) {
    if (!account || typeof account !== 'object') continue
    if (typeof account.role === 'string')
      checkValue(account.role, TARGETS.accountRoleName, 'role name', problem(['accounts', name, 'role']))
  }
  // The schema's pattern reports a malformed id; the model adds SageMaker's length limit (63).
  const domainId = (id: unknown, segments: PathSegment[]) => {
    if (typeof id === 'string' && DOMAIN_ID_PATTERN.test(id))
      checkValue(id, TARGETS.domainId, 'domain id', problem(segments))
  }
  domainId(config.domain?.id, ['domain', 'id'])
  for (const [name, domain] of Object.entries(config.domains ?? {}))
    if (domain && typeof domain === 'object') domainId(domain.id, ['domains', name, 'id'])
  const icRole = config.identityCenter?.roleArn
  if (typeof icRole === 'string')
    checkValue(icRole, TARGETS.assumedRoleArn, 'role ARN', problem(['identityCenter', 'roleArn']))

  const teams = config.teams && typeof config.teams === 'object' ? config.teams : {}
  for (const [id, team] of Object.entries(teams)) {
    const base = ['teams', id]
    // The team id starts every profile name, so it must itself be a valid profile name.
    if (TEAM_ID_PATTERN.test(id))
      checkValue(id, TARGETS.profileName, 'team id', (m) =>
        problem(base, true)(`${m} (it starts every profile name of the team: no "-" at either end)`),
      )
    if (!team || typeof team !== 'object') continue
    if (typeof team.displayName === 'string')
      checkValue(
        team.displayName,
        TARGETS.applicationName,
        'displayName has',
        problem([...base, 'displayName']),
      )

    if (team.userSettings && typeof team.userSettings === 'object' && !Array.isArray(team.userSettings))
      problems.push(...checkUserSettings(team.userSettings, [...base, 'userSettings'], at))

    const grants = Array.isArray(team.lakeFormation) ? team.lakeFormation : []
    grants.forEach((grant, g) => {
      const expression = grant?.expression
      if (!expression || typeof expression !== 'object') return
      for (const [key, values] of Object.entries(expression)) {
        const path = [...base, 'lakeFormation', g, 'expression', key]
        checkValue(key, TARGETS.grantTagKey, 'LF-tag key', problem(path, true))
        if (Array.isArray(values)) checkValue(values, TARGETS.grantTagValues, 'expression has', problem(path))
      }
    })
  }
  return problems
}

/** One item of a list member (the list's own count is the caller's business). */
function checkItem(value: unknown, target: RequestMember, what: string, report: (m: string) => void): void {
  const model = serviceModel(target.service)!
  const list = modelShape(target).shape
  const item = model.shapes[list.member!]
  for (const v of validateShape(model, list.member!, value))
    report(
      `${what} ${v.constraint === 'length' ? `${String(value).length} characters` : JSON.stringify(value)}: ${limitName(target)} takes ${describe(item, v)}`,
    )
}

/** The whole UserSettings shape, deep: unknown keys (with a guess), types, enums, lengths, patterns. */
function checkUserSettings(settings: Record<string, unknown>, base: PathSegment[], at: Locator): Problem[] {
  const model = serviceModel('sagemaker')!
  const { shapeName } = modelShape(TARGETS.userSettings)
  const problems: Problem[] = []
  for (const v of validateShape(model, shapeName, settings, [], { unknownMembers: true })) {
    const segments = [...base, ...v.path]
    const member = v.path.filter((p) => typeof p === 'string').join('.')
    const where = `SageMaker CreateUserProfile UserSettings.${member}`
    if (v.path.length === 1 && v.path[0] === 'ExecutionRole') {
      problems.push(
        at.problem(segments, 'set the role with executionRole, not userSettings.ExecutionRole', true),
      )
      continue
    }
    if (v.constraint === 'unknown') {
      const parent = shapeAt(model, shapeName, v.path.slice(0, -1))
      const known = Object.keys(parent?.members ?? {}).filter(
        (k) => k !== 'ExecutionRole' || v.path.length > 1,
      )
      const key = String(v.path[v.path.length - 1])
      const guess = closest(key, known)
      const parentName = ['UserSettings', ...v.path.slice(0, -1).filter((p) => typeof p === 'string')].join(
        '.',
      )
      problems.push(
        at.problem(
          segments,
          `unknown ${parentName} key "${key}"${guess ? ` (did you mean "${guess}"?)` : ''}`,
          true,
        ),
      )
      continue
    }
    if (v.constraint === 'required') {
      problems.push(
        at.problem(
          segments.slice(0, -1),
          `missing required key "${v.path[v.path.length - 1]}" (${where})`,
          true,
        ),
      )
      continue
    }
    const shape = shapeAt(model, shapeName, v.path)
    const found =
      v.constraint === 'length'
        ? Array.isArray(v.value)
          ? `${v.value.length} values`
          : `${String(v.value).length} characters`
        : JSON.stringify(v.value)
    const expected = shape ? describe(shape, v) : v.rule
    problems.push(at.problem(segments, `${found}: ${where} takes ${expected}`))
  }
  return problems
}
