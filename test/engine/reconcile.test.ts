/**
 * The reconcile engine through the CLI's commands against the emulator: in the test process
 * (runInProcess), a real process where one is killed.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Ajv } from 'ajv'
import type { Plan } from '../../src/lib/plan/types.js'
import type { Emulator } from '../../tools/emulator/index.js'
import { killWhen, ROOT } from '../helpers/cli.js'
import { useDemoAccount } from '../helpers/emulator.js'
import { runInProcess } from '../helpers/in-process.js'
import { rewrite, workspace } from '../helpers/workspace.js'

const SEED = path.join(ROOT, 'examples', 'demo-account.yaml')
const USER1 = '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'
const USER2 = '906712345a-2b3c4d5e-6f70-4b8c-9d0e-1f2a3b4c5d6e'
const DOMAIN = 'd-abcdefghijkl'

describe('plan and apply (CLI against the emulator)', function () {
  this.timeout(120_000)
  const account = useDemoAccount()
  let emu: Emulator
  beforeEach(() => {
    emu = account()
  })
  const cli = (args: string[]) => runInProcess(args, { env: emu.env() })
  const planJson = async (file: string, ...flags: string[]): Promise<Plan> => {
    const r = await cli(['plan', '-f', file, '--json', ...flags])
    assert.equal(r.code, 0, r.stderr)
    return JSON.parse(r.stdout) as Plan
  }
  const actions = (plan: Plan) =>
    plan.changes.filter((c) => c.action !== 'manual').map((c) => `${c.action} ${c.kind} ${c.key}`)
  // The apply lock (a DynamoDB table made on first use, one item put and deleted) is not a write
  // to what the tool manages: apply takes it before it computes the plan.
  const writes = () =>
    Object.entries(emu.counters())
      .filter(([k]) => !/^dynamodb:(CreateTable|PutItem|UpdateItem|DeleteItem)$/.test(k))
      .filter(([k]) => /:(Create|Put|Update|Delete|Tag|Attach|Detach|BatchGrant|BatchRevoke|Add)/.test(k))
      .reduce((n, [, v]) => n + v, 0)

  it('fresh account: plan lists every create, apply succeeds, the next plan has no changes', async () => {
    const file = workspace()
    const plan = await planJson(file)
    assert.deepEqual(
      actions(plan).map((a) => a.split(' ').slice(0, 2).join(' ')),
      [
        // The team roles' boundary and the ACS's: a fresh account's are created by apply when missing.
        'create boundary',
        'create boundary',
        'create role',
        'create role',
        'create lf-tag',
        'create lf-tag',
        'create lf-grant',
        'create lf-grant',
        'create application',
        'create application',
        'create assignment',
        'create assignment',
        'create assignment',
        'create profile',
        'create profile',
        'create profile',
        'create acs-role',
        'create acs-table',
        'create acs-function',
        'create acs-url',
        'create acs-permission',
        'create acs-permission',
      ],
    )
    assert.equal(plan.summary.manual, 2)
    const apply = await cli(['apply', '-f', file, '--yes'])
    assert.equal(apply.code, 0, apply.stdout + apply.stderr)
    assert.match(apply.stdout, /Apply complete: 22 done, 0 failed/)
    const again = await cli(['plan', '-f', file, '--detailed-exitcode'])
    assert.equal(again.code, 0, again.stdout)
    assert.match(again.stdout, /No changes\./)
    const full = await cli(['plan', '-f', file, '--detailed-exitcode', '--refresh', 'full'])
    assert.equal(full.code, 0, full.stdout)
    emu.resetCounters()
    const noop = await cli(['apply', '-f', file, '--yes'])
    assert.equal(noop.code, 0)
    assert.equal(writes(), 0, JSON.stringify(emu.counters()))
    assert.equal(emu.state.profiles.length, 3)
    assert.ok(emu.state.profiles.every((p) => p.Tags['sagemaker-teams:team'] && p.Tags.Team))
  })

  it('membership changes: exactly those changes; assignments revoked by default, profiles deleted only with --prune; a profile with an app is blocked', async () => {
    const file = workspace()
    assert.equal((await cli(['apply', '-f', file, '--yes'])).code, 0)
    rewrite(file, (c) => {
      c.teams.team1.members = { users: ['user2@example.com'] } // user2 moves into team1, user1 leaves team1
      c.teams.team2.members = { users: ['user1@example.com'], groups: ['ds-team1'] } // ...and leaves team2; a group joins
    })
    const plan = await planJson(file)
    assert.deepEqual(actions(plan).sort(), [
      `create assignment team1/USER/${USER2}`,
      'create assignment team2/GROUP/906712345a-aa11bb22-cc33-4d44-8e55-ff6677889900',
      `create profile team1-${USER2}`,
      'create profile team2-3c4d5e6f-7081-4c9d-8e0f-2a3b4c5d6e7f',
      'create profile team2-4d5e6f70-8192-4dae-9f10-3b4c5d6e7f80',
      // Revocation needs no flag: the assignments of the members who left go by default.
      `delete assignment team1/USER/${USER1}`,
      `delete assignment team2/USER/${USER2}`,
      // The ACS configuration carries the resolved members: it changes with them.
      'update acs-function sagemaker-teams-acs',
    ])
    // Their profiles (home directories) are kept, and listed as such.
    assert.deepEqual(plan.kept?.map((k) => `${k.kind} ${k.key}`).sort(), [
      `profile team1-${USER1}`,
      `profile team2-${USER2}`,
    ])
    // A running app on user1's team1 profile blocks its deletion.
    emu.state.apps.push({
      DomainId: DOMAIN,
      UserProfileName: `team1-${USER1}`,
      AppType: 'JupyterServer',
      AppName: 'default',
      Status: 'InService',
      CreationTime: new Date(),
    })
    const pruned = await planJson(file, '--prune')
    assert.deepEqual(
      actions(pruned)
        .filter((a) => !a.startsWith('create'))
        .sort(),
      [
        `blocked profile team1-${USER1}`,
        // The running app stops anyway: a revoked member's apps go without a flag (#29 item 12).
        `delete app team1-${USER1}/JupyterServer/default`,
        `delete assignment team1/USER/${USER1}`,
        `delete assignment team2/USER/${USER2}`,
        `delete profile team2-${USER2}`,
        'update acs-function sagemaker-teams-acs',
      ],
    )
    const apply = await cli(['apply', '-f', file, '--yes', '--prune'])
    // The blocked delete is not done: the apply is incomplete (exit 1), the rest applied.
    assert.equal(apply.code, 1, apply.stdout + apply.stderr)
    assert.match(apply.stdout, /^Apply incomplete: \d+ done, 0 failed, 0 manual, 0 skipped, 1 blocked\.$/m)
    assert.ok(
      emu.state.profiles.some((p) => p.UserProfileName === `team1-${USER1}`),
      'blocked profile stays',
    )
    assert.ok(
      !emu.state.profiles.some((p) => p.UserProfileName === `team2-${USER2}`),
      'pruned profile deleted',
    )
    const forced = await cli(['apply', '-f', file, '--yes', '--prune', '--force'])
    assert.equal(forced.code, 0, forced.stdout + forced.stderr)
    assert.ok(
      !emu.state.profiles.some((p) => p.UserProfileName === `team1-${USER1}`),
      '--force deletes apps and the profile',
    )
    const after = await cli(['plan', '-f', file, '--prune', '--detailed-exitcode'])
    assert.equal(after.code, 0, after.stdout)
  })

  it('never modifies a resource without the owned tag that collides with a desired name', async () => {
    emu.seed({
      profiles: [{ domainId: DOMAIN, name: `team1-${USER1}`, tags: { owner: 'someone-else' } }],
      roles: [{ name: 'sagemaker-teams-team2', tags: {} }],
    })
    const file = workspace()
    const plan = await planJson(file, '--refresh', 'full')
    const blocked = plan.changes.filter((c) => c.action === 'blocked')
    assert.deepEqual(blocked.map((c) => `${c.kind} ${c.key}`).sort(), [
      `profile team1-${USER1}`,
      'role sagemaker-teams-team2',
    ])
    assert.ok(blocked.every((c) => /without the sagemaker-teams:team tag/.test(c.reason ?? '')))
    await cli(['apply', '-f', file, '--yes'])
    const profile = emu.state.profiles.find((p) => p.UserProfileName === `team1-${USER1}`)!
    assert.deepEqual(profile.Tags, { owner: 'someone-else' })
    const role = emu.state.roles.find((r) => r.RoleName === 'sagemaker-teams-team2')!
    assert.deepEqual(Object.keys(role.InlinePolicies), [])
  })

  it('when AWS refuses to create a SAML app, the step becomes manual; the console-made app is adopted', async () => {
    emu.setSamlProviderRefused(true)
    const file = workspace()
    const apply = await cli(['apply', '-f', file, '--yes'])
    assert.equal(apply.code, 0, apply.stdout + apply.stderr)
    assert.match(
      apply.stdout,
      /MANUAL {2}application "SageMaker Studio Team 1": AWS refused .* under the exact name "SageMaker Studio Team 1"/,
    )
    assert.match(apply.stdout, /SKIPPED assignment/)
    assert.equal(emu.state.applications.length, 0)
    // The admin creates the applications in the console (no owner tag).
    emu.seed({ applications: [{ name: 'SageMaker Studio Team 1' }, { name: 'SageMaker Studio Team 2' }] })
    const plan = await planJson(file)
    const apps = plan.changes.filter((c) => c.kind === 'application')
    assert.deepEqual(
      apps.map((c) => [c.action, (c.after as { adopt?: boolean }).adopt]),
      [
        ['create', true],
        ['create', true],
      ],
    )
    const adopt = await cli(['apply', '-f', file, '--yes'])
    assert.equal(adopt.code, 0, adopt.stdout + adopt.stderr)
    assert.equal(emu.state.applications.length, 2)
    assert.deepEqual(emu.state.applications.map((a) => a.Tags['sagemaker-teams:team']).sort(), [
      'team1',
      'team2',
    ])
    assert.equal(emu.state.assignments.length, 3)
    assert.equal((await cli(['plan', '-f', file, '--detailed-exitcode'])).code, 0)
  })

  it('converges under 20% throttling and 5% server errors', async () => {
    emu.injectFaults({ kind: 'throttle', rate: 0.2 })
    emu.injectFaults({ kind: '5xx', rate: 0.05 })
    const file = workspace()
    const apply = await cli(['apply', '-f', file, '--yes'])
    emu.clearFaults()
    if (apply.code !== 0) {
      // A change may exhaust its retries; the next run must finish the job without duplicates.
      assert.match(apply.stdout, /FAILED/)
      assert.equal((await cli(['apply', '-f', file, '--yes'])).code, 0)
    }
    assert.ok(Object.values(emu.faultCounters()).reduce((a, b) => a + b, 0) > 0, 'faults were injected')
    const plan = await cli(['plan', '-f', file, '--detailed-exitcode'])
    assert.equal(plan.code, 0, plan.stdout)
    assert.equal(emu.state.applications.length, 2)
    assert.equal(emu.state.profiles.length, 3)
  })

  it('an apply killed half-way converges on the next run, with no duplicates', async () => {
    emu.setLatency(150)
    const file = workspace()
    // Killed once its first role exists: half-way. A short lease: the killed apply cannot release
    // its lock, the lease runs out instead.
    const killed = await killWhen(
      ['apply', '-f', file, '--yes', '--concurrency', '1'],
      /ok +create role/,
      'SIGKILL',
      {
        env: { ...emu.env(), SAGEMAKER_TEAMS_LOCK_LEASE_SECONDS: '2' },
      },
    )
    assert.equal(killed.signal, 'SIGKILL')
    emu.setLatency(0)
    const partial = emu.state.roles.length + emu.state.applications.length + emu.state.profiles.length
    assert.ok(partial < 7, 'the first run was interrupted before finishing')
    const resumed = await cli(['apply', '-f', file, '--yes', '--lock-timeout', '10'])
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr)
    assert.equal(emu.state.applications.length, 2)
    assert.deepEqual(emu.state.roles.map((r) => r.RoleName).sort(), [
      'sagemaker-teams-acs-role',
      'sagemaker-teams-team1',
      'sagemaker-teams-team2',
    ])
    assert.equal(emu.state.functions.length, 1)
    assert.equal(emu.state.profiles.length, 3)
    assert.equal(emu.state.assignments.length, 3)
    assert.equal((await cli(['plan', '-f', file, '--detailed-exitcode'])).code, 0)
  })

  it('the JSON plan validates against its schema; apply --plan refuses when the account changed', async () => {
    const file = workspace()
    const out = path.join(path.dirname(file), 'plan.json')
    const r = await cli(['plan', '-f', file, '--out', out, '--detailed-exitcode'])
    assert.equal(r.code, 2)
    const plan = JSON.parse(readFileSync(out, 'utf8')) as Plan
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schema', 'plan.schema.json'), 'utf8'))
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema)
    assert.ok(validate(plan), JSON.stringify(validate.errors))
    assert.equal(plan.planVersion, 2)
    emu.seed({
      profiles: [{ domainId: DOMAIN, name: `team1-${USER1}`, tags: { 'sagemaker-teams:team': 'team1' } }],
    })
    const refused = await cli(['apply', '-f', file, '--plan', out, '--yes'])
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /plan\.json is not what apply would do now/)
    emu.reset()
    await emu.seedFile(SEED)
    assert.equal((await cli(['plan', '-f', file, '--out', out])).code, 0)
    const applied = await cli(['apply', '-f', file, '--plan', out, '--yes'])
    assert.equal(applied.code, 0, applied.stderr)
  })

  it('--require-approval: without a terminal a widening plan needs --yes; a narrowing-only plan proceeds', async () => {
    const file = workspace()
    const refused = await cli(['apply', '-f', file])
    assert.equal(refused.code, 1)
    assert.match(
      refused.stderr,
      /this plan\n[\s\S]*\+ widens: user1@example.com gains team1 \(role sagemaker-teams-team1\)/,
    )
    assert.equal(emu.state.roles.length, 0, 'nothing applied')
    assert.equal((await cli(['apply', '-f', file, '--require-approval', 'never'])).code, 0)
    rewrite(file, (c) => {
      c.teams.team2.members = { users: ['user1@example.com'] }
    })
    // Narrowing deletes: the default (destructive) asks, so without a terminal it needs --yes...
    const destructive = await cli(['apply', '-f', file, '--prune'])
    assert.equal(destructive.code, 1)
    assert.match(destructive.stderr, /- deletes: profile team2-/)
    // ...and --require-approval broadening lets a narrowing-only plan through.
    const narrowing = await cli(['apply', '-f', file, '--prune', '--require-approval', 'broadening'])
    assert.equal(narrowing.code, 0, narrowing.stdout + narrowing.stderr)
    assert.ok(!emu.state.profiles.some((p) => p.UserProfileName === `team2-${USER2}`))
    rewrite(file, (c) => {
      c.teams.team2.members = { users: ['user1@example.com', 'user2@example.com'] }
    })
    const anyChange = await cli(['apply', '-f', file, '--require-approval', 'any-change'])
    assert.equal(anyChange.code, 1)
  })

  it('unknown users and groups are errors of their teams, all of them listed at file:line:column; those teams get nothing', async () => {
    const file = workspace((c) => {
      c.teams.team1.members = { users: ['ghost@example.com', 'user1@example.com'], groups: ['no-such-group'] }
      c.teams.team2.members = { users: ['phantom@example.com'] }
    })
    const r = await cli(['apply', '-f', file, '--yes'])
    assert.equal(r.code, 1)
    for (const line of [
      /teams\.yaml:\d+:\d+ {2}teams\.team1\.members\.users\.0 {2}user ghost@example\.com of team team1/,
      /teams\.yaml:\d+:\d+ {2}teams\.team1\.members\.groups\.0 {2}group no-such-group of team team1/,
      /teams\.yaml:\d+:\d+ {2}teams\.team2\.members\.users\.0 {2}user phantom@example\.com of team team2/,
    ])
      assert.match(r.stderr, line)
    // Both teams are in error: none of their roles, applications, assignments or profiles is made
    // (what no team owns — the boundary, the LF-tags, the ACS — is).
    assert.equal(emu.state.applications.length, 0)
    assert.equal(emu.state.assignments.length, 0)
    assert.equal(emu.state.profiles.length, 0)
    assert.ok(!emu.state.roles.some((x) => x.RoleName.startsWith('sagemaker-teams-team')))
  })

  it('refuses a domain in IAM Identity Center auth mode, explaining why', async () => {
    const file = workspace((c) => {
      c.domain.id = 'd-ssomode0001'
    })
    const r = await cli(['plan', '-f', file])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /uses SSO authentication; sagemaker-teams needs a domain in IAM auth mode/)
    assert.match(r.stderr, /maps each person to exactly one user profile/)
  })
})
