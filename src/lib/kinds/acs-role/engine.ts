/**
 * The ACS role's engine: reads `<function>-role` (its boundary and its one inline policy), plans it
 * from the file, and applies exactly the planned role: created with the planned boundary and policy,
 * or the boundary and the policy the update names.
 */
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  ListRolePoliciesCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam'
import { ACS_POLICY_NAME, acsRoleName, acsRolePolicy, LAMBDA_TRUST } from '../../acs/deployment.js'
import type { ObservedAcsFunction } from '../../acs/observed.js'
import { type RetiredAcs, retiredChanges } from '../../acs/retired.js'
import { awsErrorCode } from '../../errors.js'
import { acsBoundaryPolicyArn, TAG_MANAGED } from '../../model/names.js'
import type { AcsRolePayload, Change } from '../../plan/types.js'
import { policiesEqual } from '../../policies/normalize.js'
import { printPolicy } from '../../policies/team-role.js'
import type { AwsRequest, EngineContext, ResourceModule } from '../engine-contract.js'
import { readRole } from '../role/engine.js'

export interface ObservedAcsRole {
  role?: AcsRolePayload
  /** Without an acs section: the tool's ACS deployments to remove (src/lib/acs/retired.ts). */
  retired?: RetiredAcs[]
}

const noSuchEntity = (err: unknown) => {
  if (!/NoSuchEntity/.test(awsErrorCode(err) ?? '')) throw err
}

/** The requests of a change, in the order apply sends them (the preflight checks the same). */
function requestsOf(change: Change<'acs-role'>): AwsRequest[] {
  const { before, after } = change
  if (change.action === 'delete' || !after) return []
  const putPolicy: AwsRequest = {
    service: 'iam',
    operation: 'PutRolePolicy',
    input: {
      RoleName: after.roleName,
      PolicyName: ACS_POLICY_NAME,
      PolicyDocument: printPolicy(after.policy ?? { Version: '2012-10-17', Statement: [] }),
    },
  }
  if (change.action === 'create')
    return [
      {
        service: 'iam',
        operation: 'CreateRole',
        input: {
          RoleName: after.roleName,
          AssumeRolePolicyDocument: JSON.stringify(LAMBDA_TRUST),
          Description: 'Execution role of the sagemaker-teams ACS (managed by sagemaker-teams)',
          ...(after.permissionsBoundary ? { PermissionsBoundary: after.permissionsBoundary } : {}),
          Tags: [{ Key: TAG_MANAGED, Value: 'true' }],
        },
      },
      putPolicy,
    ]
  const out: AwsRequest[] = []
  // The boundary before the policy: the operator policy allows PutRolePolicy only on bounded roles.
  if (after.permissionsBoundary && before?.permissionsBoundary !== after.permissionsBoundary)
    out.push({
      service: 'iam',
      operation: 'PutRolePermissionsBoundary',
      input: { RoleName: after.roleName, PermissionsBoundary: after.permissionsBoundary },
    })
  if (after.policy && !(before?.policy && policiesEqual(before.policy, after.policy))) out.push(putPolicy)
  return out
}

export const acsRoleEngine: ResourceModule<'acs-role', ObservedAcsRole, AcsRolePayload | undefined> = {
  kind: 'acs-role',

  async observe(ctx) {
    const acs = ctx.teams.config.acs
    if (!acs) return { retired: (await ctx.observed<ObservedAcsFunction>('acs-function')).retired ?? [] }
    const role = await readRole(await ctx.aws.iam(), acsRoleName(acs.functionName))
    if (!role) return {}
    return {
      role: {
        roleName: role.roleName,
        roleArn: role.roleArn ?? '',
        ...(role.permissionsBoundary ? { permissionsBoundary: role.permissionsBoundary } : {}),
        ...(role.inlinePolicies[ACS_POLICY_NAME] ? { policy: role.inlinePolicies[ACS_POLICY_NAME] } : {}),
      },
    }
  },

  async desire(ctx) {
    const acs = ctx.teams.config.acs
    if (!acs || (await ctx.observed<ObservedAcsFunction>('acs-function')).foreign) return undefined
    const d = ctx.discovery
    const roleName = acsRoleName(acs.functionName)
    return {
      roleName,
      roleArn: `arn:${d.partition}:iam::${d.accountId}:role/${roleName}`,
      permissionsBoundary: acsBoundaryPolicyArn(d.accountId, d.partition),
      policy: acsRolePolicy(ctx.teams.config, d),
    }
  },

  diff(desired, observed, ctx: EngineContext) {
    if (!ctx.teams.config.acs) return retiredChanges('acs-role', observed.retired ?? [], ctx)
    if (!desired) return []
    const before = observed.role
    if (!before)
      return [
        {
          kind: 'acs-role',
          key: desired.roleName,
          action: 'create',
          summary: `${desired.roleName} (the ACS function's role)`,
          after: desired,
        },
      ]
    const reasons: string[] = []
    if (!before.policy || !policiesEqual(before.policy, desired.policy!)) reasons.push('role policy')
    if (before.permissionsBoundary !== desired.permissionsBoundary) reasons.push('role permissions boundary')
    if (reasons.length === 0) return []
    return [
      {
        kind: 'acs-role',
        key: desired.roleName,
        action: 'update',
        summary: desired.roleName,
        before,
        after: desired,
        reason: reasons.join(', '),
      },
    ]
  },

  requests: (change) => requestsOf(change),

  async apply(change, ctx) {
    const iam = await ctx.aws.iam()
    if (change.action === 'delete') {
      const RoleName = change.before!.roleName
      const policies = await iam.send(new ListRolePoliciesCommand({ RoleName })).catch((err) => {
        noSuchEntity(err)
        return { PolicyNames: [] as string[] }
      })
      for (const PolicyName of policies.PolicyNames ?? [])
        await iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName })).catch(noSuchEntity)
      await iam.send(new DeleteRoleCommand({ RoleName })).catch(noSuchEntity)
      return
    }
    for (const { operation, input } of requestsOf(change)) {
      if (operation === 'CreateRole')
        await iam.send(new CreateRoleCommand(input as never)).catch((err) => {
          if (!/EntityAlreadyExists/.test(awsErrorCode(err) ?? '')) throw err
        })
      else if (operation === 'PutRolePermissionsBoundary')
        await iam.send(new PutRolePermissionsBoundaryCommand(input as never))
      else if (operation === 'PutRolePolicy') await iam.send(new PutRolePolicyCommand(input as never))
    }
  },
}
