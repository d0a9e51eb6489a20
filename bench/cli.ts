/**
 * Section `cli`: what the CLI itself costs an admin at a terminal — `--version` (this checkout, and
 * the packed tarball installed globally from a temporary npm prefix), `validate`, and `plan` of the
 * demo file with LATENCY ms per AWS call — each beside its floor: Node's own start-up (`node -e 0`,
 * measured in turn with the CLI), plus for plan the longest chain of round trips that followed one
 * another × LATENCY. Then `--refresh events` beside the default refresh at about 1,000 profiles.
 *
 * BENCH_CLI_BEFORE=DIR (a built checkout of an earlier commit) measures it in turn with this one:
 * rows "before (commit)" and "after" under the same load.
 */
import { execFileSync, spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { EmulatorCall } from '../tools/emulator/index.js'
import { startEmulator } from '../tools/emulator/index.js'
import { idpMetadata } from '../tools/idp/idp.js'
import { args, cli, LATENCY, note, ROOT, row, type Section, scenario } from './common.js'

const RUNS = args.quick ? 3 : 7
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const ms = (x: number) => `${x.toFixed(0)} ms`

/** Runs a process; its wall time. */
function timed(cmd: string, argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const started = performance.now()
  return new Promise<{ ms: number; code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(cmd, argv, { cwd: opts.cwd, env: { ...process.env, NO_COLOR: '1', ...opts.env } })
      let stdout = ''
      let stderr = ''
      child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
      child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
      child.on('error', reject)
      child.on('close', (code) => resolve({ ms: performance.now() - started, code, stdout, stderr }))
    },
  )
}

/**
 * The longest chain of calls each taken by the service at least one round trip after the one
 * before it (so sent after that one was answered): the dependent round trips as the CLI ran them.
 */
export function longestChain(calls: EmulatorCall[], latency: number): number {
  const at = calls.map((c) => c.at).sort((a, b) => a - b)
  const chain: number[] = []
  for (let i = 0; i < at.length; i++) {
    chain[i] = 1
    for (let j = 0; j < i; j++) if (at[i] - at[j] >= latency - 1) chain[i] = Math.max(chain[i], chain[j] + 1)
  }
  return Math.max(0, ...chain)
}

interface Checkout {
  name: string
  root: string
}

/** `npm pack` of a checkout (its manifest step when it has one), installed globally into a temporary prefix. */
async function installPacked(c: Checkout): Promise<string> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-install-'))
  const manifest = path.join(c.root, 'scripts', 'oclif-manifest.mjs')
  // A checkout whose build writes the manifest keeps it (its own runs use it); an older one wrote
  // it only to pack, and gets it removed again, as its postpack did.
  const built = existsSync(path.join(c.root, 'oclif.manifest.json'))
  if (existsSync(manifest) && !built) execFileSync(process.execPath, [manifest], { cwd: c.root })
  try {
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], {
      cwd: c.root,
      stdio: 'ignore',
    })
  } finally {
    if (existsSync(manifest) && !built)
      execFileSync(process.execPath, [manifest, '--remove'], { cwd: c.root })
  }
  const tarball = execFileSync('ls', [work], { encoding: 'utf8' }).trim().split('\n')[0]
  const prefix = path.join(work, 'prefix')
  execFileSync(
    'npm',
    [
      'install',
      '--global',
      '--prefix',
      prefix,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      path.join(work, tarball),
    ],
    { cwd: work, stdio: 'ignore' },
  )
  return path.join(prefix, 'bin', 'sagemaker-teams')
}

