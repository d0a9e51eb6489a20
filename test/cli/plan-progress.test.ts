/**
 * plan's read progress: on stderr in a terminal (what is being read, pages and items so far, the
 * elapsed time at the end), from the engine's read events and the AWS calls it makes; never when
 * stderr is piped or with --json.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import { AwsClients } from '../../src/lib/aws/clients.js'
import { loadTeamsFileOrThrow } from '../../src/lib/config/load.js'
import type { ReadEvent } from '../../src/lib/engine/read-events.js'
import { buildPlan } from '../../src/lib/engine/scopes.js'
import { KINDS } from '../../src/lib/plan/types.js'
import { type Emulator, startEmulator } from '../../tools/emulator/index.js'
import type { SeedData } from '../../tools/emulator/state.js'
import { runCli } from '../helpers/cli.js'
import { DEMO_ACCOUNT, useDemoAccount } from '../helpers/emulator.js'
import { withEnv } from '../helpers/organization.js'
import { hasScript, inTerminal } from '../helpers/terminal.js'
import { twoDomainWorkspace, workspace } from '../helpers/workspace.js'

const ESC = '\u001b['
const CLOSING = /Read ([\d,]+) items? in ([\d,]+) pages? \(([\d,]+) AWS calls?\) in \d+\.\d s\n/

/** The emulator's answered list-shaped calls (what the progress counts as pages). */
function pagedCalls(counters: Record<string, number>): number {
  return Object.entries(counters)
    .filter(([key]) => /:(List|Search|Lookup|BatchGet)/.test(key))
    .reduce((n, [, calls]) => n + calls, 0)
}

describe('plan progress', function () {
  this.timeout(90_000)
  const account = useDemoAccount()

  it('the engine reports each step and kind it reads, and every AWS call answered', async () => {
    const emu = account()
    const file = workspace()
    emu.resetCounters()
    await withEnv(emu.env(), async () => {
      const events: ReadEvent[] = []
      const aws = new AwsClients({ region: 'us-east-1' })
      await buildPlan(
        aws,
        await loadTeamsFileOrThrow(file),
        { prune: false, force: false, refresh: 'full' },
        (e) => events.push(e),
      )
      const of = (type: ReadEvent['type']) =>
        events.filter((e) => e.type === type).map((e) => ('kind' in e ? e.kind : 'step' in e ? e.step : ''))
      assert.deepEqual(of('step-start'), ['discovery', 'identities'])
      assert.deepEqual(of('step-done'), ['discovery', 'identities'])
      // Every kind but the data mesh's: this file has none, so no part plans them.
      const mesh: string[] = ['lf-share', 'resource-link', 'link-grant', 'mesh-grant']
      const kinds = [...KINDS].filter((k) => !mesh.includes(k)).sort()
      assert.deepEqual(of('kind-start').sort(), kinds)
      assert.deepEqual(of('kind-done').sort(), kinds)
      // A kind is done after it started, and the reads all happen between the first step and the end.
      for (const kind of kinds)
        assert.ok(
          events.findIndex((e) => e.type === 'kind-done' && e.kind === kind) >
            events.findIndex((e) => e.type === 'kind-start' && e.kind === kind),
        )
      const calls = events.filter((e) => e.type === 'call')
      const counted = Object.values(emu.counters()).reduce((a, b) => a + b, 0)
      assert.equal(
        calls.length,
        counted,
        `one call event per call answered: ${JSON.stringify(emu.counters())}`,
      )
      // The demo account has one Identity Center instance: its page carries that one item.
      assert.deepEqual(
        calls.filter((c) => c.operation === 'ListInstances').map((c) => c.items),
        [1],
      )
    })
  })

  describe('in a terminal', () => {
    before(function () {
      if (!hasScript()) this.skip()
    })

    it('stderr shows what is read and closes with the totals and the elapsed time; stdout has the plan', async () => {
      const emu = account()
      const file = workspace()
      emu.resetCounters()
      const out = path.join(mkdtempSync(path.join(tmpdir(), 'smt-progress-')), 'plan.txt')
      // 20 ms per call, as a real account has at least; and the roles' reads held for 0.6 s, several
      // redraws (one per 80 ms): on an idle machine the whole read otherwise fits between two
      // redraws, and no kind is ever on screen.
      emu.setLatency(20)
      const release = emu.holdCalls('iam:GetRole')
      const releasing = setTimeout(release, 600)
      const screen = await inTerminal(
        ['plan', '-f', file],
        { ...emu.env(), NO_COLOR: '1' },
        { stdoutTo: out },
      ).finally(() => {
        clearTimeout(releasing)
        release()
        emu.setLatency(0)
      })
      assert.match(
        screen,
        /Reading: \d+ pages?, \d+ items? · \d+\.\d s · [^\r\n]*(profile|role|application|assignment)/,
      )
      const closing = CLOSING.exec(screen.replace(/\r\n/g, '\n'))
      assert.ok(closing, `no closing line in ${JSON.stringify(screen.slice(-300))}`)
      const pages = Number(closing[2].replace(/,/g, ''))
      assert.equal(pages, pagedCalls(emu.counters()), 'the pages shown are the list calls made')
      assert.ok(Number(closing[1].replace(/,/g, '')) > 0)
      assert.ok(
        !screen.includes(ESC),
        `NO_COLOR progress has escape codes: ${JSON.stringify(screen.slice(0, 200))}`,
      )
      const stdout = readFileSync(out, 'utf8')
      assert.match(stdout, /Plan: \d+ to create/)
      assert.doesNotMatch(stdout, /Reading|Read [\d,]+ item/)
    })

    it('with --json, the terminal shows no progress', async () => {
      const emu = account()
      const file = workspace()
      const screen = await inTerminal(['plan', '-f', file, '--json'], { ...emu.env(), NO_COLOR: '1' })
      assert.doesNotMatch(screen, /Reading|Read [\d,]+ item/)
      assert.ok(JSON.parse(screen.replace(/\r\n/g, '\n')).changes)
    })
  })

  it('piped stderr (a CI log) gets no progress', async () => {
    const emu = account()
    const file = workspace()
    const r = await runCli(['plan', '-f', file], { env: emu.env() })
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /Plan: \d+ to create/)
    assert.equal(r.stderr, '')
  })
})

