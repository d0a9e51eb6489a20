/**
 * `apply`: what the run did, after the plan it showed and its progress — the changes that failed,
 * need a console step, were skipped or blocked, the result line, each account's result (where
 * there are several), counts per kind and the elapsed time. Errors go to stderr as the run meets them.
 */
import type { ApplyOutcome } from '../engine/apply.js'
import type { ApplyReportFacts, ApplyResult } from '../engine/apply-run.js'
import type { AccountResult } from '../engine/scopes.js'
import type { Plan, PlanAccount } from '../plan/types.js'
import type { View } from './view.js'

/** Actions that apply runs (manual steps and blocked changes are shown, never run). */
const RUNS: string[] = ['create', 'update', 'delete']

export const applyView: View<ApplyResult, ApplyReportFacts> = {
  formats: ['text', 'json'],
  async text(result, facts) {
    const plan = result.plan
    if (facts.ended === 'refused') return 'Nothing applied.\n'
    if (!plan || facts.ended === 'interrupted') return ''
    const [{ onePlace }, { KINDS }] = await Promise.all([
      import('../plan/places.js'),
      import('../plan/types.js'),
    ])
    // One account and domain: the lines need no address (as the rendered plan shows none).
    const single = onePlace(plan)
    const at = (account: string | undefined) => (single ? undefined : account)
    const planFailed = (plan.context.accounts ?? []).filter((a) => a.error)
    const blocked = plan.changes.filter((c) => c.action === 'blocked')
    const out: string[] = []
    const blockedLines = () => {
      for (const c of blocked)
        out.push(
          `BLOCKED ${at(c.account) ? `[${c.account}] ` : ''}${c.kind} ${c.summary}${c.team ? ` [${c.team}]` : ''}: ${c.reason ?? 'blocked'}\n`,
        )
    }
    if (!plan.changes.some((c) => RUNS.includes(c.action))) {
      if (blocked.length > 0) {
        blockedLines()
        out.push(
          `\nApply ${planFailed.length ? 'finished with failures' : 'incomplete'}: nothing to apply, ${blocked.length} blocked${accountsText(planFailed.length, plan)}.\n`,
        )
      } else if (planFailed.length > 0)
        out.push(
          `\nApply finished with failures: nothing to apply${accountsText(planFailed.length, plan)}.\n`,
        )
      out.push(...accountLines(planFailed, []))
      return out.join('')
    }
    const { outcomes, summary, accounts } = result
    const where = (o: ApplyOutcome) => (at(o.account) ? `[${o.account}] ` : '')
    for (const status of ['failed', 'manual', 'skipped'] as const)
      for (const o of outcomes.filter((x) => x.status === status))
        out.push(`${status.toUpperCase().padEnd(7)} ${where(o)}${o.kind} ${o.summary}: ${o.message}\n`)
    blockedLines()
    const failedAccounts = (accounts ?? []).filter(
      (a) => a.status === 'failed' && !planFailed.some((p) => p.name === a.account),
    )
    const failures = summary.failed > 0 || planFailed.length > 0 || failedAccounts.length > 0
    out.push(
      `\nApply ${failures ? 'finished with failures' : summary.blocked > 0 || plan.errors?.length ? 'incomplete' : 'complete'}: ${summary.done} done, ${summary.failed} failed, ${summary.manual} manual, ${summary.skipped} skipped, ${summary.blocked} blocked${accountsText(summary.failedAccounts ?? 0, plan)}.\n`,
    )
    // "Account X: ok" only where there are several places to tell apart.
    if (accounts)
      out.push(...accountLines(planFailed, single ? accounts.filter((a) => a.status !== 'done') : accounts))
    // Counts per kind, the elapsed time and the console steps still pending.
    const byKind = new Map<string, Map<string, number>>()
    for (const o of outcomes) {
      const counts = byKind.get(o.kind) ?? new Map<string, number>()
      counts.set(o.status, (counts.get(o.status) ?? 0) + 1)
      byKind.set(o.kind, counts)
    }
    const kinds = KINDS.filter((k) => byKind.has(k)).map(
      (k) => `${k} ${[...byKind.get(k)!].map(([status, n]) => `${n} ${status}`).join(', ')}`,
    )
    if (kinds.length) out.push(`By kind: ${kinds.join(' · ')}\n`)
    out.push(`Elapsed: ${(facts.elapsedMs / 1000).toFixed(1)} s\n`)
    const pending = plan.changes.filter((c) => c.kind === 'console' && c.action === 'manual').length
    if (pending > 0)
      out.push(
        `${pending} console step${pending === 1 ? '' : 's'} still pending: run \`sagemaker-teams sso checklist\`\n`,
      )
    // The default refresh samples one profile per team; tag changes do not move a profile's
    // LastModifiedTime, so after failed profile updates only a full refresh is sure to see them all.
    if (outcomes.some((o) => o.kind === 'profile' && o.action === 'update' && o.status !== 'done'))
      out.push(
        `Some profile updates did not complete: run apply again with --refresh full to re-read every profile.\n`,
      )
    return out.join('')
  },
}

/** Files with accounts:/domains: — "; 1 of 3 accounts failed" when any did. */
function accountsText(failed: number, plan: Plan): string {
  const n = plan.context.accounts?.length ?? 0
  return failed > 0 ? `; ${failed} of ${n} account${n === 1 ? '' : 's'} failed` : ''
}

/** Each account's result: ok, or why it failed (its error is also on stderr). */
function accountLines(planFailed: PlanAccount[], accounts: AccountResult[]): string[] {
  return [
    ...accounts.filter((x) => x.status === 'done').map((a) => `Account ${a.account}: ok\n`),
    ...planFailed.map((a) => `Account ${a.name} (${a.id}): ${a.error!.message}\n`),
    ...accounts
      .filter((x) => x.status === 'failed' && !planFailed.some((p) => p.name === x.account))
      .map((a) => `Account ${a.account} (${a.accountId}): ${a.error ?? 'changes failed (listed above)'}\n`),
  ]
}
