/**
 * The plan is the authority on access (issue #12): revocation without flags, kept data-holding
 * resources listed apart, group-aware narrowing, the approval default and saved plans that run
 * exactly as saved. The CLI's commands (in process) against the emulator.
 */
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Change, Plan } from '../../src/lib/plan/types.js'
import { useReconcile } from '../helpers/reconcile.js'
import { rewrite, workspace } from '../helpers/workspace.js'

const USER1 = '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'
const USER2 = '906712345a-2b3c4d5e-6f70-4b8c-9d0e-1f2a3b4c5d6e'
const USER3 = '3c4d5e6f-7081-4c9d-8e0f-2a3b4c5d6e7f'
const USER4 = '4d5e6f70-8192-4dae-9f10-3b4c5d6e7f80'
const USER5 = '906712345a-5e6f7081-92a3-4ebf-a021-4c5d6e7f8091'
const DS_TEAM1 = '906712345a-aa11bb22-cc33-4d44-8e55-ff6677889900'
const DS_ANALYSTS = '906712345a-bb22cc33-dd44-4e55-9f66-001122334455'

describe('the plan is the authority on access', function () {
  this.timeout(240_000)
  const { emu, cli, plan, actions, applied } = useReconcile()

  /** team1: user1, user3, user5 + group ds-team1 (user3, user4); team2: user1, user2 + ds-analysts (user5); team3: user2. */
  const threeTeams = () =>
    workspace((c) => {
      c.teams.team1.members = {
        users: ['user1@example.com', 'user3@example.com', 'user5@example.com'],
        groups: ['ds-team1'],
      }
      c.teams.team2.members = { users: ['user1@example.com', 'user2@example.com'], groups: ['ds-analysts'] }
      c.teams.team3 = {
        displayName: 'SageMaker Studio Team 3',
        executionRole: { create: true },
        tags: { Team: 'Team3' },
        members: { users: ['user2@example.com'] },
      }
    })

  it('removing a direct member, a group member, a group and a team revokes by default; data stays until --prune', async () => {
    const file = threeTeams()
    await applied(file)
    rewrite(file, (c) => {
      c.teams.team1.members!.users = ['user1@example.com', 'user3@example.com'] // user5 leaves team1
      c.teams.team2.members!.groups = [] // the group ds-analysts leaves team2
      delete c.teams.team3 // the whole team goes
    })
    // user4 leaves the group ds-team1 in the identity store (leaves team1 through the group).
    const s = emu().state
    s.memberships = s.memberships.filter((m) => !(m.GroupId === DS_TEAM1 && m.UserId === USER4))

    const exit = await cli(['plan', '-f', file, '--detailed-exitcode'])
    assert.equal(exit.code, 2, exit.stdout + exit.stderr)
    assert.match(exit.stdout, /- assignment +user user5@example\.com/)
    assert.doesNotMatch(exit.stdout, /The account matches/)
    const first = await plan(file)
    assert.deepEqual(
      actions(first).filter((a) => a.startsWith('delete')),
      [
        `delete assignment team1/USER/${USER5}`,
        `delete assignment team2/GROUP/${DS_ANALYSTS}`,
        `delete assignment team3/USER/${USER2}`,
      ],
    )
    assert.deepEqual(
      first.accessReview?.narrowed.filter((i) => i.kind === 'assignment').map((i) => i.description),
      [
        "user5@example.com can no longer open team1's application",
        "group ds-analysts can no longer open team2's application",
        "user2@example.com can no longer open team3's application",
      ],
    )
    // The ACS's team membership follows the file (a removed member is refused at login).
    assert.ok(first.changes.some((c) => c.kind === 'acs-function' && c.action === 'update'))
    const acsNarrowed = first.accessReview?.narrowed
      .filter((i) => i.kind === 'acs-function')
      .map((i) => i.description)
    for (const line of [
      'ACS: user4@example.com is refused at login to team team1 by the ACS',
      'ACS: user5@example.com is refused at login to team team1 by the ACS',
      'ACS: user5@example.com is refused at login to team team2 by the ACS',
    ])
      assert.ok(acsNarrowed?.includes(line), `${line}\n${acsNarrowed?.join('\n')}`)

    await applied(file)
    const keys = (app: string) =>
      s.assignments.filter((a) => a.ApplicationArn === app).map((a) => `${a.PrincipalType} ${a.PrincipalId}`)
    const appOf = (team: string) =>
      s.applications.find((a) => a.Tags['sagemaker-teams:team'] === team)!.ApplicationArn
    assert.deepEqual(
      keys(appOf('team1')).sort(),
      [`GROUP ${DS_TEAM1}`, `USER ${USER1}`, `USER ${USER3}`].sort(),
    )
    assert.deepEqual(keys(appOf('team2')).sort(), [`USER ${USER1}`, `USER ${USER2}`])
    assert.deepEqual(keys(appOf('team3')), [])

    // The next plan: no revocation left, the kept resources in their own section, never "matches".
    const text = await cli(['plan', '-f', file, '--detailed-exitcode'])
    assert.equal(text.code, 0, text.stdout + text.stderr)
    assert.match(text.stdout, /Kept \(5\): no longer called for by the file, access revoked; --prune deletes/)
    assert.match(text.stdout, /No changes to apply\. 5 kept/)
    assert.doesNotMatch(text.stdout, /The account matches/)
    const second = await plan(file)
    assert.deepEqual(actions(second), [])
    const keptProfiles = second
      .kept!.filter((k) => k.kind === 'profile')
      .map((k) => k.key)
      .sort()
    assert.deepEqual(keptProfiles, [`team1-${USER4}`, `team1-${USER5}`, `team2-${USER5}`, `team3-${USER2}`])
    assert.equal(second.kept!.filter((k) => k.kind === 'application').length, 1)

    // --prune deletes them (the removed team's role and application too).
    const pruned = await plan(file, '--prune')
    assert.deepEqual(
      actions(pruned).filter((a) => !a.startsWith('delete lf-grant')),
      [
        'delete application team3',
        `delete profile team1-${USER4}`,
        `delete profile team1-${USER5}`,
        `delete profile team2-${USER5}`,
        `delete profile team3-${USER2}`,
        'delete role sagemaker-teams-team3',
      ],
    )
    assert.deepEqual(pruned.kept ?? [], [])
    await applied(file, '--prune')
    const done = await cli(['plan', '-f', file, '--detailed-exitcode'])
    assert.equal(done.code, 0, done.stdout)
    assert.match(done.stdout, /No changes\. The account matches/)
  })

  it('narrowing is group-aware: a direct assignment removed while the group still assigns the user is no loss', async () => {
    const file = threeTeams()
    await applied(file)
    rewrite(file, (c) => {
      c.teams.team1.members!.users = ['user1@example.com', 'user5@example.com'] // user3 stays through ds-team1
    })
    const p = await plan(file)
    const del = p.changes.find((c) => c.key === `team1/USER/${USER3}`) as Change<'assignment'>
    assert.equal(del.action, 'delete')
    assert.deepEqual(del.before?.stillAssignedThrough, ['ds-team1'])
    assert.ok(
      !p.accessReview?.narrowed.some((i) => i.description.includes('user3@example.com')),
      JSON.stringify(p.accessReview),
    )
    // user3 keeps the team1 profile: no profile change, nothing kept.
    assert.ok(!p.changes.some((c) => c.kind === 'profile'))
    assert.deepEqual(p.kept ?? [], [])
  })

  it('a saved plan edited in any way is refused with nothing applied; the unedited one applies; show renders it as plan does', async () => {
    const file = threeTeams()
    await applied(file)
    rewrite(file, (c) => {
      c.teams.team1.members!.users = [
        'user1@example.com',
        'user3@example.com',
        'user5@example.com',
        'user2@example.com',
      ]
      c.teams.team2.members!.users = ['user1@example.com']
    })
    const dir = path.dirname(file)
    const out = path.join(dir, 'plan.json')
    const planned = await cli(['plan', '-f', file, '--out', out])
    assert.equal(planned.code, 0, planned.stderr)
    const saved = JSON.parse(readFileSync(out, 'utf8')) as Plan
    const profile = () => saved.changes.find((c) => c.kind === 'profile' && c.action === 'create')!
    assert.ok(profile(), 'the plan creates a profile')

    const edits: [string, (p: Plan) => void][] = [
      [
        'role ARN',
        (p) => {
          ;(
            p.changes.find((c) => c.key === profile().key)!.after as { executionRole: string }
          ).executionRole = 'arn:aws:iam::123456789012:role/Admin'
        },
      ],
      [
        'Team tag',
        (p) => {
          ;(
            p.changes.find((c) => c.key === profile().key)!.after as { tags: Record<string, string> }
          ).tags.Team = 'Team2'
        },
      ],
      [
        'an added delete',
        (p) => {
          p.changes.push({
            kind: 'role',
            key: 'sagemaker-teams-team2',
            team: 'team2',
            action: 'delete',
            summary: 'sagemaker-teams-team2',
          })
        },
      ],
      [
        'a removed change',
        (p) => p.changes.splice(p.changes.indexOf(p.changes.find((c) => c.action === 'delete')!), 1),
      ],
      ['a reordered list', (p) => p.changes.reverse()],
    ]
    // What apply could change (statuses move on by themselves: a new profile turns InService).
    const resources = () => {
      const st = emu().state
      return JSON.stringify({
        profiles: st.profiles.map((p) => [p.UserProfileName, p.Tags, p.UserSettings]),
        assignments: st.assignments,
        roles: st.roles.map((r) => [r.RoleName, r.Tags, r.InlinePolicies]),
        applications: st.applications.map((a) => a.ApplicationArn),
      })
    }
    const before = resources()
    for (const [name, edit] of edits) {
      const copy = JSON.parse(JSON.stringify(saved)) as Plan
      edit(copy)
      const edited = path.join(dir, `edited-${name.replace(/\W+/g, '-')}.json`)
      writeFileSync(edited, JSON.stringify(copy, null, 2))
      const r = await cli(['apply', '-f', file, '--plan', edited, '--yes'])
      assert.equal(r.code, 1, `${name}: ${r.stdout}${r.stderr}`)
      assert.match(
        r.stderr,
        /is not what apply would do now[\s\S]*nothing was applied/,
        `${name}: ${r.stderr}`,
      )
      assert.deepEqual(JSON.parse(resources()), JSON.parse(before), `${name}: nothing applied`)
    }

    // show renders the saved plan exactly as plan printed it.
    const shown = await cli(['show', out])
    assert.equal(shown.code, 0, shown.stderr)
    assert.equal(shown.stdout, planned.stdout)
    const md = await cli(['plan', '-f', file, '--format', 'markdown', '--out', out])
    assert.equal(
      (await cli(['show', out, '--format', 'markdown'])).stdout.replace(/· 20\S+/, ''),
      md.stdout.replace(/· 20\S+/, ''),
    )

    const ok = await cli(['apply', '-f', file, '--plan', out, '--yes'])
    assert.equal(ok.code, 0, ok.stdout + ok.stderr)
    assert.ok(emu().state.profiles.some((p) => p.UserProfileName === `team1-${USER2}`))
  })

  it('the default approval asks before deletes: a terminal-less apply with deletes exits 1 listing them; --yes deletes', async () => {
    const file = threeTeams()
    await applied(file)
    rewrite(file, (c) => {
      c.teams.team2.members!.users = ['user1@example.com']
    })
    const refused = await cli(['apply', '-f', file, '--prune'])
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /approval required \(--require-approval destructive\)/)
    assert.match(refused.stderr, /- deletes: assignment user user2@example\.com \[team2\]/)
    assert.match(refused.stderr, new RegExp(`- deletes: profile team2-${USER2}`))
    assert.ok(
      emu().state.profiles.some((p) => p.UserProfileName === `team2-${USER2}`),
      'nothing deleted',
    )
    await applied(file, '--prune')
    assert.ok(!emu().state.profiles.some((p) => p.UserProfileName === `team2-${USER2}`))
    const team2 = emu().state.applications.find((x) => x.Tags['sagemaker-teams:team'] === 'team2')!
    assert.ok(
      !emu().state.assignments.some(
        (a) => a.PrincipalId === USER2 && a.ApplicationArn === team2.ApplicationArn,
      ),
    )
  })
})
