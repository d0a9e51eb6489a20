/** `doctor`: one line per check with its hint, and the count of failures and warnings; or a Markdown table. */
import type { Check, CheckStatus } from '../doctor.js'
import type { View } from './view.js'

export interface DoctorResult {
  ok: boolean
  checks: Check[]
}

const MARK: Record<CheckStatus, string> = { pass: '✓ pass', warn: '! warn', fail: '✗ fail' }

export const doctorView: View<DoctorResult> = {
  formats: ['text', 'markdown', 'json'],
  async text({ checks }) {
    const { renderChecks } = await import('../doctor.js')
    return renderChecks(checks)
  },
  /** A table for a CI job's summary or an issue: the hint only where the check did not pass. */
  markdown({ checks }) {
    const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>')
    const rows = checks.map(
      (c) =>
        `| ${MARK[c.status]} | ${cell(c.name)} | ${cell(c.detail)} | ${c.hint && c.status !== 'pass' ? cell(c.hint) : ''} |`,
    )
    return `## sagemaker-teams doctor\n\n| | Check | Detail | Hint |\n|---|---|---|---|\n${rows.join('\n')}\n\n${counts(checks)}\n`
  },
}

/** "No failures, 1 warning." as the text ends. */
function counts(checks: Check[]): string {
  const fails = checks.filter((c) => c.status === 'fail').length
  const warns = checks.filter((c) => c.status === 'warn').length
  return `${fails ? `${fails} failed` : 'No failures'}, ${warns} warning${warns === 1 ? '' : 's'}.`
}
