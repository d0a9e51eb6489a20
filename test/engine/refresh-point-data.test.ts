/**
 * A refresh point is data, not an instruction (#29 item 13): one in the future, or one that does not
 * match the apply that recorded it (moved forward to hide a hand change, or backward), makes the plan
 * read every profile, saying why; only apply writes the point.
 */
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { type AttributeValue, DynamoDBClient, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb'
import { AddTagsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker'
import type { Plan } from '../../src/lib/plan/types.js'
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

  const config = () => ({
    endpoint: emu().url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  })
  const points = async () => {
    const db = new DynamoDBClient(config())
    try {
      return (await db.send(new ScanCommand({ TableName: 'sagemaker-teams-refresh' }))).Items ?? []
    } finally {
      db.destroy()
    }
  }
  /** Sets every point's `at` to `at(item's at)`, as someone who can write the table would. */
  const movePoints = async (at: (old: number) => number) => {
    const db = new DynamoDBClient(config())
    try {
      for (const item of await points())
        await db.send(
          new UpdateItemCommand({
            TableName: 'sagemaker-teams-refresh',
            Key: { id: item.id as AttributeValue },
            UpdateExpression: 'SET #at = :at',
            ExpressionAttributeNames: { '#at': 'at' },
            ExpressionAttributeValues: { ':at': { N: String(at(Number(item.at.N))) } },
          }),
        )
    } finally {
      db.destroy()
    }
  }
  const DELAY = ['--events-delay', '1']
  const USER2 = '906712345a-2b3c4d5e-6f70-4b8c-9d0e-1f2a3b4c5d6e'
  const PROFILE_ARN = `arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abcdefghijkl/team2-${USER2}`

  it('a point moved forward past a hand change is not trusted: every profile is read and the change is found', async () => {
    const file = workspace()
    await applied(file, '--refresh', 'events', ...DELAY)
    await sleep(1100)
    const sm = new SageMakerClient(config())
    await sm.send(new AddTagsCommand({ ResourceArn: PROFILE_ARN, Tags: [{ Key: 'Team', Value: 'Team1' }] }))
    sm.destroy()
    await sleep(1100)
    // Moved to after the hand change: the change's event would lie before the point.
    await movePoints(() => Date.now() - 500)
    const r = await cli(['plan', '-f', file, '--refresh', 'events', '--json', ...DELAY])
    assert.equal(r.code, 0, r.stderr)
    const plan = JSON.parse(r.stdout) as Plan
    assert.ok(
      plan.warnings.some((w) =>
        /read every profile .*the refresh point \(\S+\) is later than the apply that recorded it at \S+ verified/.test(
          w,
        ),
      ),
      plan.warnings.join('\n'),
    )
    assert.ok(
      plan.changes.some((c) => c.kind === 'profile' && c.key === `team2-${USER2}` && c.action === 'update'),
      'the hand change is found',
    )
  })

  it('a point moved backward relative to the apply that recorded it: a full read with the reason', async () => {
    const file = workspace()
    await applied(file, '--refresh', 'events', ...DELAY)
    await movePoints((at) => at - 3600_000)
    const r = await cli(['plan', '-f', file, '--refresh', 'events', '--json', ...DELAY])
    assert.equal(r.code, 0, r.stderr)
    const plan = JSON.parse(r.stdout) as Plan
    assert.ok(
      plan.warnings.some((w) =>
        /read every profile .*the refresh point \(\S+\) is earlier than the apply that recorded it/.test(w),
      ),
      plan.warnings.join('\n'),
    )
    // The next apply records what it verified, and the plan after it trusts that.
    await applied(file, '--refresh', 'events', ...DELAY)
    const next = await cli(['plan', '-f', file, '--refresh', 'events', '--json', ...DELAY])
    assert.ok(
      !(JSON.parse(next.stdout) as Plan).warnings.some((w) => /read every profile/.test(w)),
      next.stdout,
    )
  })

  it('only apply writes the point: a plan with drift leaves it as the apply recorded it', async () => {
    const file = workspace()
    await applied(file, '--refresh', 'events', ...DELAY)
    const before = await points()
    await sleep(1100)
    const sm = new SageMakerClient(config())
    await sm.send(new AddTagsCommand({ ResourceArn: PROFILE_ARN, Tags: [{ Key: 'Team', Value: 'Team1' }] }))
    sm.destroy()
    await sleep(1100)
    for (const refresh of ['events', 'full']) {
      const r = await cli(['plan', '-f', file, '--refresh', refresh, '--json', '--verbose', ...DELAY])
      assert.equal(r.code, 0, r.stderr)
      assert.doesNotMatch(r.stderr, /dynamodb PutItem/)
    }
    assert.deepEqual(await points(), before)
  })
})
