/**
 * Team tags on user profiles: a key that leaves a team's `tags` leaves its profiles, through the
 * record tag `sagemaker-teams:tag-keys`; a tag the tool did not record is never removed. Through the
 * CLI against the emulator.
 */
import assert from 'node:assert/strict'
import type { Emulator } from '../../tools/emulator/index.js'
import { useReconcile } from '../helpers/reconcile.js'
import { rewrite, workspace } from '../helpers/workspace.js'

const USER1 = '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'
const USER2 = '906712345a-2b3c4d5e-6f70-4b8c-9d0e-1f2a3b4c5d6e'
const RECORD = 'sagemaker-teams:tag-keys'
const EXISTING = 'arn:aws:iam::123456789012:role/platform-team1'
/** SageMaker's tag value rule. */
const TAG_VALUE = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u

describe('team tags on profiles (CLI against the emulator)', function () {
  this.timeout(120_000)
  const { emu: account, cli, plan, actions, applied } = useReconcile()
  let emu: Emulator
  beforeEach(() => {
    emu = account()
  })
  /** Both plans are empty: the default refresh and a full read of every profile. */
  const converged = async (file: string) => {
    for (const refresh of ['existence', 'full']) {
      const r = await cli(['plan', '-f', file, '--refresh', refresh, '--detailed-exitcode'])
      assert.equal(r.code, 0, `--refresh ${refresh}:\n${r.stdout}`)
    }
  }
  const tags = (name: string) => emu.state.profiles.find((p) => p.UserProfileName === name)!.Tags
  const team1 = [`team1-${USER1}`, `team1-${USER2}`]
  const withTeam1Tags = (t: Record<string, string>) =>
    workspace((c) => {
      c.teams.team1.members = { users: ['user1@example.com', 'user2@example.com'] }
      c.teams.team1.tags = t
    })

  it("a key removed from a team's tags leaves every profile of the team with the default refresh; the plan shows it", async () => {
    const file = withTeam1Tags({ Team: 'Team1', CostCenter: 'cc-17', Project: 'churn' })
    await applied(file)
    for (const name of team1) assert.equal(tags(name)[RECORD], 'CostCenter Project Team')
    assert.equal(tags(`team2-${USER1}`)[RECORD], 'Team')
    rewrite(file, (c) => {
      c.teams.team1.tags = { Team: 'Team1', CostCenter: 'cc-17' }
    })
    const p = await plan(file)
    assert.deepEqual(actions(p), team1.map((n) => `update profile ${n}`).sort())
    for (const c of p.changes.filter((x) => x.kind === 'profile')) {
      assert.equal(
        c.reason,
        `tags ${RECORD} "CostCenter Project Team" → "CostCenter Team"; removes tag Project "churn"`,
      )
      const before = c.before as { tags: Record<string, string> }
      const after = c.after as { tags: Record<string, string>; tagChanges?: unknown }
      assert.equal(before.tags.Project, 'churn')
      assert.equal(before.tags[RECORD], 'CostCenter Project Team')
      assert.equal(after.tags.Project, undefined)
      assert.equal(after.tags[RECORD], 'CostCenter Team')
      // The JSON plan names each tag that changes with its old and new value.
      assert.deepEqual(after.tagChanges, [
        { key: RECORD, before: 'CostCenter Project Team', after: 'CostCenter Team' },
        { key: 'Project', before: 'churn' },
      ])
    }
    assert.deepEqual(p.accessReview, { widened: [], narrowed: [] }, 'not an access change')
    const text = await cli(['plan', '-f', file])
    assert.match(
      text.stdout,
      new RegExp(
        `~ profile +team1-${USER1} for user1@example.com\\n +tags ${RECORD} "CostCenter Project Team" → "CostCenter Team"; removes tag Project "churn"`,
      ),
    )
    assert.match(text.stdout, /Access review: no change to who can access what\./)
    const md = await cli(['plan', '-f', file, '--format', 'markdown'])
    assert.ok(
      md.stdout.includes(
        `  tags ${RECORD} "CostCenter Project Team" → "CostCenter Team"; removes tag Project "churn"`,
      ),
      md.stdout,
    )
    emu.resetCounters()
    // Not widening: apply proceeds without --yes (no terminal; --require-approval broadening).
    const r = await cli(['apply', '-f', file])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.equal(emu.counters()['sagemaker:DeleteTags'], 2)
    for (const name of team1) {
      assert.equal(tags(name).Project, undefined)
      assert.equal(tags(name).CostCenter, 'cc-17')
      assert.equal(tags(name)[RECORD], 'CostCenter Team')
    }
    await converged(file)
  })

  it('a tag someone else put on a profile is never removed, nor a team key the tool never recorded', async () => {
    const file = withTeam1Tags({ Team: 'Team1', CostCenter: 'cc-17', Legacy: 'yes' })
    await applied(file)
    // A profile from before the record existed: the tool set its team tags but kept no record.
    const old = `team1-${USER2}`
    delete tags(old)[RECORD]
    // Someone else tags both profiles for billing.
    for (const name of team1) tags(name).billing = 'finance'
    rewrite(file, (c) => {
      c.teams.team1.tags = { Team: 'Team1' }
    })
    const p = await plan(file)
    const reasons = Object.fromEntries(
      p.changes.filter((c) => c.kind === 'profile').map((c) => [c.key, c.reason]),
    )
    assert.deepEqual(reasons, {
      [`team1-${USER1}`]: `tags ${RECORD} "CostCenter Legacy Team" → "Team"; removes tags CostCenter "cc-17", Legacy "yes"`,
      [old]: `tags ${RECORD} (none) → "Team"`,
    })
    await applied(file)
    assert.deepEqual(tags(`team1-${USER1}`), {
      Team: 'Team1',
      billing: 'finance',
      'sagemaker-teams:team': 'team1',
      'sagemaker-teams:user-id': USER1,
      'sagemaker-teams:user-name': 'user1@example.com',
      [RECORD]: 'Team',
    })
    assert.equal(tags(old).billing, 'finance')
    assert.equal(tags(old).CostCenter, 'cc-17', 'never recorded: kept')
    assert.equal(tags(old).Legacy, 'yes', 'never recorded: kept')
    assert.equal(tags(old)[RECORD], 'Team')
    await converged(file)
  })

  it('renaming a key replaces it, a key with a space included', async () => {
    const file = withTeam1Tags({ Team: 'Team1', CostCenter: 'cc-17' })
    await applied(file)
    rewrite(file, (c) => {
      c.teams.team1.tags = { Team: 'Team1', 'Cost Center': 'cc-17' }
    })
    const p = await plan(file)
    assert.deepEqual(actions(p), team1.map((n) => `update profile ${n}`).sort())
    assert.ok(
      p.changes.every(
        (c) =>
          c.kind !== 'profile' ||
          c.reason ===
            `tags Cost Center (none) → "cc-17", ${RECORD} "CostCenter Team" → "Cost+_Center Team"; removes tag CostCenter "cc-17"`,
      ),
      JSON.stringify(p.changes.map((c) => c.reason)),
    )
    await applied(file)
    for (const name of team1) {
      assert.equal(tags(name).CostCenter, undefined)
      assert.equal(tags(name)['Cost Center'], 'cc-17')
      assert.equal(tags(name)[RECORD], 'Cost+_Center Team')
    }
    // And back: the key with the space is recorded, so it goes too.
    rewrite(file, (c) => {
      c.teams.team1.tags = { Team: 'Team1', CostCenter: 'cc-17' }
    })
    await applied(file)
    for (const name of team1) {
      assert.equal(tags(name)['Cost Center'], undefined)
      assert.equal(tags(name).CostCenter, 'cc-17')
    }
    await converged(file)
  })

  it('profiles without the record get it on the next apply, once per profile, as no access change', async () => {
    const file = withTeam1Tags({ Team: 'Team1' })
    await applied(file)
    for (const p of emu.state.profiles) delete p.Tags[RECORD]
    const p = await plan(file)
    assert.deepEqual(actions(p), [
      `update profile team1-${USER1}`,
      `update profile team1-${USER2}`,
      `update profile team2-${USER1}`,
      `update profile team2-${USER2}`,
    ])
    assert.ok(
      p.changes.every((c) => c.kind !== 'profile' || c.reason === `tags ${RECORD} (none) → "Team"`),
      JSON.stringify(p.changes.map((c) => c.reason)),
    )
    assert.deepEqual(p.accessReview, { widened: [], narrowed: [] })
    emu.resetCounters()
    const r = await cli(['apply', '-f', file])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.equal(emu.counters()['sagemaker:AddTags'], 4)
    assert.equal(emu.counters()['sagemaker:DeleteTags'] ?? 0, 0)
    assert.ok(emu.state.profiles.every((x) => x.Tags[RECORD] === 'Team'))
    emu.resetCounters()
    assert.equal((await cli(['plan', '-f', file, '--detailed-exitcode'])).code, 0)
    assert.equal(
      emu.counters()['sagemaker:DescribeUserProfile'],
      4,
      'the oldest and the newest profile of each team',
    )
    await converged(file)
  })

  it('the record holds what fits in 256 characters; a key left out is never deleted', async () => {
    const long = (c: string) => `${c}${'x'.repeat(99)}`
    const file = withTeam1Tags({ Team: 'Team1', [long('c')]: '3', [long('a')]: '1', [long('b')]: '2' })
    await applied(file)
    const record = tags(`team1-${USER1}`)[RECORD]
    assert.equal(
      record,
      `Team ${long('a')} ${long('b')}`,
      'sorted (upper case first); the third long key does not fit',
    )
    assert.ok(record.length <= 256 && TAG_VALUE.test(record))
    rewrite(file, (c) => {
      c.teams.team1.tags = { Team: 'Team1' }
    })
    await applied(file)
    for (const name of team1) {
      assert.deepEqual(
        Object.keys(tags(name)).filter((k) => k.endsWith('x')),
        [long('c')],
        'the recorded keys went, the unrecorded one stayed',
      )
      assert.equal(tags(name)[RECORD], 'Team')
    }
    await converged(file)
  })

  it('the access review lists a removed or changed Team tag as widening, and apply then asks', async () => {
    emu.seed({ roles: [{ name: 'platform-team1' }] })
    const file = withTeam1Tags({ Team: 'Team1', CostCenter: 'cc-17' })
    rewrite(file, (c) => {
      c.teams.team1.executionRole = { arn: EXISTING } // Team is optional for a role the tool does not create
    })
    await applied(file)
    rewrite(file, (c) => {
      c.teams.team1.tags = { CostCenter: 'cc-17' }
    })
    const removed = await plan(file)
    assert.deepEqual(removed.accessReview?.widened.map((i) => i.description).sort(), [
      `user1@example.com's team1 profile loses its ABAC tag Team=Team1: tag conditions on Team no longer match it`,
      `user2@example.com's team1 profile loses its ABAC tag Team=Team1: tag conditions on Team no longer match it`,
    ])
    const refused = await cli(['apply', '-f', file])
    assert.equal(refused.code, 1, 'a widening plan needs --yes without a terminal')
    assert.equal(tags(`team1-${USER1}`).Team, 'Team1')
    await applied(file)
    assert.equal(tags(`team1-${USER1}`).Team, undefined)
    rewrite(file, (c) => {
      c.teams.team1.tags = { Team: 'Analytics', CostCenter: 'cc-17' }
    })
    assert.deepEqual((await plan(file)).accessReview?.widened.map((i) => i.description).sort(), [
      "user1@example.com's team1 profile gets the ABAC tag Team=Analytics",
      "user2@example.com's team1 profile gets the ABAC tag Team=Analytics",
    ])
    await applied(file)
    rewrite(file, (c) => {
      c.teams.team1.tags = { Team: 'Team1', CostCenter: 'cc-17' }
    })
    assert.deepEqual((await plan(file)).accessReview?.widened.map((i) => i.description).sort(), [
      "user1@example.com's team1 profile changes its ABAC tag Team: Analytics → Team1",
      "user2@example.com's team1 profile changes its ABAC tag Team: Analytics → Team1",
    ])
  })
})
