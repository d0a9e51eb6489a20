/**
 * The profile and app kinds' diffs, as tables: a teams file and the domain's profiles (with their
 * tags and settings where they were read, their apps and spaces) → the changes and the kept items.
 */
import assert from 'node:assert/strict'
import type { ObservedProfile, ObservedProfiles, RunningApp } from '../../src/lib/kinds/profile/engine.js'
import { TAG_SETTINGS_KEYS, TAG_TAG_KEYS, TAG_TEAM, TAG_USER_NAME } from '../../src/lib/model/names.js'
import { desireOf, diffKind, type TableContext, team, teamsFile, userId } from '../helpers/kind-table.js'

const U1 = 'user1@example.com'
const U2 = 'user2@example.com'
const P1 = `team1-${userId(U1)}`
const P2 = `team1-${userId(U2)}`
const ROLE2 = 'arn:aws:iam::123456789012:role/sagemaker-teams-team2'

function profiles(
  list: ObservedProfile[],
  more: {
    apps?: [string, string[]][]
    spaces?: [string, string[]][]
    running?: [string, RunningApp[]][]
  } = {},
): ObservedProfiles {
  return {
    byName: new Map(list.map((p) => [p.name.toLowerCase(), p])),
    apps: new Map(more.apps),
    spaces: new Map(more.spaces),
    running: new Map(more.running),
  }
}

/** The profiles apply leaves for this file, read in full (tags and settings). */
async function applied(t: TableContext): Promise<ObservedProfile[]> {
  const desired = await desireOf('profile', t)
  return [...desired.values()].map((p) => ({
    name: p.profileName,
    status: 'InService',
    tags: { ...p.tags },
    userSettings: { ...structuredClone(p.userSettings ?? {}), ExecutionRole: p.executionRole },
  }))
}

const file = (more: Parameters<typeof team>[1] = {}, users = [U1, U2]) => ({
  config: teamsFile({ team1: team(users, more), team2: team() }),
})

