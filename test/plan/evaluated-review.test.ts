/**
 * plan's evaluated access review asks IAM's own simulator (iam:SimulateCustomPolicy; the emulator
 * answers it with the test engine): attaching and detaching a managed policy, a boundary change,
 * and what the review says when the simulator cannot be used.
 */
import assert from 'node:assert/strict'
import { useReconcile } from '../helpers/reconcile.js'
import { rewrite, workspace } from '../helpers/workspace.js'

const BUCKET = 'sagemaker-us-east-1-123456789012'
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess'

describe('plan: access review evaluated by iam:SimulateCustomPolicy', function () {
  this.timeout(180_000)
  const { emu, plan, applied } = useReconcile()
  const withWorkspace = () => workspace((c) => (c.workspace = {}))
  const rows = (items: { description: string }[]) =>
    items.map((i) => i.description).filter((d) => / role can (now|no longer): /.test(d))

  it('AdministratorAccess on team1 gives "can now" rows; detaching it gives "can no longer" rows', async () => {
    emu().seed({ buckets: [BUCKET] })
    const file = withWorkspace()
    await applied(file)
    rewrite(file, (c) => {
      c.teams.team1.executionRole.managedPolicyArns = [ADMIN]
    })
    emu().resetCounters()
    const attach = await plan(file)
    const now = rows(attach.accessReview!.widened)
    assert.ok(now.includes("team1 role can now: read objects under team2's prefix"), now.join('\n'))
    assert.ok(now.includes("team1 role can now: stop team2's training job"), now.join('\n'))
    // The guardrails hold (explicit denies), and what team1 could do already is not news.
    assert.ok(
      !now.some((w) => /change its own Team tag|pass team2's role|list own prefix/.test(w)),
      now.join('\n'),
    )
    assert.deepEqual(rows(attach.accessReview!.narrowed), [])
    assert.ok(emu().counters()['iam:SimulateCustomPolicy'] > 0)
    assert.deepEqual(
      attach.warnings.filter((w) => w.includes('access review')),
      [],
    )

    await applied(file)
    rewrite(file, (c) => {
      c.teams.team1.executionRole.managedPolicyArns = []
    })
    // The tool attached it, so it detaches it when the file no longer names it (no flag).
    const detach = await plan(file)
    const lost = rows(detach.accessReview!.narrowed)
    assert.ok(lost.includes("team1 role can no longer: read objects under team2's prefix"), lost.join('\n'))
    assert.deepEqual(rows(detach.accessReview!.widened), [])
  })

  it('without iam:SimulateCustomPolicy the review says plainly that role changes were not evaluated, and why', async () => {
    emu().seed({ buckets: [BUCKET] })
    const file = withWorkspace()
    await applied(file)
    rewrite(file, (c) => {
      c.teams.team1.executionRole.managedPolicyArns = [ADMIN]
    })
    emu().injectFaults({ operation: 'iam:SimulateCustomPolicy', kind: 'denied', rate: 1 })
    const p = await plan(file)
    assert.deepEqual(rows(p.accessReview!.widened), [])
    assert.ok(
      p.warnings.some((w) =>
        /role changes were NOT evaluated: these credentials may not call iam:SimulateCustomPolicy \(AccessDenied/.test(
          w,
        ),
      ),
      p.warnings.join('\n'),
    )
    // The text review still names the change.
    assert.ok(p.accessReview!.widened.some((i) => i.description.includes(`gains managed policy ${ADMIN}`)))
  })
})
