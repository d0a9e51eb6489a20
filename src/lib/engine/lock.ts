/**
 * One writer at a time: `apply` (and `acs deploy`) hold a lease lock, like Terraform's state lock on
 * DynamoDB. The lock is one item in a small table the tool owns (on-demand, created on first use),
 * written with a conditional put that succeeds only when no unexpired lease is there; the holder
 * renews the lease while it runs and deletes the item at the end (also on failure and Ctrl-C). A
 * holder that dies (SIGKILL, a lost machine) leaves a lease that expires, or that `force-unlock`
 * removes.
 */
import { randomUUID } from 'node:crypto'
import { hostname, userInfo } from 'node:os'
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { AwsClients } from '../aws/clients.js'
import { awsErrorCode, UserError } from '../errors.js'
import { TAG_MANAGED } from '../model/names.js'

export const LOCK_TABLE = 'sagemaker-teams-lock'
/** Lease length; SAGEMAKER_TEAMS_LOCK_LEASE_SECONDS overrides it (2 s to MAX_LEASE_SECONDS). */
export const DEFAULT_LEASE_SECONDS = 60
/**
 * No lease runs longer than this from now: anyone who can write the lock table could otherwise
 * set one for years and stop every apply. A lock item whose expiry is further away is not honoured
 * (the next apply takes it over), and renewals never go past it.
 */
export const MAX_LEASE_SECONDS = 3600
/** A lock ID as the tool writes it (randomUUID); anything else in the table is refused as corrupt. */
const LOCK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export interface LockInfo {
  /** What `force-unlock` takes. */
  id: string
  holder: string
  host: string
  pid: number
  command: string
  started: string
  /** Lease expiry (ISO time). */
  expires: string
}

/** The lock item's key: one lock per SageMaker domain (the file's domain.id). */
export const lockKey = (domainId: string) => `domain/${domainId}`

export function leaseSeconds(): number {
  const env = Number(process.env.SAGEMAKER_TEAMS_LOCK_LEASE_SECONDS)
  return Number.isFinite(env) && env >= 2 ? Math.min(env, MAX_LEASE_SECONDS) : DEFAULT_LEASE_SECONDS
}

/**
 * A field of the lock item as text to print: it is data anyone who can write the table chose, so
 * control characters (terminal escapes) are shown escaped (`\x1b`) and Markdown's specials are
 * backslash-escaped (the plan's Markdown goes into a pull-request comment). At most 200 characters.
 */
