/** Renders a Plan as text (terminal), JSON (CI) or Markdown (a pull-request comment). */
import pc from 'picocolors'
import { KIND_DEFINITIONS } from '../kinds/registry.js'
import { hasChanges } from './changes.js'
import { onePlace, shownPlan } from './places.js'
import { type AccessReview, type Action, type Change, KINDS, type Kind, type Plan } from './types.js'

/** The kind column's width: the longest kind name, so every change line's summary starts at one column. */
const KIND_COLUMN = Math.max(...KINDS.map((k) => k.length))

export type PlanFormat = 'text' | 'json' | 'markdown'

export const SYMBOLS: Record<Action, string> = {
  create: '+',
  update: '~',
  delete: '-',
  manual: '!',
  blocked: '×',
}
const WORDS: Record<Action, string> = {
  create: 'create',
  update: 'update',
  delete: 'delete',
  manual: 'manual',
  blocked: 'blocked',
}
const ACCOUNT_WIDE = '(account)'

/** GitHub refuses a comment body over 65,536 characters. */
export const MARKDOWN_LIMIT = 65_536

export interface RenderOptions {
  color: boolean
  /**
   * Every change's detail lines and each team's console steps in full (`--details`). By default a
   * team whose only change is a pending console step is not listed (one line names them all), and a
   * pending console step is one line naming `sso checklist`: the plan stays readable at 50 teams.
   */
  details?: boolean
  markdownLimit?: number
  /** Where the full plan is (plan --out), named when the Markdown must cut detail. */
  fullPlan?: string
}

export function renderPlan(given: Plan, format: PlanFormat, opts: RenderOptions): string {
  if (format === 'json') return `${JSON.stringify(given, null, 2)}\n`
  // Text and Markdown name accounts and domains only when the plan has several to tell apart.
  const plan = shownPlan(given)
  if (format === 'markdown')
    return renderMarkdown(plan, opts.markdownLimit ?? MARKDOWN_LIMIT, opts.fullPlan, opts.details ?? false)
  return renderText(plan, opts.color, opts.details ?? false)
}

/** The command a pending console step points to. */
const CHECKLIST = 'sagemaker-teams sso checklist'

/** A team's pending console steps (manual: no API sets them). */
const isConsoleStep = (c: Change) => c.kind === 'console' && c.action === 'manual'

/** The compact line of a pending console step: what, and the command that lists the steps. */
function consoleStepLine(c: Change): string {
  const app = (c as Change<'console'>).after?.applicationName
  return `${app ? `SAML settings of "${app}"` : c.summary} pending: see \`${CHECKLIST}${c.team ? ` --team ${c.team}` : ''}\``
}

/**
 * The groups to list in the compact layout and the teams left out: those whose only changes are
 * pending console steps (no change to apply), named on one line instead.
 */
function compactGroups(plan: Plan): { shown: [string, Change[]][]; consoleOnly: string[] } {
  const shown: [string, Change[]][] = []
  const consoleOnly: string[] = []
  for (const [group, changes] of groups(plan)) {
    if (changes.every(isConsoleStep)) consoleOnly.push(...new Set(changes.map((c) => c.team ?? group)))
    else shown.push([group, changes])
  }
  return { shown, consoleOnly }
}

/** One line for the teams whose only change is a pending console step; undefined when none. */
export function consoleOnlyLine(teams: string[]): string | undefined {
  if (teams.length === 0) return undefined
  const names =
    teams.length <= 8 ? teams.join(', ') : `${teams.slice(0, 6).join(', ')} and ${teams.length - 6} more`
  return `${teams.length} ${teams.length === 1 ? 'team has' : 'teams have'} no change but console steps pending (${names}): see \`${CHECKLIST}\``
}

/**
 * Changes by team (account-wide first). A plan of several accounts groups by account, then domain,
 * then team, and each group's title names them: "Account prod (333333333333) · domain prod-a · team team2".
 */
