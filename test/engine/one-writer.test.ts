/**
 * One writer at a time (issue #12): the apply lock, force-unlock, clean interrupts, duplicate
 * applications of a team, and removing the ACS, against the emulator (DynamoDB is dynalite). Real
 * CLI processes where processes are the point (two at once, a kill, a signal); the commands in
 * process otherwise.
 */
import assert from 'node:assert/strict'
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb'
import { killWhen as killCli, runCli } from '../helpers/cli.js'
import { useReconcile } from '../helpers/reconcile.js'
import { rewrite, workspace } from '../helpers/workspace.js'

const LOCK_ID = /lock ID ([0-9a-f-]{36})/

describe('one writer at a time', function () {
  this.timeout(300_000)
  const { emu, cli, plan, applied } = useReconcile()
  const lockItem = async () => {
    const db = new DynamoDBClient({
      endpoint: emu().url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    })
    try {
      const out = await db.send(
        new GetItemCommand({
          TableName: 'sagemaker-teams-lock',
          Key: { pk: { S: 'domain/d-abcdefghijkl' } },
        }),
      )
      return out.Item
    } finally {
      db.destroy()
    }
  }
  /** Starts `apply`, and kills it with `signal` once its stderr matches `when` (it holds the lock then). */
  const killWhen = (args: string[], when: RegExp, signal: NodeJS.Signals, env: Record<string, string> = {}) =>
    killCli(args, when, signal, { env: { ...emu().env(), ...env } })
  const appsOf = (team: string) =>
    emu().state.applications.filter((a) => a.Tags['sagemaker-teams:team'] === team)

  it('two applies started 100 ms apart on a fresh account: one applies, the other exits 1 naming the holder', async () => {
    // Two real processes race for the lock (and to create its table). Whichever wins waits at its
    // first role until the other has exited: the outcome cannot depend on how fast either starts.
    const release = emu().holdCalls('iam:CreateRole')
    const file = workspace()
    const run = () => runCli(['apply', '-f', file, '--yes'], { env: emu().env() })
    const first = run()
    await new Promise((r) => setTimeout(r, 100))
    const second = run()
    const done = await Promise.race([first, second])
    release()
    const results = await Promise.all([first, second])
    const codes = results.map((r) => r.code).sort()
    assert.deepEqual(codes, [0, 1], results.map((r) => r.stdout + r.stderr).join('\n----\n'))
    const loser = results.find((r) => r.code === 1)!
    assert.equal(done, loser, 'the loser exited while the winner held the lock')
    assert.match(
      loser.stderr,
      /another apply holds the lock of domain d-abcdefghijkl: \S+@\S+ \(apply, pid \d+/,
    )
    assert.match(loser.stderr, LOCK_ID)
    assert.equal(appsOf('team1').length, 1)
    assert.equal(appsOf('team2').length, 1)
    assert.equal(await lockItem(), undefined, 'the winner released the lock')
    assert.equal((await cli(['plan', '-f', file, '--detailed-exitcode'])).code, 0)
  })

  it('a lock left by a killed apply: plan says so, apply is refused, force-unlock removes it; or its lease runs out', async () => {
    emu().setLatency(200)
    const file = workspace()
    const killed = await killWhen(
      ['apply', '-f', file, '--yes', '--concurrency', '1'],
      /ok +create role/,
      'SIGKILL',
    )
    assert.equal(killed.signal, 'SIGKILL')
    emu().setLatency(0)
    const shown = await cli(['plan', '-f', file])
    assert.match(shown.stdout, /an apply is running: the lock is held by .*\(apply, pid \d+/)
    const refused = await cli(['apply', '-f', file, '--yes'])
    assert.equal(refused.code, 1)
    const id = LOCK_ID.exec(refused.stderr)?.[1]
    assert.ok(id, refused.stderr)
    const noTerminal = await cli(['force-unlock', id!, '-f', file])
    assert.equal(noTerminal.code, 1, 'no confirmation without a terminal or --yes')
    assert.ok(await lockItem())
    const wrong = await cli(['force-unlock', '00000000-0000-4000-8000-000000000000', '-f', file, '--yes'])
    assert.equal(wrong.code, 1)
    assert.match(wrong.stderr, /has ID .* not 00000000/)
    const unlocked = await cli(['force-unlock', id!, '-f', file, '--yes'])
    assert.equal(unlocked.code, 0, unlocked.stderr)
    assert.equal(await lockItem(), undefined)
    await applied(file)
    assert.equal(appsOf('team1').length, 1)

    // With a short lease (15 s: long enough that the next CLI starts while it holds, even on a loaded
    // machine), a killed holder's lock expires by itself; --lock-timeout waits for it.
    rewrite(file, (c) => {
      c.teams.team1.members = { users: ['user1@example.com', 'user2@example.com'] }
    })
    emu().setLatency(200)
    const killed2 = await killWhen(
      ['apply', '-f', file, '--yes', '--concurrency', '1'],
      /applying/,
      'SIGKILL',
      { SAGEMAKER_TEAMS_LOCK_LEASE_SECONDS: '15' },
    )
    assert.equal(killed2.signal, 'SIGKILL')
    emu().setLatency(0)
    assert.equal((await cli(['apply', '-f', file, '--yes'])).code, 1, 'still held')
    const waited = await cli(['apply', '-f', file, '--yes', '--lock-timeout', '60'])
    assert.equal(waited.code, 0, waited.stdout + waited.stderr)
    assert.match(waited.stderr, /Waiting for the lock/)
  })

  it('SIGINT in the middle of an apply of 400 changes: exit 130, the message, the lock released; the next apply converges', async () => {
    const users = Array.from({ length: 100 }, (_, i) => ({
      userName: `bulk${i}@example.com`,
      displayName: `Bulk ${i}`,
    }))
    emu().seed({ users })
    const file = workspace((c) => {
      c.teams.team1.members = { users: users.map((u) => u.userName) }
      c.teams.team2.members = { users: users.map((u) => u.userName) }
    })
    emu().setLatency(40)
    // Interrupted once some assignments are done: mid-run, with changes in flight.
    const result = await killCli(
      ['apply', '-f', file, '--yes'],
      (stderr) => (stderr.match(/ok +create assignment/g) ?? []).length >= 20,
      'SIGINT',
      { env: emu().env() },
    )
    emu().setLatency(0)
    assert.ok(result.killed, result.stderr)
    assert.equal(result.code, 130, result.stdout + result.stderr)
    const m = /Interrupted after (\d+) of (\d+) changes; run apply again to converge\./.exec(result.stderr)
    assert.ok(m, result.stderr)
    assert.ok(Number(m![2]) >= 400, `${m![2]} changes planned`)
    assert.ok(Number(m![1]) > 0 && Number(m![1]) < Number(m![2]))
    assert.equal(await lockItem(), undefined, 'the lock was released')
    const profilesBefore = emu().state.profiles.length
    assert.ok(profilesBefore < 200, 'stopped before the profiles')
    await applied(file)
    assert.equal(appsOf('team1').length, 1)
    assert.equal(appsOf('team2').length, 1)
    assert.equal(emu().state.profiles.length, 200)
    assert.equal(emu().state.assignments.length, 200)
    assert.equal((await cli(['plan', '-f', file, '--detailed-exitcode'])).code, 0)
  })

  it('two tool-tagged applications of one team: plan shows the newer blocked, doctor fails, status shows it; --prune deletes it', async () => {
    const file = workspace()
    await applied(file)
    const original = appsOf('team1')[0].ApplicationArn
    await new Promise((r) => setTimeout(r, 5))
    emu().seed({
      applications: [{ name: 'SageMaker Studio Team 1 (copy)', tags: { 'sagemaker-teams:team': 'team1' } }],
    })
    const copy = appsOf('team1').find((a) => a.ApplicationArn !== original)!.ApplicationArn
    const p = await plan(file)
    const dup = p.changes.filter((c) => c.kind === 'application')
    assert.deepEqual(
      dup.map((c) => [c.action, c.key]),
      [['blocked', `team1/duplicate/${copy.split('/').pop()}`]],
    )
    assert.equal((await cli(['plan', '-f', file, '--detailed-exitcode'])).code, 2)
    const doctor = await cli(['doctor', '-f', file])
    assert.equal(doctor.code, 1)
    assert.match(doctor.stdout + doctor.stderr, /applications.*team team1 has 2 applications/)
    const status = await cli(['status', '-f', file])
    assert.match(status.stdout, /1 DUPLICATE/)
    const pruned = await plan(file, '--prune')
    assert.deepEqual(
      pruned.changes
        .filter((c) => c.kind === 'application')
        .map((c) => [c.action, (c.before as { applicationArn?: string } | undefined)?.applicationArn]),
      [['delete', copy]],
    )
    await applied(file, '--prune')
    assert.deepEqual(
      appsOf('team1').map((a) => a.ApplicationArn),
      [original],
    )
  })

  it('without an acs section, --prune deletes the function, URL, permissions and role; the login table only with --force', async () => {
    const file = workspace()
    await applied(file)
    assert.equal(emu().state.functions.length, 1)
    rewrite(file, (c) => {
      delete c.acs
    })
    const kept = await plan(file)
    assert.deepEqual(
      kept.changes.filter((c) => c.kind.startsWith('acs-')),
      [],
    )
    assert.deepEqual(
      kept.kept?.map((k) => `${k.kind} ${k.key}`),
      ['acs-function sagemaker-teams-acs'],
    )
    // Each part is deleted by its own kind; the login table is kept.
    const pruned = await plan(file, '--prune')
    assert.deepEqual(
      pruned.changes.filter((c) => c.kind.startsWith('acs-')).map((c) => `${c.action} ${c.kind} ${c.key}`),
      [
        'delete acs-role sagemaker-teams-acs-role',
        'delete acs-function sagemaker-teams-acs',
        'delete acs-url sagemaker-teams-acs',
        'delete acs-permission sagemaker-teams-acs/FunctionURLAllowInvokeViaUrl',
        'delete acs-permission sagemaker-teams-acs/FunctionURLAllowPublicAccess',
      ],
    )
    const text = await cli(['plan', '-f', file, '--prune'])
    assert.match(
      text.stdout,
      /- acs-function +sagemaker-teams-acs \(function, URL, role\): the file has no acs section/,
    )
    assert.match(text.stdout, /table sagemaker-teams-acs-state .*--prune --force deletes it/)
    await applied(file, '--prune')
    const s = emu().state
    assert.equal(s.functions.length, 0)
    assert.ok(!s.roles.some((r) => r.RoleName === 'sagemaker-teams-acs-role'))
    // The login table stays, listed as kept, until --prune --force.
    const left = await plan(file, '--prune')
    assert.deepEqual(
      left.changes.filter((c) => c.kind.startsWith('acs-')),
      [],
    )
    assert.deepEqual(
      left.kept?.map((k) => k.key),
      ['sagemaker-teams-acs-state'],
    )
    const forced = await plan(file, '--prune', '--force')
    assert.deepEqual(
      forced.changes.filter((c) => c.kind.startsWith('acs-')).map((c) => [c.action, c.summary]),
      [['delete', "table sagemaker-teams-acs-state (the ACS's login records; --force)"]],
    )
    await applied(file, '--prune', '--force')
    assert.deepEqual((await plan(file, '--prune', '--force')).kept ?? [], [])
  })

  it('--prune --force deletes the login table with the rest of the ACS', async () => {
    const file = workspace()
    await applied(file)
    rewrite(file, (c) => {
      delete c.acs
    })
    const p = await plan(file, '--prune', '--force')
    const table = p.changes.find((c) => c.kind === 'acs-table')!
    assert.equal(table.action, 'delete')
    assert.equal((table.before as { tableName?: string }).tableName, 'sagemaker-teams-acs-state')
    await applied(file, '--prune', '--force')
    const db = new DynamoDBClient({
      endpoint: emu().url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    })
    const { ListTablesCommand } = await import('@aws-sdk/client-dynamodb')
    const tables = await db.send(new ListTablesCommand({}))
    db.destroy()
    assert.ok(!tables.TableNames?.includes('sagemaker-teams-acs-state'), JSON.stringify(tables))
    assert.equal(emu().state.functions.length, 0)
  })
})
