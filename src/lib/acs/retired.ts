/**
 * Removing the ACS when the file no longer has an `acs:` section. The deployment the tool made is
 * found by what it leaves: a function tagged sagemaker-teams:managed=true whose role is the tool's
 * ACS role (`<function>-role`). Without --prune it is kept (listed as kept); with --prune each part
 * kind deletes its part: the function URL configuration, its public permissions, the function and
 * the ACS role (src/lib/kinds/acs-<part>/engine.ts).
 * The table holds the login records (the audit trail of who signed in), so it goes only with
 * --prune --force, and the plan says so.
 */
import { awsErrorCode } from '../errors.js'
import type { Diffed, EngineContext } from '../kinds/engine-contract.js'
import { readRole } from '../kinds/role/engine.js'
import { acsRoleName } from '../model/acs-names.js'
import { TAG_MANAGED } from '../model/names.js'
import type { Change, KeptItem } from '../plan/types.js'
import { OWN_STATEMENT_IDS } from './deployment.js'
import { acsTableName } from './status.js'

/** An ACS deployment of the tool that the file no longer asks for. */
export interface RetiredAcs {
  functionName: string
  functionArn?: string
  url?: string
  /** The function URL's public permissions (statement ids) the tool added. */
  permissions: string[]
  roleName?: string
  tableName?: string
}

export async function observeRetiredAcs(ctx: EngineContext): Promise<RetiredAcs[]> {
  const lambda = await ctx.aws.lambda()
  const { GetFunctionCommand, GetFunctionUrlConfigCommand, GetPolicyCommand, paginateListFunctions } =
    await import('@aws-sdk/client-lambda')
  const candidates: { name: string; role: string }[] = []
  for await (const page of paginateListFunctions({ client: lambda }, { MaxItems: 50 })) {
    for (const f of page.Functions ?? []) {
      const name = f.FunctionName ?? ''
      // Only functions running as the tool's ACS role are read further (one GetFunction each).
      if (name && f.Role?.endsWith(`:role/${acsRoleName(name)}`)) candidates.push({ name, role: f.Role })
    }
  }
  const retired: RetiredAcs[] = []
  for (const { name } of candidates) {
    // The policy for a file without acs: reads only functions carrying the tool's tag (operator-policy.ts
    // RetiredAcsFunction): a refusal means the function is not the tool's.
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: name })).catch(notToolsIfDenied)
    if (fn?.Tags?.[TAG_MANAGED] !== 'true') continue // not the tool's: never touched
    const found: RetiredAcs = {
      functionName: name,
      functionArn: fn.Configuration?.FunctionArn,
      permissions: [],
    }
    try {
      found.url = (await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: name }))).FunctionUrl
    } catch (err) {
      if (awsErrorCode(err) !== 'ResourceNotFoundException') throw err
    }
    try {
      const policy = JSON.parse(
        (await lambda.send(new GetPolicyCommand({ FunctionName: name }))).Policy ?? '{}',
      ) as { Statement?: { Sid?: string }[] }
      found.permissions = (policy.Statement ?? [])
        .map((s) => s.Sid ?? '')
        .filter((sid) => OWN_STATEMENT_IDS.has(sid))
    } catch (err) {
      if (awsErrorCode(err) !== 'ResourceNotFoundException') throw err
    }
    const role = await readRole(await ctx.aws.iam(), acsRoleName(name)).catch(notToolsIfDenied)
    if (role && role.tags[TAG_MANAGED] === 'true') found.roleName = role.roleName
    found.tableName = await tableIfOwned(ctx, acsTableName(name))
    retired.push(found)
  }
  // A login table whose function is gone already (an earlier --prune without --force): still kept,
  // still deletable with --prune --force.
  for (const table of await ownedStateTables(ctx)) {
    if (retired.some((r) => r.tableName === table)) continue
    retired.push({ functionName: table.replace(/-state$/, ''), permissions: [], tableName: table })
  }
  return retired
}

const isAccessDenied = (err: unknown) => /^AccessDenied(Exception)?$/.test(awsErrorCode(err) ?? '')
/** A read the policy allows only on the tool's own resources: refused means not the tool's. */
function notToolsIfDenied(err: unknown): undefined {
  if (isAccessDenied(err)) return undefined
  throw err
}

