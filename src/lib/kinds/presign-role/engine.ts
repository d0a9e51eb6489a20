/**
 * The ACS presign role (kind `presign-role`, files with accounts:/domains: and an `acs:`): the role
 * `sagemaker-teams-acs-presign` in each domain account, which the one ACS function (in the Identity
 * Center account) assumes to presign — and, with `provisioning` allowing it, create — the profiles
 * of that account's domains. It trusts only the ACS function's role; it may describe, create and
 * presign only the tool's profiles of the teams of that account's domains, and pass only that
 * account's team roles to SageMaker. Evaluated in test/policies/presign-role.test.ts.
 */
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam'
import type { TeamsFile } from '../../config/types.js'
import { awsErrorCode } from '../../errors.js'
import { PRESIGN_ROLE_NAME, presignRoleArn } from '../../model/acs-names.js'
import { acsBoundaryPolicyArn, TAG_MANAGED, teamRoleArn } from '../../model/names.js'
import type { Change, PolicyDocument, PresignRolePayload } from '../../plan/types.js'
import { parsePolicy, policiesEqual } from '../../policies/normalize.js'
import { managedProfileStatements } from '../../policies/profile-access.js'
import type { AwsRequest, Discovery, ResourceModule } from '../engine-contract.js'

export { PRESIGN_ROLE_NAME, presignRoleArn }

/**
 * Trusts only the ACS function's role (in the Identity Center account): its account as the principal
 * and the role's ARN as a condition. IAM refuses a trust policy naming a role that does not exist yet
 * ("Invalid principal"), and the accounts apply concurrently, so the ACS role may not exist when this
 * is written; a condition on aws:PrincipalArn also survives the ACS role being re-created.
 */