describe('plan progress with many domains', function () {
  this.timeout(90_000)
  const SECOND = 'd-secondsecond'
  const seed = parse(readFileSync(DEMO_ACCOUNT, 'utf8')) as SeedData
  seed.domains!.push({ id: SECOND, name: 'second', authMode: 'IAM', tagPropagation: 'ENABLED' })
  let emu: Emulator
  before(async () => {
    emu = await startEmulator({ seed, profileReadyMs: 20 })
  })
  after(() => emu?.close())

  it('every part reports its kinds (profiles once per domain) and every call is heard', async () => {
    const file = twoDomainWorkspace(SECOND)
    emu.resetCounters()
    const events: ReadEvent[] = []
    await withEnv(emu.env(), async () =>
      buildPlan(
        new AwsClients({ region: 'us-east-1' }),
        await loadTeamsFileOrThrow(file),
        { prune: false, force: false, refresh: 'existence' },
        (e) => events.push(e),
      ),
    )
    const kinds = (type: 'kind-start' | 'kind-done') =>
      events.flatMap((e) => (e.type === type ? [e.kind] : [])).filter((k) => k === 'profile')
    assert.deepEqual(kinds('kind-start'), ['profile', 'profile'], 'one profile read per domain')
    assert.deepEqual(kinds('kind-done'), ['profile', 'profile'])
    assert.deepEqual(
      events.flatMap((e) => (e.type === 'step-done' ? [e.step] : [])),
      ['discovery', 'identities'],
    )
    const calls = events.filter((e) => e.type === 'call').length
    const counted = Object.values(emu.counters()).reduce((a, b) => a + b, 0)
    assert.equal(calls, counted, JSON.stringify(emu.counters()))
  })
})