function groups(plan: Plan): Map<string, Change[]> {
  const accounts = plan.context.accounts
  if (onePlace(plan)) {
    const out = new Map<string, Change[]>()
    for (const c of plan.changes) {
      const g = c.team ?? ACCOUNT_WIDE
      out.set(g, [...(out.get(g) ?? []), c])
    }
    return new Map(
      [...out]
        .sort(([a], [b]) => (a === ACCOUNT_WIDE ? -1 : b === ACCOUNT_WIDE ? 1 : a.localeCompare(b)))
        .map(([g, changes]) => [g === ACCOUNT_WIDE ? 'Account-wide' : `Team ${g}`, changes]),
    )
  }
  const accountOrder = ['identity-center', ...accounts.map((a) => a.name)]
  const domainOrder = accounts.flatMap((a) => a.domains.map((d) => d.name))
  const rank = (c: Change) => [
    accountOrder.indexOf(c.account ?? ''),
    c.domain === undefined ? -1 : domainOrder.indexOf(c.domain),
  ]
  const sorted = [...plan.changes].sort((a, b) => {
    const [x, y] = [rank(a), rank(b)]
    return x[0] - y[0] || x[1] - y[1] || (a.team ?? '').localeCompare(b.team ?? '')
  })
  const out = new Map<string, Change[]>()
  for (const c of sorted) {
    const account = accounts.find((a) => a.name === c.account)
    const domain = account?.domains.find((d) => d.name === c.domain)
    const title = [
      c.account === 'identity-center' || !account
        ? `Identity Center account${account?.id ? ` (${account.id})` : ''}`
        : `Account ${account.name} (${account.id})`,
      ...(domain ? [`domain ${domain.name} (${domain.id})`] : []),
      c.team ? `team ${c.team}` : 'account-wide',
    ].join(' · ')
    out.set(title, [...(out.get(title) ?? []), c])
  }
  return out
}

/** The header line of a plan limited with --team; undefined for a whole plan. */
export function scopeNote(plan: Plan): string | undefined {
  const teams = plan.options.teams
  if (!teams?.length) return undefined
  return `Scoped to ${teams.length === 1 ? 'team' : 'teams'} ${teams.join(', ')} (--team): other teams' changes are not planned; LF-tags and the ACS only as these teams need them.`
}

export function summaryLine(plan: Plan): string {
  const s = plan.summary
  const kept = plan.kept?.length ?? 0
  const keptText = kept ? ` ${kept} kept (access revoked; data stays until --prune).` : ''
  if (!hasChanges(plan) && plan.notYetVisible) {
    // Never "No changes" while part of the account's history is not visible yet.
    return `Nothing to change in what CloudTrail has delivered so far; ${plan.notYetVisible}.${keptText}`
  }
  // "Matches" only about what was read: an account that could not be read is named instead.
  const unread = (plan.context.accounts ?? []).filter((a) => a.error)
  if (!hasChanges(plan) && unread.length > 0)
    return `No changes in what could be read; not read: ${unread.map((a) => `account ${a.name}${a.id ? ` (${a.id})` : ''}`).join(', ')} (see the error below).${keptText}`
  // Nor while a team is held back by an error (a member the identity store does not have).
  const erred = [...new Set((plan.errors ?? []).map((e) => e.team ?? ''))]
  if (!hasChanges(plan) && erred.length > 0)
    return `No changes for the other teams; in error: ${erred.map((t) => (t ? `team ${t}` : 'the plan')).join(', ')} (see the error below).${keptText}`
  if (!hasChanges(plan)) {
    const manual = s.manual
      ? ` ${s.manual} manual step${s.manual === 1 ? '' : 's'} pending (see \`sagemaker-teams sso checklist\`).`
      : ''
    // "The account matches" only when nothing is kept either (a kept profile is not a match), and
    // only about what was read: the default refresh names the profiles it did not read in full.
    const unreadProfiles = plan.unreadProfiles
    const notRead = unreadProfiles
      ? ` Not read: ${unreadProfiles.count} of ${unreadProfiles.of} user profiles' tags and settings (the default refresh reads two per team; \`--refresh full\` or \`--refresh events\` reads every one).`
      : ''
    if (kept) return `No changes to apply.${keptText}${notRead}${manual}`
    if (unreadProfiles) return `No changes.${notRead}${manual}`
    return `No changes. The account matches ${plan.context.configFile}${plan.options.teams?.length ? ` for ${plan.options.teams.join(', ')}` : ''}.${manual}`
  }
  return `Plan: ${s.create} to create, ${s.update} to update, ${s.delete} to delete, ${s.manual} manual, ${s.blocked} blocked.${keptText}`
}

