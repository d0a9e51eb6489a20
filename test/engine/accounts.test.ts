/** Many domains and accounts (issue #17) through the real CLI against the emulator. */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import type { Plan } from '../../src/lib/plan/types.js'
import { type Emulator, startEmulator } from '../emulator/index.js'
import type { SeedData } from '../emulator/state.js'
import { runCli } from '../helpers/cli.js'
import { DEMO_ACCOUNT } from '../helpers/emulator.js'
import { workspace } from '../helpers/workspace.js'

const SECOND = 'd-secondsecond'
const demoSeed = () => parse(readFileSync(DEMO_ACCOUNT, 'utf8')) as SeedData

describe('many domains in one account (accounts:/domains: without member accounts)', function () {
  this.timeout(180_000)
  const seed = demoSeed()
  seed.domains!.push({ id: SECOND, name: 'second', authMode: 'IAM', tagPropagation: 'ENABLED' })
  let emu: Emulator
  before(async () => {
    emu = await startEmulator({ seed, profileReadyMs: 20 })
  })
  after(() => emu?.close())
  beforeEach(async () => {
    emu.reset()
    await emu.dropTables()
    emu.seed(seed)
  })
  const account = () => emu
  const cli = (args: string[]) => runCli(args, { env: account().env() })
  // team1 in domain a, team2 in domain b; both domains in the caller's account.
  const file = () =>
    workspace((c) => {
      delete (c as { domain?: unknown }).domain
      delete (c as { acs?: unknown }).acs
      c.domains = { a: { id: 'd-abcdefghijkl' }, b: { id: SECOND } }
      c.teams.team1.domain = 'a'
      c.teams.team2.domain = 'b'
      for (const t of Object.values(c.teams)) delete t.saml
    })

  it("plans each domain's profiles in that domain, applies, and the next plan is empty", async () => {
    const f = file()
    const r = await cli(['plan', '-f', f, '--json'])
    assert.equal(r.code, 0, r.stderr)
    const plan = JSON.parse(r.stdout) as Plan
    const profiles = plan.changes.filter((c) => c.kind === 'profile')
    assert.deepEqual(profiles.map((c) => `${c.domain} ${c.team}`).sort(), ['a team1', 'b team2', 'b team2'])
    const a = await cli(['apply', '-f', f, '--yes'])
    assert.equal(a.code, 0, a.stdout + a.stderr)
    const inDomain = (id: string) =>
      account()
        .state.profiles.filter((p) => p.DomainId === id)
        .map((p) => p.UserProfileName.split('-')[0])
        .sort()
    assert.deepEqual(inDomain('d-abcdefghijkl'), ['team1'])
    assert.deepEqual(inDomain(SECOND), ['team2', 'team2'])
    const again = await cli(['plan', '-f', f, '--json'])
    assert.equal(again.code, 0, again.stderr)
    const second = JSON.parse(again.stdout) as Plan
    assert.deepEqual(
      second.changes.filter((c) => c.action !== 'manual').map((c) => `${c.action} ${c.kind} ${c.key}`),
      [],
    )
  })
})