/** Tables named like an ACS table (`<function>-state`) that carry the tool's managed tag. */
async function ownedStateTables(ctx: EngineContext): Promise<string[]> {
  const db = await ctx.aws.dynamoDb()
  const { ListTagsOfResourceCommand, paginateListTables } = await import('@aws-sdk/client-dynamodb')
  const names: string[] = []
  for await (const page of paginateListTables({ client: db }, {}))
    for (const n of page.TableNames ?? []) if (n.endsWith('-state')) names.push(n)
  const d = ctx.discovery
  const owned: string[] = []
  for (const name of names) {
    const tags = await db
      .send(
        new ListTagsOfResourceCommand({
          ResourceArn: `arn:${d.partition}:dynamodb:${d.region}:${d.accountId}:table/${name}`,
        }),
      )
      .catch(notToolsIfDenied)
    if (tags?.Tags?.some((t) => t.Key === TAG_MANAGED && t.Value === 'true')) owned.push(name)
  }
  return owned
}

async function tableIfOwned(ctx: EngineContext, table: string): Promise<string | undefined> {
  const db = await ctx.aws.dynamoDb()
  const { DescribeTableCommand } = await import('@aws-sdk/client-dynamodb')
  try {
    await db.send(new DescribeTableCommand({ TableName: table }))
    return table
  } catch (err) {
    if (awsErrorCode(err) === 'ResourceNotFoundException' || isAccessDenied(err)) return undefined
    throw err
  }
}

/** The part of a retired ACS each part kind deletes (with --prune) or keeps. */
export type RetiredPart = 'acs-role' | 'acs-table' | 'acs-function' | 'acs-url' | 'acs-permission'

const partsOf = (r: RetiredAcs) =>
  [r.functionArn ? 'function' : '', r.url ? 'URL' : '', r.roleName ? 'role' : ''].filter(Boolean).join(', ')

const WHY = 'the file has no acs section'

/**
 * One part's changes for the retired deployments: without --prune the function's kind keeps the
 * whole deployment (one kept item naming its parts), the table's kind keeps a login table; with
 * --prune each part is deleted by its own kind, the login table only with --force.
 */
export function retiredChanges<K extends RetiredPart>(
  part: K,
  retired: RetiredAcs[],
  ctx: EngineContext,
): Diffed<K> {
  const changes: Change[] = []
  const kept: KeptItem[] = []
  const { prune, force } = ctx.options
  const d = ctx.discovery
  for (const r of retired) {
    const parts = partsOf(r)
    const name = r.functionName
    if (part === 'acs-function' && parts && !prune)
      kept.push({
        kind: 'acs-function',
        key: name,
        summary: `${name} (${parts}${r.tableName ? `, table ${r.tableName}` : ''})`,
        reason: `${WHY}; its public URL still answers (logins are refused only when teams leave the file); --prune deletes the ${parts}${r.tableName ? ', --prune --force the login table too' : ''}`,
      })
    if (!prune && part !== 'acs-table') continue
    if (part === 'acs-function' && r.functionArn)
      changes.push({
        kind: 'acs-function',
        key: name,
        action: 'delete',
        summary: `${name} (${parts}${r.tableName && force ? `, table ${r.tableName}` : ''}): ${WHY}`,
        before: { functionName: name, functionArn: r.functionArn },
        reason: `deletes the function${r.roleName ? ' and (acs-role) its role' : ''} after its URL and public permissions${r.tableName && force ? `, and the login table ${r.tableName} (--force)` : ''}`,
      })
    if (part === 'acs-url' && r.url)
      changes.push({
        kind: 'acs-url',
        key: name,
        action: 'delete',
        summary: `${name} function URL: ${WHY}`,
        before: { functionName: name, authType: 'NONE', url: r.url },
      })
    if (part === 'acs-permission')
      for (const sid of r.permissions)
        changes.push({
          kind: 'acs-permission',
          key: `${name}/${sid}`,
          action: 'delete',
          summary: `${name} permission ${sid}: ${WHY}`,
          before: { functionName: name, statementId: sid, action: '', principal: '*' },
        })
    if (part === 'acs-role' && r.roleName)
      changes.push({
        kind: 'acs-role',
        key: r.roleName,
        action: 'delete',
        summary: `${r.roleName}: ${WHY}`,
        before: {
          roleName: r.roleName,
          roleArn: `arn:${d.partition}:iam::${d.accountId}:role/${r.roleName}`,
        },
      })
    if (part === 'acs-table' && r.tableName) {
      if (prune && force)
        changes.push({
          kind: 'acs-table',
          key: r.tableName,
          action: 'delete',
          summary: `table ${r.tableName} (the ACS's login records; --force)`,
          before: { tableName: r.tableName, ttl: true },
        })
      else if (!parts || prune)
        kept.push({
          kind: 'acs-table',
          key: r.tableName,
          summary: `table ${r.tableName}`,
          reason: parts
            ? 'the login records of the ACS (the audit trail of who signed in); --prune --force deletes it'
            : 'the login records of a removed ACS (the audit trail of who signed in); --prune --force deletes it',
        })
    }
  }
  return { changes: changes as Change<K>[], kept }
}