/** "Kept" lines: what holds data and stays although the file no longer calls for it. */
export function keptLines(plan: Plan): string[] {
  return (plan.kept ?? []).map(
    (k) =>
      `${k.kind} ${k.summary}${k.team ? ` [${k.team}]` : ''}${k.account ? ` in ${k.domain ? `domain ${k.domain} of ` : ''}account ${k.account}` : ''} — ${k.reason}`,
  )
}

/** Extra lines under a change: why, and what exactly differs (its kind's details). */
export function details(c: Change): string[] {
  return [...(c.reason ? [c.reason] : []), ...(KIND_DEFINITIONS[c.kind]?.details(c as never) ?? [])]
}

function renderText(plan: Plan, color: boolean, full: boolean): string {
  const p = pc.createColors(color)
  const paint: Record<Action, (s: string) => string> = {
    create: p.green,
    update: p.yellow,
    delete: p.red,
    manual: p.cyan,
    blocked: p.magenta,
  }
  const out: string[] = []
  out.push(
    p.bold(
      onePlace(plan)
        ? `sagemaker-teams plan: domain ${plan.context.domainId}, account ${plan.context.accountId}, ${plan.context.region}`
        : `sagemaker-teams plan: ${plan.context.accounts.length} account${plan.context.accounts.length === 1 ? '' : 's'}, ${plan.context.region}`,
    ),
    ...accountLines(plan).map((l) => (l.startsWith('FAILED') ? p.red(`  ${l}`) : `  ${l}`)),
    ...(scopeNote(plan) ? [p.yellow(scopeNote(plan)!)] : []),
    '',
  )
  const { shown, consoleOnly } = full ? { shown: [...groups(plan)], consoleOnly: [] } : compactGroups(plan)
  for (const [group, changes] of shown) {
    out.push(p.bold(group))
    for (const c of changes) {
      const compactStep = !full && isConsoleStep(c)
      const text = compactStep ? consoleStepLine(c) : c.summary
      out.push(`  ${paint[c.action](`${SYMBOLS[c.action]} ${c.kind.padEnd(KIND_COLUMN)} ${text}`)}`)
      if (!compactStep) for (const line of details(c)) out.push(p.dim(`      ${line}`))
    }
    out.push('')
  }
  const onlySteps = consoleOnlyLine(consoleOnly)
  if (onlySteps) out.push(paint.manual(onlySteps), '')
  const kept = keptLines(plan)
  if (kept.length > 0) {
    out.push(
      p.bold(`Kept (${kept.length}): no longer called for by the file, access revoked; --prune deletes`),
    )
    for (const line of kept) out.push(`  = ${line}`)
    out.push('')
  }
  out.push(p.bold(summaryLine(plan)))
  out.push('', ...accessText(plan.accessReview, p))
  if (plan.warnings.length > 0) {
    out.push('', p.yellow('Warnings:'))
    for (const w of plan.warnings) out.push(p.yellow(`  ! ${w}`))
  }
  return `${out.join('\n')}\n`
}

/** A plan of several places: one line per account (its role and domains, or why it failed). */
export function accountLines(plan: Plan): string[] {
  if (onePlace(plan)) return []
  return plan.context.accounts.map((a) =>
    a.error
      ? `FAILED account ${a.name} (${a.id}): ${a.error.message}${a.error.hint ? ` Hint: ${a.error.hint}` : ''}`
      : `account ${a.name} (${a.id})${a.roleArn ? ` as ${a.roleArn}` : ''}: ${a.domains.map((d) => `domain ${d.name} (${d.id})`).join(', ') || 'no domains'}`,
  )
}

/** The review's team column: in a plan of several accounts, "team2 @ prod". */
const reviewTeam = (i: { team?: string; account?: string }) =>
  `${i.team ?? ''}${i.account ? ` @ ${i.account}` : ''}`

