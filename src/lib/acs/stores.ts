/**
 * Replay protection and login records: in memory (acs serve) or in the ACS's DynamoDB table.
 * A replayed assertion fails the conditional write; TTL removes ids once they can no longer verify.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb'
import { loginKey } from './status.js'

export interface AcsStore {
  /** Claims an assertion id until `expiresAt`; false when it was claimed already (a replay). */
  claim(assertionId: string, expiresAt: Date): Promise<boolean>
  /**
   * Records a verified login for a team (first, last, count); `signal` abandons the write. It runs
   * beside the replay claim, so it cannot wait for it: an assertion equal to the team's last one
   * recorded (a double submit, a replay racing its original) is not counted again. With `userId`,
   * the member's own record (`login#<team>#<userId>`) is written beside it: `access report` reads it.
   */
  recordLogin(
    team: string,
    assertionId: string,
    at: Date,
    signal?: AbortSignal,
    userId?: string,
  ): Promise<void>
}

export class MemoryStore implements AcsStore {
  private readonly ids = new Map<string, number>()
  readonly logins = new Map<string, { first: string; last: string; count: number; lastAssertion: string }>()

  async claim(assertionId: string, expiresAt: Date): Promise<boolean> {
    const now = Date.now()
    for (const [id, until] of this.ids) if (until < now) this.ids.delete(id)
    if (this.ids.has(assertionId)) return false
    this.ids.set(assertionId, expiresAt.getTime())
    return true
  }

  async recordLogin(
    team: string,
    assertionId: string,
    at: Date,
    _signal?: AbortSignal,
    userId?: string,
  ): Promise<void> {
    const t = at.toISOString()
    for (const key of userId ? [team, `${team}#${userId}`] : [team]) {
      const l = this.logins.get(key)
      if (l?.lastAssertion === assertionId) continue
      this.logins.set(key, {
        first: l?.first ?? t,
        last: t,
        count: (l?.count ?? 0) + 1,
        lastAssertion: assertionId,
      })
    }
  }
}

export class DynamoStore implements AcsStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async claim(assertionId: string, expiresAt: Date): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            pk: { S: `assertion#${assertionId}` },
            expiresAt: { N: String(Math.ceil(expiresAt.getTime() / 1000)) },
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
      return true
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false
      throw err
    }
  }

  async recordLogin(
    team: string,
    assertionId: string,
    at: Date,
    signal?: AbortSignal,
    userId?: string,
  ): Promise<void> {
    const record = async (pk: string) => {
      try {
        await this.client.send(
          new UpdateItemCommand({
            TableName: this.table,
            Key: { pk: { S: pk } },
            UpdateExpression:
              'SET firstLogin = if_not_exists(firstLogin, :now), lastLogin = :now, lastAssertion = :id ADD loginCount :one',
            ConditionExpression: 'attribute_not_exists(lastAssertion) OR lastAssertion <> :id',
            ExpressionAttributeValues: {
              ':now': { S: at.toISOString() },
              ':one': { N: '1' },
              ':id': { S: assertionId },
            },
          }),
          { abortSignal: signal },
        )
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err // else: this assertion is counted already
      }
    }
    await Promise.all([record(loginKey(team)), ...(userId ? [record(loginKey(team, userId))] : [])])
  }
}

const isConditionalCheckFailed = (err: unknown) =>
  err instanceof ConditionalCheckFailedException || (err as Error)?.name === 'ConditionalCheckFailedException'
