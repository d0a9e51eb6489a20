/** Section `apply`: fresh and no-op applies, and a fresh apply under throttling. */
import type { Plan } from '../src/lib/plan/types.js'
import { type Emulator, startEmulator } from '../tools/emulator/index.js'
import { args, cli, fmt, isWrite, LATENCY, row, type Section, scenario, sum, top } from './common.js'

async function applyCost(users: number, teams: number, throttled: boolean) {
  const s = scenario(users, teams)
  const emu = await startEmulator({ seed: s.seed, profileReadyMs: 0 })
  try {
    emu.setLatency(LATENCY)
    const plan = JSON.parse((await cli(emu, ['plan', '-f', s.file, '--json'])).stdout) as Plan
    const needed = plan.changes.filter((c) => c.action === 'create').length
    emu.resetCounters()
    const fresh = await cli(emu, ['apply', '-f', s.file, '--yes'])
    const writes = sum(emu.counters(), isWrite)
    row(
      `fresh apply, ${users} × ${teams} (${LATENCY} ms/call, concurrency 8)`,
      `${writes} writes for ${needed} creates (${top(emu.counters(), isWrite)})`,
      fmt(fresh.ms),
      fresh.code === 0 ? 'ok' : `exit ${fresh.code}`,
      '',
    )
    emu.resetCounters()
    const noop = await cli(emu, ['apply', '-f', s.file, '--yes'])
    row(
      `no-op apply, ${users} × ${teams}`,
      `${sum(emu.counters(), isWrite)} writes, ${sum(emu.counters(), (k) => !isWrite(k))} reads`,
      fmt(noop.ms),
      noop.code === 0 ? 'ok' : `exit ${noop.code}`,
      '',
    )
  } finally {
    await emu.close()
  }
  if (!throttled) return
  // Throttling, each on a fresh account. AWS throttles by request rate (a token bucket per API),
  // where the SDK's adaptive retry settles at the limit: the realistic case.
  const perOp = { rate: 20, burst: 10 }
  await throttledApply(
    users,
    teams,
    `fresh apply under a rate limit (${perOp.rate} calls/s per write operation, burst ${perOp.burst}), ${users} × ${teams}`,
    (emu) => {
      for (const verb of WRITE_VERBS) emu.setRateLimit({ operation: `*:${verb}*`, ...perOp })
    },
    (writes) => {
      // What the limit alone costs: kinds apply one after another, each operation at `rate` after its burst.
      const floor = Object.values(writes).reduce((t, n) => t + Math.max(0, n - perOp.burst) / perOp.rate, 0)
      return `; the limit alone needs ≥ ${fmt(floor * 1000)}`
    },
  )
  // Random throttling of 10% of calls whatever the rate: the worst case for adaptive retry, which
  // cuts its send rate on every throttle and so settles at a few calls/s however slowly it goes.
  await throttledApply(
    users,
    teams,
    `fresh apply under 10% random throttling (worst case: rate-independent), ${users} × ${teams}`,
    (emu) => emu.injectFaults({ kind: 'throttle', rate: 0.1 }),
  )
}

/** The verbs isWrite counts as writes; each gets its own rate limit per operation. */
const WRITE_VERBS = [
  'Create',
  'Update',
  'Delete',
  'Put',
  'Tag',
  'Attach',
  'Detach',
  'Add',
  'BatchGrant',
  'BatchRevoke',
]

async function throttledApply(
  users: number,
  teams: number,
  label: string,
  throttle: (emu: Emulator) => void,
  extra: (writes: Record<string, number>) => string = () => '',
) {
  const t = scenario(users, teams)
  const emu = await startEmulator({ seed: t.seed, profileReadyMs: 0 })
  try {
    emu.setLatency(LATENCY)
    throttle(emu)
    const r = await cli(emu, ['apply', '-f', t.file, '--yes'])
    emu.clearFaults()
    emu.clearRateLimits()
    const refused = { ...emu.faultCounters() }
    for (const [k, v] of Object.entries(emu.throttleCounters())) refused[k] = (refused[k] ?? 0) + v
    const writes = Object.fromEntries(Object.entries(emu.counters()).filter(([k]) => isWrite(k)))
    for (const [k, v] of Object.entries(refused)) if (k in writes) writes[k] -= v
    const after = JSON.parse((await cli(emu, ['plan', '-f', t.file, '--json'])).stdout) as Plan
    const left = after.changes.filter((c) => c.action !== 'manual').length
    row(
      label,
      `${sum(refused, () => true)} throttled calls retried (${top(refused, () => true)})${extra(writes)}`,
      fmt(r.ms),
      r.code === 0 && left === 0 ? 'ok, next plan empty' : `exit ${r.code}, ${left} changes left`,
      '',
    )
  } finally {
    await emu.close()
  }
}

export default {
  label: /^(fresh|no-op) apply/,
  run: async () => {
    await applyCost(100, 3, true)
    if (!args.quick) await applyCost(1000, 5, false)
  },
} satisfies Section
