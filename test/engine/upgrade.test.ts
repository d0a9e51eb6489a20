/**
 * A deployment made by the code before the permissions boundary and the function URL condition
 * (commit f150ea4: its `apply` of teams.example.yaml on the demo account, the emulator's state saved
 * as a fixture) is brought up to date by one apply, and the next plan is empty.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import {
  CreateTableCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb'
import type { EmulatorState } from '../../tools/emulator/index.js'
import { ROOT } from '../helpers/cli.js'
import { useReconcile } from '../helpers/reconcile.js'

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'upgrade', 'deployment-f150ea4.json')
const BOUNDARY = 'arn:aws:iam::123456789012:policy/sagemaker-teams-boundary'
const ACS_BOUNDARY = 'arn:aws:iam::123456789012:policy/sagemaker-teams-acs-boundary'

/** The saved state, with its dates as Date objects again. */
function savedState(): Partial<EmulatorState> {
  return JSON.parse(readFileSync(FIXTURE, 'utf8'), (key, value) =>
    typeof value === 'string' && /(Date|Time)$/.test(key) && /^\d{4}-\d\d-\d\dT/.test(value)
      ? new Date(value)
      : value,
  )
}

describe('upgrade of a deployment made before the boundary and the URL condition', function () {
  this.timeout(120_000)
  const { emu, cli, plan, applied, appliedBlocked } = useReconcile()

  it('one apply adds the boundary to every role and fixes the URL permission; the next plan is empty', async () => {
    const saved = savedState()
    Object.assign(emu().state, saved)
    // The old apply also created the ACS table (DynamoDB lives in dynalite, not in the saved state).
    const db = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: emu().url,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    })
    await db.send(
      new CreateTableCommand({
        TableName: 'sagemaker-teams-acs-state',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    )
    await waitUntilTableExists(
      { client: db, maxWaitTime: 30, minDelay: 1 },
      { TableName: 'sagemaker-teams-acs-state' },
    )
    await db.send(
      new UpdateTimeToLiveCommand({
        TableName: 'sagemaker-teams-acs-state',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      }),
    )
    const old = emu().state.functions[0].Policy.find((s) => s.Sid === 'FunctionURLAllowPublicInvoke')
    assert.ok(old && !old.Condition, 'the saved deployment has the unconditioned InvokeFunction statement')

    const file = path.join(ROOT, 'teams.example.yaml')
    const before = await plan(file)
    const changes = before.changes.filter((c) => c.action !== 'manual')
    assert.deepEqual(
      changes.map((c) => `${c.action} ${c.kind} ${c.key}`),
      [
        'create boundary sagemaker-teams-acs-boundary',
        'create boundary sagemaker-teams-boundary',
        'update role sagemaker-teams-team1',
        'update role sagemaker-teams-team2',
        'update acs-role sagemaker-teams-acs-role',
        'update acs-function sagemaker-teams-acs',
        'create acs-permission sagemaker-teams-acs/FunctionURLAllowInvokeViaUrl',
        'delete acs-permission sagemaker-teams-acs/FunctionURLAllowPublicInvoke',
      ],
    )
    // The team roles' own policies have changed since f150ea4 too (#13); the boundary is what this
    // upgrade adds to them. The saved state holds no code package, so the ACS configuration shows
    // as unreadable rather than itemised.
    for (const c of changes.filter((x) => x.kind === 'role'))
      assert.match(c.reason ?? '', /^permissions boundary missing/, c.key)
    assert.equal(changes.find((c) => c.kind === 'acs-role')?.reason, 'role policy, role permissions boundary')
    assert.match(
      changes.find((c) => c.kind === 'acs-function')?.reason ?? '',
      /^configuration \(the deployed one could not be read/,
    )
    // The access review lists what this upgrade does as narrowing.
    const narrowed = before.accessReview?.narrowed.map((n) => n.description) ?? []
    for (const line of [
      'role sagemaker-teams-team1 is bounded by sagemaker-teams-boundary (permissions boundary)',
      'role sagemaker-teams-team2 is bounded by sagemaker-teams-boundary (permissions boundary)',
      'the ACS function can be invoked only through its URL (no direct Invoke by any AWS principal)',
      'the ACS role is bounded by sagemaker-teams-acs-boundary (permissions boundary)',
    ])
      assert.ok(narrowed.includes(line), `${line}\nin:\n${narrowed.join('\n')}`)

    emu().resetCounters()
    await applied(file)
    const calls = emu().counters()
    // A fresh account's boundaries: apply creates what is missing (it may never change one).
    assert.equal(calls['iam:CreatePolicy'], 2)
    assert.equal(calls['iam:PutRolePermissionsBoundary'], 3)
    assert.equal(calls['lambda:RemovePermission'], 1)
    assert.equal(calls['lambda:AddPermission'], 1)
    for (const name of ['sagemaker-teams-team1', 'sagemaker-teams-team2'])
      assert.equal(emu().state.roles.find((r) => r.RoleName === name)?.PermissionsBoundary, BOUNDARY, name)
    assert.equal(
      emu().state.roles.find((r) => r.RoleName === 'sagemaker-teams-acs-role')?.PermissionsBoundary,
      ACS_BOUNDARY,
    )
    assert.deepEqual(
      emu()
        .state.functions[0].Policy.map((s) => `${s.Sid} ${s.Action} ${JSON.stringify(s.Condition)}`)
        .sort(),
      [
        'FunctionURLAllowInvokeViaUrl lambda:InvokeFunction {"Bool":{"lambda:InvokedViaFunctionUrl":"true"}}',
        'FunctionURLAllowPublicAccess lambda:InvokeFunctionUrl {"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}',
      ],
    )

    const again = await cli(['plan', '-f', file, '--detailed-exitcode'])
    assert.equal(again.code, 0, again.stdout + again.stderr)
    assert.match(again.stdout, /No changes\./)
  })

  it('a boundary the file needs changed is blocked in plan and apply, naming setup; setup makes it the new default version, the oldest non-default one going first at five', async () => {
    const file = path.join(ROOT, 'teams.example.yaml')
    await applied(file)
    const policy = emu().state.policies.find((p) => p.Arn === BOUNDARY)!
    const current = policy.Versions[0].Document
    // Someone (or older versions of the tool) left four more versions; the default is an old document.
    const stale = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sagemaker:*', Resource: '*' }],
    })
    for (let n = 2; n <= 5; n++)
      policy.Versions.push({ VersionId: `v${n}`, Document: stale, CreateDate: new Date(Date.now() + n) })
    policy.nextVersion = 6
    policy.DefaultVersionId = 'v5'
    const before = await plan(file)
    const change = before.changes.find((c) => c.kind === 'boundary')
    assert.equal(change?.action, 'blocked')
    assert.match(change?.reason ?? '', /run `sagemaker-teams setup`/)
    // Apply does not attempt it: everything else applies, the run exits 1 with the blocked count.
    emu().resetCounters()
    await appliedBlocked(file, 1)
    for (const op of ['iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'])
      assert.equal(emu().counters()[op] ?? 0, 0, op)
    assert.equal(policy.DefaultVersionId, 'v5')
    // The one-time set-up step shows the change (its access review) and writes it.
    const setUp = await cli(['setup', '-f', file, '--yes'])
    assert.equal(setUp.code, 0, setUp.stdout + setUp.stderr)
    assert.match(setUp.stdout, /~ boundary +sagemaker-teams-boundary/)
    assert.match(
      setUp.stdout,
      /Boundaries written in account 123456789012: update sagemaker-teams-boundary\./,
    )
    assert.deepEqual(
      policy.Versions.map((v) => v.VersionId),
      ['v2', 'v3', 'v4', 'v5', 'v6'],
    )
    assert.equal(policy.DefaultVersionId, 'v6')
    assert.equal(policy.Versions.at(-1)?.Document.replace(/\s/g, ''), current.replace(/\s/g, ''))
    const again = await cli(['plan', '-f', file, '--detailed-exitcode'])
    assert.equal(again.code, 0, again.stdout)
  })

  it("a policy of the boundary's name that the tool did not create is not changed", async () => {
    emu().state.policies.push({
      PolicyName: 'sagemaker-teams-boundary',
      PolicyId: 'ANPAFOREIGN',
      Arn: BOUNDARY,
      Path: '/',
      DefaultVersionId: 'v1',
      Versions: [
        { VersionId: 'v1', Document: '{"Version":"2012-10-17","Statement":[]}', CreateDate: new Date() },
      ],
      nextVersion: 2,
      CreateDate: new Date(),
      UpdateDate: new Date(),
      Tags: {},
    })
    const p = await plan(path.join(ROOT, 'teams.example.yaml'))
    const change = p.changes.find((c) => c.kind === 'boundary' && c.key === 'sagemaker-teams-boundary')
    assert.equal(change?.action, 'blocked')
    assert.match(change?.reason ?? '', /without the sagemaker-teams:managed tag/)
  })
})