export function safeField(value: string): string {
  const escaped = [...value.slice(0, 200)]
    .map((c) => {
      const code = c.codePointAt(0)!
      // C0, DEL and C1 controls, line/paragraph separators and bidi overrides.
      if (
        code < 0x20 ||
        (code >= 0x7f && code < 0xa0) ||
        code === 0x2028 ||
        code === 0x2029 ||
        (code >= 0x202a && code <= 0x202e) ||
        (code >= 0x2066 && code <= 0x2069)
      )
        return `\\x${code.toString(16).padStart(2, '0')}`
      return /[\\`*_{}[\]()#+!|<>~]/.test(c) ? `\\${c}` : c
    })
    .join('')
  return value.length > 200 ? `${escaped}…` : escaped
}

/** A word for a shell command line: as it is when it is plainly safe, else single-quoted. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}

export function describeLock(l: LockInfo): string {
  const f = safeField
  return `${f(l.holder)} (${f(l.command)}, pid ${l.pid} on ${f(l.host)}, since ${f(l.started)}, lease until ${f(l.expires)}; lock ID ${f(l.id)})`
}

export interface Lease {
  info: LockInfo
  /** True once a renewal found the lock gone or taken (force-unlock): stop writing. */
  lost(): boolean
  /** Deletes the lock if it is still ours; never throws. */
  release(): Promise<void>
}

export async function acquireLock(
  aws: AwsClients,
  opts: {
    domainId: string
    command: string
    timeoutSeconds: number
    onWait?: (holder: LockInfo) => void
    /** What the lock guards, in messages (default "domain <domainId>"); "account dev (2222…)" for many accounts. */
    label?: string
    /** Arguments force-unlock needs besides the ID ("--account dev" for many accounts). */
    unlockArgs?: string
  },
): Promise<Lease> {
  const db = await aws.dynamoDb()
  const { PutItemCommand, UpdateItemCommand, DeleteItemCommand } = await import('@aws-sdk/client-dynamodb')
  await ensureTable(db)
  const lease = leaseSeconds()
  const key = lockKey(opts.domainId)
  const user = safeUser()
  const deadline = Date.now() + opts.timeoutSeconds * 1000
  const info: LockInfo = {
    id: randomUUID(),
    holder: `${user}@${hostname()}`,
    host: hostname(),
    pid: process.pid,
    command: opts.command,
    started: new Date().toISOString(),
    expires: '',
  }
  let waited = false
  for (;;) {
    const now = Date.now()
    info.expires = new Date(now + lease * 1000).toISOString()
    try {
      await db.send(
        new PutItemCommand({
          TableName: LOCK_TABLE,
          Item: toItem(key, info, now + lease * 1000),
          // Free, or the holder's lease ran out (it died without releasing), or it claims a lease
          // longer than any apply takes (MAX_LEASE_SECONDS): not honoured.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAtMs < :now OR expiresAtMs > :cap',
          ExpressionAttributeValues: {
            ':now': { N: String(now) },
            ':cap': { N: String(now + MAX_LEASE_SECONDS * 1000) },
          },
        }),
      )
      break
    } catch (err) {
      if (awsErrorCode(err) !== 'ConditionalCheckFailedException') throw err
      const holder = await readLock(aws, opts.domainId)
      if (!holder) continue // released meanwhile: try again at once
      if (Date.now() >= deadline)
        throw new UserError(
          `another apply holds the lock of ${opts.label ?? `domain ${opts.domainId}`}: ${describeLock(holder)}${waited ? ` (waited ${opts.timeoutSeconds} s)` : ''}; nothing was applied`,
          1,
          `Wait for it to finish (--lock-timeout SECONDS waits), or, if that process is gone, remove the lock with: sagemaker-teams force-unlock ${shellQuote(holder.id)}${opts.unlockArgs ? ` ${opts.unlockArgs}` : ''}`,
        )
      if (!waited) opts.onWait?.(holder)
      waited = true
      await sleep(Math.min(1000, Math.max(50, deadline - Date.now())))
    }
  }

  let lost = false
  let renewing: Promise<void> = Promise.resolve()
  // Renew at a third of the lease, conditional on still being the holder.
  const timer = setInterval(
    () => {
      renewing = (async () => {
        const expires = Date.now() + lease * 1000
        try {
          await db.send(
            new UpdateItemCommand({
              TableName: LOCK_TABLE,
              Key: { pk: { S: key } },
              UpdateExpression: 'SET expiresAtMs = :e, expires = :iso',
              ConditionExpression: 'lockId = :id',
              ExpressionAttributeValues: {
                ':e': { N: String(expires) },
                ':iso': { S: new Date(expires).toISOString() },
                ':id': { S: info.id },
              },
            }),
          )
          info.expires = new Date(expires).toISOString()
        } catch (err) {
          if (awsErrorCode(err) === 'ConditionalCheckFailedException') lost = true
          // Other errors: try again at the next tick; the lease is three ticks long.
        }
      })()
    },
    Math.max(500, (lease * 1000) / 3),
  )
  timer.unref()
  let released = false
  return {
    info,
    lost: () => lost,
    async release() {
      if (released) return
      released = true
      clearInterval(timer)
      await renewing
      try {
        await db.send(
          new DeleteItemCommand({
            TableName: LOCK_TABLE,
            Key: { pk: { S: key } },
            ConditionExpression: 'lockId = :id',
            ExpressionAttributeValues: { ':id': { S: info.id } },
          }),
        )
      } catch {
        // Gone already (force-unlock) or unreachable: the lease expires by itself.
      }
    },
  }
}

/** The current, unexpired lock of the domain, if any (no table: none). */
export async function readLock(aws: AwsClients, domainId: string): Promise<LockInfo | undefined> {
  const db = await aws.dynamoDb()
  const { GetItemCommand } = await import('@aws-sdk/client-dynamodb')
  try {
    const out = await db.send(
      new GetItemCommand({
        TableName: LOCK_TABLE,
        Key: { pk: { S: lockKey(domainId) } },
        ConsistentRead: true,
      }),
    )
    const item = out.Item
    const expiresAtMs = Number(item?.expiresAtMs?.N ?? 0)
    // Expired, or a lease longer than any apply holds (written by hand): not a lock.
    if (!item || expiresAtMs < Date.now() || expiresAtMs > Date.now() + MAX_LEASE_SECONDS * 1000)
      return undefined
    if (!LOCK_ID.test(item.lockId?.S ?? ''))
      throw new UserError(
        `the lock item of domain ${domainId} in table ${LOCK_TABLE} is corrupt: its lockId is not a UUID (${safeField(item.lockId?.S ?? '(none)')}); nothing was applied`,
        1,
        `The tool writes only UUIDs there: delete the item with key pk = ${lockKey(domainId)} from table ${LOCK_TABLE}, and protect the table as you protect the state (see README).`,
      )
    return {
      id: item.lockId?.S ?? '',
      holder: item.holder?.S ?? '',
      host: item.host?.S ?? '',
      pid: Number(item.pid?.N ?? 0),
      command: item.command?.S ?? '',
      started: item.started?.S ?? '',
      expires: item.expires?.S ?? '',
    }
  } catch (err) {
    if (awsErrorCode(err) === 'ResourceNotFoundException') return undefined
    throw err
  }
}

/** Deletes the domain's lock if its ID is `id`; returns what was removed. `label` names it in errors. */
export async function forceUnlock(
  aws: AwsClients,
  domainId: string,
  id: string,
  label = `domain ${domainId}`,
): Promise<LockInfo> {
  const held = await readLock(aws, domainId)
  if (!held) throw new UserError(`no apply holds the lock of ${label}; nothing to unlock`)
  if (held.id !== id)
    throw new UserError(
      `the lock of ${label} has ID ${held.id}, not ${id}: ${describeLock(held)}; nothing was removed`,
    )
  const db = await aws.dynamoDb()
  const { DeleteItemCommand } = await import('@aws-sdk/client-dynamodb')
  try {
    await db.send(
      new DeleteItemCommand({
        TableName: LOCK_TABLE,
        Key: { pk: { S: lockKey(domainId) } },
        ConditionExpression: 'lockId = :id',
        ExpressionAttributeValues: { ':id': { S: id } },
      }),
    )
  } catch (err) {
    if (awsErrorCode(err) === 'ConditionalCheckFailedException')
      throw new UserError(`the lock of ${label} changed meanwhile; nothing was removed`)
    throw err
  }
  return held
}

async function ensureTable(db: DynamoDBClient) {
  const { CreateTableCommand, DescribeTableCommand, waitUntilTableExists } = await import(
    '@aws-sdk/client-dynamodb'
  )
  try {
    const out = await db.send(new DescribeTableCommand({ TableName: LOCK_TABLE }))
    if (out.Table?.TableStatus === 'ACTIVE') return
  } catch (err) {
    if (awsErrorCode(err) !== 'ResourceNotFoundException') throw err
    try {
      await db.send(
        new CreateTableCommand({
          TableName: LOCK_TABLE,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          Tags: [{ Key: TAG_MANAGED, Value: 'true' }],
        }),
      )
    } catch (e) {
      // Another apply created it at the same moment.
      if (awsErrorCode(e) !== 'ResourceInUseException') throw e
    }
  }
  await waitUntilTableExists({ client: db, maxWaitTime: 120, minDelay: 1 }, { TableName: LOCK_TABLE })
}

function toItem(key: string, info: LockInfo, expiresAtMs: number) {
  return {
    pk: { S: key },
    lockId: { S: info.id },
    holder: { S: info.holder },
    host: { S: info.host },
    pid: { N: String(info.pid) },
    command: { S: info.command },
    started: { S: info.started },
    expires: { S: info.expires },
    expiresAtMs: { N: String(expiresAtMs) },
  }
}

function safeUser(): string {
  try {
    return userInfo().username
  } catch {
    return process.env.USER ?? 'unknown'
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
