/**
 * Removing the ACS when the file no longer has an `acs:` section. The deployment the tool made is
 * found by what it leaves: a function tagged sagemaker-teams:managed=true whose role is the tool's
 * ACS role (`<function>-role`). Without --prune it is kept (listed as kept); with --prune the
 * function URL configuration, its public permissions, the function and the ACS role are deleted.
 * The table holds the login records (the audit trail of who signed in), so it goes only with
 * --prune --force, and the plan says so.
 */
import { acsTableName } from '../acs/status.js'
import { awsErrorCode } from '../errors.js'
import type { ApplyContext, EngineContext } from '../kinds/engine-contract.js'
import { readRole } from '../kinds/role/engine.js'
import { TAG_MANAGED } from '../model/names.js'
import type { AcsPayload, Change } from '../plan/types.js'
import { acsRoleName } from './acs-names.js'

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

/** The statement ids `apply` gives the function URL's public permissions. */
const URL_PERMISSIONS = ['FunctionURLAllowPublicAccess', 'FunctionURLAllowPublicInvoke']

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
        .filter((sid) => URL_PERMISSIONS.includes(sid))
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

export function diffRetiredAcs(retired: RetiredAcs[], ctx: EngineContext): Change<'acs'>[] {
  const changes: Change<'acs'>[] = []
  for (const r of retired) {
    const parts = [r.functionArn ? 'function' : '', r.url ? 'URL' : '', r.roleName ? 'role' : '']
      .filter(Boolean)
      .join(', ')
    if (!parts) {
      // Only the login table is left.
      if (ctx.options.prune && ctx.options.force)
        changes.push({
          kind: 'acs',
          key: r.functionName,
          action: 'delete',
          summary: `table ${r.tableName} (the ACS's login records; --force)`,
          before: { functionName: r.functionName, tableName: r.tableName },
        })
      else
        ctx.kept.push({
          kind: 'acs',
          key: r.tableName!,
          summary: `table ${r.tableName}`,
          reason:
            'the login records of a removed ACS (the audit trail of who signed in); --prune --force deletes it',
        })
      continue
    }
    if (!ctx.options.prune) {
      ctx.kept.push({
        kind: 'acs',
        key: r.functionName,
        summary: `${r.functionName} (${parts}${r.tableName ? `, table ${r.tableName}` : ''})`,
        reason: `the file has no acs section; its public URL still answers (logins are refused only when teams leave the file); --prune deletes the ${parts}${r.tableName ? ', --prune --force the login table too' : ''}`,
      })
      continue
    }
    const deleteTable = Boolean(r.tableName && ctx.options.force)
    const before: AcsPayload = {
      functionName: r.functionName,
      ...(r.functionArn ? { functionArn: r.functionArn } : {}),
      ...(r.url ? { url: r.url } : {}),
      ...(r.roleName ? { roleName: r.roleName } : {}),
      ...(deleteTable ? { tableName: r.tableName } : {}),
    }
    changes.push({
      kind: 'acs',
      key: r.functionName,
      action: 'delete',
      summary: `${r.functionName} (${parts}${deleteTable ? `, table ${r.tableName}` : ''}): the file has no acs section`,
      before,
      reason: `deletes the function URL configuration and its public permissions, the function${r.roleName ? ' and its role' : ''}${deleteTable ? `, and the login table ${r.tableName} (--force)` : ''}`,
    })
    if (r.tableName && !deleteTable)
      ctx.kept.push({
        kind: 'acs',
        key: r.tableName,
        summary: `table ${r.tableName}`,
        reason: 'the login records of the ACS (the audit trail of who signed in); --prune --force deletes it',
      })
  }
  return changes
}

export async function applyAcsRemoval(change: Change<'acs'>, ctx: ApplyContext): Promise<void> {
  const before = change.before!
  const name = before.functionName
  if (before.functionArn || before.url) await removeFunction(name, ctx)
  if (before.roleName) {
    const iam = await ctx.aws.iam()
    const { DeleteRoleCommand, DeleteRolePolicyCommand, ListRolePoliciesCommand } = await import(
      '@aws-sdk/client-iam'
    )
    const noSuch = (err: unknown) => {
      if (!/NoSuchEntity/.test(awsErrorCode(err) ?? '')) throw err
    }
    const policies = await iam
      .send(new ListRolePoliciesCommand({ RoleName: before.roleName }))
      .catch((err) => {
        noSuch(err)
        return { PolicyNames: [] as string[] }
      })
    for (const PolicyName of policies.PolicyNames ?? [])
      await iam.send(new DeleteRolePolicyCommand({ RoleName: before.roleName, PolicyName })).catch(noSuch)
    await iam.send(new DeleteRoleCommand({ RoleName: before.roleName })).catch(noSuch)
  }
  if (before.tableName) {
    const db = await ctx.aws.dynamoDb()
    const { DeleteTableCommand } = await import('@aws-sdk/client-dynamodb')
    await db.send(new DeleteTableCommand({ TableName: before.tableName })).catch(gone)
  }
}

const gone = (err: unknown) => {
  if (awsErrorCode(err) !== 'ResourceNotFoundException') throw err
}

/** The public URL first (from then on nobody reaches the function), its permissions, the function. */
async function removeFunction(name: string, ctx: ApplyContext) {
  const lambda = await ctx.aws.lambda()
  const { DeleteFunctionCommand, DeleteFunctionUrlConfigCommand, RemovePermissionCommand } = await import(
    '@aws-sdk/client-lambda'
  )
  await lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: name })).catch(gone)
  for (const StatementId of URL_PERMISSIONS)
    await lambda.send(new RemovePermissionCommand({ FunctionName: name, StatementId })).catch(gone)
  await lambda.send(new DeleteFunctionCommand({ FunctionName: name })).catch(gone)
}
