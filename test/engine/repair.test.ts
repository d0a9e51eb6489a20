/**
 * A hand-made escalation is seen by the default plan and its repair is classified by whose access it
 * removes (issue #29, item 5). The CLI's commands (in process) against the emulator.
 */
import assert from 'node:assert/strict'
import { AddTagsCommand, SageMakerClient, UpdateUserProfileCommand } from '@aws-sdk/client-sagemaker'
import { useReconcile } from '../helpers/reconcile.js'
import { workspace } from '../helpers/workspace.js'

const USER1 = '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'
const DOMAIN = 'd-abcdefghijkl'

describe('a hand-made escalation and its repair', function () {
  this.timeout(180_000)
  const { emu, cli, plan, applied } = useReconcile()

  it("switching one team1 profile to team2's role and Team tag by hand shows in the default plan; the repair revokes team2's access", async () => {
    const file = workspace((c) => {
      c.teams.team1.members = { users: ['user1@example.com', 'user3@example.com', 'user5@example.com'] }
    })
    await applied(file)
    const sm = new SageMakerClient({
      region: 'us-east-1',
      endpoint: emu().url,
      credentials: { accessKeyId: 'AKIAEMULATOR00000000', secretAccessKey: 'x' },
    })
    const name = `team1-${USER1}`
    await new Promise((r) => setTimeout(r, 5)) // the hand change comes after the apply's writes
    await sm.send(
      new UpdateUserProfileCommand({
        DomainId: DOMAIN,
        UserProfileName: name,
        UserSettings: { ExecutionRole: 'arn:aws:iam::123456789012:role/sagemaker-teams-team2' },
      }),
    )
    await sm.send(
      new AddTagsCommand({
        ResourceArn: emu().state.profiles.find((p) => p.UserProfileName === name)!.UserProfileArn,
        Tags: [{ Key: 'Team', Value: 'Team2' }],
      }),
    )
    const r = await cli(['plan', '-f', file, '--detailed-exitcode'])
    assert.equal(r.code, 2, r.stdout + r.stderr)
    assert.doesNotMatch(r.stdout, /The account matches/)
    for (const refresh of ['existence', 'full']) {
      const p = await plan(file, '--refresh', refresh)
      const update = p.changes.find((c) => c.kind === 'profile' && c.key === name)
      assert.equal(update?.action, 'update', refresh)
      assert.deepEqual(
        p.accessReview!.narrowed.filter((i) => i.kind === 'profile').map((i) => i.description),
        [
          "user1@example.com loses team2's access through their team1 profile (role sagemaker-teams-team2, Team=Team2, set by hand); it goes back to team1's",
        ],
        refresh,
      )
      assert.deepEqual(
        p.accessReview!.widened.filter((i) => i.kind === 'profile'),
        [],
        `${refresh}: the repair widens nothing`,
      )
    }
    await applied(file)
    const fixed = emu().state.profiles.find((p) => p.UserProfileName === name)!
    assert.equal(fixed.UserSettings.ExecutionRole, 'arn:aws:iam::123456789012:role/sagemaker-teams-team1')
    assert.equal(fixed.Tags.Team, 'Team1')
    assert.equal((await cli(['plan', '-f', file, '--refresh', 'full', '--detailed-exitcode'])).code, 0)
  })
})
