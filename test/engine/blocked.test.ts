/**
 * Blocked is a result (issue #29): blocked changes are counted in apply's summaries and fail the
 * apply, and revocations whose replacement is blocked are held back. The CLI in process against the
 * emulator.
 */
import assert from 'node:assert/strict'
import type { Plan } from '../../src/lib/plan/types.js'
import { useReconcile } from '../helpers/reconcile.js'
import { rewrite, workspace } from '../helpers/workspace.js'

const USER1 = '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'

describe('blocked changes', function () {
  this.timeout(180_000)
  const { emu, cli, applied } = useReconcile()

  /** The principals assigned to the application named `name`. */
  const assignedTo = (name: string) => {
    const s = emu().state
    const app = s.applications.find((a) => a.Name === name)
    return s.assignments.filter((a) => a.ApplicationArn === app?.ApplicationArn).map((a) => a.PrincipalId)
  }

  it('a rename without movedFrom: the new application is blocked, the old assignments stay, apply exits 1 and counts it', async () => {
    const file = workspace()
    await applied(file)
    assert.deepEqual(assignedTo('SageMaker Studio Team 1'), [USER1])
    rewrite(file, (c) => {
      c.teams.analytics = c.teams.team1
      delete c.teams.team1
    })
    const r = await cli(['apply', '-f', file, '--yes'])
    assert.equal(r.code, 1, r.stdout + r.stderr)
    assert.match(r.stdout, /^Apply incomplete: 3 done, 0 failed, 0 manual, 0 skipped, 5 blocked\.$/m)
    assert.match(
      r.stdout,
      /^BLOCKED application "SageMaker Studio Team 1" \[analytics\]: .*declare `movedFrom: team1` on analytics/m,
    )
    assert.match(
      r.stdout,
      /^BLOCKED assignment user user1@example\.com \[team1\]: held back: team analytics replaces team1/m,
    )
    // Nobody lost the tile: team1's assignment was held back, and so was the ACS update dropping team1.
    assert.deepEqual(assignedTo('SageMaker Studio Team 1'), [USER1])
    const json = await cli(['apply', '-f', file, '--yes', '--json'])
    assert.equal(json.code, 1, json.stderr)
    assert.deepEqual(JSON.parse(json.stdout).summary, {
      done: 0,
      failed: 0,
      failedAccounts: 0,
      manual: 0,
      skipped: 0,
      blocked: 5,
    })
    assert.deepEqual(assignedTo('SageMaker Studio Team 1'), [USER1])
  })

  it('a rename with movedFrom: the application moves in place, nobody loses the tile at any step, one apply converges', async () => {
    const file = workspace()
    await applied(file)
    const app = emu().state.applications.find((a) => a.Name === 'SageMaker Studio Team 1')!
    assert.deepEqual(assignedTo('SageMaker Studio Team 1'), [USER1])
    rewrite(file, (c) => {
      c.teams.analytics = { ...c.teams.team1, movedFrom: 'team1' }
      delete c.teams.team1
    })
    const p = await cli(['plan', '-f', file, '--json'])
    assert.equal(p.code, 0, p.stderr)
    const plan = JSON.parse(p.stdout) as Plan
    const ic = plan.changes
      .filter((c) => ['application', 'assignment'].includes(c.kind))
      .map((c) => `${c.action} ${c.kind} ${c.key}`)
    // The application moves (re-tag); its assignments stay: nothing revoked, nothing blocked.
    assert.deepEqual(ic, ['update application analytics'])
    assert.ok(!plan.changes.some((c) => c.action === 'delete' || c.action === 'blocked'))
    assert.match(
      plan.accessReview?.moves?.join('\n') ?? '',
      /analytics moves from team1 \(movedFrom\): application "SageMaker Studio Team 1" re-tagged in place .*re-created under the new id .*: role sagemaker-teams-analytics, 1 LF grant, 1 profile/,
    )
    // The console step keeps the former id: the application's SAML settings moved with it.
    const step = plan.changes.find((c) => c.kind === 'console' && c.team === 'analytics')
    assert.match(JSON.stringify(step?.after), /saml\/acs\/team1/)
    assert.deepEqual(assignedTo('SageMaker Studio Team 1'), [USER1])

    const r = await cli(['apply', '-f', file, '--yes'])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    // The same application, now analytics', with the same assignment.
    const moved = emu().state.applications.find((a) => a.ApplicationArn === app.ApplicationArn)!
    assert.equal(moved.Tags['sagemaker-teams:team'], 'analytics')
    assert.deepEqual(assignedTo('SageMaker Studio Team 1'), [USER1])
    assert.ok(emu().state.profiles.some((x) => x.UserProfileName === `analytics-${USER1}`))
    // One apply converged: the next plan has no changes.
    const again = await cli(['plan', '-f', file, '--detailed-exitcode'])
    assert.equal(again.code, 0, again.stdout)
    assert.deepEqual(assignedTo('SageMaker Studio Team 1'), [USER1])
  })

  it('acs deploy shows the ACS part of the plan and asks as apply does: a widening without a terminal exits 1 unless --yes', async () => {
    const file = workspace()
    await applied(file)
    const before = emu().state.functions[0].CodeSha256
    rewrite(file, (c) => {
      c.teams.team1.members!.users!.push('user2@example.com')
    })
    const refused = await cli(['acs', 'deploy', '-f', file])
    assert.equal(refused.code, 1, refused.stdout + refused.stderr)
    assert.match(refused.stdout, /~ acs-function +sagemaker-teams-acs/)
    assert.match(
      refused.stderr,
      /approval required \(--require-approval destructive\) and there is no terminal/,
    )
    assert.match(refused.stderr, /widens: ACS: user2@example\.com may sign in to team team1/)
    assert.equal(emu().state.functions[0].CodeSha256, before, 'deployed without approval')
    const yes = await cli(['acs', 'deploy', '-f', file, '--yes'])
    assert.equal(yes.code, 0, yes.stdout + yes.stderr)
    assert.match(yes.stdout, /ACS deployed: /)
    assert.notEqual(emu().state.functions[0].CodeSha256, before)
  })
})
