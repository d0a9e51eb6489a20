/**
 * `setup`, the one-time set-up step that writes the permissions boundaries (#24): the approval gate,
 * idempotence, and a member account's boundaries through a role assumed there.
 */
import assert from 'node:assert/strict'
import { useDemoAccount } from '../helpers/emulator.js'
import { runInProcess } from '../helpers/in-process.js'
import { organizationAcsWorkspace, PROD, useOrganization } from '../helpers/organization.js'
import { workspace } from '../helpers/workspace.js'

const BOUNDARIES = ['sagemaker-teams-acs-boundary', 'sagemaker-teams-boundary']

describe('setup (one domain)', function () {
  this.timeout(120_000)
  const emu = useDemoAccount()
  const cli = (args: string[]) => runInProcess(args, { env: emu().env() })
  const policies = () =>
    emu()
      .state.policies.map((p) => p.PolicyName)
      .filter((n) => n.startsWith('sagemaker-teams'))
      .sort()

  it('asks before writing: without a terminal and without --yes it writes nothing and exits 1', async () => {
    const file = workspace()
    const r = await cli(['setup', '-f', file])
    assert.equal(r.code, 1, r.stdout + r.stderr)
    assert.match(r.stderr, /approval required to write the permissions boundaries/)
    assert.match(r.stdout, /\+ boundary +sagemaker-teams-boundary/)
    assert.deepEqual(policies(), [])
  })

  it('--yes writes both boundaries once; a second run changes nothing; plan then has no boundary change', async () => {
    const file = workspace()
    const first = await cli(['setup', '-f', file, '--yes', '--json'])
    assert.equal(first.code, 0, first.stderr)
    assert.deepEqual(
      (JSON.parse(first.stdout) as { changes: { policyName: string; action: string }[] }).changes
        .map((c) => `${c.action} ${c.policyName}`)
        .sort(),
      BOUNDARIES.map((b) => `create ${b}`),
    )
    assert.deepEqual(policies(), BOUNDARIES)
    const again = await cli(['setup', '-f', file, '--yes'])
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stdout, /Boundaries up to date in account 123456789012\./)
    const plan = JSON.parse((await cli(['plan', '-f', file, '--json'])).stdout) as {
      changes: { kind: string }[]
    }
    assert.deepEqual(
      plan.changes.filter((c) => c.kind === 'boundary'),
      [],
    )
  })
})

describe('setup (accounts:)', function () {
  this.timeout(120_000)
  const emu = useOrganization()
  const cli = (args: string[]) => runInProcess(args, { env: emu().env() })

  it("--account writes that account's boundaries through the role assumed there, nothing in the CLI's own", async () => {
    const file = organizationAcsWorkspace()
    // The member seeds' admin role trusts the caller's account: here it stands for OrganizationAccountAccessRole.
    const r = await cli([
      'setup',
      '-f',
      file,
      '--account',
      'prod',
      '--role',
      'sagemaker-teams-admin',
      '--yes',
    ])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.match(r.stdout, /Boundaries written in account prod \(333333333333\)/)
    assert.deepEqual(
      emu()
        .accountState(PROD)
        .policies.map((p) => p.PolicyName)
        .filter((n) => n.startsWith('sagemaker-teams'))
        .sort(),
      BOUNDARIES,
    )
    // prod holds team roles and a presign role: the ACS's boundary there has no function statements.
    const acs = emu()
      .accountState(PROD)
      .policies.find((p) => p.PolicyName === 'sagemaker-teams-acs-boundary')!
    const sids = (JSON.parse(acs.Versions[0].Document) as { Statement: { Sid: string }[] }).Statement.map(
      (s) => s.Sid,
    )
    assert.deepEqual(sids, ['FileProfiles', 'PassTeamRolesToSageMaker'])
    // What setup wrote is what apply would want there: plan shows no boundary blocked (prod's equal,
    // the others missing, which apply creates).
    const p = await cli(['plan', '-f', file, '--json'])
    assert.equal(p.code, 0, p.stderr)
    const boundaries = (
      JSON.parse(p.stdout) as { changes: { kind: string; action: string }[] }
    ).changes.filter((c) => c.kind === 'boundary')
    assert.ok(boundaries.length > 0)
    assert.deepEqual(
      boundaries.filter((c) => c.action !== 'create'),
      [],
    )
    assert.deepEqual(
      emu().state.policies.filter((p) => p.PolicyName.startsWith('sagemaker-teams')),
      [],
    )
  })

  it('--account names an account of the file', async () => {
    const r = await cli(['setup', '-f', organizationAcsWorkspace(), '--account', 'nope', '--yes'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /--account nope: .* names no such account/)
  })
})
