/**
 * A one-domain file is the one-account case (#25) for `policy`, `setup` and `access report`: the same
 * teams written with `domain:` and as `accounts:`/`domains:` in the caller's own account give the same
 * result (one path over the topology: no command asks which form the file is in).
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parse, stringify } from 'yaml'
import type { AccountPolicy } from '../../src/lib/account-policies.js'
import { AwsClients } from '../../src/lib/aws/clients.js'
import { loadTeamsFileOrThrow } from '../../src/lib/config/load.js'
import type { TeamsFile } from '../../src/lib/config/types.js'
import type { PolicyDocument } from '../../src/lib/plan/types.js'
import type { AccessReport } from '../../src/lib/report/types.js'
import { planSetup, setupBoundaries } from '../../src/lib/setup.js'
import { type Emulator, startEmulator } from '../../tools/emulator/index.js'
import type { SeedData } from '../../tools/emulator/state.js'
import { DEMO_ACCOUNT, useDemoAccount } from '../helpers/emulator.js'
import { evaluate } from '../helpers/iam-policy-check.js'
import { runInProcess } from '../helpers/in-process.js'
import {
  applyMany,
  member,
  organizationWorkspace,
  QA,
  useOrganization,
  withEnv,
} from '../helpers/organization.js'
import { useReconcile } from '../helpers/reconcile.js'
import { type ExampleTeamsFile, workspace } from '../helpers/workspace.js'

const CALLER = '123456789012'
const DOMAIN = 'd-abcdefghijkl'

/** The example's teams (with the ACS) in the one-domain form. */
const oneDomain = (change?: (c: ExampleTeamsFile) => void) => workspace(change)

/** The same teams as `accounts:`/`domains:`: the caller's own account named (`named`), or a domain without `account:`. */
const accountsForm = (named: boolean, change?: (c: ExampleTeamsFile) => void) =>
  oneDomain((c) => {
    delete (c as { domain?: unknown }).domain
    if (named) c.accounts = { me: { id: CALLER } }
    c.domains = { main: { ...(named ? { account: 'me' } : {}), id: DOMAIN } }
    for (const t of Object.values(c.teams)) t.domain = 'main'
    change?.(c)
  })

type PolicyOutput = PolicyDocument | PolicyDocument[] | AccountPolicy[]

async function policyJson(file: string, purpose: string): Promise<PolicyOutput> {
  const r = await runInProcess(['policy', '-f', file, '--account-id', CALLER, '--for', purpose, '--json'])
  assert.equal(r.code, 0, r.stderr)
  return JSON.parse(r.stdout) as PolicyOutput
}

describe('one engine: policy in both forms', function () {
  this.timeout(60_000)

  for (const purpose of ['apply', 'plan', 'setup'])
    it(`policy --for ${purpose}: the same documents for a one-domain file and the same teams in the caller's account`, async () => {
      const one = await policyJson(oneDomain(), purpose)
      assert.ok(!Array.isArray(one) || !('document' in one[0]), 'one principal: the document as IAM takes it')
      assert.deepEqual(await policyJson(accountsForm(true), purpose), one, 'accounts: naming the caller')
      assert.deepEqual(await policyJson(accountsForm(false), purpose), one, 'domains: without account:')
    })

  it("a role named for the caller's own account is assumed: its permissions and trust are printed", async () => {
    const docs = (await policyJson(
      accountsForm(true, (c) => {
        c.accounts!.me = {
          id: CALLER,
          role: 'sagemaker-teams-admin',
          trustedPrincipals: [`arn:aws:iam::${CALLER}:role/ci`],
        }
      }),
      'apply',
    )) as AccountPolicy[]
    assert.deepEqual(
      [...new Set(docs.map((d) => `${d.account} ${d.purpose}`))],
      ['identity-center cli', 'me permissions', 'me trust'],
    )
  })

  it('identityCenter.roleArn: the CLI may assume it in every form (a one-domain file too)', async () => {
    const roleArn = 'arn:aws:iam::111111111111:role/sagemaker-teams-identity-center'
    const withRole = (c: ExampleTeamsFile) => {
      c.identityCenter = { ...c.identityCenter, roleArn }
    }
    const one = (await policyJson(oneDomain(withRole), 'apply')) as PolicyDocument | PolicyDocument[]
    const statements = [one].flat().flatMap((d) => d.Statement)
    const decision = await evaluate(
      {
        roleArn: `arn:aws:iam::${CALLER}:role/ci`,
        policies: { cli: { Version: '2012-10-17', Statement: statements } },
      },
      { action: 'sts:AssumeRole', resource: roleArn },
    )
    assert.equal(decision.decision, 'Allowed')
    assert.deepEqual(await policyJson(accountsForm(true, withRole), 'apply'), one)
  })
})