export function presignTrustPolicy(acsRoleArn: string): PolicyDocument {
  const [, partition, , , account] = acsRoleArn.split(':')
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${account}:root` },
        Action: 'sts:AssumeRole',
        Condition: { ArnEquals: { 'aws:PrincipalArn': acsRoleArn } },
      },
    ],
  }
}

/**
 * The tool's profiles of this account's domains (tagged with one of the account's teams) and this
 * account's team roles: the same statements the ACS role has for its own account (acs.ts).
 */
export function presignRolePolicy(
  config: TeamsFile,
  d: Pick<Discovery, 'partition' | 'region' | 'accountId' | 'domainId' | 'teamDomainIds'>,
): PolicyDocument {
  const teams = Object.keys(config.teams).sort()
  const domains = [...new Set(teams.map((t) => d.teamDomainIds?.[t] ?? d.domainId))].sort()
  const profiles = domains.map(
    (id) => `arn:${d.partition}:sagemaker:${d.region}:${d.accountId}:user-profile/${id}/*`,
  )
  const roles = teams.map((t) => teamRoleArn(config.teams[t].executionRole, t, d.accountId, d.partition))
  return { Version: '2012-10-17', Statement: managedProfileStatements(profiles, teams, roles) }
}

interface ObservedPresignRole extends PresignRolePayload {
  owned: boolean
}

export const presignRoles: ResourceModule<
  'presign-role',
  ObservedPresignRole | null,
  PresignRolePayload | null
> = {
  kind: 'presign-role',

  async observe(ctx) {
    const client = await ctx.aws.iam()
    try {
      const role = (await client.send(new GetRoleCommand({ RoleName: PRESIGN_ROLE_NAME }))).Role
      const policy = await client
        .send(new GetRolePolicyCommand({ RoleName: PRESIGN_ROLE_NAME, PolicyName: PRESIGN_ROLE_NAME }))
        .then((o) => parsePolicy(decodeURIComponent(o.PolicyDocument ?? '')))
        .catch(() => ({ Version: '2012-10-17' as const, Statement: [] }))
      return {
        roleName: PRESIGN_ROLE_NAME,
        roleArn: role?.Arn ?? presignRoleArn(ctx.discovery.accountId, ctx.discovery.partition),
        ...(role?.PermissionsBoundary?.PermissionsBoundaryArn
          ? { permissionsBoundary: role.PermissionsBoundary.PermissionsBoundaryArn }
          : {}),
        trustPolicy: parsePolicy(decodeURIComponent(role?.AssumeRolePolicyDocument ?? '{"Statement":[]}')),
        policy,
        owned: Boolean(role?.Tags?.some((t) => t.Key === TAG_MANAGED)),
      }
    } catch (err) {
      const code = awsErrorCode(err)
      if (code === 'NoSuchEntity' || code === 'NoSuchEntityException') return null
      throw err
    }
  },

  desire(ctx) {
    const d = ctx.discovery
    if (!d.acsRoleArn || !ctx.teams.config.acs) return null
    return {
      roleName: PRESIGN_ROLE_NAME,
      roleArn: presignRoleArn(d.accountId, d.partition),
      permissionsBoundary: acsBoundaryPolicyArn(d.accountId, d.partition),
      trustPolicy: presignTrustPolicy(d.acsRoleArn),
      policy: presignRolePolicy(ctx.teams.config, d),
    }
  },

  diff(desired, observed) {
    const change = { kind: 'presign-role' as const, key: PRESIGN_ROLE_NAME, summary: PRESIGN_ROLE_NAME }
    if (!observed && !desired) return []
    if (!observed) return [{ ...change, action: 'create', after: desired! }]
    const { owned, ...before } = observed
    if (!owned)
      return desired
        ? [
            {
              ...change,
              action: 'blocked',
              before,
              after: desired,
              reason: `a role of this name exists without the ${TAG_MANAGED} tag (not created by sagemaker-teams); not modified`,
            },
          ]
        : []
    // Access only, no data: a presign role nobody needs any more goes without --prune.
    if (!desired) return [{ ...change, action: 'delete', before, reason: 'no ACS in the teams file' }]
    if (
      before.permissionsBoundary === desired.permissionsBoundary &&
      policiesEqual(before.trustPolicy, desired.trustPolicy) &&
      policiesEqual(before.policy, desired.policy)
    )
      return []
    return [{ ...change, action: 'update', before, after: desired }]
  },

  requests(change, ctx) {
    return presignRoleRequests(change, ctx.discovery)
  },

  async apply(change: Change<'presign-role'>, ctx) {
    const client = await ctx.aws.iam()
    // biome-ignore lint/suspicious/noExplicitAny: each input is its operation's (presignRoleRequests)
    const command = (r: AwsRequest): any => {
      const input = r.input as never
      switch (r.operation) {
        case 'CreateRole':
          return new CreateRoleCommand(input)
        case 'PutRolePermissionsBoundary':
          return new PutRolePermissionsBoundaryCommand(input)
        case 'UpdateAssumeRolePolicy':
          return new UpdateAssumeRolePolicyCommand(input)
        case 'PutRolePolicy':
          return new PutRolePolicyCommand(input)
        case 'DeleteRolePolicy':
          return new DeleteRolePolicyCommand(input)
        default:
          return new DeleteRoleCommand(input)
      }
    }
    for (const r of presignRoleRequests(change, ctx.discovery)) {
      await client.send(command(r)).catch((err) => {
        // Created meanwhile (an interrupted apply): its policies are written next. Its inline
        // policy already gone: the role is deleted next.
        if (r.operation === 'CreateRole' && awsErrorCode(err) === 'EntityAlreadyExists') return
        if (r.operation !== 'DeleteRolePolicy') throw err
      })
    }
  },
}

/** The IAM requests of a presign role change, in order (what apply sends and the preflight checks). */
export function presignRoleRequests(
  change: Change<'presign-role'>,
  d: Pick<Discovery, 'accountId' | 'partition'>,
): AwsRequest[] {
  const name = PRESIGN_ROLE_NAME
  const iam = (operation: string, input: Record<string, unknown>): AwsRequest => ({
    service: 'iam',
    operation,
    input,
  })
  if (change.action === 'delete')
    return [
      iam('DeleteRolePolicy', { RoleName: name, PolicyName: name }),
      iam('DeleteRole', { RoleName: name }),
    ]
  const after = change.after
  if (!after || (change.action !== 'create' && change.action !== 'update')) return []
  // The ACS's boundary (sagemaker-teams-acs-boundary), set first on a role that carries another (a
  // role made before the boundaries were split): the operator policy allows the writes after it only
  // on a role carrying it.
  const boundary = after.permissionsBoundary ?? acsBoundaryPolicyArn(d.accountId, d.partition)
  return [
    ...(change.action === 'create'
      ? [
          iam('CreateRole', {
            RoleName: name,
            AssumeRolePolicyDocument: JSON.stringify(after.trustPolicy),
            PermissionsBoundary: boundary,
            Description:
              'sagemaker-teams: the ACS presigns and creates Studio profiles of this account with it',
            Tags: [{ Key: TAG_MANAGED, Value: 'true' }],
          }),
        ]
      : [
          ...(change.before?.permissionsBoundary !== boundary
            ? [iam('PutRolePermissionsBoundary', { RoleName: name, PermissionsBoundary: boundary })]
            : []),
          iam('UpdateAssumeRolePolicy', {
            RoleName: name,
            PolicyDocument: JSON.stringify(after.trustPolicy),
          }),
        ]),
    iam('PutRolePolicy', { RoleName: name, PolicyName: name, PolicyDocument: JSON.stringify(after.policy) }),
  ]
}
