/**
 * Revoking a member (or a team) stops what they run (issue #29, item 12): the apps of their profiles,
 * and of the private spaces those own, are deleted by a plain apply and listed as revocations; the
 * profile, its spaces and home directory stay until --prune. The emulator models Studio apps
 * (CreateApp, DescribeApp, ListApps, DeleteApp: Pending → InService, Deleting → Deleted).
 */
import assert from 'node:assert/strict'
import {
  CreateAppCommand,
  DeleteAppCommand,
  DescribeAppCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker'
import { useReconcile } from '../helpers/reconcile.js'
import { rewrite, workspace } from '../helpers/workspace.js'

const USER1 = '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'
const USER2 = '906712345a-2b3c4d5e-6f70-4b8c-9d0e-1f2a3b4c5d6e'
const DOMAIN = 'd-abcdefghijkl'

describe('revoking a member stops their running apps', function () {
  this.timeout(240_000)
  const { emu, cli, plan, actions, applied } = useReconcile()
  const sm = () =>
    new SageMakerClient({
      region: 'us-east-1',
      endpoint: emu().url,
      credentials: { accessKeyId: 'AKIAEMULATOR00000000', secretAccessKey: 'x' },
    })
  const status = async (input: {
    UserProfileName?: string
    SpaceName?: string
    AppType: string
    AppName: string
  }) => (await sm().send(new DescribeAppCommand({ DomainId: DOMAIN, ...input } as never))).Status
  const space = (SpaceName: string, owner: string, SharingType: 'Private' | 'Shared') =>
    emu().state.spaces.push({
      DomainId: DOMAIN,
      SpaceName,
      OwnerUserProfileName: owner,
      SharingType,
      Status: 'InService',
      CreationTime: new Date(),
    })
  const start = (input: { UserProfileName?: string; SpaceName?: string; AppType: string; AppName: string }) =>
    sm().send(new CreateAppCommand({ DomainId: DOMAIN, ...input } as never))

  it('the emulator models apps: CreateApp Pending → InService, DeleteApp Deleting → Deleted, checked against the model', async () => {
    const file = workspace()
    await applied(file)
    const app = { UserProfileName: `team1-${USER1}`, AppType: 'JupyterServer', AppName: 'default' }
    const { AppArn } = await start(app)
    assert.match(AppArn ?? '', /:app\/d-abcdefghijkl\/team1-.*\/jupyterserver\/default$/)
    assert.match((await status(app)) ?? '', /^(Pending|InService)$/)
    await assert.rejects(start(app), { name: 'ResourceInUse' })
    await assert.rejects(start({ ...app, AppType: 'NoSuchType' }), { name: 'ValidationException' })
    await assert.rejects(start({ ...app, UserProfileName: 'nobody' }), { name: 'ResourceNotFound' })
    await sm().send(new DeleteAppCommand({ DomainId: DOMAIN, ...app } as never))
    assert.match((await status(app)) ?? '', /^(Deleting|Deleted)$/)
  })

  it('a removed member: their apps and their private space apps are deleted by a plain apply, listed as revocations; profile and spaces stay', async () => {
    const file = workspace() // team2: user1, user2
    await applied(file)
    const profile2 = `team2-${USER2}`
    const own = { UserProfileName: profile2, AppType: 'JupyterServer', AppName: 'default' }
    space('user2-private', profile2, 'Private')
    space('team2-shared', profile2, 'Shared')
    const inPrivate = { SpaceName: 'user2-private', AppType: 'JupyterLab', AppName: 'default' }
    const inShared = { SpaceName: 'team2-shared', AppType: 'JupyterLab', AppName: 'default' }
    const user1s = { UserProfileName: `team2-${USER1}`, AppType: 'JupyterServer', AppName: 'default' }
    for (const a of [own, inPrivate, inShared, user1s]) await start(a)

    rewrite(file, (c) => {
      c.teams.team2.members = { users: ['user1@example.com'] }
    })
    const exit = await cli(['plan', '-f', file, '--detailed-exitcode'])
    assert.equal(exit.code, 2, exit.stdout + exit.stderr)
    assert.match(exit.stdout, /- app +JupyterServer default of team2-/)
    const p = await plan(file)
    assert.deepEqual(
      actions(p).filter((a) => a.includes(' app ')),
      [
        `delete app ${profile2}/JupyterServer/default`,
        `delete app ${profile2}/space/user2-private/JupyterLab/default`,
      ],
    )
    const narrowed = p.accessReview!.narrowed.map((i) => i.description)
    for (const line of [
      "user2@example.com's JupyterServer app default stops: it no longer runs with team2's role",
      "user2@example.com's JupyterLab app default in space user2-private stops: it no longer runs with team2's role",
    ])
      assert.ok(narrowed.includes(line), `${line}\n${narrowed.join('\n')}`)

    // A revocation: without a terminal the default approval refuses it unless --yes.
    const refused = await cli(['apply', '-f', file])
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /- deletes: app JupyterServer default of team2-/)
    assert.equal(await status(own), 'InService')

    await applied(file) // no --prune
    for (const a of [own, inPrivate]) assert.match((await status(a)) ?? '', /^(Deleting|Deleted)$/)
    for (const a of [inShared, user1s]) assert.equal(await status(a), 'InService')
    assert.ok(
      emu().state.profiles.some((x) => x.UserProfileName === profile2),
      'the profile stays',
    )
    assert.equal(emu().state.spaces.length, 2, 'the spaces stay')

    // Deleted apps are not listed again: the next plan keeps the profile and changes nothing.
    while ((await status(own)) !== 'Deleted') await new Promise((r) => setTimeout(r, 20))
    while ((await status(inPrivate)) !== 'Deleted') await new Promise((r) => setTimeout(r, 20))
    const next = await cli(['plan', '-f', file, '--detailed-exitcode'])
    assert.equal(next.code, 0, next.stdout + next.stderr)
    const again = await plan(file)
    assert.deepEqual(actions(again), [])
    assert.ok(again.kept?.some((k) => k.key === profile2))
    // Deleting the profile still needs --prune (here blocked: it owns spaces, which hold files).
    const pruned = await plan(file, '--prune')
    assert.equal(pruned.changes.find((c) => c.kind === 'profile' && c.key === profile2)?.action, 'blocked')
  })

  it("a removed team's apps are stopped too; --prune --force deletes the profile with its apps (no separate app change)", async () => {
    const file = workspace()
    await applied(file)
    const profile1 = `team1-${USER1}`
    const own = { UserProfileName: profile1, AppType: 'JupyterServer', AppName: 'default' }
    await start(own)
    rewrite(file, (c) => {
      delete c.teams.team1
    })
    assert.ok(actions(await plan(file)).includes(`delete app ${profile1}/JupyterServer/default`))
    const forced = await plan(file, '--prune', '--force')
    assert.ok(!actions(forced).some((a) => a.includes(' app ')), actions(forced).join('\n'))
    assert.ok(actions(forced).includes(`delete profile ${profile1}`))
    await applied(file)
    assert.match((await status(own)) ?? '', /^(Deleting|Deleted)$/)
    assert.ok(emu().state.profiles.some((x) => x.UserProfileName === profile1))
  })
})
