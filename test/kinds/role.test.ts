/** The role kind's diff, as a table: a teams file and the roles IAM has → the changes. */
import assert from 'node:assert/strict'
import type { ObservedRoles } from '../../src/lib/kinds/role/engine.js'
import { TAG_MANAGED_POLICIES, TAG_TEAM } from '../../src/lib/model/names.js'
import type { RolePayload } from '../../src/lib/plan/types.js'
import { desireOf, diffKind, type TableContext, team, teamsFile } from '../helpers/kind-table.js'

type RoleUse = { profile: string; configured: boolean; apps: string[]; spaces: string[] }

function roles(
  entries: [string, RolePayload | undefined][],
  inUse: [string, RoleUse[]][] = [],
): ObservedRoles {
  return Object.assign(new Map(entries), { inUse: new Map(inUse) })
}

/** The roles as apply leaves them for this file: what desire wants, as IAM reads it back. */
async function applied(t: TableContext): Promise<[string, RolePayload][]> {
  const desired = await desireOf('role', t)
  return [...desired].map(([name, { team: _, ...role }]) => [name, structuredClone(role)])
}

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess'
const READ = 'arn:aws:iam::aws:policy/ReadOnlyAccess'
const ONE = { config: teamsFile({ team1: team(['user1@example.com']) }) }