function accessText(review: AccessReview | undefined, p: ReturnType<typeof pc.createColors>): string[] {
  const moves = (review?.moves ?? []).map((m) => `  moves    ${m}`)
  if (!review || (review.widened.length === 0 && review.narrowed.length === 0))
    return moves.length
      ? [p.bold('Access review: team moves'), ...moves]
      : ['Access review: no change to who can access what.']
  const rows = [
    ...review.widened.map((i) => ({ dir: 'widens', team: reviewTeam(i), text: i.description })),
    ...review.narrowed.map((i) => ({ dir: 'narrows', team: reviewTeam(i), text: i.description })),
  ]
  const w = { dir: 7, team: Math.max(4, ...rows.map((r) => r.team.length)) }
  const lines = [
    p.bold(`Access review: widened ${review.widened.length} · narrowed ${review.narrowed.length}`),
  ]
  lines.push(`  ${'access'.padEnd(w.dir)}  ${'team'.padEnd(w.team)}  change`)
  for (const r of rows) {
    const paint = r.dir === 'widens' ? p.red : p.green
    lines.push(`  ${paint(r.dir.padEnd(w.dir))}  ${r.team.padEnd(w.team)}  ${r.text}`)
  }
  return [...lines, ...moves]
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/**
 * A pull-request comment. Over `limit` characters, whole team sections (the largest first) become
 * one line each saying what was cut and where the full plan is, so the comment still posts.
 */
/**
 * The first line of a Markdown plan: hidden when rendered, it lets CI find its own earlier comment
 * for this teams file and update it instead of adding one per push.
 */
export function markdownMarker(plan: Plan): string {
  return `<!-- sagemaker-teams plan ${plan.context.configFile.replace(/-{2,}/g, '-')} -->`
}

function renderMarkdown(plan: Plan, limit: number, fullPlan: string | undefined, full: boolean): string {
  const head: string[] = [markdownMarker(plan), '## sagemaker-teams plan', '']
  const out = head
  out.push(
    onePlace(plan)
      ? `Domain \`${plan.context.domainId}\` · account \`${plan.context.accountId}\` · \`${plan.context.region}\` · file \`${plan.context.configFile}\``
      : `${plan.context.accounts.length} accounts · \`${plan.context.region}\` · file \`${plan.context.configFile}\``,
    '',
    ...accountLines(plan).flatMap((l) => [`- ${mdEscape(l)}`]),
    ...(onePlace(plan) ? [] : ['']),
    ...(scopeNote(plan) ? [`> ${scopeNote(plan)}`, ''] : []),
  )
  const review = plan.accessReview ?? { widened: [], narrowed: [] }
  out.push('### Access review', '')
  for (const m of review.moves ?? []) out.push(`- ↔️ ${mdEscape(m)}`)
  if (review.moves?.length) out.push('')
  if (review.widened.length === 0 && review.narrowed.length === 0) {
    if (!review.moves?.length) out.push('No change to who can access what.', '')
  } else {
    out.push(`**Access widened: ${review.widened.length} · narrowed: ${review.narrowed.length}**`, '')
    out.push('| | Team | Change |', '|---|---|---|')
    for (const i of review.widened)
      out.push(`| ⬆️ widens | ${mdEscape(reviewTeam(i))} | ${mdEscape(i.description)} |`)
    for (const i of review.narrowed)
      out.push(`| ⬇️ narrows | ${mdEscape(reviewTeam(i))} | ${mdEscape(i.description)} |`)
    out.push('')
  }
  out.push('### Summary', '', `**${summaryLine(plan)}**`, '')
  const kinds = [...new Set(plan.changes.map((c) => c.kind))] as Kind[]
  if (kinds.length > 0) {
    out.push('| Kind | Create | Update | Delete | Manual | Blocked |', '|---|---:|---:|---:|---:|---:|')
    for (const k of kinds) {
      const n = (a: Action) => plan.changes.filter((c) => c.kind === k && c.action === a).length
      out.push(
        `| ${k} | ${n('create')} | ${n('update')} | ${n('delete')} | ${n('manual')} | ${n('blocked')} |`,
      )
    }
    out.push('')
  }
  /** A team's section: its changes, with (`lines`) and without (`brief`) their detail blocks. */
  const sections: { title: string; counts: string; lines: string[]; brief: string[] }[] = []
  const { shown: listed, consoleOnly } = full
    ? { shown: [...groups(plan)], consoleOnly: [] }
    : compactGroups(plan)
  for (const [group, changes] of listed) {
    const counts = (['create', 'update', 'delete', 'manual', 'blocked'] as Action[])
      .map((a) => [a, changes.filter((c) => c.action === a).length] as const)
      .filter(([, n]) => n > 0)
      .map(([a, n]) => `${n} ${WORDS[a]}`)
      .join(', ')
    const title = group
    const open = [`<details><summary><b>${title}</b>: ${counts}</summary>`, '']
    const lines = [...open]
    const brief = [...open]
    for (const c of changes) {
      const compactStep = !full && isConsoleStep(c)
      const line = `- \`${SYMBOLS[c.action]}\` **${c.kind}** ${mdEscape(compactStep ? consoleStepLine(c) : c.summary)}`
      lines.push(line)
      brief.push(line)
      const extra = compactStep ? [] : details(c)
      if (extra.length > 0) lines.push('', '  ```diff', ...extra.map((l) => `  ${l}`), '  ```', '')
    }
    lines.push('', '</details>', '')
    brief.push('', '</details>', '')
    sections.push({ title, counts, lines, brief })
  }
  const onlySteps = consoleOnlyLine(consoleOnly)
  if (onlySteps)
    sections.push({ title: '', counts: '', lines: [`- ${onlySteps}`, ''], brief: [`- ${onlySteps}`, ''] })
  const tail: string[] = []
  const kept = keptLines(plan)
  if (kept.length > 0) {
    tail.push(
      `### Kept (${kept.length})`,
      '',
      'No longer called for by the file; access revoked; `--prune` deletes them.',
      '',
    )
    for (const line of kept) tail.push(`- ${mdEscape(line)}`)
    tail.push('')
  }
  if (plan.warnings.length > 0) {
    tail.push('### Warnings', '')
    for (const w of plan.warnings) tail.push(`- ⚠️ ${mdEscape(w)}`)
    tail.push('')
  }
  tail.push(
    `<sub>planVersion ${plan.planVersion} · fingerprint \`${plan.fingerprint}\` · ${plan.generatedAt}</sub>`,
    '',
  )
  const where = fullPlan
    ? `the full plan is in \`${fullPlan}\``
    : 'run `plan --out plan.json` for the full plan'
  const over = `this comment would exceed ${limit.toLocaleString('en-US')} characters; ${where}`
  const shown = sections.map((s) => s.lines)
  const size = () => [...head, ...shown.flat(), ...tail].join('\n').length
  const bySize = (lines: (i: number) => string[]) =>
    [...sections.keys()].sort((a, b) => lines(b).join('\n').length - lines(a).join('\n').length)
  // Over the limit: first each team's detail blocks (the largest first), then whole teams, one
  // line each, then those lines as one. The access review is never cut.
  const detailNote = [`> Details of some changes are not shown: ${over}.`, '']
  let noted = false
  for (const i of bySize((i) => sections[i].lines)) {
    if (size() <= limit) break
    if (sections[i].brief.length === sections[i].lines.length) continue
    if (!noted) tail.unshift(...detailNote)
    noted = true
    shown[i] = sections[i].brief
  }
  const cutTeams: number[] = []
  for (const i of bySize((i) => shown[i])) {
    if (size() <= limit) break
    if (!sections[i].title) continue
    cutTeams.push(i)
    shown[i] = [`- **${sections[i].title}**: ${sections[i].counts} — not shown: ${over}.`, '']
  }
  if (size() > limit && cutTeams.length > 1) {
    for (const i of cutTeams) shown[i] = []
    shown[cutTeams[0]] = [`- ${cutTeams.length} teams' changes are not shown: ${over}.`, '']
  }
  return [...head, ...shown.flat(), ...tail].join('\n')
}
