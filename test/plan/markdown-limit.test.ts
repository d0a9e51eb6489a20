/** A Markdown plan over GitHub's comment limit is cut per team, with a note naming the full plan. */
import assert from 'node:assert/strict'
import { MARKDOWN_LIMIT, renderPlan } from '../../src/lib/plan/render.js'
import type { Change, Plan } from '../../src/lib/plan/types.js'
import { everyKind } from './fixtures.js'

function bigPlan(teams: number): Plan {
  const plan = everyKind()
  const template = plan.changes.filter((c) => c.team === 'team1')
  const changes: Change[] = plan.changes.filter((c) => !c.team)
  for (let i = 0; i < teams; i++) {
    const team = `t${String(i).padStart(3, '0')}`
    for (const c of template)
      changes.push({
        ...c,
        team,
        key: c.key.replace('team1', team),
        summary: `${c.summary} ${'x'.repeat(40)}`,
      })
  }
  return { ...plan, changes }
}

describe('Markdown plan size', () => {
  it('a small plan is complete', () => {
    const md = renderPlan(everyKind(), 'markdown', { color: false })
    assert.doesNotMatch(md, /not shown/)
  })

  it(`over ${MARKDOWN_LIMIT} characters, whole teams are cut with a note and the plan still ends with its footer`, () => {
    const plan = bigPlan(300)
    const full = renderPlan(plan, 'markdown', { color: false, markdownLimit: Number.POSITIVE_INFINITY })
    assert.ok(full.length > MARKDOWN_LIMIT, `fixture too small: ${full.length}`)
    const md = renderPlan(plan, 'markdown', { color: false, fullPlan: 'plan.json' })
    assert.ok(md.length <= MARKDOWN_LIMIT, `${md.length} characters`)
    assert.match(
      md,
      /- \*\*Team t\d{3}\*\*: .* — not shown: this comment would exceed 65,536 characters; the full plan is in `plan\.json`\./,
    )
    assert.match(md, /<summary><b>Team t\d{3}<\/b>/, 'some teams are still shown')
    assert.match(md, /### Access review/)
    assert.match(md, /<sub>planVersion 2 · fingerprint/)
    const withoutOut = renderPlan(plan, 'markdown', { color: false })
    assert.match(withoutOut, /run `plan --out plan\.json` for the full plan/)
  })
})
