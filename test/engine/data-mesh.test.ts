/**
 * The data mesh across accounts (issue #26) on a three-account emulator — IAM Identity Center in the
 * caller's account, the governance catalog `central`, the consumer `analytics` with the Studio
 * domain — with examples/teams-data-mesh.yaml: apply shares the LF-tags and policies the consumer's
 * teams use, links the shared databases and grants the team roles; each role reads (by the
 * emulator's Lake Formation rules) exactly the tables its expression matches through its links;
 * the second plan is empty; removing a grant or a team revokes what only it used, and --prune
 * deletes the resource link nobody uses.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as lf from '@aws-sdk/client-lakeformation'
import { parse, stringify } from 'yaml'
import { operationModel, validateRequest } from '../../src/lib/aws/model.js'
import { loadTeamsFileOrThrow } from '../../src/lib/config/load.js'
import type { TeamsFile } from '../../src/lib/config/types.js'
import { applyParts, buildPlan } from '../../src/lib/engine/scopes.js'
import { lfShares } from '../../src/lib/kinds/lf-share/engine.js'
import { hasChanges } from '../../src/lib/plan/changes.js'
import { details } from '../../src/lib/plan/render.js'
import type { Change, LfSharePayload } from '../../src/lib/plan/types.js'
import { type Emulator, startEmulator } from '../../tools/emulator/index.js'
import type { SeedData } from '../../tools/emulator/state.js'
import { DEMO_ACCOUNT } from '../helpers/emulator.js'
import { applyMany, callerClients, member, planMany, withEnv } from '../helpers/organization.js'

const CENTRAL = '444444444444'
const ANALYTICS = '666666666666'
const role = (team: string) => `arn:aws:iam::${ANALYTICS}:role/sagemaker-teams-${team}`

const centralSeed: SeedData = {
  ...member(CENTRAL, []),
  glue: {
    databases: [
      {
        name: 'credit_card',
        lfTags: { domain: ['consumer-banking'] },
        tables: [
          { name: 'credit_risk', lfTags: { sensitivity: ['public'] } },
          { name: 'credit_secret', lfTags: { sensitivity: ['confidential'] } },
          { name: 'card_fraud', lfTags: { domain: ['investment-banking'], sensitivity: ['public'] } },
        ],
      },
      { name: 'transactions', lfTags: { domain: ['investment-banking'] }, tables: [{ name: 'payments' }] },
    ],
  },
}

/** examples/teams-data-mesh.yaml, changed by `edit`, in a fresh folder. */
function meshFile(edit?: (c: TeamsFile) => void): string {
  const config = parse(readFileSync('examples/teams-data-mesh.yaml', 'utf8')) as TeamsFile
  edit?.(config)
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'smt-mesh-')), 'teams.yaml')
  writeFileSync(file, stringify(config))
  return file
}

