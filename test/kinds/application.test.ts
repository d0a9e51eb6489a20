/**
 * The application and assignment kinds' diffs, as tables: a teams file and the Identity Center
 * instance's SAML applications (with their tags) and assignments → the changes and the kept items.
 */
import assert from 'node:assert/strict'
import type { ObservedApplication } from '../../src/lib/kinds/application/engine.js'
import { CUSTOM_SAML_PROVIDER_ARN, TAG_TEAM } from '../../src/lib/model/names.js'
import type { AssignmentPayload } from '../../src/lib/plan/types.js'
import { diffKind, team, teamsFile, userId } from '../helpers/kind-table.js'

const arnOf = (id: string) => `arn:aws:sso::123456789012:application/ssoins-72230a1b2c3d4e5f/apl-${id}`

/** An application as ListApplications and its tags show it: the team's (owned) unless `tags` says otherwise. */
function app(name: string, owner?: string, more: Partial<ObservedApplication> = {}): ObservedApplication {
  return {
    arn: arnOf(name.replace(/\W/g, '').toLowerCase()),
    name,
    providerArn: CUSTOM_SAML_PROVIDER_ARN,
    status: 'ENABLED',
    portalVisible: true,
    tags: owner ? { [TAG_TEAM]: owner } : {},
    assignmentRequired: true,
    ...more,
  }
}

const TWO = { config: teamsFile({ team1: team(), team2: team() }) }

describe('application diff (table)', () => {
  it("creates a team's application; an owned one as the file wants it is no change", async () => {
    assert.deepEqual((await diffKind('application', TWO, [])).lines, ['create team1', 'create team2'])
    const r = await diffKind('application', TWO, [app('team1', 'team1'), app('team2', 'team2')])
    assert.deepEqual(r.lines, [])
  })

  it('a new displayName renames the application in place; a disabled one is enabled', async () => {
    const t = { config: teamsFile({ team1: team([], { displayName: 'Team One' }) }) }
    const r = await diffKind('application', t, [app('team1', 'team1', { status: 'DISABLED' })])
    assert.deepEqual(r.lines, ['update team1'])
    assert.equal(r.changes[0].reason, 'name: "team1" → "Team One", status: "DISABLED" → "ENABLED"')
    assert.equal(r.changes[0].after!.applicationArn, arnOf('team1'))
  })

  it('adopts the one untagged application of the name (made in the console); two of them block', async () => {
    const r = await diffKind('application', TWO, [app('team1'), app('team2', 'team2')])
    assert.deepEqual(r.lines, ['create team1'])
    assert.equal(r.changes[0].after!.adopt, true)
    assert.equal(r.changes[0].after!.applicationArn, arnOf('team1'))
    const two = await diffKind('application', TWO, [
      app('team1'),
      app('team1', undefined, { arn: arnOf('copy') }),
      app('team2', 'team2'),
    ])
    assert.deepEqual(two.lines, ['blocked team1'])
    assert.match(two.changes[0].reason!, /^2 untagged applications are named "team1"/)
  })

  it("a name another team's application holds is blocked: a team of the file, or a removed one (hinting movedFrom)", async () => {
    const taken = await diffKind('application', TWO, [app('team1', 'team2'), app('team2', 'team2')])
    // team2 owns two: its own (oldest first) and the one named team1.
    assert.ok(taken.lines.includes('blocked team1'))
    const c = taken.changes.find((x) => x.key === 'team1')!
    assert.match(c.reason!, /belongs to team team2; display names must differ/)
    const one = { config: teamsFile({ team1: team() }) }
    const gone = await diffKind('application', one, [app('team1', 'old')])
    assert.match(
      gone.changes.find((x) => x.key === 'team1')!.reason!,
      /belongs to team old, which is no longer in the file; if team1 is old renamed, declare `movedFrom: old`/,
    )
  })

  it('movedFrom: the former id’s application is re-tagged in place, neither kept nor deleted', async () => {
    const renamed = { config: teamsFile({ ml: team([], { displayName: 'team1', movedFrom: 'team1' }) }) }
    for (const prune of [false, true]) {
      const r = await diffKind('application', { ...renamed, options: { prune } }, [app('team1', 'team1')])
      assert.deepEqual(r.lines, ['update ml'])
      assert.equal(r.changes[0].after!.movedFrom, 'team1')
      assert.match(r.changes[0].reason!, /^team team1 → ml \(movedFrom\): re-tagged in place/)
      assert.deepEqual(r.kept, [])
    }
  })

  it("a removed team's application is kept (its assignments go) until --prune deletes it", async () => {
    const one = { config: teamsFile({ team1: team() }) }
    const observed = [app('team1', 'team1'), app('old', 'old')]
    const r = await diffKind('application', one, observed)
    assert.deepEqual(r.lines, [])
    assert.deepEqual(
      r.kept.map((k) => `${k.kind} ${k.team} ${k.reason}`),
      [
        "application old access revoked (its assignments are removed); --prune deletes it with the team's role and grants",
      ],
    )
    const pruned = await diffKind('application', { ...one, options: { prune: true } }, observed)
    assert.deepEqual(pruned.lines, ['delete old'])
  })

  it('an application nobody owns is never deleted, even with --prune', async () => {
    const r = await diffKind('application', { ...TWO, options: { prune: true } }, [
      app('team1', 'team1'),
      app('team2', 'team2'),
      app('someone else'),
    ])
    assert.deepEqual(r.lines, [])
  })

  it('a duplicate application of a team (the newer one) is blocked; --prune deletes it', async () => {
    const observed = [
      app('team1', 'team1', { created: 1 }),
      app('team1 copy', 'team1', { created: 2, arn: arnOf('dup') }),
      app('team2', 'team2'),
    ]
    const r = await diffKind('application', TWO, observed)
    assert.deepEqual(r.lines, ['blocked team1/duplicate/apl-dup'])
    assert.match(r.changes[0].reason!, /plan --prune deletes the newer one/)
    const pruned = await diffKind('application', { ...TWO, options: { prune: true } }, observed)
    assert.deepEqual(pruned.lines, ['delete team1/duplicate/apl-dup'])
  })
})

