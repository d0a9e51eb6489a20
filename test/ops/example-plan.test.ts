import assert from 'node:assert/strict'
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ROOT } from '../helpers/cli.js'
import { useDemoAccount } from '../helpers/emulator.js'
import { runInProcess } from '../helpers/in-process.js'
import { rewrite } from '../helpers/workspace.js'

const DEMO = path.join(ROOT, 'examples', 'plan-demo.md')
/** Between the two plans of the demo comment. */
const SECOND_PLAN =
  '\n---\n\n_The same file after `user2@example.com` left team2 (and the first plan was applied): the assignment is revoked without any flag, the profile is kept until `--prune`._\n\n'

describe('examples/plan-demo.md', function () {
  this.timeout(120_000)
  const account = useDemoAccount()

  // The committed pull-request comment must be what the CLI prints today: the demo's first plan,
  // then the plan after a member left a team (revoked by default, data kept).
  it("is the current Markdown plan of the demo account's first plan, then of a member leaving", async () => {
    const env = account().env()
    const dir = mkdtempSync(path.join(tmpdir(), 'smt-demo-'))
    copyFileSync(path.join(ROOT, 'teams.example.yaml'), path.join(dir, 'teams.example.yaml'))
    const md = async () => {
      const r = await runInProcess(['plan', '-f', 'teams.example.yaml', '--format', 'markdown'], {
        env,
        cwd: dir,
      })
      assert.equal(r.code, 0, r.stderr)
      return r.stdout
    }
    const first = await md()
    assert.equal(
      (await runInProcess(['apply', '-f', 'teams.example.yaml', '--yes'], { env, cwd: dir })).code,
      0,
    )
    rewrite(path.join(dir, 'teams.example.yaml'), (c) => {
      c.teams.team2.members = { users: ['user1@example.com'] }
    })
    const actual = first + SECOND_PLAN + (await md())
    if (process.env.UPDATE_PLAN_DEMO) writeFileSync(DEMO, actual)
    // The time, the fingerprint and the ACS's function URL (a hash of the observed state's internal form) may differ.
    const stamp = (text: string) =>
      text
        .replace(/ · \d{4}-\d\d-\d\dT[\d:.]+Z/g, ' · <time>')
        .replace(/sha256:[0-9a-f]{64}/g, 'sha256:…')
        .replace(/https:\/\/[0-9a-f]+\.lambda-url/g, 'https://<id>.lambda-url')
        .replace(/"[A-Za-z0-9+/]{43}="/g, '"<sha>"')
        .replace(/"[0-9a-f]{64}"/g, '"<sha>"')
    assert.equal(stamp(actual), stamp(readFileSync(DEMO, 'utf8')))
  })
})
