/**
 * Where `--refresh events` keeps its refresh point: one item per (domain, set of teams) in a
 * DynamoDB table the tool owns. A table rather than a tag on a tool-owned resource because
 * - PutItem is a data event, so recording the point adds nothing to the CloudTrail event history
 *   the next plan reads (TagRole or TagResource would, and would change a resource's tags on every plan);
 * - a conditional put keeps the point monotonic when two plans race;
 * - the item holds what a tag value (256 characters) cannot: the desired-state digests and the
 *   profiles to read again.
 * `apply` creates the table (on-demand, tagged sagemaker-teams:managed); `plan` never creates it
 * and records nothing where it is missing. A table of this name without the tag is not written.
 */
import {
  ConditionalCheckFailedException,
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
}

export async function loadPoint(aws: AwsClients, id: string): Promise<RefreshPoint | undefined> {
  const client = await aws.dynamoDb()
  try {
    const out = await client.send(
      new GetItemCommand({ TableName: REFRESH_TABLE, Key: { id: { S: id } }, ConsistentRead: true }),
    )
    const item = out.Item
    if (!item?.at?.N) return undefined
    return {
      at: Number(item.at.N),
      buckets: JSON.parse(item.buckets?.S ?? '[]'),
      recheck: JSON.parse(item.recheck?.S ?? '[]'),
    }
  } catch (err) {
    if (awsErrorCode(err) === 'ResourceNotFoundException') return undefined
    throw err
  }
}

export type SaveOutcome = 'saved' | 'no-table' | 'not-owned' | 'newer-exists'

/** Writes the point unless a newer one is there; with `create`, makes the table first if missing. */
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
  try {
    await client.send(
      new PutItemCommand({
        TableName: REFRESH_TABLE,
        Item: {
          id: { S: id },
          at: { N: String(point.at) },
          buckets: { S: JSON.stringify(point.buckets) },
          recheck: { S: JSON.stringify(point.recheck) },
          recordedAt: { S: new Date().toISOString() },
        },
        ConditionExpression: 'attribute_not_exists(id) OR #at <= :at',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':at': { N: String(point.at) } },
      }),
    )
    return 'saved'
  } catch (err) {
    if (
      err instanceof ConditionalCheckFailedException ||
      awsErrorCode(err) === 'ConditionalCheckFailedException'
    )
      return 'newer-exists'
    throw err
  }
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
