/** The workgroup kind's diff, as a table: a teams file's workspaces and the Athena workgroups → the changes. */
import assert from 'node:assert/strict'
import type { WorkgroupPayload } from '../../src/lib/plan/types.js'
import { desireOf, diffKind, type TableContext, team, teamsFile } from '../helpers/kind-table.js'

const workspace = { bucket: 'team-data', prefix: 'teams/' }
const TWO = { config: teamsFile({ team1: team(), team2: team() }, { workspace }) }

async function applied(t: TableContext): Promise<Map<string, WorkgroupPayload | undefined>> {
  const desired = await desireOf('workgroup', t)
  return new Map([...desired].map(([name, w]) => [name, { ...w }]))
}

describe('workgroup diff (table)', () => {
  it("creates each team's workgroup with its results inside the team's prefix; in place is no change", async () => {
    const r = await diffKind('workgroup', TWO, new Map())
    assert.deepEqual(r.lines, ['create sagemaker-teams-team1', 'create sagemaker-teams-team2'])
    assert.equal(r.changes[0].after!.outputLocation, 's3://team-data/teams/team1/athena-results/')
    assert.equal(r.changes[0].after!.enforced, true)
    assert.deepEqual((await diffKind('workgroup', TWO, await applied(TWO))).lines, [])
  })

  it('a team without a workspace has no workgroup', async () => {
    assert.deepEqual(
      (await diffKind('workgroup', { config: teamsFile({ team1: team() }) }, new Map())).lines,
      [],
    )
  })

  it('a drifted result location, an unenforced one and a disabled workgroup are put back', async () => {
    const present = await applied(TWO)
    Object.assign(present.get('sagemaker-teams-team1')!, {
      outputLocation: 's3://elsewhere/out/',
      enforced: false,
      state: 'DISABLED',
    })
    const r = await diffKind('workgroup', TWO, present)
    assert.deepEqual(r.lines, ['update sagemaker-teams-team1'])
    assert.equal(
      r.changes[0].reason,
      'result location s3://elsewhere/out/; result location not enforced; state DISABLED',
    )
  })

  it('a workgroup of the name that the tool did not create, or of another team, is blocked', async () => {
    const present = await applied(TWO)
    present.get('sagemaker-teams-team1')!.team = ''
    present.get('sagemaker-teams-team2')!.team = 'team1'
    const r = await diffKind('workgroup', TWO, present)
    assert.deepEqual(r.lines, ['blocked sagemaker-teams-team1', 'blocked sagemaker-teams-team2'])
    assert.match(r.changes[0].reason!, /without the sagemaker-teams:team tag/)
    assert.equal(r.changes[1].reason, 'the workgroup belongs to team team1; not modified')
  })

  it('--prune deletes the workgroup of a team without a workspace or gone from the file; without it, it stays', async () => {
    const present = await applied(TWO)
    present.set('sagemaker-teams-other', { ...present.get('sagemaker-teams-team1')!, team: '' }) // not ours
    const oneWithout = {
      config: teamsFile({
        team1: team([], { workspace: { bucket: 'team-data', prefix: 'teams/team1/' } }),
        team2: team(),
      }),
    }
    assert.deepEqual((await diffKind('workgroup', oneWithout, present)).lines, [])
    const r = await diffKind('workgroup', { ...oneWithout, options: { prune: true } }, present)
    assert.deepEqual(r.lines, ['delete sagemaker-teams-team2'])
    assert.equal(r.changes[0].reason, 'team team2 no longer has a workspace')
    const gone = await diffKind(
      'workgroup',
      {
        config: teamsFile({
          team1: team([], { workspace: { bucket: 'team-data', prefix: 'teams/team1/' } }),
        }),
        options: { prune: true },
      },
      present,
    )
    assert.equal(gone.changes[0].reason, 'team team2 is no longer in the file')
  })
})
