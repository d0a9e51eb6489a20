/**
 * Blocked is a result (issue #29): blocked changes are counted in apply's summaries and fail the
 * apply, and revocations whose replacement is blocked are held back. The CLI in process against the
 * emulator.
 */
import assert from 'node:assert/strict'
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
    assert.match(r.stdout, /^Apply incomplete: 3 done, 0 failed, 0 manual, 0 skipped, 4 blocked\.$/m)
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
      manual: 0,
      skipped: 0,
      blocked: 4,
    })
    assert.deepEqual(assignedTo('SageMaker Studio Team 1'), [USER1])
  })
})