describe('profile diff (table)', () => {
  it('creates one profile per member of a team, with the team role and the tool tags', async () => {
    const r = await diffKind('profile', file(), profiles([]))
    assert.deepEqual(r.lines, [`create ${P1}`, `create ${P2}`])
    const after = r.changes[0].after!
    assert.equal(after.executionRole, 'arn:aws:iam::123456789012:role/sagemaker-teams-team1')
    assert.equal(after.tags[TAG_TEAM], 'team1')
    assert.equal(after.tags[TAG_USER_NAME], U1)
  })

  it('with provisioning on-login a missing profile is left to the first login', async () => {
    const t = {
      config: teamsFile(
        { team1: team([U1]) },
        { acs: { functionName: 'sagemaker-teams-acs', audience: 'urn:x', provisioning: 'on-login' } },
      ),
    }
    assert.deepEqual((await diffKind('profile', t, profiles([]))).lines, [])
  })

  it('a present profile read by the existence refresh (no tags) is in place; one read in full as wanted is no change', async () => {
    assert.deepEqual((await diffKind('profile', file(), profiles([{ name: P1 }, { name: P2 }]))).lines, [])
    assert.deepEqual((await diffKind('profile', file(), profiles(await applied(file())))).lines, [])
  })

  it('blocks a profile of the name that belongs to another team or to nobody', async () => {
    const present = await applied(file())
    present[0].tags![TAG_TEAM] = 'team2'
    delete present[1].tags![TAG_TEAM]
    const r = await diffKind('profile', file(), profiles(present))
    assert.deepEqual(r.lines, [`blocked ${P1}`, `blocked ${P2}`])
    assert.match(r.changes[0].reason!, /^a profile of this name belongs to team team2; not modified$/)
    assert.match(r.changes[1].reason!, /exists without the sagemaker-teams:team tag/)
  })

  it('a team moved to executionRole.arn moves its profiles to that role', async () => {
    const given = 'arn:aws:iam::123456789012:role/Given'
    const r = await diffKind(
      'profile',
      file({ executionRole: { arn: given } }),
      profiles(await applied(file())),
    )
    assert.deepEqual(r.lines, [`update ${P1}`, `update ${P2}`])
    assert.equal(
      r.changes[0].reason,
      `execution role arn:aws:iam::123456789012:role/sagemaker-teams-team1 → ${given}`,
    )
  })

  it('a changed team tag is set; a removed key the tool recorded goes; a tag someone else put there stays', async () => {
    const present = await applied(file({ tags: { Team: 'team1', Project: 'churn' } }))
    present[0].tags!.CostCenter = '42' // someone else's
    const r = await diffKind('profile', file({ tags: { Team: 'ml' } }), profiles(present))
    assert.deepEqual(r.lines, [`update ${P1}`, `update ${P2}`])
    assert.equal(
      r.changes[0].reason,
      `tags Team "team1" → "ml", ${TAG_TAG_KEYS} "Project Team" → "Team"; removes tag Project "churn"`,
    )
    assert.deepEqual(r.changes[0].after!.tagChanges, [
      { key: 'Team', before: 'team1', after: 'ml' },
      { key: TAG_TAG_KEYS, before: 'Project Team', after: 'Team' },
      { key: 'Project', before: 'churn' },
    ])
    assert.equal(r.changes[0].after!.tags.CostCenter, undefined) // not the tool's to set, nor to remove
  })

  it('a team key the tool never recorded stays when it leaves the file', async () => {
    const present = await applied(file({ tags: { Team: 'team1', Project: 'churn' } }))
    for (const p of present) p.tags![TAG_TAG_KEYS] = 'Team'
    const r = await diffKind('profile', file({ tags: { Team: 'team1' } }), profiles(present))
    assert.deepEqual(r.lines, [])
  })

  it('userSettings: a changed key is an update; a key the tool set that left the file is unset, a key it cannot unset warns', async () => {
    const settings = { SecurityGroups: ['sg-1'], DefaultLandingUri: 'studio::', JupyterLabAppSettings: {} }
    const present = await applied(file({ userSettings: settings }, [U1]))
    const changed = await diffKind(
      'profile',
      file({ userSettings: { ...settings, SecurityGroups: ['sg-2'] } }, [U1]),
      profiles(structuredClone(present)),
    )
    assert.equal(changed.changes[0].reason, 'user settings SecurityGroups')

    const r = await diffKind('profile', file({}, [U1]), profiles(structuredClone(present)))
    assert.deepEqual(r.lines, [`update ${P1}`])
    assert.match(
      r.changes[0].reason!,
      /^unsets user settings SecurityGroups; tags sagemaker-teams:settings-keys/,
    )
    assert.deepEqual(r.changes[0].after!.unsetSettings, ['SecurityGroups'])
    // The record keeps what stays the tool's: the key UpdateUserProfile cannot unset.
    assert.equal(r.changes[0].after!.tags[TAG_SETTINGS_KEYS], 'DefaultLandingUri')
    assert.equal(r.warnings.length, 1)
    assert.match(
      r.warnings[0],
      /^team team1: userSettings DefaultLandingUri left the file but stays on 1 profile/,
    )
  })

  it('a userSettings key someone else set (not in the record) is never unset', async () => {
    const present = await applied(file({}, [U1]))
    present[0].userSettings!.SecurityGroups = ['sg-hand']
    assert.deepEqual((await diffKind('profile', file({}, [U1]), profiles(present))).lines, [])
  })

  it("a profile switched by hand to another team's role or Team tag is repaired, naming whose access it held", async () => {
    const present = await applied(file({}, [U1]))
    present[0].userSettings!.ExecutionRole = ROLE2
    const r = await diffKind('profile', file({}, [U1]), profiles(present))
    assert.equal(r.changes[0].after!.repairsAccessOf, 'team2')
    const abac = file({ tags: { Team: 'team1' } }, [U1])
    const tagged = await applied(abac)
    tagged[0].tags!.Team = 'team2'
    const t = await diffKind('profile', abac, profiles(tagged))
    assert.equal(t.changes[0].after!.repairsAccessOf, 'team2')
    assert.match(t.changes[0].reason!, /tags Team "team2" → "team1"/)
  })

  describe('profiles the file no longer calls for', () => {
    const present = async () => applied(file())
    const onlyU1 = file({}, [U1])

    it('without --prune they are kept (access revoked, home directory stays); untagged ones are not looked at', async () => {
      const list = await present()
      list.push({ name: 'team1-someone', tags: {} })
      const r = await diffKind('profile', onlyU1, profiles(list))
      assert.deepEqual(r.lines, [])
      assert.deepEqual(
        r.kept.map((k) => `${k.kind} ${k.key} ${k.reason}`),
        [
          `profile ${P2} a removed member: access revoked; its home directory (EFS) stays until --prune deletes the profile`,
        ],
      )
      const gone = await diffKind(
        'profile',
        { config: teamsFile({ team2: team() }) },
        profiles(await present()),
      )
      assert.match(gone.kept[0].reason, /^team team1, no longer in the file: access revoked/)
    })

    it('--prune deletes them; one with apps is blocked unless --force; one that owns a space stays blocked', async () => {
      const prune = { ...onlyU1, options: { prune: true } }
      const r = await diffKind('profile', prune, profiles(await present()))
      assert.deepEqual(r.lines, [`delete ${P2}`])
      assert.deepEqual(r.kept, [])

      const busy = profiles(await present(), { apps: [[P2, ['JupyterServer/default']]] })
      const blocked = await diffKind('profile', prune, busy)
      assert.deepEqual(blocked.lines, [`blocked ${P2}`])
      assert.match(
        blocked.changes[0].reason!,
        /still has app JupyterServer\/default; --force deletes its apps first/,
      )
      const forced = await diffKind('profile', { ...onlyU1, options: { prune: true, force: true } }, busy)
      assert.deepEqual(forced.lines, [`delete ${P2}`])
      assert.equal(forced.changes[0].reason, '--force: deletes JupyterServer/default first')

      const space = profiles(await present(), { spaces: [[P2, ['s1']]] })
      const kept = await diffKind('profile', { ...onlyU1, options: { prune: true, force: true } }, space)
      assert.deepEqual(kept.lines, [`blocked ${P2}`])
      assert.match(kept.changes[0].reason!, /still has space s1; delete its spaces in Studio first/)
    })
  })
})

