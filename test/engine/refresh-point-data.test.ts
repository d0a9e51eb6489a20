/** A refresh point is data, not an instruction (#29 item 13): one in the future makes the plan read every profile, saying why. */
import assert from 'node:assert/strict'
import { DynamoDBClient, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb'
import { useReconcile } from '../helpers/reconcile.js'
import { workspace } from '../helpers/workspace.js'

describe('refresh point items are data', function () {
  this.timeout(120_000)
  const { emu, cli, applied } = useReconcile()

  it('a refresh point moved into the future: the events plan falls back to a full read with the reason', async () => {
    const file = workspace()
    await applied(file, '--refresh', 'events')
    const db = new DynamoDBClient({
      endpoint: emu().url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    })
    try {
      const items = (await db.send(new ScanCommand({ TableName: 'sagemaker-teams-refresh' }))).Items ?? []
      assert.ok(items.length > 0, 'apply recorded a point')
      for (const item of items)
        await db.send(
          new UpdateItemCommand({
            TableName: 'sagemaker-teams-refresh',
            Key: { id: item.id },
            UpdateExpression: 'SET #at = :at',
            ExpressionAttributeNames: { '#at': 'at' },
            ExpressionAttributeValues: { ':at': { N: String(Date.now() + 365 * 86_400_000) } },
          }),
        )
    } finally {
      db.destroy()
    }
    const r = await cli(['plan', '-f', file, '--refresh', 'events', '--json'])
    assert.equal(r.code, 0, r.stderr)
    const plan = JSON.parse(r.stdout) as { warnings: string[] }
    assert.ok(
      plan.warnings.some((w) => /read every profile .*the refresh point \(\S+\) is in the future/.test(w)),
      plan.warnings.join('\n'),
    )
  })
})
