/** Team workspaces end to end: the CLI against the emulator (Athena workgroups, S3 bucket check, role policy). */
import assert from 'node:assert/strict'
import type { PolicyDocument } from '../../src/lib/plan/types.js'
import { useReconcile } from '../helpers/reconcile.js'
import { rewrite, workspace } from '../helpers/workspace.js'

const BUCKET = 'sagemaker-us-east-1-123456789012'

describe('team workspace (S3 prefix and Athena workgroup)', function () {
  this.timeout(180_000)
  const { emu, cli, plan, actions, applied } = useReconcile()
  const withWorkspace = () => workspace((c) => (c.workspace = {}))

  it('plan/apply create each team workgroup with results inside its prefix; the role names exactly its prefix and workgroup; the next plan is empty', async () => {
    emu().seed({ buckets: [BUCKET] })
    const file = withWorkspace()
    assert.deepEqual(
      actions(await plan(file)).filter((a) => a.includes('workgroup')),
      ['create workgroup sagemaker-teams-team1', 'create workgroup sagemaker-teams-team2'],
    )
    await applied(file)
    const wg = emu().state.workGroups.find((w) => w.Name === 'sagemaker-teams-team1')!
    assert.deepEqual(wg.Configuration, {
      ResultConfiguration: { OutputLocation: `s3://${BUCKET}/teams/team1/athena-results/` },
      EnforceWorkGroupConfiguration: true,
      PublishCloudWatchMetricsEnabled: true,
    })
    assert.deepEqual(wg.Tags, { 'sagemaker-teams:team': 'team1' })

    const role = emu().state.roles.find((r) => r.RoleName === 'sagemaker-teams-team1')!
    const ws = JSON.parse(role.InlinePolicies['sagemaker-teams-workspace']) as PolicyDocument
    const resources = ws.Statement.flatMap((s) => [s.Resource ?? []].flat()).sort()
    assert.deepEqual(resources, [
      '*',
      `arn:aws:athena:us-east-1:123456789012:datacatalog/*`,
      `arn:aws:athena:us-east-1:123456789012:workgroup/sagemaker-teams-team1`,
      `arn:aws:s3:::${BUCKET}`,
      `arn:aws:s3:::${BUCKET}`,
      `arn:aws:s3:::${BUCKET}/teams/team1/*`,
    ])
    const list = ws.Statement.find((s) => s.Sid === 'OwnPrefixList')!
    assert.deepEqual(list.Condition, { StringLike: { 's3:prefix': 'teams/team1/*' } })
    assert.doesNotMatch(JSON.stringify(ws), /team2/)
    assert.deepEqual(actions(await plan(file)), [])
    const status = await cli(['status', '-f', file])
    assert.equal(status.code, 0, status.stderr)
    assert.match(status.stdout, new RegExp(`sagemaker-teams-team1 in place, s3://${BUCKET}/teams/team1/`))
  })

  it('a missing bucket is a plan error with a hint; nothing is created', async () => {
    const file = withWorkspace()
    const r = await cli(['plan', '-f', file])
    assert.equal(r.code, 1)
    assert.match(r.stderr, new RegExp(`S3 bucket ${BUCKET} \\(workspace of team1, team2\\) does not exist`))
    assert.match(r.stderr, /never creates or deletes buckets/)
    const a = await cli(['apply', '-f', file, '--yes'])
    assert.equal(a.code, 1)
    assert.equal(emu().state.workGroups.length, 1) // primary only
    assert.equal(emu().counters()['athena:CreateWorkGroup'], undefined)
  })

  it('a bucket owned by another account is refused', async () => {
    emu().seed({ buckets: [{ name: 'shared-data', owner: '999999999999' }] })
    const file = workspace((c) => (c.workspace = { bucket: 'shared-data' }))
    const r = await cli(['plan', '-f', file])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /shared-data .* is not accessible as a bucket of account 123456789012/)
  })

  it('a team prefix and bucket of its own; a drifted result location is put back', async () => {
    emu().seed({ buckets: [BUCKET, 'team2-data'] })
    const file = workspace((c) => {
      c.workspace = { prefix: 'ml/' }
      c.teams.team2.workspace = { bucket: 'team2-data', prefix: 'lab/' }
    })
    await applied(file)
    const location = (n: string) =>
      (
        emu().state.workGroups.find((w) => w.Name === n)!.Configuration as {
          ResultConfiguration: { OutputLocation: string }
        }
      ).ResultConfiguration.OutputLocation
    assert.equal(location('sagemaker-teams-team1'), `s3://${BUCKET}/ml/team1/athena-results/`)
    assert.equal(location('sagemaker-teams-team2'), 's3://team2-data/lab/athena-results/')
    ;(
      emu().state.workGroups.find((w) => w.Name === 'sagemaker-teams-team1')!.Configuration as Record<
        string,
        unknown
      >
    ).EnforceWorkGroupConfiguration = false
    assert.deepEqual(actions(await plan(file)), ['update workgroup sagemaker-teams-team1'])
    await applied(file)
    assert.deepEqual(actions(await plan(file)), [])
  })

  it('--prune removes a removed team workgroup; without --prune it stays; the role loses its workspace policy at once', async () => {
    emu().seed({ buckets: [BUCKET] })
    const file = withWorkspace()
    await applied(file)
    rewrite(file, (c) => {
      c.workspace = undefined
      c.teams.team1.workspace = {}
    })
    // Revoking access needs no flag: team2's role loses its workspace policy on a plain apply. The
    // boundary admits the teams' prefixes as a set (teams/*), so it stays as it is.
    assert.deepEqual(actions(await plan(file)), ['update role sagemaker-teams-team2'])
    await applied(file)
    const role2 = emu().state.roles.find((r) => r.RoleName === 'sagemaker-teams-team2')!
    assert.ok(!('sagemaker-teams-workspace' in role2.InlinePolicies))
    assert.ok(emu().state.workGroups.some((w) => w.Name === 'sagemaker-teams-team2'))
    assert.deepEqual(actions(await plan(file, '--prune')), ['delete workgroup sagemaker-teams-team2'])
    await applied(file, '--prune')
    assert.deepEqual(
      emu()
        .state.workGroups.map((w) => w.Name)
        .sort(),
      ['primary', 'sagemaker-teams-team1'],
    )
    assert.deepEqual(actions(await plan(file, '--prune')), [])
  })

  it('the access review lists the matrix rows a role change alters, evaluated before and after', async () => {
    emu().seed({ buckets: [BUCKET] })
    const file = workspace()
    await applied(file)
    rewrite(file, (c) => {
      c.teams.team1.workspace = {}
    })
    // The first workspace adds the bucket to the team roles' boundary: the one-time set-up step writes it.
    const setUp = await cli(['setup', '-f', file, '--yes'])
    assert.equal(setUp.code, 0, setUp.stdout + setUp.stderr)
    const gained = await plan(file)
    const widened = gained.accessReview!.widened.map((i) => i.description)
    assert.ok(
      widened.includes('team1 role can now: read and write objects under own prefix'),
      widened.join('\n'),
    )
    assert.ok(
      widened.includes(
        'team1 role can now: run an Athena query in own workgroup, reading through Lake Formation',
      ),
    )
    // What stays denied is not listed, and nothing narrows.
    assert.ok(!widened.some((w) => /team2's prefix/.test(w)), widened.join('\n'))
    assert.deepEqual(
      gained.accessReview!.narrowed.filter((i) => i.description.includes('can no longer')),
      [],
    )
    await applied(file)
    rewrite(file, (c) => {
      c.teams.team1.workspace = undefined
    })
    const lost = (await plan(file)).accessReview!.narrowed.map((i) => i.description)
    assert.ok(lost.includes('team1 role can no longer: list own prefix'), lost.join('\n'))
  })

  it("the access review evaluates an attached managed policy: Allow *:* opens other teams' data, not the guardrails", async () => {
    emu().seed({ buckets: [BUCKET] })
    const file = withWorkspace()
    await applied(file)
    rewrite(file, (c) => {
      c.teams.team1.executionRole.managedPolicyArns = ['arn:aws:iam::aws:policy/AdministratorAccess']
    })
    const p = await plan(file)
    const widened = p.accessReview!.widened.map((i) => i.description)
    assert.ok(widened.includes("team1 role can now: read objects under team2's prefix"), widened.join('\n'))
    assert.ok(
      !widened.some((w) => /can now: (change its own Team tag|pass team2's role)/.test(w)),
      widened.join('\n'),
    )
    assert.deepEqual(
      p.warnings.filter((w) => w.includes('could not be read')),
      [],
    )
  })

  it('a workgroup of that name the tool did not create is not touched', async () => {
    emu().seed({ buckets: [BUCKET] })
    emu().state.workGroups.push({
      Name: 'sagemaker-teams-team1',
      State: 'ENABLED',
      Configuration: {},
      CreationTime: new Date(),
      Tags: {},
    })
    const p = await plan(withWorkspace())
    const c = p.changes.find((x) => x.kind === 'workgroup' && x.key === 'sagemaker-teams-team1')!
    assert.equal(c.action, 'blocked')
    assert.match(c.reason ?? '', /not created by sagemaker-teams/)
  })

  it('validate refuses overlapping prefixes in one bucket', async () => {
    const file = workspace((c) => {
      c.workspace = {}
      c.teams.team1.workspace = { prefix: 'teams/' }
    })
    const r = await cli(['validate', '-f', file])
    assert.equal(r.code, 1)
    assert.match(
      r.stderr,
      /workspace prefix "teams\/" of team team1 contains team team2's prefix "teams\/team2\/"/,
    )
  })
})
