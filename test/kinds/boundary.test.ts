/**
 * The boundary and presign-role kinds' diffs, as tables: what the file needs of the account's
 * permissions boundaries and of the ACS presign role, and what IAM has → the changes.
 */
import assert from 'node:assert/strict'
import type { ObservedBoundary } from '../../src/lib/kinds/boundary/engine.js'
import type { BoundaryPayload } from '../../src/lib/plan/types.js'
import { desireOf, diffKind, type TableContext, team, teamsFile } from '../helpers/kind-table.js'

const ONE = { config: teamsFile({ team1: team() }) }
const WITH_ACS = {
  config: teamsFile({ team1: team() }, { acs: { functionName: 'sagemaker-teams-acs', audience: 'urn:x' } }),
}

async function applied(t: TableContext): Promise<ObservedBoundary[]> {
  const desired: BoundaryPayload[] = await desireOf('boundary', t)
  return desired.map((b) => ({ ...structuredClone(b), owned: true, versions: [] }))
}

describe('boundary diff (table)', () => {
  it("creates the team roles' boundary in a fresh account, and the ACS's where the file has an ACS", async () => {
    assert.deepEqual((await diffKind('boundary', ONE, [])).lines, ['create sagemaker-teams-boundary'])
    assert.deepEqual((await diffKind('boundary', WITH_ACS, [])).lines, [
      'create sagemaker-teams-boundary',
      'create sagemaker-teams-acs-boundary',
    ])
    assert.deepEqual((await diffKind('boundary', WITH_ACS, await applied(WITH_ACS))).lines, [])
  })

  it('a boundary the file needs changed is blocked naming setup: apply may not change a boundary', async () => {
    const present = await applied(ONE)
    present[0].document.Statement.pop()
    const r = await diffKind('boundary', ONE, present)
    assert.deepEqual(r.lines, ['blocked sagemaker-teams-boundary'])
    assert.equal(
      r.changes[0].reason,
      'the file needs a different permissions boundary: run `sagemaker-teams setup` (apply may not change a boundary)',
    )
  })

  it('a policy of the name the tool did not create is blocked, never changed', async () => {
    const present = await applied(ONE)
    present[0].owned = false
    const r = await diffKind('boundary', ONE, present)
    assert.deepEqual(r.lines, ['blocked sagemaker-teams-boundary'])
    assert.match(r.changes[0].reason!, /without the sagemaker-teams:managed tag/)
  })
})

const ACS_ROLE = 'arn:aws:iam::111111111111:role/sagemaker-teams-acs'

describe('presign-role diff (table)', () => {
  const member = { ...WITH_ACS, discovery: { acsRoleArn: ACS_ROLE } }
  async function present(t: TableContext, owned = true) {
    const desired = await desireOf('presign-role', t)
    return { ...structuredClone(desired!), owned }
  }

  it('a domain account of a file with an ACS elsewhere gets the presign role; in place is no change', async () => {
    const r = await diffKind('presign-role', member, null)
    assert.deepEqual(r.lines, ['create sagemaker-teams-acs-presign'])
    assert.equal(
      r.changes[0].after!.permissionsBoundary,
      'arn:aws:iam::123456789012:policy/sagemaker-teams-acs-boundary',
    )
    assert.deepEqual((await diffKind('presign-role', member, await present(member))).lines, [])
  })

  it('a one-domain file never has one', async () => {
    assert.deepEqual((await diffKind('presign-role', WITH_ACS, null)).lines, [])
  })

  it('a changed trust (another ACS role) or policy (another team) is an update', async () => {
    const before = await present(member)
    const moved = { ...member, discovery: { acsRoleArn: 'arn:aws:iam::111111111111:role/other' } }
    assert.deepEqual((await diffKind('presign-role', moved, structuredClone(before))).lines, [
      'update sagemaker-teams-acs-presign',
    ])
    const more = {
      ...member,
      config: { ...member.config, teams: { ...member.config.teams, team2: member.config.teams.team1 } },
    }
    assert.deepEqual((await diffKind('presign-role', more, before)).lines, [
      'update sagemaker-teams-acs-presign',
    ])
  })

  it('goes without --prune once no ACS needs it (access only, no data); one the tool did not create is left alone', async () => {
    const before = await present(member)
    const r = await diffKind('presign-role', ONE, before)
    assert.deepEqual(r.lines, ['delete sagemaker-teams-acs-presign'])
    assert.equal(r.changes[0].reason, 'no ACS in the teams file')
    assert.deepEqual((await diffKind('presign-role', ONE, { ...before, owned: false })).lines, [])
    const blocked = await diffKind('presign-role', member, { ...before, owned: false })
    assert.deepEqual(blocked.lines, ['blocked sagemaker-teams-acs-presign'])
  })
})