describe('data mesh: governance shares, resource links and team grants across accounts', function () {
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
  const reads = (team: string, database: string, table: string) =>
    emu.lakeFormationCanRead(role(team), { database, table }).allowed
  const kinds = (changes: Change[], account: string) =>
    changes
      .filter((c) => c.account === account && c.action !== 'manual')
      .map((c) => `${c.action} ${c.kind}`)
      .sort()

  it('apply shares, links and grants; each team reads its tables through its links, not another team’s; the second plan is empty', async () => {
    const file = meshFile()
    const first = await run(() => planMany(file))
    const shares = first.plan.changes.filter((c) => c.kind === 'lf-share') as Change<'lf-share'>[]
    assert.ok(shares.every((c) => c.account === 'central'))
    // DESCRIBE on the tag values the consumer's teams use, and each policy, all with the grant option.
    assert.deepEqual(
      shares
        .map(
          (c) =>
            `${c.after!.resourceType} ${c.after!.tagKey ?? ''}${JSON.stringify(c.after!.tagValues ?? c.after!.expression)} ${c.after!.permissions} / ${c.after!.grantable}`,
        )
        .sort(),
      [
        'DATABASE [{"TagKey":"domain","TagValues":["consumer-banking","investment-banking"]}] DESCRIBE / DESCRIBE',
        'DATABASE [{"TagKey":"domain","TagValues":["consumer-banking"]}] DESCRIBE / DESCRIBE',
        'LF_TAG domain["consumer-banking","investment-banking"] DESCRIBE / DESCRIBE',
        'LF_TAG sensitivity["public"] DESCRIBE / DESCRIBE',
        'TABLE [{"TagKey":"domain","TagValues":["consumer-banking"]},{"TagKey":"sensitivity","TagValues":["public"]}] DESCRIBE,SELECT / DESCRIBE,SELECT',
        'TABLE [{"TagKey":"domain","TagValues":["investment-banking"]}] DESCRIBE,SELECT / DESCRIBE,SELECT',
      ],
    )
    assert.ok(shares.every((c) => (c.after as LfSharePayload).accountId === ANALYTICS))
    assert.deepEqual(
      kinds(first.plan.changes, 'analytics').filter((k) => !/role|profile|boundary/.test(k)),
      [
        'create link-grant',
        'create link-grant',
        'create link-grant',
        'create mesh-grant',
        'create mesh-grant',
        'create mesh-grant',
        'create mesh-grant',
        'create resource-link',
        'create resource-link',
      ],
    )
    // The LF-tags are the governance catalog's only.
    assert.deepEqual(
      first.plan.changes.filter((c) => c.kind === 'lf-tag').map((c) => c.account),
      ['central', 'central'],
    )
    await run(() => applyMany(file))

    assert.deepEqual(
      emu
        .accountState(ANALYTICS)
        .glueDatabases.map(
          (d) => `${d.Name}→${d.TargetDatabase?.CatalogId}:${d.TargetDatabase?.DatabaseName}`,
        ),
      [`rl_credit_card→${CENTRAL}:credit_card`, `rl_transactions→${CENTRAL}:transactions`],
    )
    assert.equal(reads('risk', 'rl_credit_card', 'credit_risk'), true)
    assert.equal(reads('risk', 'rl_credit_card', 'credit_secret'), false, 'confidential')
    assert.equal(reads('risk', 'rl_credit_card', 'card_fraud'), false, "fraud's tag")
    assert.equal(reads('fraud', 'rl_credit_card', 'card_fraud'), true)
    assert.equal(reads('fraud', 'rl_transactions', 'payments'), true)
    assert.equal(reads('fraud', 'rl_credit_card', 'credit_risk'), false, "risk's tag")
    assert.equal(reads('risk', 'rl_transactions', 'payments'), false, 'no DESCRIBE on a link it does not use')

    const second = await run(() => planMany(file))
    assert.equal(
      hasChanges(second.plan),
      false,
      JSON.stringify(
        second.plan.changes.filter((c) => c.action !== 'manual'),
        null,
        1,
      ),
    )
  })

  it('--team risk brings the shares, LF-tags and link risk uses (not fraud’s), and risk reads after applying it', async () => {
    const teams = await loadTeamsFileOrThrow(meshFile())
    const many = await run(() =>
      buildPlan(callerClients(), teams, {
        prune: false,
        force: false,
        refresh: 'existence',
        teams: ['risk'],
      }),
    )
    const summary = many.plan.changes.filter((c) => c.action !== 'manual').map((c) => `${c.kind} ${c.key}`)
    assert.ok(summary.includes('resource-link rl_credit_card'), summary.join('\n'))
    assert.ok(!summary.includes('resource-link rl_transactions'), summary.join('\n'))
    assert.ok(summary.some((s) => s.startsWith('lf-share') && s.includes('consumer-banking')))
    assert.ok(!summary.some((s) => s.startsWith('lf-share') && s.includes('TABLE|domain=investment-banking')))
    assert.deepEqual(summary.filter((s) => s.startsWith('lf-tag')).sort(), [
      'lf-tag domain',
      'lf-tag sensitivity',
    ])
    const { accounts } = await run(() => applyParts(many, { concurrency: 4 }))
    assert.deepEqual(
      accounts.filter((a) => a.status !== 'done'),
      [],
    )
    assert.equal(reads('risk', 'rl_credit_card', 'credit_risk'), true)
  })

  it("removing one team's grant revokes it, and the consumer account's share only that grant used", async () => {
    await run(() => applyMany(meshFile()))
    const file = meshFile((c) => {
      c.teams.fraud.lakeFormation = c.teams.fraud.lakeFormation!.filter((g) => g.resourceType !== 'TABLE')
    })
    const plan = (await run(() => planMany(file))).plan
    assert.deepEqual(kinds(plan.changes, 'analytics'), ['delete mesh-grant'])
    assert.deepEqual(kinds(plan.changes, 'central'), ['delete lf-share'])
    assert.ok(
      plan.accessReview!.narrowed.some(
        (i) => i.account === 'central' && /account analytics/.test(i.description),
      ),
      JSON.stringify(plan.accessReview),
    )
    await run(() => applyMany(file))
    assert.equal(reads('fraud', 'rl_credit_card', 'card_fraud'), false)
    assert.equal(reads('risk', 'rl_credit_card', 'credit_risk'), true, 'the other team keeps its access')
    assert.equal(hasChanges((await run(() => planMany(file))).plan), false)
  })

  it('removing the last team that uses a shared database revokes its link grants and the account’s shares; --prune deletes the link, never its target', async () => {
    await run(() => applyMany(meshFile()))
    const file = meshFile((c) => {
      delete c.teams.fraud
    })
    const plan = (await run(() => planMany(file))).plan
    assert.ok(kinds(plan.changes, 'analytics').includes('delete link-grant'))
    assert.ok(kinds(plan.changes, 'analytics').includes('delete mesh-grant'))
    assert.ok(
      !kinds(plan.changes, 'analytics').includes('delete resource-link'),
      'the link waits for --prune',
    )
    assert.ok(plan.kept!.some((k) => k.kind === 'resource-link' && k.key === 'rl_transactions'))
    assert.deepEqual(
      kinds(plan.changes, 'central'),
      ['delete lf-share', 'delete lf-share', 'update lf-share'],
      'the investment-banking policies and DESCRIBE on its value',
    )
    await run(() => applyMany(file))
    assert.equal(reads('fraud', 'rl_transactions', 'payments'), false)
    assert.equal(reads('risk', 'rl_credit_card', 'credit_risk'), true)
    const shared = emu.accountState(CENTRAL).lfGrants.filter((g) => g.principal === ANALYTICS)
    assert.ok(!JSON.stringify(shared).includes('investment-banking'), JSON.stringify(shared))

    const pruned = (await run(() => planMany(file, true))).plan
    assert.ok(kinds(pruned.changes, 'analytics').includes('delete resource-link'))
    await run(() => applyMany(file, true))
    assert.deepEqual(
      emu.accountState(ANALYTICS).glueDatabases.map((d) => d.Name),
      ['rl_credit_card'],
    )
    assert.ok(
      emu.accountState(CENTRAL).glueDatabases.some((d) => d.Name === 'transactions'),
      'the target stays',
    )
    assert.equal(hasChanges((await run(() => planMany(file, true))).plan), false)
  })

  it('a share that gains or loses only its grant option is granted or revoked by the grant option alone', async () => {
    const file = meshFile()
    await run(() => applyMany(file))
    const table = () =>
      emu
        .accountState(CENTRAL)
        .lfGrants.find(
          (g) =>
            g.principal === ANALYTICS &&
            g.resourceKey.includes('"TABLE"') &&
            g.resourceKey.includes('investment-banking'),
        )!
    // The grant option on SELECT taken by hand: the plan grants it back, and nothing else.
    table().grantable = ['DESCRIBE']
    const plan = (await run(() => planMany(file))).plan
    const updates = plan.changes.filter((c) => c.action !== 'manual') as Change<'lf-share'>[]
    assert.deepEqual(
      updates.map((c) => `${c.account} ${c.action} ${c.kind} ${c.reason}`),
      ['central update lf-share grant option on SELECT'],
    )
    assert.deepEqual(
      lfShares.requests!(updates[0], {} as never).map((r) => r.operation),
      ['GrantPermissions'],
    )
    // The plan shows the JSON diff as for the other kinds (who uses it is not a difference).
    assert.deepEqual(details(updates[0]), ['grant option on SELECT', '+ grantable[]: "SELECT"'])
    await run(() => applyMany(file))
    assert.deepEqual([...table().grantable].sort(), ['DESCRIBE', 'SELECT'])
    assert.equal(hasChanges((await run(() => planMany(file))).plan), false)

    // The other way: a share that keeps SELECT but no longer needs its grant option is revoked by
    // RevokePermissions with PermissionsWithGrantOption only (the permission stays).
    const before = { ...updates[0].after!, grantable: ['DESCRIBE', 'SELECT'] }
    const after = { ...before, grantable: ['DESCRIBE'] }
    const change: Change<'lf-share'> = {
      kind: 'lf-share',
      key: updates[0].key,
      action: 'update',
      summary: '',
      before,
      after,
    }
    const requests = lfShares.requests!(change, {} as never)
    assert.deepEqual(
      requests.map((r) => [r.operation, r.input.Permissions, r.input.PermissionsWithGrantOption]),
      [['RevokePermissions', [], ['SELECT']]],
    )
    // Sent as it is to the emulator (every request checked against Lake Formation's model): SELECT
    // stays, its grant option goes, and the consumer can no longer re-grant SELECT on that policy.
    const config = {
      region: 'us-east-1',
      endpoint: emu.url,
      credentials: emu.credentialsFor(`arn:aws:iam::${CENTRAL}:role/sagemaker-teams-admin`),
      maxAttempts: 1,
    }
    await new lf.LakeFormationClient(config).send(
      new lf.RevokePermissionsCommand(requests[0].input as unknown as lf.RevokePermissionsCommandInput),
    )
    assert.deepEqual([...table().permissions].sort(), ['DESCRIBE', 'SELECT'])
    assert.deepEqual(table().grantable, ['DESCRIBE'])
    const consumer = new lf.LakeFormationClient({
      ...config,
      credentials: emu.credentialsFor(`arn:aws:iam::${ANALYTICS}:role/sagemaker-teams-admin`),
    })
    await assert.rejects(
      consumer.send(
        new lf.GrantPermissionsCommand({
          Principal: { DataLakePrincipalIdentifier: role('fraud') },
          Resource: {
            LFTagPolicy: { CatalogId: CENTRAL, ResourceType: 'TABLE', Expression: after.expression },
          },
          Permissions: ['SELECT'],
        }),
      ),
      (err: Error) => err.name === 'AccessDeniedException',
    )
  })

  it('every Glue and Lake Formation request of the lifecycle (apply, revoke, prune) is an operation of the AWS models and passes them', async () => {
    emu.resetCounters()
    await run(() => applyMany(meshFile()))
    const file = meshFile((c) => {
      delete c.teams.fraud
    })
    await run(() => applyMany(file))
    await run(() => applyMany(file, true))
    const calls = emu.calls().filter((c) => c.service === 'glue' || c.service === 'lakeformation')
    const operations = [...new Set(calls.map((c) => `${c.service}:${c.operation}`))].sort()
    for (const op of [
      'glue:CreateDatabase',
      'glue:DeleteDatabase',
      'glue:GetDatabases',
      'glue:GetTags',
      'lakeformation:GrantPermissions',
      'lakeformation:ListPermissions',
      'lakeformation:RevokePermissions',
    ])
      assert.ok(operations.includes(op), `${op} in ${operations.join(' ')}`)
    // The emulator lets an operation its vendored models lack pass unchecked: none may be one.
    for (const c of calls) {
      assert.ok(
        operationModel(c.service, c.operation),
        `${c.service}:${c.operation} is not in schema/aws-model`,
      )
      assert.deepEqual(validateRequest(c.service, c.operation, c.input), [], `${c.service}:${c.operation}`)
    }
  })
})
