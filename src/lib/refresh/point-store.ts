/**
 * Where `--refresh events` keeps its refresh point: one item per (domain, set of teams) in a
 * DynamoDB table the tool owns. A table rather than a tag on a tool-owned resource because
 * - PutItem is a data event, so recording the point adds nothing to the CloudTrail event history
 *   the next plan reads (TagRole or TagResource would, and would change a resource's tags on every plan);
 * - only apply writes it, under the apply lock (one writer);
 * - the item holds what a tag value (256 characters) cannot: the desired-state digests and the
 *   profiles to read again.
 * `apply` creates the table (on-demand, tagged sagemaker-teams:managed); `plan` only reads it. A table of this name without the tag is not written.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  ListTagsOfResourceCommand,
  PutItemCommand,
  TagResourceCommand,
} from '@aws-sdk/client-dynamodb'
import type { AwsClients } from '../aws/clients.js'
import { awsErrorCode } from '../errors.js'
import { REFRESH_TABLE, TAG_MANAGED } from '../model/names.js'

export { REFRESH_TABLE }

export interface RefreshPoint {
  /** Events at or after this time (ms since epoch) are looked up; everything before was verified. */
  at: number
  /** Digest per bucket of the desired profiles the point verified (see digestBuckets). */
  buckets: string[]
  /** Profiles (lowercase names) that had changes at the point: read again whatever the events say. */
  recheck: string[]
  /**
   * The apply that recorded the point: when its observation started and the delivery delay it
   * assumed (`at` = startedAt − delayMs), and when it wrote the item. A point that does not match
   * its own record was moved by hand and is not trusted. Absent in items of older versions.
   */
  startedAt?: number
  delayMs?: number
  recordedAt?: number
}

export async function loadPoint(aws: AwsClients, id: string): Promise<RefreshPoint | undefined> {
  const client = await aws.dynamoDb()
  try {
    const out = await client.send(
      new GetItemCommand({ TableName: REFRESH_TABLE, Key: { id: { S: id } }, ConsistentRead: true }),
    )
    const item = out.Item
    if (!item?.at?.N) return undefined
    const recordedAt = item.recordedAt?.S ? Date.parse(item.recordedAt.S) : Number.NaN
    return {
      at: Number(item.at.N),
      buckets: JSON.parse(item.buckets?.S ?? '[]'),
      recheck: JSON.parse(item.recheck?.S ?? '[]'),
      ...(item.startedAt?.N ? { startedAt: Number(item.startedAt.N) } : {}),
      ...(item.delayMs?.N ? { delayMs: Number(item.delayMs.N) } : {}),
      ...(Number.isNaN(recordedAt) ? {} : { recordedAt }),
    }
  } catch (err) {
    if (awsErrorCode(err) === 'ResourceNotFoundException') return undefined
    throw err
  }
}

export type SaveOutcome = 'saved' | 'no-table' | 'not-owned'

/**
 * Writes the point (only apply does, under the apply lock: one writer, so the point is what the
 * last apply verified, also when it lies before the one it replaces); with `create`, makes the
 * table first if missing.
 */
export async function savePoint(
  aws: AwsClients,
  id: string,
  point: RefreshPoint,
  opts: { create: boolean; accountId: string; partition: string },
): Promise<SaveOutcome> {
  const client = await aws.dynamoDb()
  const arn = `arn:${opts.partition}:dynamodb:${aws.region}:${opts.accountId}:table/${REFRESH_TABLE}`
  try {
    const tags = await client.send(new ListTagsOfResourceCommand({ ResourceArn: arn }))
    if (!tags.Tags?.some((t) => t.Key === TAG_MANAGED && t.Value === 'true')) return 'not-owned'
  } catch (err) {
    if (awsErrorCode(err) !== 'ResourceNotFoundException') throw err
    if (!opts.create) return 'no-table'
    await createTable(aws, arn)
  }
  await client.send(
    new PutItemCommand({
      TableName: REFRESH_TABLE,
      Item: {
        id: { S: id },
        at: { N: String(point.at) },
        buckets: { S: JSON.stringify(point.buckets) },
        recheck: { S: JSON.stringify(point.recheck) },
        ...(point.startedAt !== undefined ? { startedAt: { N: String(point.startedAt) } } : {}),
        ...(point.delayMs !== undefined ? { delayMs: { N: String(point.delayMs) } } : {}),
        recordedAt: { S: new Date().toISOString() },
      },
    }),
  )
  return 'saved'
}

async function createTable(aws: AwsClients, arn: string): Promise<void> {
  const client = await aws.dynamoDb()
  try {
    await client.send(
      new CreateTableCommand({
        TableName: REFRESH_TABLE,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        Tags: [{ Key: TAG_MANAGED, Value: 'true' }],
      }),
    )
  } catch (err) {
    if (awsErrorCode(err) !== 'ResourceInUseException') throw err // created concurrently: fine
  }
  for (let wait = 100; ; wait = Math.min(wait * 2, 2000)) {
    const out = await client.send(new DescribeTableCommand({ TableName: REFRESH_TABLE }))
    if (out.Table?.TableStatus === 'ACTIVE') break
    await new Promise((r) => setTimeout(r, wait))
  }
  // The owner marker again, on its own: not every implementation keeps CreateTable's Tags
  // (dynalite drops them), and a table without it is never written.
  await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: TAG_MANAGED, Value: 'true' }] }))
}
