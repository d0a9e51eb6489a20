/**
 * status and import with a data mesh (issue #26): status shows, per consumer account, its resource
 * links (present, missing, pointing elsewhere, not the tool's), whether the governance account's
 * shares to it are in place, and each team role's DESCRIBE on its links and LF-tag grants in the
 * governance catalog; the CLI exits 1 when something the file asks for is missing. import reads
 * dataMesh (the governance account and the links) and each team's sharedDatabases back, so that
 * import → plan is empty.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parse, stringify } from 'yaml'
import { loadTeamsFileOrThrow } from '../../src/lib/config/load.js'
import type { TeamsFile } from '../../src/lib/config/types.js'
import { importTeams, parseImportAccount, parseImportDomain, renderTeamsFile } from '../../src/lib/import.js'
import { readStatus, renderStatus, type StatusReport, statusMissingItems } from '../../src/lib/status.js'
import { type Emulator, startEmulator } from '../../tools/emulator/index.js'
import type { SeedData } from '../../tools/emulator/state.js'
import { runCli } from '../helpers/cli.js'
import { DEMO_ACCOUNT } from '../helpers/emulator.js'
import { applyMany, callerClients, member, planMany, withEnv } from '../helpers/organization.js'

const CENTRAL = '444444444444'
const ANALYTICS = '666666666666'

const centralSeed: SeedData = {
  ...member(CENTRAL, []),
  glue: {
    databases: [
      { name: 'credit_card', lfTags: { domain: ['consumer-banking'] }, tables: [{ name: 'credit_risk' }] },
      { name: 'transactions', lfTags: { domain: ['investment-banking'] }, tables: [{ name: 'payments' }] },
    ],
  },
}

function meshFile(edit?: (c: TeamsFile) => void): string {
  const config = parse(readFileSync('examples/teams-data-mesh.yaml', 'utf8')) as TeamsFile
  edit?.(config)
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'smt-mesh-status-')), 'teams.yaml')
  writeFileSync(file, stringify(config))
  return file
}

describe('status and import with a data mesh', function () {
  this.timeout(120_000)
  let emu: Emulator
  before(async () => {
    emu = await startEmulator({
      seed: parse(readFileSync(DEMO_ACCOUNT, 'utf8')) as SeedData,
      profileReadyMs: 20,
      accounts: [
        { id: CENTRAL, seed: centralSeed },
        { id: ANALYTICS, seed: member(ANALYTICS, ['d-mlcoedomain01']) },
      ],
    })
  })
  after(() => emu?.close())
  beforeEach(async () => {
    emu.reset()
    await emu.dropTables()
    await emu.seedFile(DEMO_ACCOUNT)
  })
  const run = <T>(fn: () => Promise<T>) => withEnv(emu.env(), fn)
  const status = (file: string, only?: string[]) =>
    run(async () => readStatus(callerClients(), await loadTeamsFileOrThrow(file), only))

  it('status: per consumer account its links and shares, per team its link and LF-tag grants; exit 1 when missing', async () => {
    const file = meshFile()
    const links = (r: StatusReport) =>
      r.dataMesh!.consumers.flatMap((c) =>
        (c.links ?? []).map((l) => `${c.account} ${l.name} ${l.state}${l.actual ? ` ${l.actual}` : ''}`),
      )
    const teams = (r: StatusReport) =>
      r.accounts.flatMap((a) =>
        a.domains.flatMap((d) =>
          d.teams.map(
            (t) =>
              `${t.team} grants ${t.grants.inPlace}/${t.grants.expected} links ${t.links?.inPlace}/${t.links?.expected}`,
          ),
        ),
      )
    const shares = (r: StatusReport) =>
      r.dataMesh!.consumers.map((c) => `${c.account} ${c.shares?.inPlace}/${c.shares?.expected}`)

    const fresh = await status(file)
    assert.deepEqual(links(fresh), ['analytics rl_credit_card missing', 'analytics rl_transactions missing'])
    assert.deepEqual(shares(fresh), ['analytics 0/6'])
    assert.deepEqual(teams(fresh), ['risk grants 0/2 links 0/1', 'fraud grants 0/2 links 0/2'])

    await run(() => applyMany(file))
    const applied = await status(file)
    assert.deepEqual(links(applied), [
      'analytics rl_credit_card present',
      'analytics rl_transactions present',
    ])
    assert.deepEqual(shares(applied), ['analytics 6/6'])
    assert.deepEqual(teams(applied), ['risk grants 2/2 links 1/1', 'fraud grants 2/2 links 2/2'])
    assert.deepEqual(statusMissingItems(applied, false), [])
    assert.match(
      renderStatus(applied),
      /link rl_credit_card: present → 444444444444:credit_card \[risk, fraud\]/,
    )

    // Changed by hand: rl_transactions points to another database, risk's DESCRIBE on its link and
    // one share revoked.
    const consumer = emu.accountState(ANALYTICS)
    consumer.glueDatabases.find((d) => d.Name === 'rl_transactions')!.TargetDatabase!.DatabaseName =
      'credit_card'
    consumer.lfGrants = consumer.lfGrants.filter(
      (g) => !(g.principal.endsWith('/sagemaker-teams-risk') && 'Database' in g.resource),
    )
    const central = emu.accountState(CENTRAL)
    central.lfGrants = central.lfGrants.filter(
      (g) => !(g.principal === ANALYTICS && g.resourceKey.includes('sensitivity') && 'LFTag' in g.resource),
    )
    const drifted = await status(file)
    assert.deepEqual(links(drifted), [
      'analytics rl_credit_card present',
      `analytics rl_transactions elsewhere ${CENTRAL}:credit_card`,
    ])
    assert.deepEqual(shares(drifted), ['analytics 5/6'])
    assert.deepEqual(teams(drifted), ['risk grants 2/2 links 0/1', 'fraud grants 2/2 links 2/2'])
    assert.deepEqual(statusMissingItems(drifted, false), [
      'risk: DESCRIBE on 1 of 1 resource links missing',
      'account analytics: 1 of 6 shares from central missing',
      `account analytics: resource link rl_transactions points to ${CENTRAL}:credit_card, not ${CENTRAL}:transactions`,
    ])
    const cli = await runCli(['status', '-f', file], { env: emu.env() })
    assert.equal(cli.code, 1, cli.stdout + cli.stderr)
    assert.match(
      cli.stdout,
      /link rl_transactions: POINTS ELSEWHERE: 444444444444:credit_card, the file says 444444444444:transactions/,
    )
    assert.match(cli.stdout, /- DESCRIBE \(grantable\) on LF-tag sensitivity=public of catalog 444444444444/)
    assert.match(cli.stderr, /Missing \(3\): .*resource link rl_transactions points to/)

    // A link no team uses any more is shown as kept, not missing.
    const without = meshFile((c) => {
      delete c.teams.fraud
    })
    assert.deepEqual(links(await status(without)), [
      'analytics rl_credit_card present',
      `analytics rl_transactions unused ${CENTRAL}:credit_card`,
    ])
  })

  it("status --team: the data mesh section holds the named teams' consumer accounts and links only", async () => {
    // A team of the caller's own account (no data mesh there) beside the consumer's teams.
    const file = meshFile((c) => {
      c.domains!.main = { id: 'd-abcdefghijkl' }
      c.teams.ops = {
        domain: 'main',
        displayName: 'Ops',
        executionRole: { create: true },
        tags: { Team: 'Ops' },
        members: { users: ['user1@example.com'] },
      }
    })
    const consumers = (r: StatusReport) =>
      r.dataMesh!.consumers.map((c) => `${c.account}: ${(c.links ?? []).map((l) => l.name).join(' ')}`)
    assert.deepEqual(consumers(await status(file)), ['analytics: rl_credit_card rl_transactions'])
    assert.deepEqual(consumers(await status(file, ['risk'])), ['analytics: rl_credit_card'])
    // ops is no consumer: analytics's missing links are not its problem (status --team ops exits 0 once ops is in place).
    const ops = await status(file, ['ops'])
    assert.deepEqual(consumers(ops), [])
    assert.deepEqual(
      statusMissingItems(ops, false).filter((m) => m.includes('analytics')),
      [],
    )
  })

  it('import (--governance-account) reads dataMesh and each team’s sharedDatabases back: import → plan is empty', async () => {
    const file = meshFile()
    await run(() => applyMany(file))
    const { config, warnings } = await run(() =>
      importTeams(callerClients(), {
        region: 'us-east-1',
        domains: [parseImportDomain(`${ANALYTICS}:d-mlcoedomain01`)],
        governanceAccount: parseImportAccount(CENTRAL, '--governance-account'),
        file: 'teams.yaml',
      }),
    )
    assert.deepEqual(warnings, [])
    assert.deepEqual(config.dataMesh, {
      governance: { account: CENTRAL },
      consumers: {
        [ANALYTICS]: {
          sharedDatabases: {
            rl_credit_card: { database: 'credit_card' },
            rl_transactions: { database: 'transactions' },
          },
        },
      },
    })
    assert.deepEqual(config.accounts, { [ANALYTICS]: { id: ANALYTICS }, [CENTRAL]: { id: CENTRAL } })
    assert.deepEqual(config.teams.risk.sharedDatabases, ['rl_credit_card'])
    assert.deepEqual(config.teams.fraud.sharedDatabases, ['rl_credit_card', 'rl_transactions'])
    assert.deepEqual(config.lakeFormation?.tags, {
      domain: ['consumer-banking', 'investment-banking'],
      sensitivity: ['confidential', 'public'],
    })
    const imported = path.join(path.dirname(file), 'imported.yaml')
    writeFileSync(imported, renderTeamsFile(config, 'schema.json'))
    const plan = await run(() => planMany(imported))
    assert.deepEqual(
      plan.plan.changes
        .filter((c) => c.action !== 'manual')
        .map((c) => `${c.account} ${c.action} ${c.kind} ${c.key}`),
      [],
    )
    assert.deepEqual(plan.plan.kept ?? [], [])
    // Without --governance-account the data mesh is not left out: the catalog the tool's resource
    // links point to is its governance account, read through its role as an account of the file.
    const found = await run(() =>
      importTeams(callerClients(), {
        region: 'us-east-1',
        domains: [parseImportDomain(`${ANALYTICS}:d-mlcoedomain01`)],
        file: 'teams.yaml',
      }),
    )
    assert.deepEqual(found, { config, warnings: [] })
  })
})
