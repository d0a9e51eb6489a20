/**
 * Lock items are data, not instructions (#29 item 13): whoever can write the lock table chooses the
 * holder fields, the ID and the lease. The apply prints them escaped, refuses an ID that is not a
 * UUID as corrupt, and does not honour a lease longer than an hour.
 */
import assert from 'node:assert/strict'
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb'
import { safeField, shellQuote } from '../../src/lib/engine/lock.js'
import { useReconcile } from '../helpers/reconcile.js'
import { workspace } from '../helpers/workspace.js'

const ID = '3f2b1c9e-0d4a-4c1e-9a7b-2f6e8d1c0b5a'

describe('lock items are data, not instructions', function () {
  this.timeout(120_000)
  const { emu, cli, applied } = useReconcile()
  const forge = async (fields: { lockId: string; holder?: string; expiresAtMs: number }) => {
    const db = new DynamoDBClient({
      endpoint: emu().url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    })
    try {
      await db.send(
        new PutItemCommand({
          TableName: 'sagemaker-teams-lock',
          Item: {
            pk: { S: 'domain/d-abcdefghijkl' },
            lockId: { S: fields.lockId },
            holder: { S: fields.holder ?? 'ops@host' },
            host: { S: 'host' },
            pid: { N: '1' },
            command: { S: 'apply' },
            started: { S: new Date().toISOString() },
            expires: { S: new Date(fields.expiresAtMs).toISOString() },
            expiresAtMs: { N: String(fields.expiresAtMs) },
          },
        }),
      )
    } finally {
      db.destroy()
    }
  }

  it('holder fields are printed escaped (no terminal escape, no Markdown), the ID shell-quoted', async () => {
    const file = workspace()
    await applied(file) // creates the lock table
    await forge({
      lockId: ID,
      holder: '\u001b]0;pwned\u0007\u001b[31m**admin** [click](https://evil.example.com)',
      expiresAtMs: Date.now() + 60_000,
    })
    const r = await cli(['apply', '-f', file, '--yes'])
    assert.equal(r.code, 1)
    const all = r.stdout + r.stderr
    assert.doesNotMatch(all, /\u001b|\u0007/, 'no control character reaches the terminal')
    assert.ok(
      all.includes(String.raw`\x1b\]0;pwned\x07\x1b\[31m\*\*admin\*\* \[click\]\(https://evil.example.com\)`),
      all,
    )
    assert.match(all, new RegExp(`force-unlock ${ID}`))
    assert.equal(shellQuote("x; rm -rf ~ 'y'"), `'x; rm -rf ~ '\\''y'\\'''`)
    assert.equal(safeField('a\u202eb'), String.raw`a\x202eb`, 'a bidi override is escaped too')
  })

  it('a lock ID that is not a UUID is refused as corrupt; nothing is applied', async () => {
    const file = workspace()
    await applied(file)
    await forge({ lockId: '$(touch /tmp/pwned)', expiresAtMs: Date.now() + 60_000 })
    const r = await cli(['apply', '-f', file, '--yes'])
    assert.equal(r.code, 1)
    assert.match(
      r.stderr,
      /lock item of domain d-abcdefghijkl in table sagemaker-teams-lock is corrupt: its lockId is not a UUID/,
    )
    assert.doesNotMatch(r.stderr, /force-unlock \$\(/)
  })

  it('a lease of ten years is not honoured: the next apply takes the lock over', async () => {
    const file = workspace()
    await applied(file)
    await forge({ lockId: ID, expiresAtMs: Date.now() + 10 * 365 * 86_400_000 })
    const r = await cli(['apply', '-f', file, '--yes'])
    assert.equal(r.code, 0, r.stdout + r.stderr)
  })
})
