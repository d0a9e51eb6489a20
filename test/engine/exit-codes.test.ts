/**
 * Exit codes that do not hide failure (#29 item 11), with real processes where the process is the
 * point: an apply whose stdout pipe closes before Ctrl-C (`apply | tee apply.log`) still says
 * "Interrupted", exits 130 and releases the lock; a "no" at the approval prompt exits 1.
 */
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { closeSync, constants, mkdtempSync, openSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb'
import { BIN } from '../helpers/cli.js'
import { useReconcile } from '../helpers/reconcile.js'
import { workspace } from '../helpers/workspace.js'

describe('exit codes that do not hide failure', function () {
  this.timeout(120_000)
  const { emu, cli, applied } = useReconcile()
  const lockItem = async () => {
    const db = new DynamoDBClient({
      endpoint: emu().url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    })
    try {
      return (
        await db.send(
          new GetItemCommand({
            TableName: 'sagemaker-teams-lock',
            Key: { pk: { S: 'domain/d-abcdefghijkl' } },
          }),
        )
      ).Item
    } catch (err) {
      // The first apply creates the lock table.
      if ((err as Error).name === 'ResourceNotFoundException') return undefined
      throw err
    } finally {
      db.destroy()
    }
  }

  /**
   * `apply` whose stdout is a real pipe (a FIFO: Node's own 'pipe' stdio is a socket pair) that
   * closes, as `| tee` does when Ctrl-C reaches tee first, while the apply holds the lock and
   * before it prints its plan (held at its profile listing). The apply then waits at its first role.
   */
  async function applyIntoClosedPipe(file: string) {
    const releaseListing = emu().holdCalls('sagemaker:ListUserProfiles')
    const releaseRole = emu().holdCalls('iam:CreateRole')
    const fifo = path.join(mkdtempSync(path.join(tmpdir(), 'smt-pipe-')), 'stdout')
    execFileSync('mkfifo', [fifo])
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK)
    const writer = openSync(fifo, constants.O_WRONLY)
    const child = spawn(process.execPath, [BIN, 'apply', '-f', file, '--yes'], {
      env: { ...process.env, ...emu().env() },
      stdio: ['ignore', writer, 'pipe'],
    })
    closeSync(writer)
    let stderr = ''
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
    })
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    for (let i = 0; i < 200 && !(await lockItem()); i++) await new Promise((r) => setTimeout(r, 50))
    assert.ok(await lockItem(), 'the apply holds the lock')
    closeSync(reader)
    releaseListing()
    for (let i = 0; i < 200 && !emu().counters()['iam:CreateRole']; i++)
      await new Promise((r) => setTimeout(r, 50))
    return { child, exited, stderr: () => stderr, releaseRole }
  }

  it('apply | tee: the pipe closes first, then Ctrl-C: "Interrupted", exit 130, the lock released', async () => {
    const run = await applyIntoClosedPipe(workspace())
    run.child.kill('SIGINT')
    await new Promise((r) => setTimeout(r, 300))
    run.releaseRole()
    assert.equal(await run.exited, 130, run.stderr())
    assert.match(run.stderr(), /Interrupted after \d+ of \d+ changes/)
    assert.equal(await lockItem(), undefined, 'the lock was released')
  })

  it('apply | tee: the pipe closes and the apply goes on writing its summary: it finishes, exit 0, the lock released', async () => {
    const run = await applyIntoClosedPipe(workspace())
    run.releaseRole()
    assert.equal(await run.exited, 0, run.stderr())
    assert.equal(await lockItem(), undefined, 'the lock was released')
  })

  it("status exits 1 when something the file asks for is missing (a team's application), naming it", async () => {
    const file = workspace()
    await applied(file)
    assert.equal((await cli(['status', '-f', file])).code, 0, 'everything in place')
    const apps = emu().state.applications
    apps.splice(
      apps.findIndex((a) => a.Tags['sagemaker-teams:team'] === 'team1'),
      1,
    )
    const status = await cli(['status', '-f', file])
    assert.equal(status.code, 1, status.stdout + status.stderr)
    assert.match(status.stderr, /Missing \(1\): team1: application missing/)
  })
})