describe('one engine: setup in both forms', function () {
  this.timeout(120_000)
  const emu = useDemoAccount()
  const cli = (args: string[]) => runInProcess(args, { env: emu().env() })
  const preview = async (file: string) =>
    (
      await withEnv(emu().env(), async () =>
        planSetup(new AwsClients({ region: 'us-east-1' }), await loadTeamsFileOrThrow(file)),
      )
    ).plan.changes

  it('previews the same boundary changes, and after setup of one form the other has nothing to write', async () => {
    const one = await preview(oneDomain())
    assert.deepEqual(one.map((c) => `${c.action} ${c.key}`).sort(), [
      'create sagemaker-teams-acs-boundary',
      'create sagemaker-teams-boundary',
    ])
    assert.deepEqual(await preview(accountsForm(true)), one, 'accounts: naming the caller')
    assert.deepEqual(await preview(accountsForm(false)), one, 'domains: without account:')
    const r = await cli(['setup', '-f', accountsForm(true), '--yes', '--json'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(await preview(oneDomain()), [])
  })

  it('identityCenter.roleArn: the ACS is in the Identity Center account, as apply places it, in both forms', async () => {
    const icRole = 'arn:aws:iam::111111111111:role/sagemaker-teams-identity-center'
    const withRole = (c: ExampleTeamsFile) => {
      c.identityCenter = { ...c.identityCenter, roleArn: icRole }
    }
    const boundaries = async (file: string, accountId: string) =>
      setupBoundaries(
        (await loadTeamsFileOrThrow(file)).config,
        { accountId, region: 'us-east-1', partition: 'aws' },
        CALLER,
      )
    for (const accountId of [CALLER, '111111111111'])
      assert.deepEqual(
        await boundaries(oneDomain(withRole), accountId),
        await boundaries(accountsForm(false, withRole), accountId),
        accountId,
      )
    // In the caller's account the ACS boundary is a presign role's: the ACS's table is not here.
    const acs = (await boundaries(oneDomain(withRole), CALLER)).find(
      (b) => b.policyName === 'sagemaker-teams-acs-boundary',
    )!
    const table = `arn:aws:dynamodb:us-east-1:${CALLER}:table/sagemaker-teams-acs-state`
    const put = await evaluate(
      {
        roleArn: `arn:aws:iam::${CALLER}:role/sagemaker-teams-acs-presign`,
        policies: {
          all: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
        },
        permissionsBoundary: acs.document,
      },
      { action: 'dynamodb:PutItem', resource: table },
    )
    assert.equal(put.decision, 'ImplicitlyDenied')
  })
})

describe('one engine: access report in both forms', function () {
  this.timeout(120_000)
  const { cli, applied } = useReconcile()
  /** Without the ACS and SAML (no IdP metadata to write): the teams, their roles, grants and profiles. */
  const plain = (c: ExampleTeamsFile) => {
    delete (c as { acs?: unknown }).acs
    for (const t of Object.values(c.teams)) delete t.saml
  }
  const report = async (file: string) => {
    const out = mkdtempSync(path.join(tmpdir(), 'smt-report-'))
    const r = await cli(['access', 'report', '-f', file, '--out', out, '--json'])
    assert.equal(r.code, 0, r.stderr)
    const { generatedAt: _, ...rest } = JSON.parse(r.stdout) as AccessReport
    return rest
  }

  it("the same report for a one-domain file and the same teams in the caller's account", async () => {
    await applied(oneDomain(plain))
    const one = await report(oneDomain(plain))
    assert.deepEqual(
      one.teams.map((t) => [t.team, t.accountId, t.domainId, t.evaluation.evaluated]),
      [
        ['team1', CALLER, DOMAIN, true],
        ['team2', CALLER, DOMAIN, true],
      ],
    )
    assert.ok(one.teams.every((t) => t.members.length > 0 && t.reach.length > 0))
    assert.deepEqual(await report(accountsForm(true, plain)), one, 'accounts: naming the caller')
    assert.deepEqual(await report(accountsForm(false, plain)), one, 'domains: without account:')
  })
})

describe('one engine: access report of a data mesh (accounts:)', function () {
  this.timeout(120_000)
  const CENTRAL = '444444444444'
  const ANALYTICS = '666666666666'
  let emu: Emulator
  before(async () => {
    emu = await startEmulator({
      seed: parse(readFileSync(DEMO_ACCOUNT, 'utf8')) as SeedData,
      profileReadyMs: 20,
      accounts: [
        {
          id: CENTRAL,
          seed: {
            ...member(CENTRAL, []),
            glue: {
              databases: [
                {
                  name: 'credit_card',
                  lfTags: { domain: ['consumer-banking'] },
                  tables: [{ name: 'credit_risk' }],
                },
                {
                  name: 'transactions',
                  lfTags: { domain: ['investment-banking'] },
                  tables: [{ name: 'payments' }],
                },
              ],
            },
          },
        },
        { id: ANALYTICS, seed: member(ANALYTICS, ['d-mlcoedomain01']) },
      ],
    })
  })
  after(() => emu?.close())

  it("each consumer team's report has its resource links' rows and its grants in the governance catalog", async () => {
    const config = parse(readFileSync('examples/teams-data-mesh.yaml', 'utf8')) as TeamsFile
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'smt-mesh-')), 'teams.yaml')
    writeFileSync(file, stringify(config))
    await withEnv(emu.env(), () => applyMany(file))
    const out = mkdtempSync(path.join(tmpdir(), 'smt-report-'))
    const r = await runInProcess(['access', 'report', '-f', file, '--out', out, '--json'], { env: emu.env() })
    assert.equal(r.code, 0, r.stderr)
    const report = JSON.parse(r.stdout) as AccessReport
    const team = (name: string) => report.teams.find((t) => t.team === name)!
    for (const t of report.teams) {
      assert.equal(t.accountId, ANALYTICS, t.team)
      assert.equal(t.domainId, 'd-mlcoedomain01', t.team)
      assert.ok(t.evaluation.evaluated, t.evaluation.reason)
    }
    // Each team's links reach the scenario matrix: a row per own link (intended Allowed), and another
    // team's link among the cross-team rows (Denied). (The own rows' outcome is the simulator's: the
    // emulator evaluates a read of another account's catalog as cross-account, without its policy.)
    const mesh = (name: string) =>
      team(name)
        .reach.filter((x) => /resource link/.test(x.scenario))
        .map((x) => `${x.scenario}: intended ${x.expected}`)
        .sort()
    assert.deepEqual(mesh('risk'), [
      'query a shared table through own resource link rl_credit_card: intended Allowed',
    ])
    assert.deepEqual(mesh('fraud'), [
      'query a shared table through own resource link rl_credit_card: intended Allowed',
      'query a shared table through own resource link rl_transactions: intended Allowed',
    ])
    assert.deepEqual(
      report.crossTeam
        .filter((c) => /resource link/.test(c.scenario))
        .map((c) => `${c.team} ${c.scenario}: ${c.outcome}`),
      ["risk query a shared table through fraud's resource link rl_transactions: Denied"],
    )
    // The team's LF-tag grants are the governance catalog's.
    assert.ok(team('risk').data.lakeFormation.length > 0)
    assert.ok(team('risk').data.lakeFormation.every((g) => g.catalogId === CENTRAL))
  })
})

