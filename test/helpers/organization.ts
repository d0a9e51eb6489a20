/**
 * The three-account emulator of issue #17 for in-process tests: the demo account (IAM Identity
 * Center, the caller), `dev` (one domain), `prod` (two domains) and `qa` (one domain; its admin
 * role trusts nobody outside it, so AssumeRole is refused). The engine runs in this process with
 * the emulator's environment (see withEnv); the CLI only where the process itself is the point.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { AwsClients } from '../../src/lib/aws/clients.js'
import { type LoadedTeams, loadTeamsFileOrThrow } from '../../src/lib/config/load.js'
import { applyParts, buildPlan, type ScopedPlan } from '../../src/lib/engine/scopes.js'
import { type Emulator, startEmulator } from '../../tools/emulator/index.js'
import type { SeedData } from '../../tools/emulator/state.js'
import { idpMetadata } from '../../tools/idp/idp.js'
import { DEMO_ACCOUNT } from './emulator.js'
import { type ExampleTeamsFile, workspace } from './workspace.js'

export const CALLER = '123456789012'
export const DEV = '222222222222'
export const PROD = '333333333333'
export const QA = '444444444444'
export const DOMAINS = {
  dev: 'd-devdomain001',
  prodA: 'd-prodaaaaaaaa',
  prodB: 'd-prodbbbbbbbb',
  qa: 'd-qadomain0001',
}

const trusting = (principal: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }],
})

/** A member account: its domains and the admin role, trusting the caller's account unless `trust` is false. */
export function member(id: string, domains: string[], trust = true, region = 'us-east-1'): SeedData {
  return {
    region,
    domains: domains.map((d) => ({ id: d, name: d, authMode: 'IAM', tagPropagation: 'ENABLED' })),
    roles: [
      {
        name: 'sagemaker-teams-admin',
        trust: trust ? trusting(`arn:aws:iam::${CALLER}:root`) : trusting(`arn:aws:iam::${id}:root`),
      },
    ],
    dataLakeAdmins: [`arn:aws:iam::${id}:role/sagemaker-teams-admin`],
  } as SeedData
}

/** Registers mocha hooks (one emulator per file, reset before each test); call the result inside tests. */
export function useOrganization(): () => Emulator {
  const seed = parse(readFileSync(DEMO_ACCOUNT, 'utf8')) as SeedData
  let emu: Emulator | undefined
  before(async () => {
    emu = await startEmulator({
      seed,
      profileReadyMs: 20,
      accounts: [
        { id: DEV, seed: member(DEV, [DOMAINS.dev]) },
        { id: PROD, seed: member(PROD, [DOMAINS.prodA, DOMAINS.prodB]) },
        { id: QA, seed: member(QA, [DOMAINS.qa], false) },
      ],
    })
  })
  after(() => emu?.close())
  beforeEach(async () => {
    emu!.reset()
    await emu!.dropTables()
    emu!.seed(seed)
  })
  return () => emu!
}

/** Four teams across three domains: team1 in dev, team2 and team3 in prod-a, team4 in prod-b. */
export function organizationWorkspace(change?: (c: ExampleTeamsFile) => void): string {
  const users = ['user1@example.com', 'user2@example.com']
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
    c.teams.team1 = { ...base, domain: 'dev', members: { users: [users[0]] } }
    c.teams.team2 = { ...c.teams.team2, domain: 'prod-a', members: { users } }
    c.teams.team3 = {
      ...base,
      domain: 'prod-a',
      displayName: 'Team 3',
      tags: { Team: 'Team3' },
      members: { users: [users[1]] },
    }
    c.teams.team4 = {
      ...base,
      domain: 'prod-b',
      displayName: 'Team 4',
      tags: { Team: 'Team4' },
      members: { users },
    }
    change?.(c)
  })
}

/** The organization file with an ACS (no acs.url: the function URL), in `acsAccount` if given, and team1's and team2's IdP metadata. */
export function organizationAcsWorkspace(acsAccount?: string): string {
  const file = organizationWorkspace((c) => {
    c.acs = {
      functionName: 'sagemaker-teams-acs',
      audience: 'urn:sagemaker-teams:acs',
      ...(acsAccount ? { account: acsAccount } : {}),
    }
    for (const t of ['team1', 'team2']) c.teams[t].saml = { idpMetadata: `metadata/${t}.xml` }
  })
  mkdirSync(path.join(path.dirname(file), 'metadata'))
  for (const t of ['team1', 'team2'])
    writeFileSync(path.join(path.dirname(file), 'metadata', `${t}.xml`), idpMetadata())
  return file
}

/** Runs `fn` with the emulator's environment in this process (the engine's own clients read it). */
export async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env }
  Object.assign(process.env, env)
  try {
    return await fn()
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
    Object.assign(process.env, saved)
  }
}

/** The CLI's own clients, as a command makes them from the environment. */
export const callerClients = () => new AwsClients({ region: 'us-east-1' })

/** plan of a file with accounts:/domains:, in process. */
export async function planMany(file: string | LoadedTeams, prune = false): Promise<ScopedPlan> {
  const teams = typeof file === 'string' ? await loadTeamsFileOrThrow(file) : file
  return buildPlan(callerClients(), teams, { prune, force: false, refresh: 'existence' })
}

/** plan then apply, in process; throws unless every account applied. */
export async function applyMany(file: string, prune = false): Promise<void> {
  const many = await planMany(file, prune)
  const { accounts } = await applyParts(many, { concurrency: 4 })
  const failed = accounts.filter((a) => a.status !== 'done')
  if (failed.length > 0) throw new Error(`apply failed: ${JSON.stringify(failed)}`)
}