const U1 = 'user1@example.com'
const U2 = 'user2@example.com'
const U3 = 'user3@example.com'

type Assigned = Map<string, AssignmentPayload[]> & { blockedTeams: Set<string>; unownedTeams: Set<string> }

function assigned(
  entries: [string, AssignmentPayload[]][],
  more: { blocked?: string[]; unowned?: string[] } = {},
): Assigned {
  return Object.assign(new Map(entries), {
    blockedTeams: new Set(more.blocked),
    unownedTeams: new Set(more.unowned),
  })
}
const user = (name: string): AssignmentPayload => ({
  applicationArn: arnOf('team1'),
  principalType: 'USER',
  principalId: userId(name),
  principalName: name,
})
const group = (name: string): AssignmentPayload => ({
  applicationArn: arnOf('team1'),
  principalType: 'GROUP',
  principalId: `g-${name}`,
  principalName: name,
})

describe('assignment diff (table)', () => {
  const directory = { users: [U1, U2, U3], groups: { 'ds-team1': [U3] } }
  const file = (users: string[], groups: string[] = []) => ({
    config: teamsFile({ team1: team(users, { members: { users, groups } }) }),
    directory,
  })

  it('assigns each member and group once; what is assigned already is no change', async () => {
    const r = await diffKind('assignment', file([U1], ['ds-team1']), assigned([]))
    assert.deepEqual(r.lines, [`create team1/USER/${userId(U1)}`, 'create team1/GROUP/g-ds-team1'])
    const same = await diffKind(
      'assignment',
      file([U1], ['ds-team1']),
      assigned([['team1', [user(U1), group('ds-team1')]]]),
    )
    assert.deepEqual(same.lines, [])
  })

  it('a removed member or group is revoked by a plain apply (no --prune)', async () => {
    const r = await diffKind(
      'assignment',
      file([U1]),
      assigned([['team1', [user(U1), user(U2), group('ds-team1')]]]),
    )
    assert.deepEqual(r.lines, [`delete team1/USER/${userId(U2)}`, 'delete team1/GROUP/g-ds-team1'])
    assert.equal(r.changes[0].reason, 'no longer a member of the team in the file: access revoked')
  })

  it('a direct assignment removed while a group still assigns the user names the group', async () => {
    const r = await diffKind(
      'assignment',
      file([], ['ds-team1']),
      assigned([['team1', [user(U3), group('ds-team1')]]]),
    )
    assert.deepEqual(r.lines, [`delete team1/USER/${userId(U3)}`])
    assert.deepEqual(r.changes[0].before!.stillAssignedThrough, ['ds-team1'])
    assert.equal(r.changes[0].reason, 'no longer a direct member; still assigned through group ds-team1')
  })

  it("a removed team's assignments are revoked", async () => {
    const r = await diffKind(
      'assignment',
      file([U1]),
      assigned([
        ['team1', [user(U1)]],
        ['old', [user(U2)]],
      ]),
    )
    assert.deepEqual(r.lines, [`delete old/USER/${userId(U2)}`])
    assert.equal(r.changes[0].reason, 'team old is no longer in the file: access revoked')
  })

  it("the assignments of an application the tool does not own (adopted) are never revoked; a blocked application's wait", async () => {
    const unowned = await diffKind(
      'assignment',
      file([U1]),
      assigned([['team1', [user(U2)]]], { unowned: ['team1'] }),
    )
    assert.deepEqual(unowned.lines, [`create team1/USER/${userId(U1)}`])
    const blocked = await diffKind('assignment', file([U1]), assigned([], { blocked: ['team1'] }))
    assert.deepEqual(blocked.lines, [`blocked team1/USER/${userId(U1)}`])
    assert.equal(blocked.changes[0].reason, "waits for the team's application, which is blocked")
  })

  it('a member the identity store does not have is left out of the desired assignments', async () => {
    const t = { config: teamsFile({ team1: team([U1, 'ghost@example.com']) }), directory: { users: [U1] } }
    assert.deepEqual((await diffKind('assignment', t, assigned([]))).lines, [
      `create team1/USER/${userId(U1)}`,
    ])
  })
})
