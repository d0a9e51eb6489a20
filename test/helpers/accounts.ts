/**
 * The three-account set-up of issue #17 (Identity Center = the emulator's default account; dev with
 * one domain; prod with two; qa whose admin role trusts nobody), and the many-accounts engine run
 * in process against it (plan, apply) — no CLI process.
 */
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { AwsClients } from '../../src/lib/aws/clients.js'
import { loadTeamsFileOrThrow } from '../../src/lib/config/load.js'
import { applyManyPlan, buildManyPlan, type ManyPlan } from '../../src/lib/engine/many.js'
import type { PlanOptions } from '../../src/lib/resources/types.js'
import { type Emulator, startEmulator } from '../emulator/index.js'
import type { SeedData } from '../emulator/state.js'
import { DEMO_ACCOUNT } from './emulator.js'
import { type ExampleTeamsFile, workspace } from './workspace.js'

export const IC = '123456789012'
export const DEV = '222222222222'
export const PROD = '333333333333'
export const QA = '444444444444'
export const DOMAINS = { dev: 'd-devdomain001', prodA: 'd-prodaaaaaaaa', prodB: 'd-prodbbbbbbbb' }
export const USERS = ['user1@example.com', 'user2@example.com']
const CALLER_ROOT = `arn:aws:iam::${IC}:root`

const trusting = (principal: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }],
})

/** A member account: its domains and (unless `trust` is false) the admin role trusting the caller's account. */
export const memberSeed = (id: string, domains: string[], trust = true): SeedData =>
  ({
    region: 'us-east-1',
    domains: domains.map((d) => ({ id: d, name: d, authMode: 'IAM', tagPropagation: 'ENABLED' })),
    roles: [
      {
        name: 'sagemaker-teams-admin',
        trust: trust ? trusting(CALLER_ROOT) : trusting(`arn:aws:iam::${id}:root`),
      },
    ],
    dataLakeAdmins: [`arn:aws:iam::${id}:role/sagemaker-teams-admin`],
  }) as SeedData

export const demoSeed = () => parse(readFileSync(DEMO_ACCOUNT, 'utf8')) as SeedData

/** Starts the three-account emulator for a describe block; reset and reseeded before each test. */
export function useThreeAccounts(): () => Emulator {
  let emu: Emulator
  const seed = demoSeed()
  before(async () => {
    emu = await startEmulator({
      seed,
      profileReadyMs: 20,
      accounts: [
        { id: DEV, seed: memberSeed(DEV, [DOMAINS.dev]) },
        { id: PROD, seed: memberSeed(PROD, [DOMAINS.prodA, DOMAINS.prodB]) },
        { id: QA, seed: memberSeed(QA, ['d-qadomain0001'], false) },
      ],
    })
  })
  after(() => emu?.close())
  beforeEach(async () => {
    emu.reset()
    await emu.dropTables()
    emu.seed(seed)
  })
  return () => emu
}

/** Four teams across three domains: team1 in dev, team2 and team3 in prod-a, team4 in prod-b; no ACS. */
export function threeAccountFile(change?: (c: ExampleTeamsFile) => void): string {
  return workspace((c) => {
    delete (c as { domain?: unknown }).domain
    delete (c as { acs?: unknown }).acs
    c.accounts = { dev: { id: DEV }, prod: { id: PROD } }
    c.domains = {
      dev: { account: 'dev', id: DOMAINS.dev },
      'prod-a': { account: 'prod', id: DOMAINS.prodA },
      'prod-b': { account: 'prod', id: DOMAINS.prodB },
    }
    const base = c.teams.team1
    delete base.saml
    delete c.teams.team2.saml
    c.teams.team1 = { ...base, domain: 'dev', members: { users: [USERS[0]] } }
    c.teams.team2 = { ...c.teams.team2, domain: 'prod-a', members: { users: USERS } }
    c.teams.team3 = {
      ...base,
      domain: 'prod-a',
      displayName: 'Team 3',
      tags: { Team: 'Team3' },
      members: { users: [USERS[1]] },
    }
    c.teams.team4 = {
      ...base,
      domain: 'prod-b',
      displayName: 'Team 4',
      tags: { Team: 'Team4' },
      members: { users: USERS },
    }
    change?.(c)
  })
}

/** Runs `fn` with the process environment of `env` (the emulator's endpoint and credentials). */
export async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env }
  Object.assign(process.env, env)
  try {
    return await fn()
  } finally {
    process.env = saved
  }
}

const OPTIONS: PlanOptions = { prune: false, force: false, refresh: 'existence' }

/** The many-accounts plan of `file`, in process, as the emulator's default caller (or `principalArn`). */
export function planMany(
  emu: Emulator,
  file: string,
  options: Partial<PlanOptions> = {},
  principalArn?: string,
): Promise<ManyPlan> {
  return withEnv(emu.env(principalArn), async () =>
    buildManyPlan(new AwsClients({ region: 'us-east-1' }), await loadTeamsFileOrThrow(file), {
      ...OPTIONS,
      ...options,
    }),
  )
}

/** Plans and applies `file` in process; throws unless every account applied. */
export async function applyMany(
  emu: Emulator,
  file: string,
  options: Partial<PlanOptions> = {},
  principalArn?: string,
): Promise<ManyPlan> {
  return withEnv(emu.env(principalArn), async () => {
    const many = await buildManyPlan(
      new AwsClients({ region: 'us-east-1' }),
      await loadTeamsFileOrThrow(file),
      { ...OPTIONS, ...options },
    )
    const { outcomes, accounts } = await applyManyPlan(many, { concurrency: 8 })
    const failed = [
      ...accounts.filter((a) => a.status === 'failed').map((a) => `${a.account}: ${a.error ?? 'failed'}`),
      ...outcomes
        .filter((o) => o.status === 'failed')
        .map((o) => `${o.kind} ${o.key}: ${o.code ?? ''} ${o.message ?? ''}`),
    ]
    if (failed.length > 0) throw new Error(`apply failed:\n${failed.join('\n')}`)
    return many
  })
}

/** "action kind key" of every change but the console steps. */
export const actionable = (many: ManyPlan) =>
  many.plan.changes.filter((c) => c.action !== 'manual').map((c) => `${c.action} ${c.kind} ${c.key}`)
