/**
 * The ACS table's engine: DescribeTable and DescribeTimeToLive; a missing table is created
 * on-demand with the tool's tag and TTL on `expiresAt`, a table with TTL off gets it turned on.
 */
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb'
import { acsTableName } from '../../acs/deployment.js'
import type { ObservedAcsFunction } from '../../acs/observed.js'
import { type RetiredAcs, retiredChanges } from '../../acs/retired.js'
import { awsErrorCode } from '../../errors.js'
import { TAG_MANAGED } from '../../model/names.js'
import type { AcsTablePayload, Change } from '../../plan/types.js'
import type { AwsRequest, ResourceModule } from '../engine-contract.js'

export interface ObservedAcsTable {
  table?: AcsTablePayload
  /** DescribeTimeToLive's TimeToLiveStatus. */
  ttlStatus?: string
  retired?: RetiredAcs[]
}

function requestsOf(change: Change<'acs-table'>): AwsRequest[] {
  const after = change.after
  if (change.action === 'delete' || !after) return []
  const ttl: AwsRequest = {
    service: 'dynamodb',
    operation: 'UpdateTimeToLive',
    input: {
      TableName: after.tableName,
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    },
  }
  return [
    ...(change.action === 'create'
      ? [
          {
            service: 'dynamodb',
            operation: 'CreateTable',
            input: {
              TableName: after.tableName,
              BillingMode: 'PAY_PER_REQUEST',
              AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
              KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
              Tags: [{ Key: TAG_MANAGED, Value: 'true' }],
            },
          },
        ]
      : []),
    ...(after.ttl && !change.before?.ttl ? [ttl] : []),
  ]
}

export const acsTableEngine: ResourceModule<'acs-table', ObservedAcsTable, AcsTablePayload | undefined> = {
  kind: 'acs-table',

  async observe(ctx) {
    const acs = ctx.teams.config.acs
    if (!acs) return { retired: (await ctx.observed<ObservedAcsFunction>('acs-function')).retired ?? [] }
    const db = await ctx.aws.dynamoDb()
    const tableName = acsTableName(acs.functionName)
    try {
      await db.send(new DescribeTableCommand({ TableName: tableName }))
    } catch (err) {
      if (awsErrorCode(err) !== 'ResourceNotFoundException') throw err
      return {}
    }
    const ttl = await db.send(new DescribeTimeToLiveCommand({ TableName: tableName }))
    // UpdateTimeToLive takes effect asynchronously (ENABLING for up to an hour, and another
    // update in that window is refused): ENABLING is converging, neither drift nor a reason to call.
    const ttlStatus = ttl.TimeToLiveDescription?.TimeToLiveStatus
    return {
      table: { tableName, ttl: ttlStatus === 'ENABLED' || ttlStatus === 'ENABLING' },
      ...(ttlStatus ? { ttlStatus } : {}),
    }
  },

  async desire(ctx) {
    const acs = ctx.teams.config.acs
    if (!acs || (await ctx.observed<ObservedAcsFunction>('acs-function')).foreign) return undefined
    return { tableName: acsTableName(acs.functionName), ttl: true }
  },

  diff(desired, observed, ctx) {
    if (!ctx.teams.config.acs) return retiredChanges('acs-table', observed.retired ?? [], ctx)
    if (!desired) return []
    const warnings =
      observed.ttlStatus === 'ENABLING'
        ? [
            `acs: TTL enabling on table ${desired.tableName} (DynamoDB turns it on asynchronously, up to an hour); nothing to do`,
          ]
        : []
    const before = observed.table
    if (!before)
      return [
        {
          kind: 'acs-table',
          key: desired.tableName,
          action: 'create',
          summary: `${desired.tableName} (the ACS's replay ids and login records; TTL on)`,
          after: desired,
        },
      ]
    if (before.ttl) return { changes: [], warnings }
    return {
      changes: [
        {
          kind: 'acs-table',
          key: desired.tableName,
          action: 'update',
          summary: desired.tableName,
          before,
          after: desired,
          reason: 'TTL off',
        },
      ],
      warnings,
    }
  },

  requests: (change) => requestsOf(change),

  async apply(change, ctx) {
    const db = await ctx.aws.dynamoDb()
    if (change.action === 'delete') {
      await db.send(new DeleteTableCommand({ TableName: change.before!.tableName })).catch((err) => {
        if (awsErrorCode(err) !== 'ResourceNotFoundException') throw err
      })
      return
    }
    for (const { operation, input } of requestsOf(change)) {
      if (operation === 'CreateTable') {
        await db.send(new CreateTableCommand(input as never)).catch((err) => {
          if (awsErrorCode(err) !== 'ResourceInUseException') throw err
        })
        await waitUntilTableExists(
          { client: db, maxWaitTime: 120, minDelay: 1 },
          { TableName: change.after!.tableName },
        )
      } else if (operation === 'UpdateTimeToLive') await db.send(new UpdateTimeToLiveCommand(input as never))
    }
  },
}
