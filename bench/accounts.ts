/** Section `accounts`: the plan of an accounts:/domains: file against the single-account plan of the same teams. */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { stringify } from 'yaml'
import type { TeamsFile } from '../src/lib/config/types.js'
import type { Plan } from '../src/lib/plan/types.js'
import { type SeedData, startEmulator } from '../tools/emulator/index.js'
import { args, cli, fmt, isWrite, LATENCY, note, row, type Section, scenario, sum } from './common.js'

/**
 * Issue #17: the plan of a file with accounts:/domains: — 3 member accounts × 2 domains, 1,000 users,
 * one team per domain (6) — against the single-account plan of the same teams and users. Reads per
 * account are compared with the list pages of that account's profiles (ListUserProfiles returns at
 * most 100 per page) and the wall times with each other.
 */
async function accountsCost(users: number) {
  const domainsPer = 2
  const accounts = ['222222222201', '222222222202', '222222222203']
  const teams = accounts.length * domainsPer
  const single = scenario(users, teams)
  const member = (id: string, a: number): SeedData =>
    ({
      region: 'us-east-1',
      domains: Array.from({ length: domainsPer }, (_, d) => ({
        id: `d-acct${a}domain${d}`,
        authMode: 'IAM',
      })),
      roles: [
        {
          name: 'sagemaker-teams-admin',
          trust: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: 'arn:aws:iam::123456789012:root' },
                Action: 'sts:AssumeRole',
              },
            ],
          },
        },
      ],
      dataLakeAdmins: [`arn:aws:iam::${id}:role/sagemaker-teams-admin`],
    }) as SeedData
  const manyConfig: TeamsFile = { ...single.config }
  delete (manyConfig as { domain?: unknown }).domain
  manyConfig.accounts = Object.fromEntries(accounts.map((id, a) => [`acct${a}`, { id }]))
  manyConfig.domains = Object.fromEntries(
    accounts.flatMap((_, a) =>
      Array.from({ length: domainsPer }, (_, d) => [
        `acct${a}-d${d}`,
        { account: `acct${a}`, id: `d-acct${a}domain${d}`, profileQuota: 100_000 },
      ]),
    ),
  )
  manyConfig.teams = Object.fromEntries(
    Object.entries(single.config.teams).map(([t, c], i) => [
      t,
      { ...c, domain: `acct${Math.floor(i / domainsPer)}-d${i % domainsPer}` },
    ]),
  )
  const manyFile = path.join(path.dirname(single.file), 'many.yaml')
  writeFileSync(manyFile, stringify(manyConfig))
  const measure = async (seed: SeedData, file: string, extra: { id: string; seed: SeedData }[]) => {
    const emu = await startEmulator({ seed, profileReadyMs: 0, accounts: extra })
    try {
      const setup = await cli(emu, ['apply', '-f', file, '--yes', '--concurrency', '32'])
      if (setup.code !== 0) throw new Error(`setup apply of ${path.basename(file)} failed`)
      emu.setLatency(LATENCY)
      emu.resetCounters()
      const r = await cli(emu, ['plan', '-f', file, '--json'])
      const plan = JSON.parse(r.stdout) as Plan
      if (plan.changes.some((c) => c.action !== 'manual')) note(`${path.basename(file)} plan was not empty`)
      const perAccount = extra.map(({ id }) => {
        const counters = emu.counters(id)
        const profiles = emu.accountState(id).profiles
        const domains = [...new Set(profiles.map((p) => p.DomainId))]
        const pages = domains.reduce(
          (n, d) => n + Math.max(1, Math.ceil(profiles.filter((p) => p.DomainId === d).length / 100)),
          0,
        )
        return {
          id,
          reads: sum(counters, (k) => !isWrite(k)),
          lists: counters['sagemaker:ListUserProfiles'] ?? 0,
          pages,
          profiles: profiles.length,
        }
      })
      return {
        ms: r.ms,
        calls: sum(emu.counters(), () => true),
        perAccount,
        profiles: emu.state.profiles.length,
      }
    } finally {
      await emu.close()
    }
  }
  const one = await measure(single.seed, single.file, [])
  const icSeed: SeedData = { ...single.seed, domains: [] }
  const many = await measure(
    icSeed,
    manyFile,
    accounts.map((id, a) => ({ id, seed: member(id, a) })),
  )
  const total = many.perAccount.reduce((n, a) => n + a.profiles, 0)
  note(
    "accounts row: the issue's 3 accounts × 2 domains × 1,000 users × 5 teams is run with 6 teams, one per domain (5 teams cannot fill 6 domains); the single-account figure plans the same 6 teams and users in one domain. Per account: its reads (the account's IAM, Lake Formation, SageMaker and Athena calls) against the ListUserProfiles pages its two domains need at 100 profiles per page.",
  )
  row(
    `plan, ${accounts.length} accounts × ${domainsPer} domains, ${users} users × ${teams} teams (${total} profiles, ${LATENCY} ms/call)`,
    `${many.calls} calls; per account ${many.perAccount.map((a) => `${a.reads} reads for ${a.profiles} profiles (ListUserProfiles ${a.lists} = ${a.pages} pages)`).join('; ')}`,
    fmt(many.ms),
    `single account, same teams and users (${one.profiles} profiles): ${one.calls} calls, ${fmt(one.ms)}`,
    `${(many.ms / one.ms).toFixed(2)}× the single-account time (target ≤ 1.5×)`,
  )
}

export default {
  label: /^plan, \d+ accounts/,
  run: () => accountsCost(args.quick ? 300 : 1000),
} satisfies Section
