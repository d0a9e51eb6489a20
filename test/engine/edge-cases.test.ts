/** Edge cases of plan and apply that a platform admin runs into, through the CLI's commands (in process) against the emulator. */
import assert from 'node:assert/strict'
import { GrantPermissionsCommand, LakeFormationClient } from '@aws-sdk/client-lakeformation'
import type { Emulator } from '../../tools/emulator/index.js'
import { runInProcess } from '../helpers/in-process.js'
import { useReconcile } from '../helpers/reconcile.js'
import { rewrite, workspace } from '../helpers/workspace.js'

const USER1 = '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'
const USER2 = '906712345a-2b3c4d5e-6f70-4b8c-9d0e-1f2a3b4c5d6e'
const USER3 = '3c4d5e6f-7081-4c9d-8e0f-2a3b4c5d6e7f'
const GROUP1 = '906712345a-aa11bb22-cc33-4d44-8e55-ff6677889900'
const DOMAIN = 'd-abcdefghijkl'
const ROLE1 = 'arn:aws:iam::123456789012:role/sagemaker-teams-team1'
const EXISTING = 'arn:aws:iam::123456789012:role/platform-team1'

describe('plan and apply edge cases (CLI against the emulator)', function () {
  this.timeout(120_000)
  const { emu: account, cli, plan, actions, applied, appliedBlocked } = useReconcile()
  let emu: Emulator
  beforeEach(() => {
    emu = account()
  })
  const profile = (name: string) => emu.state.profiles.find((p) => p.UserProfileName === name)
  const role = (name: string) => emu.state.roles.find((r) => r.RoleName === name)
  /** `setup --yes`: the boundary change a plan shows blocked, written (the one-time set-up step). */
  const setUp = async (file: string) => {
    const r = await cli(['setup', '-f', file, '--yes'])
    assert.equal(r.code, 0, r.stdout + r.stderr)
  }
  const addApp = (profileName: string) =>
    emu.state.apps.push({
      DomainId: DOMAIN,
      UserProfileName: profileName,
      AppType: 'JupyterServer',
      AppName: 'default',
      Status: 'InService',
      CreationTime: new Date(),
    })

  it('executionRole create → arn: the default plan moves the profiles; the created role goes only with --prune', async () => {
    const file = workspace()
    await applied(file)
    emu.seed({ roles: [{ name: 'platform-team1' }] })
    rewrite(file, (c) => {
      c.teams.team1.executionRole = { arn: EXISTING }
    })
    const moved = await plan(file)
    assert.deepEqual(actions(moved), [
      // The ACS's boundary must let it pass the given role to SageMaker (for new profiles): setup's.
      'blocked boundary sagemaker-teams-acs-boundary',
      `create lf-grant ${EXISTING}|TABLE|domain=consumer-banking;sensitivity=public`,
      `update profile team1-${USER1}`,
    ])
    assert.match(
      moved.changes.find((c) => c.kind === 'profile')?.reason ?? '',
      /execution role .*→ .*platform-team1/,
    )
    // While its profile runs an app, the old role stays (the app holds its credentials).
    addApp(`team1-${USER1}`)
    const busy = (await plan(file, '--prune')).changes.find((c) => c.kind === 'role')
    assert.equal(busy?.action, 'blocked')
    assert.match(busy?.reason ?? '', /team1-.* runs JupyterServer/)
    emu.state.apps.length = 0
    await setUp(file)
    await applied(file)
    assert.equal(profile(`team1-${USER1}`)?.UserSettings.ExecutionRole, EXISTING)
    assert.ok(role('sagemaker-teams-team1'), 'kept without --prune')
    // One --prune apply moves nothing more and deletes the grant, then the role (deletes run last,
    // in reverse order).
    const pruned = await plan(file, '--prune')
    assert.deepEqual(actions(pruned), [
      `delete lf-grant ${ROLE1}|TABLE|domain=consumer-banking;sensitivity=public`,
      'delete role sagemaker-teams-team1',
    ])
    await applied(file, '--prune')
    assert.equal(role('sagemaker-teams-team1'), undefined)
    assert.ok(role('platform-team1') && role('sagemaker-teams-team2'), 'other roles untouched')
    assert.equal((await cli(['plan', '-f', file, '--prune', '--detailed-exitcode'])).code, 0)
  })

  it('create → arn with --prune converges in one apply: the profile moves first, then the grant and the role go', async () => {
    const file = workspace()
    await applied(file)
    emu.seed({ roles: [{ name: 'platform-team1' }] })
    rewrite(file, (c) => {
      c.teams.team1.executionRole = { arn: EXISTING }
    })
    await setUp(file)
    const r = await applied(file, '--prune')
    const lines = r.stderr.split('\n')
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l))
    assert.ok(at(/ok +update profile \[team1\]/) >= 0, r.stderr)
    assert.ok(at(/ok +update profile \[team1\]/) < at(/ok +delete lf-grant \[team1\]/), r.stderr)
    assert.ok(at(/ok +delete lf-grant \[team1\]/) < at(/ok +delete role \[team1\]/), r.stderr)
    assert.equal(profile(`team1-${USER1}`)?.UserSettings.ExecutionRole, EXISTING)
    assert.equal(role('sagemaker-teams-team1'), undefined)
    assert.equal((await cli(['plan', '-f', file, '--prune', '--detailed-exitcode'])).code, 0)
  })

  it("after an apply that moved only some of a team's profiles, the default plan still finds the rest", async () => {
    const file = workspace()
    await applied(file)
    emu.seed({ roles: [{ name: 'platform-team2' }] })
    rewrite(file, (c) => {
      c.teams.team2.executionRole = { arn: 'arn:aws:iam::123456789012:role/platform-team2' }
    })
    // As a failed or interrupted apply leaves it: the first profile by name moved (and was
    // modified just now), the other one did not.
    const team2 = emu.state.profiles
      .filter((p) => p.UserProfileName.startsWith('team2-'))
      .sort((a, b) => a.UserProfileName.localeCompare(b.UserProfileName))
    assert.equal(team2.length, 2)
    team2[0].UserSettings.ExecutionRole = 'arn:aws:iam::123456789012:role/platform-team2'
    team2[0].LastModifiedTime = new Date(Date.now() + 1000)
    const p = await plan(file)
    assert.deepEqual(
      actions(p).filter((a) => a.includes('profile')),
      [`update profile ${team2[1].UserProfileName}`],
    )
  })

  it('failed profile updates: apply exits 1 with the AWS code and says to re-run with --refresh full; AWS_MAX_ATTEMPTS is honoured', async () => {
    const file = workspace()
    await applied(file)
    rewrite(file, (c) => {
      c.teams.team2.tags = { Team: 'Team2b' }
    })
    emu.injectFaults({ operation: 'sagemaker:AddTags', kind: '5xx', next: 100 })
    const r = await runInProcess(['apply', '-f', file, '--yes'], {
      env: { ...emu.env(), AWS_MAX_ATTEMPTS: '2' },
    })
    assert.equal(r.code, 1, r.stdout + r.stderr)
    // Two profiles, two attempts each (the CLI's own default is 8).
    assert.equal(emu.faultCounters()['sagemaker:AddTags'], 4)
    assert.match(r.stdout, /FAILED {2}profile team2-.*: (InternalFailure|ServiceUnavailable): /)
    assert.match(r.stdout, /run apply again with --refresh full/)
  })

  it("a changed Team tag reaches the team's profiles with the default refresh, reading one profile per team", async () => {
    const file = workspace((c) => {
      c.teams.team1.members = { users: ['user1@example.com', 'user2@example.com'] }
    })
    await applied(file)
    rewrite(file, (c) => {
      c.teams.team1.tags = { Team: 'Analytics' }
    })
    assert.deepEqual(actions(await plan(file)), [
      `update profile team1-${USER1}`,
      `update profile team1-${USER2}`,
      'update role sagemaker-teams-team1',
    ])
    await applied(file)
    assert.equal(role('sagemaker-teams-team1')?.Tags.Team, 'Analytics')
    for (const user of [USER1, USER2]) assert.equal(profile(`team1-${user}`)?.Tags.Team, 'Analytics')
    assert.equal(profile(`team2-${USER1}`)?.Tags.Team, 'Team2')
    assert.equal((await cli(['plan', '-f', file, '--refresh', 'full', '--detailed-exitcode'])).code, 0)
    emu.resetCounters()
    assert.equal((await cli(['plan', '-f', file, '--detailed-exitcode'])).code, 0)
    assert.equal(
      emu.counters()['sagemaker:DescribeUserProfile'],
      4,
      'the oldest and the newest profile of each team',
    )
  })

  it('a team removed from the file: assignments revoked, the rest kept without --prune; with --prune its role waits for profiles with apps unless --force', async () => {
    const file = workspace()
    await applied(file)
    addApp(`team2-${USER2}`)
    rewrite(file, (c) => {
      delete (c.teams as Record<string, unknown>).team2
    })
    const kept = await plan(file)
    assert.deepEqual(actions(kept), [
      `delete app team2-${USER2}/JupyterServer/default`, // a revoked member's app stops (#29 item 12)
      `delete assignment team2/USER/${USER1}`,
      `delete assignment team2/USER/${USER2}`,
    ])
    assert.deepEqual(kept.kept?.map((k) => `${k.kind} ${k.team}`).sort(), [
      'application team2',
      'profile team2',
      'profile team2',
    ])
    const pruned = await plan(file, '--prune')
    assert.deepEqual(actions(pruned), [
      'blocked profile team2-906712345a-2b3c4d5e-6f70-4b8c-9d0e-1f2a3b4c5d6e',
      'blocked role sagemaker-teams-team2',
      `delete app team2-${USER2}/JupyterServer/default`,
      'delete application team2',
      `delete assignment team2/USER/${USER1}`,
      `delete assignment team2/USER/${USER2}`,
      'delete lf-grant arn:aws:iam::123456789012:role/sagemaker-teams-team2|TABLE|domain=investment-banking',
      `delete profile team2-${USER1}`,
    ])
    await appliedBlocked(file, 2, '--prune')
    assert.ok(role('sagemaker-teams-team2'), 'a profile with a running app still uses the role')
    assert.ok(profile(`team2-${USER2}`))
    // The application is gone now: the profile's tag still names the team, so the role is found.
    assert.deepEqual(actions(await plan(file, '--prune', '--force')), [
      `delete profile team2-${USER2}`,
      'delete role sagemaker-teams-team2',
    ])
    await applied(file, '--prune', '--force')
    assert.equal(role('sagemaker-teams-team2'), undefined)
    assert.equal(profile(`team2-${USER2}`), undefined)
    assert.ok(role('sagemaker-teams-team1') && role('sagemaker-teams-acs-role'), 'other roles untouched')
    assert.equal((await cli(['plan', '-f', file, '--prune', '--detailed-exitcode'])).code, 0)
  })

  it('--force deletes apps, never spaces: a profile that owns a space stays blocked instead of failing in apply', async () => {
    const file = workspace()
    await applied(file)
    emu.state.spaces.push({
      DomainId: DOMAIN,
      SpaceName: 'notebooks',
      OwnerUserProfileName: `team2-${USER2}`,
      Status: 'InService',
      CreationTime: new Date(),
    })
    rewrite(file, (c) => {
      c.teams.team2.members = { users: ['user1@example.com'] }
    })
    const p = await plan(file, '--prune', '--force')
    const blocked = p.changes.find((c) => c.kind === 'profile' && c.key === `team2-${USER2}`)
    assert.equal(blocked?.action, 'blocked')
    assert.match(blocked?.reason ?? '', /space notebooks; delete its spaces in Studio first/)
    await appliedBlocked(file, 1, '--prune', '--force')
    assert.ok(profile(`team2-${USER2}`))
  })

  it('a role the file names by ARN is never pruned, even the one the tool created', async () => {
    const file = workspace()
    await applied(file)
    rewrite(file, (c) => {
      c.teams.team1.executionRole = { arn: ROLE1 }
    })
    assert.deepEqual(actions(await plan(file, '--prune')), [])
  })

  it("--prune never revokes LF grants of a role the file names by ARN (not the tool's): it warns instead", async () => {
    emu.seed({ roles: [{ name: 'platform-team1' }] })
    const file = workspace((c) => {
      c.teams.team1.executionRole = { arn: EXISTING }
    })
    await applied(file)
    // Someone else grants the role more, on another expression; and the file then drops DESCRIBE.
    const env = emu.env()
    const lf = new LakeFormationClient({
      region: 'us-east-1',
      endpoint: env.AWS_ENDPOINT_URL,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    })
    await lf.send(
      new GrantPermissionsCommand({
        Principal: { DataLakePrincipalIdentifier: EXISTING },
        Resource: {
          LFTagPolicy: {
            ResourceType: 'TABLE',
            Expression: [{ TagKey: 'domain', TagValues: ['investment-banking'] }],
          },
        },
        Permissions: ['SELECT'],
      }),
    )
    rewrite(file, (c) => {
      c.teams.team1.lakeFormation![0].permissions = ['SELECT']
    })
    const pruned = await plan(file, '--prune')
    assert.deepEqual(
      actions(pruned).filter((a) => a.includes('lf-grant')),
      [],
    )
    const warned = pruned.warnings.filter((w) => w.includes('platform-team1'))
    assert.equal(warned.length, 2, pruned.warnings.join('\n'))
    assert.ok(warned.some((w) => /also holds DESCRIBE on TABLE domain=consumer-banking/.test(w)))
    assert.ok(warned.some((w) => /holds SELECT on TABLE domain=investment-banking/.test(w)))
    await applied(file, '--prune')
    assert.equal(emu.state.lfGrants.filter((g) => g.principal === EXISTING).length, 2)
    // The tool's own roles are still pruned as before.
    rewrite(file, (c) => {
      c.teams.team2.lakeFormation = []
    })
    assert.ok(
      actions(await plan(file, '--prune')).some((a) =>
        a.startsWith('delete lf-grant arn:aws:iam::123456789012:role/sagemaker-teams-team2'),
      ),
    )
  })

  it('the assignments of an application the tool does not own are never pruned, and wait while the application is blocked', async () => {
    emu.seed({ applications: [{ name: 'SageMaker Studio Team 1' }, { name: 'SageMaker Studio Team 1' }] })
    const foreign = emu.state.applications[0].ApplicationArn
    emu.state.assignments.push({ ApplicationArn: foreign, PrincipalId: USER2, PrincipalType: 'USER' })
    const file = workspace()
    const p = await plan(file, '--prune')
    const team1 = p.changes.filter(
      (c) => c.team === 'team1' && ['application', 'assignment'].includes(c.kind),
    )
    assert.deepEqual(
      team1.map((c) => `${c.action} ${c.kind}`),
      ['blocked application', 'blocked assignment'],
    )
    await appliedBlocked(file, 2, '--prune')
    assert.ok(
      emu.state.assignments.some((a) => a.ApplicationArn === foreign && a.PrincipalId === USER2),
      'the foreign assignment is kept',
    )
  })

  it("user names are the identity store's spelling, whatever the file's case", async () => {
    const file = workspace((c) => {
      c.teams.team1.members = { users: ['USER1@Example.com'] }
      c.teams.team2.members = { users: ['User1@EXAMPLE.com', 'user2@example.com'] }
    })
    await applied(file)
    for (const name of [`team1-${USER1}`, `team2-${USER1}`])
      assert.equal(profile(name)?.Tags['sagemaker-teams:user-name'], 'user1@example.com')
    assert.equal((await cli(['plan', '-f', file, '--refresh', 'full', '--detailed-exitcode'])).code, 0)
  })

  it('a user named directly and through a group: one profile, a USER and a GROUP assignment; leaving the group prunes only with --prune', async () => {
    const file = workspace((c) => {
      c.teams.team1.members = { users: ['user1@example.com', 'user3@example.com'], groups: ['ds-team1'] }
    })
    await applied(file)
    assert.equal(emu.state.profiles.filter((p) => p.UserProfileName === `team1-${USER3}`).length, 1)
    const team1App = emu.state.applications.find((a) => a.Tags['sagemaker-teams:team'] === 'team1')!
    assert.deepEqual(
      emu.state.assignments
        .filter((a) => a.ApplicationArn === team1App.ApplicationArn)
        .map((a) => `${a.PrincipalType} ${a.PrincipalId}`)
        .sort(),
      [`GROUP ${GROUP1}`, `USER ${USER3}`, `USER ${USER1}`],
    )
    // user4 leaves ds-team1 in the identity store.
    const user4 = emu.state.users.find((u) => u.UserName === 'user4@example.com')!.UserId
    emu.state.memberships = emu.state.memberships.filter((m) => m.UserId !== user4)
    assert.deepEqual(actions(await plan(file)), [])
    assert.deepEqual(actions(await plan(file, '--prune')), [`delete profile team1-${user4}`])
  })

  it('a new displayName renames the application in place', async () => {
    const file = workspace()
    await applied(file)
    const arn = emu.state.applications.find((a) => a.Name === 'SageMaker Studio Team 1')!.ApplicationArn
    rewrite(file, (c) => {
      c.teams.team1.displayName = 'Team One'
    })
    assert.deepEqual(actions(await plan(file, '--prune')), ['update application team1'])
    await applied(file)
    assert.equal(emu.state.applications.find((a) => a.ApplicationArn === arn)?.Name, 'Team One')
    assert.equal(emu.state.applications.length, 2)
  })

  it('provisioning on-login: no profile creates, but the quota warning counts the first logins', async () => {
    const file = workspace((c) => {
      c.acs!.provisioning = 'on-login'
      c.profileQuota = 2
    })
    const p = await plan(file)
    assert.ok(!p.changes.some((c) => c.kind === 'profile'))
    assert.ok(
      p.warnings.some((w) => w.includes('would have 3 user profiles (0 now, +0, +3 on first login, -0)')),
      p.warnings.join('\n'),
    )
  })

  it('a usage error exits 1, not the 2 that --detailed-exitcode gives to "changes present"', async () => {
    const file = workspace()
    const bad = await cli(['plan', '-f', file, '--detailed-exitcode', '--refresh', 'nope'])
    assert.equal(bad.code, 1, bad.stderr)
    assert.match(bad.stderr, /--refresh=nope/)
    assert.equal((await cli(['plan', '-f', file, '--detailed-exitcode', '--no-such-flag'])).code, 1)
    assert.equal((await cli(['apply', '-f', file, '--yes', '--concurrency', '0'])).code, 1)
    assert.equal(emu.state.roles.length, 0, 'nothing applied')
  })
})
