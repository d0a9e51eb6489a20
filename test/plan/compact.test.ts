/**
 * The plan at 50 teams, as an admin and a reviewer read it: a one-user change is a few lines, not
 * 50 console-step blocks; the Markdown of a first plan fits a GitHub comment with the whole review.
 */
import assert from 'node:assert/strict'
import { MARKDOWN_LIMIT } from '../../src/lib/plan/render.js'
import type { Plan } from '../../src/lib/plan/types.js'
import { useReconcile } from '../helpers/reconcile.js'
import { rewrite, workspace } from '../helpers/workspace.js'

const USERS = [1, 2, 3, 4, 5].map((i) => `user${i}@example.com`)
const team = (t: number) => `team${String(t).padStart(2, '0')}`

/** 50 teams over the demo account's users and groups; team t has one user (and every 5th a group). */
function fiftyTeams(): string {
  return workspace((c) => {
    const example = c.teams.team1
    c.teams = {}
    for (let t = 1; t <= 50; t++)
      c.teams[team(t)] = {
        ...example,
        displayName: `SageMaker Studio Team ${t}`,
        tags: { Team: `Team${t}` },
        members: { users: [USERS[t % 5]], groups: t % 5 === 0 ? ['ds-team1'] : [] },
        saml: { idpMetadata: `metadata/${team(t)}.xml` },
      }
  })
}

describe('plan at 50 teams: compact text, Markdown within a GitHub comment', function () {
  this.timeout(240_000)
  const { cli, applied, plan } = useReconcile()

  it('the Markdown of a first plan is at most 65,536 characters and has every access review item', async () => {
    const file = fiftyTeams()
    const json: Plan = await plan(file)
    const r = await cli(['plan', '-f', file, '--format', 'markdown'])
    assert.equal(r.code, 0, r.stderr)
    const md = r.stdout
    assert.ok(md.length <= MARKDOWN_LIMIT, `${md.length} characters`)
    if (process.env.SHOW_MD) console.log(md)
    const review = json.accessReview!
    assert.ok(review.widened.length >= 150, `${review.widened.length} widened items`)
    assert.match(md, new RegExp(`\\*\\*Access widened: ${review.widened.length} · narrowed: 0\\*\\*`))
    for (const item of review.widened)
      assert.ok(md.includes(item.description.replace(/</g, '&lt;').replace(/>/g, '&gt;')), item.description)
    // At 50 teams nothing needs cutting: every team's changes are listed.
    assert.doesNotMatch(md, /not shown/)
    for (let t = 1; t <= 50; t++)
      assert.match(md, new RegExp(`<summary><b>Team ${team(t)}</b>: \\d+ create, 1 manual`))
  })

  it('a one-user change prints at most 40 lines before the access review, the change itself among them', async () => {
    const file = fiftyTeams()
    await applied(file)
    rewrite(file, (c) => c.teams[team(7)].members!.users!.push('user4@example.com'))
    const r = await cli(['plan', '-f', file])
    assert.equal(r.code, 0, r.stderr)
    const before = r.stdout.slice(0, r.stdout.indexOf('Access review'))
    const lines = before.trimEnd().split('\n')
    assert.ok(lines.length <= 40, `${lines.length} lines:\n${before}`)
    assert.match(
      before,
      /Team team07\n {2}\+ assignment +user user4@example\.com\n {2}\+ profile +team07-\S+ for user4@example\.com/,
    )
    // The pending console steps: one line for every team, naming the command that lists them.
    assert.match(before, /49 teams have no change but console steps pending .*sso checklist/)
    assert.match(r.stdout, /Access review: widened 3 · narrowed 0/)
    // --details: today's full listing, every team's console steps in full.
    const full = await cli(['plan', '-f', file, '--details'])
    assert.equal(full.code, 0, full.stderr)
    assert.equal((full.stdout.match(/ACS URL: /g) ?? []).length, 50)
  })
})
