import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Ajv } from 'ajv'
import { reviewAccess } from '../../src/lib/plan/access-review.js'
import { approvalNeeded } from '../../src/lib/plan/approval.js'
import { renderPlan } from '../../src/lib/plan/render.js'
import { ROOT } from '../helpers/cli.js'
import { assertSnapshot } from '../helpers/snapshot.js'
import { empty, everyKind, narrowingOnly, noAccessChange } from './fixtures.js'

const PLANS = {
  'every-kind': everyKind,
  'narrowing-only': narrowingOnly,
  'no-access-change': noAccessChange,
  empty,
}

describe('plan rendering', () => {
  const validate = new Ajv({ strict: false, allErrors: true }).compile(
    JSON.parse(readFileSync(path.join(ROOT, 'schema', 'plan.schema.json'), 'utf8')),
  )

  for (const [name, make] of Object.entries(PLANS)) {
    it(`${name}: text, Markdown and JSON snapshots; JSON validates against schema/plan.schema.json`, () => {
      const plan = make()
      assertSnapshot(`plan-${name}.txt`, renderPlan(plan, 'text', { color: false }))
      assertSnapshot(`plan-${name}.md`, renderPlan(plan, 'markdown', { color: false }))
      const json = renderPlan(plan, 'json', { color: false })
      assertSnapshot(`plan-${name}.json`, json)
      assert.ok(validate(JSON.parse(json)), JSON.stringify(validate.errors))
    })
  }

  it("text starts every change's summary at one column, whatever its kind's name", () => {
    const text = renderPlan(everyKind(), 'text', { color: false })
    const lines = text.split('\n').filter((l) => /^ {2}[+~\-!×] [a-z-]+ +\S/.test(l))
    const kinds = new Set(lines.map((l) => l.split(/ +/)[2]))
    assert.ok(kinds.has('acs-permission') && kinds.has('role'), [...kinds].join(', '))
    const columns = new Set(lines.map((l) => l.search(/(?<=^ {2}. [a-z-]+ +)\S/)))
    assert.equal(columns.size, 1, lines.join('\n'))
  })

  it('text uses the symbols + ~ - ! × and the summary line', () => {
    const text = renderPlan(everyKind(), 'text', { color: false })
    for (const symbol of ['+ role', '~ role', '- lf-grant', '! console', '× profile'])
      assert.ok(text.includes(symbol), symbol)
    assert.match(text, /Plan: 7 to create, 6 to update, 4 to delete, 1 manual, 1 blocked\./)
    assert.doesNotMatch(text, /\u001b\[/, 'no colour when disabled')
    assert.match(renderPlan(everyKind(), 'text', { color: true }), /\u001b\[/)
  })

  it('Markdown puts the access section first with its counts', () => {
    const md = renderPlan(everyKind(), 'markdown', { color: false })
    assert.ok(md.indexOf('### Access review') < md.indexOf('### Summary'))
    assert.match(md, /\*\*Access widened: 13 · narrowed: 7\*\*/)
    assert.match(md, /<details><summary><b>Team team1<\/b>/)
    assert.match(
      renderPlan(noAccessChange(), 'markdown', { color: false }),
      /### Access review\n\nNo change to who can access what\./,
    )
  })
})

describe('access review', () => {
  const words = (plan: ReturnType<typeof everyKind>) => {
    const r = reviewAccess(plan)
    return { widened: r.widened.map((i) => i.description), narrowed: r.narrowed.map((i) => i.description) }
  }

  it('names each widening in reviewer words', () => {
    const { widened } = words(everyKind())
    const expected = [
      /^role sagemaker-teams-team1 is created with 3 actions/,
      /^role sagemaker-teams-team2 gains 1 action: sagemaker:CreateTrainingJob$/,
      /^role sagemaker-teams-team2 loses the deny of 1 action: sagemaker:DeleteUserProfile$/,
      /^role sagemaker-teams-team2 gains managed policy arn:aws:iam::aws:policy\/AmazonAthenaFullAccess$/,
      /^team2 role gains SELECT on TABLE where domain=investment-banking$/,
      /^team1 role gains CREATE_TABLE on DATABASE where domain=consumer-banking$/,
      /^user2@example\.com can open team1's application in the access portal$/,
      /^group ds-team1 can open team2's application in the access portal$/,
      /^user2@example\.com gains team1 \(role sagemaker-teams-team1\)$/,
    ]
    for (const re of expected)
      assert.ok(
        widened.some((w) => re.test(w)),
        `${re} in ${JSON.stringify(widened, null, 1)}`,
      )
    assert.ok(widened.some((w) => w === 'the ACS no longer restricts presigned URLs by source address'))
    assert.ok(widened.some((w) => w === 'Studio sessions last longer: 3600 s → 43200 s'))
  })

  it('names each narrowing', () => {
    const { narrowed } = words(everyKind())
    for (const n of [
      'role sagemaker-teams-team2 loses managed policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      'team1 role loses ALTER on DATABASE where domain=consumer-banking',
      'team1 role loses SELECT on TABLE where sensitivity=public',
      "user1@example.com can no longer open team1's application",
      `user2@example.com loses team2 (profile team2-906712345a-2b3c4d5e-6f70-4b8c-9d0e-1f2a3b4c5d6e deleted)`,
    ]) {
      assert.ok(narrowed.includes(n), `${n} in ${JSON.stringify(narrowed, null, 1)}`)
    }
    assert.ok(
      !narrowed.some((n) => n.includes('team1-906712345a-1b2c')),
      'a blocked change is not a narrowing',
    )
  })

  it('a semantically equal policy and a rename are no access change', () => {
    assert.deepEqual(reviewAccess(noAccessChange()), { widened: [], narrowed: [] })
  })

  it('approval: broadening asks only when access widens; any-change asks for any change; never never', () => {
    assert.equal(approvalNeeded(everyKind(), 'broadening').needed, true)
    assert.equal(approvalNeeded(narrowingOnly(), 'broadening').needed, false)
    assert.equal(approvalNeeded(narrowingOnly(), 'any-change').needed, true)
    assert.equal(approvalNeeded(empty(), 'any-change').needed, false)
    assert.equal(approvalNeeded(everyKind(), 'never').needed, false)
  })
})
