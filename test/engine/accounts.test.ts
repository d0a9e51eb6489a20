/** Many domains and accounts (issue #17) through the CLI's commands (in process) against the emulator. */
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { acsConfigFor } from '../../src/lib/acs/deployment.js'
import { handleAcs } from '../../src/lib/acs/handler.js'
import { acsDeps } from '../../src/lib/acs/runtime.js'
import { MemoryStore } from '../../src/lib/acs/stores.js'
import { loadTeamsFileOrThrow } from '../../src/lib/config/load.js'
import type { Plan } from '../../src/lib/plan/types.js'
import { type Emulator, startEmulator } from '../../tools/emulator/index.js'
import type { SeedData } from '../../tools/emulator/state.js'
import { formBody, idpMetadata, signedResponse } from '../../tools/idp/idp.js'
import { DEMO_ACCOUNT } from '../helpers/emulator.js'
import { runInProcess } from '../helpers/in-process.js'
import { DEV, organizationWorkspace, PROD, QA, useOrganization } from '../helpers/organization.js'
import { twoDomainWorkspace } from '../helpers/workspace.js'

const SECOND = 'd-secondsecond'
const demoSeed = () => parse(readFileSync(DEMO_ACCOUNT, 'utf8')) as SeedData

describe('many domains in one account (accounts:/domains: without member accounts)', function () {
  this.timeout(180_000)
  const seed = demoSeed()
  seed.domains!.push({ id: SECOND, name: 'second', authMode: 'IAM', tagPropagation: 'ENABLED' })
  let emu: Emulator
  before(async () => {
    emu = await startEmulator({ seed, profileReadyMs: 20 })
  })
  after(() => emu?.close())
  beforeEach(async () => {
    emu.reset()
    await emu.dropTables()
    emu.seed(seed)
  })
  const account = () => emu
  const cli = (args: string[]) => runInProcess(args, { env: account().env() })
  // team1 in domain a, team2 in domain b; both domains in the caller's account.
  const file = () => twoDomainWorkspace(SECOND)

  it("plans each domain's profiles in that domain, applies, and the next plan is empty", async () => {
    const f = file()
    const r = await cli(['plan', '-f', f, '--json'])
    assert.equal(r.code, 0, r.stderr)
    const plan = JSON.parse(r.stdout) as Plan
    const profiles = plan.changes.filter((c) => c.kind === 'profile')
    assert.deepEqual(profiles.map((c) => `${c.domain} ${c.team}`).sort(), ['a team1', 'b team2', 'b team2'])
    const a = await cli(['apply', '-f', f, '--yes'])
    assert.equal(a.code, 0, a.stdout + a.stderr)
    const inDomain = (id: string) =>
      account()
        .state.profiles.filter((p) => p.DomainId === id)
        .map((p) => p.UserProfileName.split('-')[0])
        .sort()
    assert.deepEqual(inDomain('d-abcdefghijkl'), ['team1'])
    assert.deepEqual(inDomain(SECOND), ['team2', 'team2'])
    const again = await cli(['plan', '-f', f, '--json'])
    assert.equal(again.code, 0, again.stderr)
    const second = JSON.parse(again.stdout) as Plan
    assert.deepEqual(
      second.changes.filter((c) => c.action !== 'manual').map((c) => `${c.action} ${c.kind} ${c.key}`),
      [],
    )
  })
})

const BASE = 'https://acs.example.com'
const ACS_ROLE = 'sagemaker-teams-acs-role'
const USER2 = '906712345a-2b3c4d5e-6f70-4b8c-9d0e-1f2a3b4c5d6e'

