import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT, runCli } from '../helpers/cli.js'
import { useDemoAccount } from '../helpers/emulator.js'

describe('examples/plan-demo.md', function () {
  this.timeout(60_000)
  const account = useDemoAccount()

  // The committed pull-request comment must be what the CLI prints today for the demo's first plan.
  it("is the current Markdown plan of the demo account's first plan", async () => {
    const r = await runCli(['plan', '-f', 'teams.example.yaml', '--format', 'markdown'], {
      env: account().env(),
    })
    assert.equal(r.code, 0, r.stderr)
    // The time and the fingerprint (a hash of the observed state's internal form) may differ.
    const stamp = (md: string) =>
      md.replace(/ · \d{4}-\d\d-\d\dT[\d:.]+Z/g, ' · <time>').replace(/sha256:[0-9a-f]{64}/g, 'sha256:…')
    assert.equal(stamp(r.stdout), stamp(readFileSync(path.join(ROOT, 'examples', 'plan-demo.md'), 'utf8')))
  })
})