async function cliSection() {
  const before = process.env.BENCH_CLI_BEFORE
  const commit = (root: string) =>
    execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
  const checkouts: Checkout[] = [
    ...(before ? [{ name: `before (${commit(before)})`, root: path.resolve(before) }] : []),
    { name: before ? `after (${commit(ROOT)})` : `(${commit(ROOT)})`, root: ROOT },
  ]
  const bin = (c: Checkout) => path.join(c.root, 'bin', 'run.js')

  // The demo: teams.example.yaml with its SAML metadata, the demo account seeded, LATENCY per call.
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-cli-'))
  copyFileSync(path.join(ROOT, 'teams.example.yaml'), path.join(work, 'teams.yaml'))
  mkdirSync(path.join(work, 'metadata'))
  for (const t of ['team1', 'team2']) writeFileSync(path.join(work, 'metadata', `${t}.xml`), idpMetadata())
  const emu = await startEmulator({ seed: path.join(ROOT, 'examples', 'demo-account.yaml') })
  const installed = new Map<Checkout, string>()
  for (const c of checkouts) installed.set(c, await installPacked(c))
  try {
    emu.setLatency(LATENCY)
    const cache = new Map(checkouts.map((c) => [c, mkdtempSync(path.join(os.tmpdir(), 'bench-cache-'))]))
    const env = (c: Checkout) => ({
      ...emu.env(),
      SAGEMAKER_TEAMS_CACHE_DIR: cache.get(c)!,
      XDG_CACHE_HOME: cache.get(c)!,
    })
    const m = new Map(
      checkouts.map((c) => [
        c,
        {
          version: [] as number[],
          installed: [] as number[],
          validate: [] as number[],
          plan: [] as number[],
          chain: [] as number[],
          calls: 0,
          cold: 0,
        },
      ]),
    )
    const node: number[] = []
    // The first plan of each checkout fills its (empty) package-hash cache: reported apart.
    for (const c of checkouts) {
      const r = await timed(process.execPath, [bin(c), 'plan', '-f', 'teams.yaml'], {
        cwd: work,
        env: env(c),
      })
      if (r.code !== 0) throw new Error(`plan failed: ${r.stderr.slice(-500)}`)
      m.get(c)!.cold = r.ms
    }
    for (let i = 0; i < RUNS; i++) {
      node.push((await timed(process.execPath, ['-e', '0'])).ms)
      for (const c of checkouts) {
        const x = m.get(c)!
        x.version.push((await timed(process.execPath, [bin(c), '--version'], { cwd: work })).ms)
        x.installed.push((await timed(installed.get(c)!, ['--version'], { cwd: work })).ms)
        x.validate.push(
          (await timed(process.execPath, [bin(c), 'validate', '-f', 'teams.yaml'], { cwd: work })).ms,
        )
        emu.resetCounters()
        const r = await timed(process.execPath, [bin(c), 'plan', '-f', 'teams.yaml'], {
          cwd: work,
          env: env(c),
        })
        if (r.code !== 0) throw new Error(`plan failed: ${r.stderr.slice(-500)}`)
        x.plan.push(r.ms)
        const calls = emu.calls()
        x.calls = calls.length
        x.chain.push(longestChain(calls, LATENCY))
      }
    }
    const start = median(node)
    const vs = (t: number, floor: number, target: number) =>
      `${ms(t - floor)} above the floor; target ≤ ${ms(target)} ${t <= target ? 'met' : `missed by ${ms(t - target)}`}`
    for (const c of checkouts) {
      const x = m.get(c)!
      const v = median(x.version)
      row(
        `cli: --version, this checkout, ${c.name} (median of ${RUNS})`,
        `floor: node start-up ${ms(start)}`,
        ms(v),
        vs(v, start, 300),
        '',
      )
      const iv = median(x.installed)
      row(
        `cli: --version, packed and installed globally from a temporary npm prefix, ${c.name} (median of ${RUNS})`,
        `floor: node start-up ${ms(start)}`,
        ms(iv),
        vs(iv, start, 300),
        '',
      )
      const val = median(x.validate)
      row(
        `cli: validate of the demo file, ${c.name} (median of ${RUNS})`,
        `floor: node start-up ${ms(start)} (no AWS call)`,
        ms(val),
        `${ms(val - start)} above the floor`,
        '',
      )
      const chain = median(x.chain)
      const floor = start + chain * LATENCY
      const p = median(x.plan)
      row(
        `cli: plan of the demo file, ${LATENCY} ms/call, ${c.name} (median of ${RUNS}; the package hash cache warm)`,
        `${x.calls} AWS calls, longest chain ${chain} round trips; floor ${ms(floor)} (node ${ms(start)} + ${chain} × ${LATENCY} ms)`,
        ms(p),
        vs(p, floor, floor + 400),
        `first run (empty cache) ${ms(x.cold)}`,
      )
    }
    note(
      `cli rows: wall times on this shared machine (load average ${os.loadavg()[0].toFixed(1)} at the end of the section); the floors are measured in turn with the CLI, so load raises both. The longest chain counts the calls each taken by the emulator at least one round trip after the one before it (as the CLI ran them).`,
    )
  } finally {
    await emu.close()
  }
  await eventsAtScale()
}

/** `--refresh events` beside the default refresh at about 1,000 profiles (a converged account, no hand change). */
async function eventsAtScale() {
  const s = scenario(375, 5)
  const emu = await startEmulator({ seed: s.seed, profileReadyMs: 0, cloudTrailDelayMs: 1000 })
  try {
    if ((await cli(emu, ['apply', '-f', s.file, '--yes', '--concurrency', '32'])).code !== 0)
      throw new Error('setup apply failed')
    await new Promise((r) => setTimeout(r, 6000)) // the converging writes fall before the point
    if (
      (await cli(emu, ['apply', '-f', s.file, '--yes', '--refresh', 'events', '--events-delay', '5']))
        .code !== 0
    )
      throw new Error('refresh point apply failed')
    await new Promise((r) => setTimeout(r, 1500))
    emu.setLatency(LATENCY)
    const profiles = emu.state.profiles.length
    const t: Record<string, number[]> = { events: [], existence: [] }
    let lookups = 0
    let calls: Record<string, number> = {}
    for (let i = 0; i < (args.quick ? 1 : 3); i++)
      for (const refresh of ['events', 'existence'] as const) {
        emu.resetCounters()
        const r = await cli(emu, [
          'plan',
          '-f',
          s.file,
          '--refresh',
          refresh,
          ...(refresh === 'events' ? ['--events-delay', '5'] : []),
        ])
        if (r.code !== 0) throw new Error(`plan --refresh ${refresh} failed`)
        t[refresh].push(r.ms)
        if (refresh === 'events') {
          calls = emu.counters()
          lookups = calls['cloudtrail:LookupEvents'] ?? 0
        }
      }
    const e = median(t.events)
    const x = median(t.existence)
    row(
      `cli: plan --refresh events at ${profiles} profiles (375 users × 5 teams, ${LATENCY} ms/call, median of ${t.events.length}), next to the default refresh`,
      `${lookups} LookupEvents; ${Object.values(calls).reduce((a, b) => a + b, 0)} calls`,
      `events ${(e / 1000).toFixed(1)} s; default (existence) ${(x / 1000).toFixed(1)} s`,
      e <= x
        ? `events no slower than the default (${((x - e) / 1000).toFixed(1)} s faster)`
        : `events ${((e - x) / 1000).toFixed(1)} s slower than the default`,
      '',
    )
  } finally {
    await emu.close()
  }
}

export default { label: /^cli: /, run: cliSection } satisfies Section