describe('one engine: access report of several accounts', function () {
  this.timeout(120_000)
  const emu = useOrganization()
  const cli = (args: string[]) => runInProcess(args, { env: emu().env() })
  const out = () => mkdtempSync(path.join(tmpdir(), 'smt-report-'))

  it("names each team's account and domain; an account that cannot be read stops it with plan's error", async () => {
    const file = organizationWorkspace()
    await withEnv(emu().env(), () => applyMany(file))
    const r = await cli(['access', 'report', '-f', file, '--out', out(), '--json'])
    assert.equal(r.code, 0, r.stderr)
    const report = JSON.parse(r.stdout) as AccessReport
    assert.deepEqual(
      report.teams.map((t) => `${t.team} ${t.accountId} ${t.domainId} ${t.evaluation.evaluated}`),
      [
        'team1 222222222222 d-devdomain001 true',
        'team2 333333333333 d-prodaaaaaaaa true',
        'team3 333333333333 d-prodaaaaaaaa true',
        'team4 333333333333 d-prodbbbbbbbb true',
      ],
    )
    // A team's role is in its own account.
    assert.match(report.teams[0].roleArn, /^arn:aws:iam::222222222222:role\//)
    // The qa account's role does not trust the caller: no report of the teams that could be read.
    const partial = organizationWorkspace((c) => {
      c.accounts!.qa = { id: QA }
      c.domains!.qa = { account: 'qa', id: 'd-qadomain0001' }
      c.teams.team4.domain = 'qa'
    })
    const refused = await cli(['access', 'report', '-f', partial, '--out', out()])
    assert.equal(refused.code, 1, refused.stdout + refused.stderr)
    assert.match(refused.stderr, /account qa \(444444444444\): cannot assume/)
  })
})
