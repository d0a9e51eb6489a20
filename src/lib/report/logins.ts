/**
 * Each member's sign-ins through the ACS: the per-member login records (`login#<team>#<userId>`)
 * the ACS writes beside its per-team record, read with BatchGetItem in batches of the model's
 * KeyList maximum (100), unprocessed keys retried.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb'
import { acsTableName, loginKey } from '../acs/status.js'
import { serviceModel } from '../aws/model.js'
import { awsErrorCode } from '../errors.js'
import type { EngineContext } from '../kinds/engine-contract.js'

export interface SignIns {
  first: string
  last: string
  count: number
}

/** `<team>#<userId>` → that member's sign-ins; absent: none recorded. */
export async function readMemberSignIns(
  ctx: Pick<EngineContext, 'aws' | 'teams'>,
  pairs: { team: string; userId: string }[],
): Promise<Map<string, SignIns>> {
  const out = new Map<string, SignIns>()
  const acs = ctx.teams.config.acs
  if (!acs || pairs.length === 0) return out
  const { BatchGetItemCommand } = await import('@aws-sdk/client-dynamodb')
  const table = acsTableName(acs.functionName)
  const batch = serviceModel('dynamodb')?.shapes.KeyList?.max ?? 100
  const keys = [...new Set(pairs.map((p) => loginKey(p.team, p.userId)))]
  const db = await ctx.aws.dynamoDb()
  try {
    for (let i = 0; i < keys.length; i += batch) {
      let pending: Record<string, AttributeValue>[] = keys.slice(i, i + batch).map((k) => ({ pk: { S: k } }))
      for (let attempt = 0; pending.length > 0 && attempt < 8; attempt++) {
        const r = await db.send(new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pending } } }))
        for (const item of r.Responses?.[table] ?? []) {
          const key = item.pk?.S?.replace(/^login#/, '')
          if (key && item.firstLogin?.S)
            out.set(key, {
              first: item.firstLogin.S,
              last: item.lastLogin?.S ?? item.firstLogin.S,
              count: Number(item.loginCount?.N ?? 0),
            })
        }
        pending = r.UnprocessedKeys?.[table]?.Keys ?? []
      }
    }
  } catch (err) {
    // No ACS table yet (never deployed): nobody has signed in.
    if (awsErrorCode(err) !== 'ResourceNotFoundException') throw err
  }
  return out
}
