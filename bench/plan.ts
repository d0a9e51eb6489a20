/** Section `plan`: plans of a converged account by refresh mode, against a generic per-resource refresh. */
import { GetRoleCommand, IAMClient, ListRoleTagsCommand } from '@aws-sdk/client-iam'
import { GetUserIdCommand, IdentitystoreClient } from '@aws-sdk/client-identitystore'
import { DescribeUserProfileCommand, ListTagsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker'
import {
  ListTagsForResourceCommand as AppTags,
  DescribeApplicationCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin'
import pLimit from 'p-limit'
import type { TeamsFile } from '../src/lib/config/types.js'
import type { Plan } from '../src/lib/plan/types.js'
import { type Emulator, startEmulator } from '../tools/emulator/index.js'
import {
  args,
  cli,
  DOMAIN,
  fmt,
  INSTANCE,
  LATENCY,
  note,
  row,
  type Section,
  STORE,
  scenario,
  sum,
  top,
} from './common.js'

/** How a generic per-resource tool refreshes: one describe plus one tag read per expected resource, 10 at a time. */
async function perResourceBaseline(
  emu: Emulator,
  config: TeamsFile,
  plan: Plan,
): Promise<{ calls: number; ms: number }> {
  const cfg = {
    region: 'us-east-1',
    endpoint: emu.url,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  }
  const sm = new SageMakerClient(cfg)
  const sso = new SSOAdminClient(cfg)
  const iam = new IAMClient(cfg)
  const ids = new IdentitystoreClient(cfg)
  const limit = pLimit(10)
  const tasks: (() => Promise<unknown>)[] = []
  const names = new Set(Object.values(config.teams).flatMap((t) => t.members?.users ?? []))
  for (const n of names)
    tasks.push(() =>
      ids.send(
        new GetUserIdCommand({
          IdentityStoreId: STORE,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: n } },
        }),
      ),
    )
  const profiles = emu.state.profiles.filter((p) => p.DomainId === DOMAIN)
  for (const p of profiles) {
    tasks.push(() =>
      sm.send(new DescribeUserProfileCommand({ DomainId: DOMAIN, UserProfileName: p.UserProfileName })),
    )
    tasks.push(() => sm.send(new ListTagsCommand({ ResourceArn: p.UserProfileArn })))
  }
  for (const a of emu.state.applications) {
    tasks.push(() => sso.send(new DescribeApplicationCommand({ ApplicationArn: a.ApplicationArn })))
    tasks.push(() => sso.send(new AppTags({ InstanceArn: INSTANCE, ResourceArn: a.ApplicationArn })))
  }
  for (const r of emu.state.roles) {
    tasks.push(() => iam.send(new GetRoleCommand({ RoleName: r.RoleName })))
    tasks.push(() => iam.send(new ListRoleTagsCommand({ RoleName: r.RoleName })))
  }
  void plan
  const started = performance.now()
  await Promise.all(tasks.map((t) => limit(t)))
  return { calls: tasks.length, ms: performance.now() - started }
}

async function planCost(users: number, teams: number) {
  const s = scenario(users, teams)
  const emu = await startEmulator({ seed: s.seed, profileReadyMs: 0 })
  try {
    // Converge the account first (no latency), then measure plans of the steady state.
    const setup = await cli(emu, ['apply', '-f', s.file, '--yes', '--concurrency', '32'])
    if (setup.code !== 0) throw new Error('setup apply failed')
    emu.setLatency(LATENCY)
    const results: Record<string, { calls: number; ms: number; counters: Record<string, number> }> = {}
    for (const refresh of ['existence', 'full'] as const) {
      emu.resetCounters()
      const r = await cli(emu, ['plan', '-f', s.file, '--refresh', refresh, '--json'])
      const plan = JSON.parse(r.stdout) as Plan
      if (plan.changes.some((c) => c.action !== 'manual'))
        note(`${users}×${teams} plan --refresh ${refresh} was not empty`)
      const counters = emu.counters()
      results[refresh] = { calls: sum(counters, () => true), ms: r.ms, counters }
    }
    emu.resetCounters()
    const plan = JSON.parse((await cli(emu, ['plan', '-f', s.file, '--json'])).stdout) as Plan
    const base = await perResourceBaseline(emu, s.config, plan)
    const profiles = emu.state.profiles.length
    for (const refresh of ['existence', 'full'] as const) {
      const r = results[refresh]
      row(
        `plan --refresh ${refresh}, ${users} users × ${teams} teams (${profiles} profiles, ${LATENCY} ms/call)`,
        `${r.calls} reads (${top(r.counters, () => true)})`,
        fmt(r.ms),
        `baseline ${base.calls} reads, ${fmt(base.ms)}`,
        `${(base.calls / r.calls).toFixed(1)}× fewer calls, ${(base.ms / r.ms).toFixed(1)}× less time`,
      )
    }
  } finally {
    await emu.close()
  }
}

export default {
  label: /^plan --refresh (?!.*hand changes)/,
  run: async () => {
    await planCost(100, 3)
    await planCost(args.quick ? 300 : 1000, 5)
  },
} satisfies Section