describe('many accounts: Identity Center, dev (one domain), prod (two domains)', function () {
  this.timeout(300_000)
  const organization = useOrganization()
  let emu: Emulator
  before(() => {
    emu = organization()
  })
  const cli = (args: string[]) => runInProcess(args, { env: emu.env() })
  const planOf = async (f: string, ...flags: string[]) => {
    const r = await cli(['plan', '-f', f, '--json', ...flags])
    assert.equal(r.code, 0, r.stderr)
    return JSON.parse(r.stdout) as Plan
  }
  const actionable = (plan: Plan) =>
    plan.changes.filter((c) => c.action !== 'manual').map((c) => `${c.action} ${c.kind} ${c.key}`)

  /** Four teams across three domains; `change` edits the file further. */
  const file = organizationWorkspace
  const roleNames = (id?: string) =>
    (id ? emu.accountState(id) : emu.state).roles
      .map((r) => r.RoleName)
      .filter((n) => n.startsWith('sagemaker-teams-team'))
      .sort()
  const profilesIn = (id: string | undefined, domain: string) =>
    (id ? emu.accountState(id) : emu.state).profiles
      .filter((p) => p.DomainId === domain)
      .map((p) => p.UserProfileName.split('-')[0])
      .sort()

  it('plan, apply, empty second plan; every resource lives in its account', async () => {
    const f = file()
    const plan = await planOf(f)
    const where = (kind: string) =>
      [
        ...new Set(
          plan.changes
            .filter((c) => c.kind === kind)
            .map((c) => `${c.account}/${c.domain ?? '-'}/${c.team ?? '-'}`),
        ),
      ].sort()
    assert.deepEqual(where('application'), [
      'identity-center/-/team1',
      'identity-center/-/team2',
      'identity-center/-/team3',
      'identity-center/-/team4',
    ])
    assert.deepEqual(where('role'), ['dev/-/team1', 'prod/-/team2', 'prod/-/team3', 'prod/-/team4'])
    assert.deepEqual(where('boundary'), ['dev/-/-', 'prod/-/-'])
    assert.deepEqual(where('profile'), [
      'dev/dev/team1',
      'prod/prod-a/team2',
      'prod/prod-a/team3',
      'prod/prod-b/team4',
    ])
    assert.deepEqual(
      plan.context.accounts?.map(
        (a) => `${a.name} ${a.id} ${a.roleArn ?? '-'} ${a.domains.map((d) => d.name).join(',')}`,
      ),
      [
        `dev ${DEV} arn:aws:iam::${DEV}:role/sagemaker-teams-admin dev`,
        `prod ${PROD} arn:aws:iam::${PROD}:role/sagemaker-teams-admin prod-a,prod-b`,
      ],
    )
    // The text plan groups by account, then domain, then team; the review names the account.
    const text = await cli(['plan', '-f', f])
    assert.equal(text.code, 0, text.stderr)
    const titles = text.stdout.split('\n').filter((l) => /^(Identity Center account|Account )/.test(l))
    assert.deepEqual(titles.slice(-3), [
      `Account prod (${PROD}) · domain prod-a (d-prodaaaaaaaa) · team team2`,
      `Account prod (${PROD}) · domain prod-a (d-prodaaaaaaaa) · team team3`,
      `Account prod (${PROD}) · domain prod-b (d-prodbbbbbbbb) · team team4`,
    ])
    assert.match(text.stdout, /widens\s+team4 @ prod\s+role sagemaker-teams-team4 is created/)

    const a = await cli(['apply', '-f', f, '--yes'])
    assert.equal(a.code, 0, a.stdout + a.stderr)
    assert.match(a.stdout, /Account dev: ok/)
    assert.match(a.stdout, /Account prod: ok/)
    // Roles and profiles in the domain's account, applications in the Identity Center account.
    assert.deepEqual(roleNames(DEV), ['sagemaker-teams-team1'])
    assert.deepEqual(roleNames(PROD), [
      'sagemaker-teams-team2',
      'sagemaker-teams-team3',
      'sagemaker-teams-team4',
    ])
    assert.deepEqual(roleNames(), [])
    assert.deepEqual(profilesIn(DEV, 'd-devdomain001'), ['team1'])
    assert.deepEqual(profilesIn(PROD, 'd-prodaaaaaaaa'), ['team2', 'team2', 'team3'])
    assert.deepEqual(profilesIn(PROD, 'd-prodbbbbbbbb'), ['team4', 'team4'])
    assert.deepEqual(emu.state.profiles, [])
    assert.equal(emu.state.applications.length, 4)
    assert.equal(emu.accountState(DEV).applications.length + emu.accountState(PROD).applications.length, 0)
    assert.deepEqual(
      emu
        .accountState(PROD)
        .lfTags.map((t) => t.TagKey)
        .sort(),
      ['domain', 'sensitivity'],
    )
    // The team role's patterns name its own domain.
    const team4 = emu.accountState(PROD).roles.find((r) => r.RoleName === 'sagemaker-teams-team4')!
    assert.match(JSON.stringify(team4), /user-profile\/d-prodbbbbbbbb\/team4-\*/)

    assert.deepEqual(actionable(await planOf(f)), [])
  })

  it('an account whose role cannot be assumed fails with a clear error and a hint; the others apply; exit 1', async () => {
    const f = file((c) => {
      c.accounts!.qa = { id: QA }
      c.domains!.qa = { account: 'qa', id: 'd-qadomain0001' }
      c.teams.team4.domain = 'qa'
    })
    const p = await cli(['plan', '-f', f])
    assert.equal(p.code, 1, p.stdout + p.stderr)
    const expected = `account qa (${QA}): cannot assume arn:aws:iam::${QA}:role/sagemaker-teams-admin: AccessDenied`
    assert.ok(p.stderr.includes(expected), p.stderr)
    assert.match(p.stderr, /Hint: .*trust policy must allow sts:AssumeRole/)
    const a = await cli(['apply', '-f', f, '--yes'])
    assert.equal(a.code, 1, a.stdout + a.stderr)
    assert.match(a.stdout, new RegExp(`Account qa \\(${QA}\\): ${expected.replace(/[()]/g, '\\$&')}`))
    assert.match(a.stdout, /Account dev: ok/)
    assert.match(a.stdout, /Account prod: ok/)
    assert.deepEqual(roleNames(DEV), ['sagemaker-teams-team1'])
    assert.deepEqual(roleNames(PROD), ['sagemaker-teams-team2', 'sagemaker-teams-team3'])
    assert.deepEqual(roleNames(QA), [])
    // doctor checks each account role can be assumed.
    const d = await cli(['doctor', '-f', f])
    assert.equal(d.code, 1, d.stdout)
    assert.match(
      d.stdout,
      /✓ pass\s+account dev\s+arn:aws:iam::222222222222:role\/sagemaker-teams-admin assumed; dev IAM/,
    )
    assert.match(d.stdout, /✓ pass\s+account prod\s+.* assumed; prod-a IAM, prod-b IAM/)
    assert.match(d.stdout, /✗ fail\s+account qa\s+account qa \(444444444444\): cannot assume .*AccessDenied/)
    assert.match(d.stdout, /→ The role must exist in account 444444444444 and its trust policy must allow/)
  })

  it('a team moved from dev to prod: the plan shows the move; apply --prune converges', async () => {
    const f = file()
    assert.equal((await cli(['apply', '-f', f, '--yes'])).code, 0)
    const moved = file((c) => {
      c.teams.team1.domain = 'prod-b'
    })
    const text = await cli(['plan', '-f', moved, '--prune'])
    assert.equal(text.code, 0, text.stderr)
    assert.match(
      text.stdout,
      /team1 moves from dev to prod-b: 1 profile re-created; home directories do not move/,
    )
    const a = await cli(['apply', '-f', moved, '--yes', '--prune'])
    assert.equal(a.code, 0, a.stdout + a.stderr)
    assert.deepEqual(profilesIn(DEV, 'd-devdomain001'), [])
    assert.deepEqual(profilesIn(PROD, 'd-prodbbbbbbbb'), ['team1', 'team4', 'team4'])
    assert.deepEqual(roleNames(DEV), [])
    assert.deepEqual(roleNames(PROD), [
      'sagemaker-teams-team1',
      'sagemaker-teams-team2',
      'sagemaker-teams-team3',
      'sagemaker-teams-team4',
    ])
    assert.deepEqual(actionable(await planOf(moved, '--prune')), [])
  })

  it('a login for a prod team goes through the ACS, which assumes the presign role in prod and redirects to that domain', async () => {
    const f = file((c) => {
      c.acs = { functionName: 'sagemaker-teams-acs', audience: 'urn:sagemaker-teams:acs', url: BASE }
      c.teams.team2.saml = { idpMetadata: 'metadata/team2.xml' }
    })
    mkdirSync(path.join(path.dirname(f), 'metadata'))
    writeFileSync(path.join(path.dirname(f), 'metadata', 'team2.xml'), idpMetadata())
    const plan = await planOf(f)
    assert.deepEqual(
      plan.changes.filter((c) => c.kind === 'presign-role').map((c) => `${c.action} ${c.account}`),
      ['create dev', 'create prod'],
    )
    const a = await cli(['apply', '-f', f, '--yes'])
    assert.equal(a.code, 0, a.stdout + a.stderr)
    // The presign role trusts only the ACS function's role.
    const presign = emu.accountState(PROD).roles.find((r) => r.RoleName === 'sagemaker-teams-acs-presign')
    assert.ok(presign, 'presign role in prod')
    assert.match(JSON.stringify(presign), new RegExp(`arn:aws:iam::123456789012:role/${ACS_ROLE}`))
    assert.equal(
      emu.state.roles.some((r) => r.RoleName === 'sagemaker-teams-acs-presign'),
      false,
      'no presign role in the Identity Center account',
    )
    assert.deepEqual(actionable(await planOf(f)), [])

    // The handler in process, acting as the ACS function's role, with the configuration apply builds.
    const saved = { ...process.env }
    Object.assign(process.env, emu.env())
    try {
      const teams = await loadTeamsFileOrThrow(f)
      const { buildPlan } = await import('../../src/lib/engine/scopes.js')
      const { AwsClients } = await import('../../src/lib/aws/clients.js')
      const many = await buildPlan(new AwsClients({ region: 'us-east-1' }), teams, {
        prune: false,
        force: false,
        refresh: 'existence',
      })
      const config = await acsConfigFor(many.ctx)
      assert.equal(config.teams.team2.presignRoleArn, `arn:aws:iam::${PROD}:role/sagemaker-teams-acs-presign`)
      assert.equal(config.teams.team2.domainId, 'd-prodaaaaaaaa')
      const before = emu.counters()['sts:AssumeRole'] ?? 0
      const deps = acsDeps(config, {
        store: new MemoryStore(),
        credentials: emu.credentialsFor(`arn:aws:iam::123456789012:role/${ACS_ROLE}`),
        profileWait: { timeoutMs: 5_000, intervalMs: 20 },
        log: () => {},
      })
      const login = () =>
        handleAcs(
          {
            method: 'POST',
            path: '/saml/acs/team2',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: Buffer.from(
              formBody(
                signedResponse({
                  acsUrl: `${BASE}/saml/acs/team2`,
                  audience: 'urn:sagemaker-teams:acs:team2',
                  userId: USER2,
                  teamId: 'team2',
                  email: 'user2@example.com',
                }).base64,
              ),
            ),
          },
          deps,
        )
      const first = await login()
      assert.equal(first.status, 302, first.body)
      const d = emu.accountState(PROD).domains.find((x) => x.DomainId === 'd-prodaaaaaaaa')!
      assert.ok(first.headers.Location?.startsWith(`${d.Url}/auth?token=`), first.headers.Location)
      // A second (warm) login reuses the assumed credentials: one AssumeRole in prod for both.
      assert.equal((await login()).status, 302)
      assert.equal((emu.counters()['sts:AssumeRole'] ?? 0) - before, 1)
    } finally {
      process.env = saved
    }
  })
})