describe('app diff (table)', () => {
  const running: RunningApp[] = [
    { appType: 'JupyterServer', appName: 'default', status: 'InService' },
    { appType: 'JupyterLab', appName: 'lab', status: 'InService', spaceName: 's1' },
  ]
  const onlyU1 = file({}, [U1])

  it("a removed member's apps and their private spaces' apps are deleted by a plain apply", async () => {
    const observed = profiles(await applied(file()), {
      apps: [[P2, ['JupyterServer/default']]],
      spaces: [[P2, ['s1']]],
      running: [[P2, running]],
    })
    const r = await diffKind('app', onlyU1, observed)
    assert.deepEqual(r.lines, [`delete ${P2}/JupyterServer/default`, `delete ${P2}/space/s1/JupyterLab/lab`])
    assert.match(r.changes[0].reason!, /^a removed member: it runs with the team's role/)
    // Members still in the file keep theirs.
    assert.deepEqual((await diffKind('app', file(), observed)).lines, [])
  })

  it("with --prune --force the profile's own apps go with the profile; a space's apps are still listed", async () => {
    const observed = profiles(await applied(file()), {
      apps: [[P2, ['JupyterServer/default']]],
      running: [[P2, running]],
    })
    const r = await diffKind('app', { ...onlyU1, options: { prune: true, force: true } }, observed)
    assert.deepEqual(r.lines, [`delete ${P2}/space/s1/JupyterLab/lab`])
    // Without --force the profile is blocked, so its apps are deleted here.
    const blocked = await diffKind('app', { ...onlyU1, options: { prune: true } }, observed)
    assert.equal(blocked.lines.length, 2)
  })

  it('apps of a profile the tool did not create are never touched', async () => {
    const observed = profiles([{ name: 'team1-other', tags: {} }], { running: [['team1-other', running]] })
    assert.deepEqual((await diffKind('app', onlyU1, observed)).lines, [])
  })
})
