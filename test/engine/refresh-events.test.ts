/**
 * `--refresh events`: each hand change of the detection matrix is found, exactly as `--refresh full`
 * finds it, with the reads listed by --verbose; the undelivered window is named, never "No changes";
 * the fallbacks say why. Through the CLI against the emulator, whose writes (the CLI's and the
 * "hand" changes made here with the SDK) land in its CloudTrail event history.
 */
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { DeleteTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb'
import { IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam'
import { BatchRevokePermissionsCommand, LakeFormationClient } from '@aws-sdk/client-lakeformation'
import {
  AddTagsCommand,
  CreateUserProfileCommand,
  DeleteTagsCommand,
  DeleteUserProfileCommand,
  SageMakerClient,
  UpdateUserProfileCommand,
} from '@aws-sdk/client-sagemaker'
import { DeleteApplicationAssignmentCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin'
import type { Plan } from '../../src/lib/plan/types.js'
import { PROFILE_EVENTS, pointId } from '../../src/lib/refresh/events.js'
import type { Emulator } from '../../tools/emulator/index.js'
import { useReconcile } from '../helpers/reconcile.js'
import { rewrite, workspace } from '../helpers/workspace.js'

const USER1 = '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'
const USER2 = '906712345a-2b3c4d5e-6f70-4b8c-9d0e-1f2a3b4c5d6e'
const DOMAIN = 'd-abcdefghijkl'
const ACCOUNT = '123456789012'
const PROFILE = `team2-${USER2}`
const TEAM1 = [
  USER1,
  USER2,
  '3c4d5e6f-7081-4c9d-8e0f-2a3b4c5d6e7f',
  '4d5e6f70-8192-4dae-9f10-3b4c5d6e7f80',
  '906712345a-5e6f7081-92a3-4ebf-a021-4c5d6e7f8091',
]
const PROFILE_ARN = `arn:aws:sagemaker:us-east-1:${ACCOUNT}:user-profile/${DOMAIN}/${PROFILE}`
/** The assumed delivery delay in these tests (the emulator delivers at once unless told otherwise). */
const DELAY = ['--events-delay', '1']

describe('--refresh events (CLI against the emulator)', function () {
  this.timeout(180_000)
  const { emu: account, cli, plan, actions, applied } = useReconcile()
  let emu: Emulator
  beforeEach(async () => {
    emu = account()
    // dynalite outlives the emulator's reset: start each test without a refresh point.
    await new DynamoDBClient(clientConfig())
      .send(new DeleteTableCommand({ TableName: 'sagemaker-teams-refresh' }))
      .catch(() => undefined)
  })
  const clientConfig = () => ({
    region: 'us-east-1',
    endpoint: emu.url,
    credentials: { accessKeyId: 'AKIAEMULATOR00000000', secretAccessKey: 'x' },
  })
  const sm = () => new SageMakerClient(clientConfig())

  /**
   * Converged (team1 of five users, team2 of two), then a refresh point recorded by
   * `apply --refresh events` after the converging writes.
   */
  const converged = async (check = false) => {
    const file = workspace((c) => {
      c.teams.team1.members = { users: [1, 2, 3, 4, 5].map((i) => `user${i}@example.com`) }
    })
    await applied(file)
    await sleep(1100) // the converging writes fall before the point (observation start − 1 s)
    const r = await cli(['apply', '-f', file, '--yes', '--refresh', 'events', ...DELAY])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.match(r.stdout, /no refresh point recorded yet/, 'the first events refresh reads every profile')
    if (check) {
      emu.resetCounters()
      const p = await plan(file, '--refresh', 'events', ...DELAY)
      assert.deepEqual(actions(p), [], 'converged')
      assert.equal(
        p.warnings.some((w) => /read every profile/.test(w)),
        false,
        'the point is used',
      )
      assert.equal(emu.counters()['sagemaker:DescribeUserProfile'], undefined, 'no profile read')
    }
    return file
  }

  /** The events plan with --verbose: its changes equal full's, and the reads it made. */
  const detect = async (file: string) => {
    emu.resetCounters()
    const r = await cli(['plan', '-f', file, '--json', '--verbose', '--refresh', 'events', ...DELAY])
    assert.equal(r.code, 0, r.stderr)
    const events = JSON.parse(r.stdout) as Plan
    const counters = emu.counters()
    const full = await plan(file, '--refresh', 'full')
    assert.deepEqual(actions(events), actions(full), 'the same changes as --refresh full')
    assert.ok(actions(events).length > 0, 'the change is found')
    const reads = r.stderr.split('\n').filter((l) => /^(aws |refresh events: )/.test(l))
    return { events, reads, counters }
  }
  it('the detection matrix: each hand change is found, as --refresh full finds it, with its reads listed by --verbose', async () => {
    const file = await converged(true)
    const [a, b, c, d, e] = TEAM1.map((u) => `team1-${u}`)
    const arn = (name: string) => `arn:aws:sagemaker:us-east-1:${ACCOUNT}:user-profile/${DOMAIN}/${name}`
    // Profiles: a's execution role, b's Team tag, c's user-name tag; d deleted; e re-created by hand.
    await sm().send(
      new UpdateUserProfileCommand({
        DomainId: DOMAIN,
        UserProfileName: a,
        UserSettings: { ExecutionRole: `arn:aws:iam::${ACCOUNT}:role/escalated` },
      }),
    )
    await sm().send(new AddTagsCommand({ ResourceArn: arn(b), Tags: [{ Key: 'Team', Value: 'Team2' }] }))
    await sm().send(new DeleteTagsCommand({ ResourceArn: arn(c), TagKeys: ['sagemaker-teams:user-name'] }))
    await sm().send(new DeleteUserProfileCommand({ DomainId: DOMAIN, UserProfileName: d }))
    await sm().send(new DeleteUserProfileCommand({ DomainId: DOMAIN, UserProfileName: e }))
    await sleep(100) // the emulator's Deleting state
    await sm().send(new CreateUserProfileCommand({ DomainId: DOMAIN, UserProfileName: e }))
    // team2's role policy, LF grant and one assignment.
    await new IAMClient(clientConfig()).send(
      new PutRolePolicyCommand({
        RoleName: 'sagemaker-teams-team2',
        PolicyName: 'sagemaker-teams-guardrails',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
        }),
      }),
    )
    const grant = emu.state.lfGrants.find((g) => g.principal.endsWith('role/sagemaker-teams-team2'))!
    await new LakeFormationClient(clientConfig()).send(
      new BatchRevokePermissionsCommand({
        Entries: [
          {
            Id: '1',
            Principal: { DataLakePrincipalIdentifier: grant.principal },
            Resource: grant.resource,
            Permissions: grant.permissions as never,
          },
        ],
      }),
    )
    const app = emu.state.applications.find((x) => x.Name === 'SageMaker Studio Team 2')!
    const assignment = emu.state.assignments.find((x) => x.ApplicationArn === app.ApplicationArn)!
    await new SSOAdminClient(clientConfig()).send(
      new DeleteApplicationAssignmentCommand({
        ApplicationArn: app.ApplicationArn,
        PrincipalId: assignment.PrincipalId,
        PrincipalType: assignment.PrincipalType,
      }),
    )

    const { events, reads, counters } = await detect(file)
    const found = actions(events)
    assert.deepEqual(
      found.map((x) => (x.startsWith('create lf-grant') ? 'create lf-grant' : x)),
      [
        `blocked profile ${e}`,
        `create assignment team2/${assignment.PrincipalType}/${assignment.PrincipalId}`,
        'create lf-grant',
        `create profile ${d}`,
        `update profile ${a}`,
        `update profile ${b}`,
        `update profile ${c}`,
        'update role sagemaker-teams-team2',
      ].sort(),
    )
    const reason = (key: string) => events.changes.find((x) => x.key === key)!.reason ?? ''
    assert.match(reason(a), /execution role .*role\/escalated/)
    assert.match(reason(b), /tags Team/)
    assert.match(reason(c), /tags sagemaker-teams:user-name/)
    assert.match(reason(e), /without the sagemaker-teams:team tag/)
    // --verbose: which profiles were read and why, the lookups, and every AWS call.
    const read = (name: string, why: RegExp) =>
      assert.ok(
        reads.some((l) => l.startsWith(`refresh events: read profile ${name}: `) && why.test(l)),
        `${name} read for ${why}:\n${reads.join('\n')}`,
      )
    read(a, /UpdateUserProfile at /)
    read(b, /AddTags at /)
    read(c, /DeleteTags at /)
    read(e, /CreateUserProfile at /)
    // A quiet window: one lookup by event source, the five profile event names filtered locally.
    assert.ok(
      reads.some((l) =>
        /^refresh events: LookupEvents EventSource=sagemaker\.amazonaws\.com since \S+: \d+ events \(\d+ of user profiles\), 1 page$/.test(
          l,
        ),
      ),
      reads.join('\n'),
    )
    for (const call of [
      'sagemaker ListUserProfiles',
      'sagemaker DescribeUserProfile',
      'sagemaker ListTags',
      'cloudtrail LookupEvents',
      'iam GetRolePolicy',
      'lakeformation ListPermissions',
      'sso-admin ListApplicationAssignments',
    ])
      assert.ok(
        reads.some((l) => new RegExp(`^aws ${call} \\d+ms ok$`).test(l)),
        call,
      )
    // Only the four profiles that changed and still exist were read (the unchanged three were not).
    assert.equal(counters['sagemaker:DescribeUserProfile'], 4)
    assert.equal(counters['sagemaker:ListTags'], 4)
    assert.equal(counters['cloudtrail:LookupEvents'], 1)
  })

  it('a busy window (more SageMaker events than one page): one lookup per event name, each paged back to the point', async () => {
    const file = await converged()
    // 60 SageMaker writes that are not of profiles (tags of the domain), then one hand change.
    const other = `arn:aws:sagemaker:us-east-1:${ACCOUNT}:domain/${DOMAIN}`
    for (let i = 0; i < 60; i++)
      await sm().send(new AddTagsCommand({ ResourceArn: other, Tags: [{ Key: 'n', Value: String(i) }] }))
    await sm().send(new AddTagsCommand({ ResourceArn: PROFILE_ARN, Tags: [{ Key: 'Team', Value: 'Team1' }] }))
    emu.resetCounters()
    const r = await cli(['plan', '-f', file, '--refresh', 'events', '--json', '--verbose', ...DELAY])
    assert.equal(r.code, 0, r.stderr)
    const p = JSON.parse(r.stdout) as Plan
    assert.deepEqual(actions(p), [`update profile ${PROFILE}`])
    const lines = r.stderr.split('\n')
    assert.ok(
      lines.some((l) =>
        /LookupEvents EventSource=sagemaker\.amazonaws\.com since \S+: 50 events .*more pages: looking up by event name$/.test(
          l,
        ),
      ),
      r.stderr,
    )
    for (const name of PROFILE_EVENTS)
      assert.ok(
        lines.some((l) => l.startsWith(`refresh events: LookupEvents EventName=${name} since `)),
        name,
      )
    assert.ok(
      lines.some((l) => /LookupEvents EventName=AddTags since \S+: \d+ events, 2 pages$/.test(l)),
      r.stderr,
    )
    // The source page, then AddTags' two pages and one page of each other name.
    assert.equal(emu.counters()['cloudtrail:LookupEvents'], 1 + 2 + (PROFILE_EVENTS.length - 1))
  })

  it('a tag change made 1 s before plan with a 60 s delivery delay is "not yet visible", never "No changes"; found once delivered', async () => {
    const file = await converged()
    // As if the account converged an hour ago: no profile's LastModifiedTime is in the window.
    for (const p of emu.state.profiles) p.LastModifiedTime = new Date(Date.now() - 3600_000)
    emu.setCloudTrailDelay(60_000)
    await sm().send(new AddTagsCommand({ ResourceArn: PROFILE_ARN, Tags: [{ Key: 'Team', Value: 'Team1' }] }))
    await sleep(1000)
    const text = await cli(['plan', '-f', file, '--refresh', 'events'])
    assert.equal(text.code, 0, text.stderr)
    assert.doesNotMatch(text.stdout, /No changes/)
    assert.match(
      text.stdout,
      /Nothing to change in what CloudTrail has delivered so far; not yet visible: changes made in the last 15 minutes/,
    )
    const p = await plan(file, '--refresh', 'events', '--events-delay', '60')
    assert.deepEqual(actions(p), [], 'the change is not visible yet')
    assert.match(p.notYetVisible ?? '', /^not yet visible: changes made in the last 60 seconds/)
    emu.deliverCloudTrailEvents()
    const later = await plan(file, '--refresh', 'events', ...DELAY)
    assert.deepEqual(actions(later), [`update profile ${PROFILE}`])
  })

  it('fallbacks: no cloudtrail:LookupEvents permission, a point older than the 90-day history: every profile read, and why', async () => {
    const file = await converged()
    await sm().send(new AddTagsCommand({ ResourceArn: PROFILE_ARN, Tags: [{ Key: 'Team', Value: 'Team1' }] }))
    emu.injectFaults({ operation: 'cloudtrail:LookupEvents', kind: 'denied', rate: 1 })
    emu.resetCounters()
    const denied = await plan(file, '--refresh', 'events', ...DELAY)
    emu.clearFaults()
    assert.deepEqual(actions(denied), [`update profile ${PROFILE}`])
    assert.ok(
      denied.warnings.some((w) =>
        /^--refresh events read every profile \(as --refresh full\): no permission to call cloudtrail:LookupEvents \(AccessDeniedException/.test(
          w,
        ),
      ),
      denied.warnings.join('\n'),
    )
    assert.equal(emu.counters()['sagemaker:DescribeUserProfile'], 7, 'every managed profile read')
    assert.equal(denied.notYetVisible, undefined, 'all read: nothing is out of sight')

    const { loadTeamsFileOrThrow } = await import('../../src/lib/config/load.js')
    const teams = await loadTeamsFileOrThrow(file)
    await new DynamoDBClient(clientConfig()).send(
      new PutItemCommand({
        TableName: 'sagemaker-teams-refresh',
        Item: {
          id: { S: pointId({ teams, discovery: { domainId: DOMAIN } } as never) },
          at: { N: String(Date.now() - 91 * 24 * 3600 * 1000) },
          buckets: { S: '[]' },
          recheck: { S: '[]' },
        },
      }),
    )
    const old = await plan(file, '--refresh', 'events', ...DELAY)
    assert.deepEqual(actions(old), [`update profile ${PROFILE}`])
    assert.ok(
      old.warnings.some((w) => /older than CloudTrail's 90-day event history/.test(w)),
      old.warnings.join('\n'),
    )
  })

  it('a plan never moves the point: drift is found again by the next plan; a changed file reads the profiles it touches', async () => {
    const file = await converged()
    await sm().send(new AddTagsCommand({ ResourceArn: PROFILE_ARN, Tags: [{ Key: 'Team', Value: 'Team1' }] }))
    await sleep(1100)
    const first = await cli(['plan', '-f', file, '--json', '--verbose', '--refresh', 'events', ...DELAY])
    assert.deepEqual(actions(JSON.parse(first.stdout)), [`update profile ${PROFILE}`])
    assert.doesNotMatch(first.stderr, /refresh point \S+: saved/, 'only apply moves the point')
    await sleep(1100)
    assert.deepEqual(actions(await plan(file, '--refresh', 'events', ...DELAY)), [
      `update profile ${PROFILE}`,
    ])
    // A change of the file (a new team tag) touches every profile of the team: all of them are read.
    rewrite(file, (c) => {
      c.teams.team1.tags = { Team: 'Team1', CostCenter: 'cc-17' }
    })
    const { events, reads } = await detect(file)
    assert.deepEqual(
      actions(events),
      [`update profile ${PROFILE}`, ...TEAM1.map((u) => `update profile team1-${u}`)].sort(),
    )
    assert.ok(
      reads.some((l) =>
        l.startsWith(`refresh events: read profile team1-${USER1}: its desired state in the file changed`),
      ),
      reads.join('\n'),
    )
  })

  it("a --team plan does not move the refresh point: another team's drift is still found by the next whole plan", async () => {
    const file = await converged()
    await sm().send(new AddTagsCommand({ ResourceArn: PROFILE_ARN, Tags: [{ Key: 'Team', Value: 'Team1' }] }))
    await sleep(1100)
    // A whole plan would record a point now (after the AddTags event), remembering the drift in recheck.
    const scoped = await cli([
      'plan',
      '-f',
      file,
      '--refresh',
      'events',
      '--team',
      'team1',
      '--verbose',
      ...DELAY,
    ])
    assert.equal(scoped.code, 0, scoped.stderr)
    assert.doesNotMatch(scoped.stderr, /refresh point .*: saved/)
    await sleep(1100)
    assert.deepEqual(actions(await plan(file, '--refresh', 'events', ...DELAY)), [
      `update profile ${PROFILE}`,
    ])
  })
})
