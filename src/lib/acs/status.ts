/**
 * What the deployed ACS knows: its function URL and, per team, the first and last verified login
 * (recorded by the ACS in its table). `plan`, `status` and `sso checklist` read it.
 */
import { BatchGetItemCommand } from '@aws-sdk/client-dynamodb'
import { GetFunctionUrlConfigCommand } from '@aws-sdk/client-lambda'
import type { AwsClients } from '../aws/clients.js'
import type { LoadedTeams } from '../config/load.js'
import { awsErrorCode } from '../errors.js'

export interface TeamLogins {
  first: string
  last: string
  count: number
}

export interface AcsStatus {
  functionUrl?: string
  logins: Map<string, TeamLogins>
  verifiedTeams: string[]
}

/** The ACS's DynamoDB table (replay ids and login records). */
export function acsTableName(functionName: string): string {
  return `${functionName}-state`
}

/** Key of a team's login record in the ACS table; with a user id, that member's own record (last sign-in, `access report`). */
export function loginKey(team: string, userId?: string): string {
  return userId ? `login#${team}#${userId}` : `login#${team}`
}

export async function readAcsStatus(ctx: { aws: AwsClients; teams: LoadedTeams }): Promise<AcsStatus> {
  const acs = ctx.teams.config.acs
  const logins = new Map<string, TeamLogins>()
  if (!acs) return { logins, verifiedTeams: [] }
  let functionUrl: string | undefined
  try {
    const out = await (await ctx.aws.lambda()).send(
      new GetFunctionUrlConfigCommand({ FunctionName: acs.functionName }),
    )
    functionUrl = out.FunctionUrl?.replace(/\/+$/, '')
  } catch (err) {
    if (awsErrorCode(err) !== 'ResourceNotFoundException') throw err
  }
  const teams = Object.keys(ctx.teams.config.teams)
  try {
    const db = await ctx.aws.dynamoDb()
    const table = acsTableName(acs.functionName)
    for (let i = 0; i < teams.length; i += 100) {
      const keys = teams.slice(i, i + 100).map((t) => ({ pk: { S: loginKey(t) } }))
      const out = await db.send(new BatchGetItemCommand({ RequestItems: { [table]: { Keys: keys } } }))
      for (const item of out.Responses?.[table] ?? []) {
        const team = item.pk?.S?.replace(/^login#/, '')
        if (team && item.firstLogin?.S)
          logins.set(team, {
            first: item.firstLogin.S,
            last: item.lastLogin?.S ?? item.firstLogin.S,
            count: Number(item.loginCount?.N ?? 0),
          })
      }
    }
  } catch (err) {
    if (awsErrorCode(err) !== 'ResourceNotFoundException') throw err
  }
  return { functionUrl, logins, verifiedTeams: [...logins.keys()] }
}
