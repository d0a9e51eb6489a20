/**
 * Saved plans (`plan --out`, `apply --plan`, `show`). A saved plan is exactly what runs: apply
 * recomputes the plan and goes on only when the recomputed changes equal the saved ones, compared
 * change by change in canonical form (key order does not matter, anything else does, the order of
 * the list included); the fingerprint is only the fast first check. Summaries and the access review
 * are always recomputed from the changes, never read from the file.
 */
import { readFile } from 'node:fs/promises'
import { stableStringify } from '../canonical.js'
import { UserError } from '../errors.js'
import { reviewAccess } from './access-review.js'
import { jsonDiff } from './json-diff.js'
import { type Action, type Change, KINDS, type Kind, PLAN_VERSION, type Plan } from './types.js'

export async function readPlanFile(file: string): Promise<Plan> {
  let plan: Plan
  try {
    plan = JSON.parse(await readFile(file, 'utf8')) as Plan
  } catch (err) {
    throw new UserError(`${file}: not a readable JSON plan (${(err as Error).message})`)
  }
  // Version 1 plans carry no addresses: what they list cannot be compared with a plan of today.
  if (typeof plan?.planVersion === 'number' && plan.planVersion < PLAN_VERSION)
    throw new UserError(
      `${file}: made by an older sagemaker-teams (planVersion ${plan.planVersion}, this one writes ${PLAN_VERSION}); run plan again`,
      1,
      'Run `sagemaker-teams plan --out <file>` with this version and review the new plan.',
    )
  if (
    plan?.planVersion !== PLAN_VERSION ||
    !Array.isArray(plan.changes) ||
    typeof plan.fingerprint !== 'string' ||
    !plan.context ||
    !plan.options
  ) {
    throw new UserError(`${file}: not a sagemaker-teams plan (planVersion ${PLAN_VERSION} expected)`)
  }
  // A kind this version does not plan: a plan of another version with the same planVersion (the ACS
  // was one kind `acs` before it became its parts) cannot be shown, compared or applied.
  const unknown = [
    ...new Set(plan.changes.map((c) => c?.kind).filter((k) => !(KINDS as readonly unknown[]).includes(k))),
  ]
  if (unknown.length > 0)
    throw new UserError(
      `${file}: made by another version of sagemaker-teams: this one plans no kind ${unknown.map((k) => JSON.stringify(k)).join(', ')}${unknown.includes('acs' as Kind) ? ` (the ACS is planned as its parts: ${KINDS.filter((k) => k.startsWith('acs-')).join(', ')})` : ''}; run plan again`,
      1,
      'Run `sagemaker-teams plan --out <file>` with this version and review the new plan.',
    )
  return withDerivedFields(plan)
}

/** The plan with its summary and access review computed from its changes (what a file says is ignored). */
export function withDerivedFields(plan: Plan): Plan {
  const summary: Record<Action, number> = { create: 0, update: 0, delete: 0, manual: 0, blocked: 0 }
  for (const c of plan.changes) if (c.action in summary) summary[c.action]++
  return { ...plan, warnings: plan.warnings ?? [], summary, accessReview: reviewAccess(plan) }
}

/** A change's identity: its address (account and domain: keys repeat across accounts), kind and key. */
const id = (c: Pick<Change, 'kind' | 'key' | 'account' | 'domain'>) =>
  `${c.account !== undefined ? `${c.account}${c.domain !== undefined ? `/${c.domain}` : ''}: ` : ''}${c.kind} ${c.key}`
const canonical = (c: Change) => stableStringify(c)

/**
 * What differs between the saved changes and the recomputed ones, as short lines (empty: equal).
 * At most `limit` lines, then a count of the rest.
 */
export function diffChanges(saved: Change[], fresh: Change[], limit = 12): string[] {
  const lines: string[] = []
  const savedById = new Map(saved.map((c) => [id(c), c]))
  const freshById = new Map(fresh.map((c) => [id(c), c]))
  for (const c of saved)
    if (!freshById.has(id(c))) lines.push(`+ only in the saved plan: ${c.action} ${id(c)}`)
  for (const c of fresh)
    if (!savedById.has(id(c))) lines.push(`- missing from the saved plan: ${c.action} ${id(c)}`)
  for (const c of saved) {
    const f = freshById.get(id(c))
    if (!f || canonical(f) === canonical(c)) continue
    const paths = jsonDiff(f, c).map((l) =>
      l.replace(/^([-+]) /, (_, s) => (s === '-' ? '  now:   ' : '  saved: ')),
    )
    lines.push(`~ ${id(c)} differs:`, ...paths.slice(0, 4), ...(paths.length > 4 ? ['  …'] : []))
  }
  if (lines.length === 0 && saved.length !== fresh.length)
    lines.push(`the saved plan lists ${saved.length} changes, the account needs ${fresh.length}`)
  if (lines.length === 0 && saved.some((c, i) => canonical(c) !== canonical(fresh[i])))
    lines.push('the saved plan lists the same changes in another order (plan writes them in apply order)')
  return lines.length > limit ? [...lines.slice(0, limit), `… and ${lines.length - limit} more`] : lines
}

/**
 * Refuses (UserError) unless the recomputed plan has exactly the saved plan's changes; nothing has
 * been applied when it throws.
 */
export function assertSamePlan(file: string, saved: Plan, fresh: Plan): void {
  const diff = [
    ...(['accountId', 'region', 'domainId', 'instanceArn'] as const)
      .filter((k) => saved.context[k] !== fresh.context[k])
      .map((k) => `the saved plan is for ${k} ${saved.context[k]}, this is ${fresh.context[k]}`),
    ...diffAccounts(saved, fresh),
    ...diffChanges(saved.changes, fresh.changes),
  ]
  if (saved.fingerprint === fresh.fingerprint && diff.length === 0) return
  const why =
    diff.length === 0
      ? `its fingerprint ${saved.fingerprint.slice(0, 19)}… is now ${fresh.fingerprint.slice(0, 19)}…`
      : diff.join('\n')
  throw new UserError(
    `${file} is not what apply would do now (the account or the teams file changed since, or the file was edited); nothing was applied:\n${why}`,
    1,
    'Run plan again and review the new plan.',
  )
}

/** Each account as the plan names it: its id, role and domains. */
const accountsOf = (plan: Plan) =>
  new Map(
    (plan.context.accounts ?? []).map((a) => [
      a.name,
      `${a.id} ${a.roleArn ?? 'own credentials'}; domains ${a.domains.map((d) => `${d.name}=${d.id}`).join(', ')}`,
    ]),
  )

/** The accounts (and their domains) the saved plan was made for, against those of this run. */
function diffAccounts(saved: Plan, fresh: Plan): string[] {
  const before = accountsOf(saved)
  const now = accountsOf(fresh)
  const lines: string[] = []
  for (const [name, what] of before)
    if (!now.has(name)) lines.push(`the saved plan has account ${name} (${what}), this file does not`)
    else if (now.get(name) !== what)
      lines.push(`account ${name}: the saved plan is for ${what}, this is ${now.get(name)}`)
  for (const [name, what] of now)
    if (!before.has(name)) lines.push(`this file has account ${name} (${what}), the saved plan does not`)
  return lines
}