describe('role diff (table)', () => {
  it("creates a missing team role with the boundary, the tool's inline policies and the Team tags", async () => {
    const r = await diffKind('role', ONE, roles([['sagemaker-teams-team1', undefined]]))
    assert.deepEqual(r.lines, ['create sagemaker-teams-team1'])
    const after = r.changes[0].after!
    assert.equal(after.permissionsBoundary, 'arn:aws:iam::123456789012:policy/sagemaker-teams-boundary')
    assert.deepEqual(Object.keys(after.inlinePolicies).sort(), [
      'sagemaker-teams-baseline',
      'sagemaker-teams-developer',
      'sagemaker-teams-guardrails',
    ])
    assert.deepEqual(after.tags, { Team: 'team1', [TAG_TEAM]: 'team1' })
    assert.equal(r.changes[0].team, 'team1')
  })

  it('a role as the file wants it is no change, whatever the order of its statements', async () => {
    const present = await applied(ONE)
    const [, role] = present[0]
    const doc = role.inlinePolicies['sagemaker-teams-baseline']
    doc.Statement = [...doc.Statement].reverse()
    assert.deepEqual((await diffKind('role', ONE, roles(present))).lines, [])
  })

  it('a team whose role is given by ARN has no role to plan', async () => {
    const t = {
      config: teamsFile({
        team1: team([], { executionRole: { arn: 'arn:aws:iam::123456789012:role/Given' } }),
      }),
    }
    assert.deepEqual((await diffKind('role', t, roles([]))).lines, [])
  })

  it('one drifted statement of a generated policy is one update naming that policy', async () => {
    const present = await applied(ONE)
    const doc = present[0][1].inlinePolicies['sagemaker-teams-developer']
    doc.Statement = doc.Statement.slice(1)
    const r = await diffKind('role', ONE, roles(present))
    assert.deepEqual(r.lines, ['update sagemaker-teams-team1'])
    assert.equal(r.changes[0].reason, 'inline policy sagemaker-teams-developer differs')
  })

  it('a missing boundary, trust policy drift and a changed Team tag are each named', async () => {
    const present = await applied(ONE)
    const role = present[0][1]
    delete role.permissionsBoundary
    role.trustPolicy = { Version: '2012-10-17', Statement: [] }
    role.tags.Team = 'team2'
    const r = await diffKind('role', ONE, roles(present))
    assert.equal(r.changes[0].reason, 'permissions boundary missing; trust policy differs; tag Team')
  })

  it("blocks a role of the team's name that belongs to another team or to nobody", async () => {
    for (const [tags, reason] of [
      [{ [TAG_TEAM]: 'team2' }, /^the role belongs to team team2; not modified$/],
      [
        {},
        /^a role of this name exists without the sagemaker-teams:team tag \(not created by sagemaker-teams\)/,
      ],
    ] as const) {
      const present = await applied(ONE)
      present[0][1].tags = { ...tags }
      const r = await diffKind('role', ONE, roles(present))
      assert.deepEqual(r.lines, ['blocked sagemaker-teams-team1'])
      assert.match(r.changes[0].reason!, reason)
    }
  })

  it("narrows on a plain apply: a managed policy the tool attached goes; someone else's policies stay until --prune", async () => {
    const withAdmin = {
      config: teamsFile({ team1: team([], { executionRole: { create: true, managedPolicyArns: [ADMIN] } }) }),
    }
    const present = await applied(withAdmin)
    const role = present[0][1]
    role.managedPolicyArns.push(READ) // attached by hand
    role.inlinePolicies['hand-made'] = { Version: '2012-10-17', Statement: [] }
    const plain = await diffKind('role', ONE, roles(structuredClone(present)))
    assert.deepEqual(plain.lines, ['update sagemaker-teams-team1'])
    assert.equal(plain.changes[0].reason, `detaches managed policy ${ADMIN}; tag ${TAG_MANAGED_POLICIES}`)
    // What the role will hold: the hand-made policy and attachment stay, the record is emptied.
    assert.deepEqual(plain.changes[0].after!.managedPolicyArns, [READ])
    assert.ok('hand-made' in plain.changes[0].after!.inlinePolicies)
    assert.equal(plain.changes[0].after!.tags[TAG_MANAGED_POLICIES], '')

    const pruned = await diffKind(
      'role',
      { ...ONE, options: { prune: true } },
      roles(structuredClone(present)),
    )
    assert.equal(
      pruned.changes[0].reason,
      `extra inline policy hand-made; detaches managed policy ${ADMIN}; extra managed policy ${READ}; tag ${TAG_MANAGED_POLICIES}`,
    )
    assert.deepEqual(pruned.changes[0].after!.managedPolicyArns, [])
    assert.ok(!('hand-made' in pruned.changes[0].after!.inlinePolicies))
  })

  it("a tool inline policy the file no longer calls for goes without --prune (a workspace's)", async () => {
    const withWorkspace = {
      config: teamsFile({ team1: team() }, { workspace: { bucket: 'team-data', prefix: 'teams/' } }),
    }
    const present = await applied(withWorkspace)
    const extra = Object.keys(present[0][1].inlinePolicies).filter(
      (n) =>
        !['sagemaker-teams-baseline', 'sagemaker-teams-developer', 'sagemaker-teams-guardrails'].includes(n),
    )
    assert.equal(extra.length, 1)
    const r = await diffKind('role', ONE, roles(present))
    assert.equal(r.changes[0].reason, `extra inline policy ${extra[0]}`)
  })

  it('a new managed policy in the file is attached and recorded', async () => {
    const withRead = {
      config: teamsFile({ team1: team([], { executionRole: { create: true, managedPolicyArns: [READ] } }) }),
    }
    const r = await diffKind('role', withRead, roles(await applied(ONE)))
    assert.equal(r.changes[0].reason, `managed policy ${READ} not attached; tag ${TAG_MANAGED_POLICIES}`)
  })

  describe('--prune: the roles of teams that no longer have one', () => {
    const gone = async () => roles(await applied({ config: teamsFile({ team1: team(), old: team() }) }))

    it('deletes only with --prune, saying why: a team gone from the file, or one now on executionRole.arn', async () => {
      assert.deepEqual((await diffKind('role', ONE, await gone())).lines, [])
      const r = await diffKind('role', { ...ONE, options: { prune: true } }, await gone())
      assert.deepEqual(r.lines, ['delete sagemaker-teams-old'])
      assert.equal(r.changes[0].reason, 'team old is no longer in the file')
      assert.equal(r.changes[0].team, 'old')
      const byArn = {
        config: teamsFile({
          team1: team(),
          old: team([], { executionRole: { arn: 'arn:aws:iam::123456789012:role/Given' } }),
        }),
        options: { prune: true },
      }
      const moved = await diffKind('role', byArn, await gone())
      assert.equal(moved.changes[0].reason, 'team old now uses executionRole.arn')
    })

    it('a role whose profiles still run apps waits (blocked) unless --force; spaces of a removed profile always block', async () => {
      const apps = await gone()
      apps.inUse.set('sagemaker-teams-old', [
        { profile: 'old-u1', configured: false, apps: ['JupyterServer/default'], spaces: [] },
      ])
      const prune = { ...ONE, options: { prune: true } }
      const r = await diffKind('role', prune, apps)
      assert.deepEqual(r.lines, ['blocked sagemaker-teams-old'])
      assert.match(
        r.changes[0].reason!,
        /old-u1 runs JupyterServer\/default \(--force deletes the role anyway\)/,
      )
      assert.deepEqual(
        (await diffKind('role', { ...ONE, options: { prune: true, force: true } }, apps)).lines,
        ['delete sagemaker-teams-old'],
      )
      const spaces = await gone()
      spaces.inUse.set('sagemaker-teams-old', [
        { profile: 'old-u1', configured: false, apps: [], spaces: ['s1'] },
      ])
      const forced = await diffKind('role', { ...ONE, options: { prune: true, force: true } }, spaces)
      assert.deepEqual(forced.lines, ['blocked sagemaker-teams-old'])
      assert.match(forced.changes[0].reason!, /old-u1 owns space s1/)
    })
  })
})
