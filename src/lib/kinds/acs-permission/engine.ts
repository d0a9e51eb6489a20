/**
 * The ACS function's permissions: the statements its URL needs (deployment.ts urlPermissions), each
 * added when missing, replaced when it differs, and the tool's outdated statements removed (the
 * new ones first: deletes run after creates, so the URL keeps working throughout).
 */
import { AddPermissionCommand, GetPolicyCommand, RemovePermissionCommand } from '@aws-sdk/client-lambda'
import { addPermissionInput, OWN_STATEMENT_IDS, permissionOf, urlPermissions } from '../../acs/deployment.js'
import type { ObservedAcsFunction } from '../../acs/observed.js'
import { type RetiredAcs, retiredChanges } from '../../acs/retired.js'
import { deepEqual } from '../../canonical.js'
import { awsErrorCode } from '../../errors.js'
import type { AcsPermissionPayload, Change } from '../../plan/types.js'
import { parsePolicy } from '../../policies/normalize.js'
import type { AwsRequest, ResourceModule } from '../engine-contract.js'

export interface ObservedAcsPermissions {
  /** The function's policy statements of the tool's statement ids, as payloads. */
  permissions: AcsPermissionPayload[]
  retired?: RetiredAcs[]
}

const keyOf = (p: AcsPermissionPayload) => `${p.functionName}/${p.statementId}`
const gone = (err: unknown) => {
  if (awsErrorCode(err) !== 'ResourceNotFoundException') throw err
}

function requestsOf(change: Change<'acs-permission'>): AwsRequest[] {
  const { before, after } = change
  const remove = (p: AcsPermissionPayload): AwsRequest => ({
    service: 'lambda',
    operation: 'RemovePermission',
    input: { FunctionName: p.functionName, StatementId: p.statementId },
  })
  if (change.action === 'delete') return before ? [remove(before)] : []
  if (!after) return []
  return [
    ...(change.action === 'update' && before ? [remove(before)] : []),
    { service: 'lambda', operation: 'AddPermission', input: addPermissionInput(after) },
  ]
}

export const acsPermissionEngine: ResourceModule<
  'acs-permission',
  ObservedAcsPermissions,
  AcsPermissionPayload[] | undefined
> = {
  kind: 'acs-permission',

  async observe(ctx) {
    const acs = ctx.teams.config.acs
    if (!acs)
      return {
        permissions: [],
        retired: (await ctx.observed<ObservedAcsFunction>('acs-function')).retired ?? [],
      }
    const lambda = await ctx.aws.lambda()
    try {
      const policy = await lambda.send(new GetPolicyCommand({ FunctionName: acs.functionName }))
      return {
        permissions: parsePolicy(policy.Policy ?? '{"Statement":[]}')
          .Statement.filter((s) => s.Sid && OWN_STATEMENT_IDS.has(s.Sid))
          .map((s) => permissionOf(acs.functionName, s)),
      }
    } catch (err) {
      // A function without a resource policy (or without a function) answers ResourceNotFoundException.
      gone(err)
      return { permissions: [] }
    }
  },

  async desire(ctx) {
    const acs = ctx.teams.config.acs
    if (!acs || (await ctx.observed<ObservedAcsFunction>('acs-function')).foreign) return undefined
    return urlPermissions(acs.functionName)
  },

  diff(desired, observed, ctx) {
    if (!ctx.teams.config.acs) return retiredChanges('acs-permission', observed.retired ?? [], ctx)
    if (!desired) return []
    const changes: Change<'acs-permission'>[] = []
    for (const want of desired) {
      const have = observed.permissions.find((p) => p.statementId === want.statementId)
      if (have && deepEqual(have, want)) continue
      changes.push({
        kind: 'acs-permission',
        key: keyOf(want),
        action: have ? 'update' : 'create',
        summary: `${want.functionName} permission ${want.statementId} (${want.action})`,
        ...(have ? { before: have, reason: 'the statement differs from the one the tool writes' } : {}),
        after: want,
      })
    }
    for (const have of observed.permissions)
      if (!desired.some((p) => p.statementId === have.statementId))
        changes.push({
          kind: 'acs-permission',
          key: keyOf(have),
          action: 'delete',
          summary: `${have.functionName} permission ${have.statementId} (${have.action})`,
          before: have,
          reason: 'a statement earlier versions of the tool wrote',
        })
    return changes
  },

  requests: (change) => requestsOf(change),

  async apply(change, ctx) {
    const lambda = await ctx.aws.lambda()
    for (const { operation, input } of requestsOf(change)) {
      if (operation === 'RemovePermission')
        await lambda.send(new RemovePermissionCommand(input as never)).catch(gone)
      else
        await lambda.send(new AddPermissionCommand(input as never)).catch((err) => {
          // Already there (an interrupted apply): converged.
          if (awsErrorCode(err) !== 'ResourceConflictException') throw err
        })
    }
  },
}
