import assert from 'node:assert/strict'
import path from 'node:path'
import { type Emulator, startEmulator } from '../../tools/emulator/index.js'
import { ROOT } from '../helpers/cli.js'
import { runInProcess } from '../helpers/in-process.js'

describe('--verbose and --json', function () {
  this.timeout(60_000)
  let emu: Emulator
  before(async () => {
    emu = await startEmulator({ seed: path.join(ROOT, 'examples', 'demo-account.yaml') })
  })
  after(() => emu.close())

  it('--verbose prints one line per AWS call (service, operation, duration, outcome) and no secrets', async () => {
    const r = await runInProcess(['plan', '-f', 'teams.example.yaml', '--verbose'], { env: emu.env() })
    assert.equal(r.code, 0, r.stderr)
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('aws '))
    const calls = Object.values(emu.counters()).reduce((a, b) => a + b, 0)
    assert.equal(lines.length, calls, 'one line per call')
    for (const l of lines)
      assert.match(
        l,
        /^aws (sts|sso-admin|identitystore|sagemaker|iam|lakeformation|lambda|dynamodb) [A-Z]\w+ \d+ms (ok|[A-Z]\w+)( \(\d+ attempts\))?$/,
      )
    assert.ok(
      lines.some((l) => /^aws lambda GetFunction \d+ms ResourceNotFoundException$/.test(l)),
      'outcomes include the error code',
    )
    assert.doesNotMatch(r.stderr, /AKIAEMULATOR|emulator-secret|d-9067c1a2b3|user1@example\.com/)
  })

  it('--json prints exactly one JSON document on stdout', async () => {
    const r = await runInProcess(['plan', '-f', 'teams.example.yaml', '--json', '--verbose'], {
      env: emu.env(),
    })
    assert.equal(r.code, 0)
    const doc = JSON.parse(r.stdout)
    assert.equal(doc.planVersion, 2)
  })
})
