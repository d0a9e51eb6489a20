/**
 * The least-privilege IAM policy the CLI itself needs for one teams file: one statement per
 * service, with resources scoped to the domain, the identity store, the instance, the roles and the
 * ACS function and table it manages. `--for plan` keeps only the reads a CI plan job needs. A test
 * derives the actions from the code's AWS calls, so a new call without a line here fails it.
 */

import { acsTableName } from './acs/status.js'
import type { TeamsFile } from './config/types.js'
import { LOCK_TABLE } from './engine/lock.js'
import { REFRESH_TABLE } from './names.js'
import type { PolicyDocument, PolicyStatement } from './plan/types.js'
import { acsRoleName } from './resources/acs-names.js'
import { teamWorkspace } from './resources/workgroup.js'

export interface OperatorPolicyInput {
  config: TeamsFile
  accountId: string
  partition?: string
  region: string
  instanceArn?: string
  identityStoreId?: string
}

interface ServiceActions {
  sid: string
  read: string[]
  write: string[]
  resources: (i: Required<OperatorPolicyInput>) => string[]
}

const SERVICES: ServiceActions[] = [
  { sid: 'CallerIdentity', read: ['sts:GetCallerIdentity'], write: [], resources: () => ['*'] },
  {
    sid: 'IdentityCenterApplications',
    read: [
      'sso:ListInstances',
      'sso:ListApplications',
      'sso:ListTagsForResource',
      'sso:GetApplicationAssignmentConfiguration',
      'sso:ListApplicationAssignments',
    ],
    write: [
      'sso:CreateApplication',
      'sso:UpdateApplication',
      'sso:DeleteApplication',
      'sso:PutApplicationAssignmentConfiguration',
      'sso:CreateApplicationAssignment',
      'sso:DeleteApplicationAssignment',
      'sso:TagResource',
    ],
    // ListInstances has no resource; the rest are scoped to the instance and its applications.
    resources: (i) => {
      const ins = i.instanceArn.split('/').pop() ?? '*'
      return [
        '*' === ins ? `arn:${i.partition}:sso:::instance/*` : i.instanceArn,
        `arn:${i.partition}:sso::${i.accountId}:application/${ins}/*`,
        `arn:${i.partition}:sso::aws:applicationProvider/custom-saml`,
      ]
    },
  },
  {
    sid: 'IdentityStoreReads',
    read: [
      'identitystore:GetUserId',
      'identitystore:GetGroupId',
      'identitystore:DescribeUser',
      'identitystore:DescribeGroup',
      'identitystore:ListUsers',
      'identitystore:ListGroups',
      'identitystore:ListGroupMemberships',
    ],
    write: [],
    resources: (i) => [
      `arn:${i.partition}:identitystore::${i.accountId}:identitystore/${i.identityStoreId}`,
      `arn:${i.partition}:identitystore:::user/*`,
      `arn:${i.partition}:identitystore:::group/*`,
      `arn:${i.partition}:identitystore:::membership/*`,
    ],
  },
  {
    sid: 'SageMakerDomainProfiles',
    read: [
      'sagemaker:DescribeDomain',
      'sagemaker:ListUserProfiles',
      'sagemaker:DescribeUserProfile',
      'sagemaker:ListTags',
      'sagemaker:ListApps',
      'sagemaker:ListSpaces',
    ],
    write: [
      'sagemaker:CreateUserProfile',
      'sagemaker:UpdateUserProfile',
      'sagemaker:DeleteUserProfile',
      'sagemaker:AddTags',
      'sagemaker:DeleteTags',
      'sagemaker:DeleteApp',
      'sagemaker:CreatePresignedDomainUrl',
    ],
    resources: (i) => {
      const sm = `arn:${i.partition}:sagemaker:${i.region}:${i.accountId}`
      const d = i.config.domain.id
      return [`${sm}:domain/${d}`, `${sm}:user-profile/${d}/*`, `${sm}:app/${d}/*`, `${sm}:space/${d}/*`]
    },
  },
  {
    sid: 'TeamAndAcsRoles',
    read: [
      'iam:GetRole',
      'iam:ListRolePolicies',
      'iam:GetRolePolicy',
      'iam:ListAttachedRolePolicies',
      'iam:ListRoleTags',
      'iam:SimulatePrincipalPolicy',
    ],
    write: [
      'iam:CreateRole',
      'iam:DeleteRole',
      'iam:UpdateAssumeRolePolicy',
      'iam:PutRolePolicy',
      'iam:DeleteRolePolicy',
      'iam:AttachRolePolicy',
      'iam:DetachRolePolicy',
      'iam:TagRole',
      'iam:PassRole',
    ],
    resources: (i) => {
      const roles = [`arn:${i.partition}:iam::${i.accountId}:role/sagemaker-teams-*`]
      if (i.config.acs)
        roles.push(`arn:${i.partition}:iam::${i.accountId}:role/${acsRoleName(i.config.acs.functionName)}`)
      for (const t of Object.values(i.config.teams)) if (t.executionRole.arn) roles.push(t.executionRole.arn)
      return [...new Set(roles)]
    },
  },
  {
    sid: 'LakeFormationTagsAndGrants',
    read: [
      'lakeformation:ListLFTags',
      'lakeformation:GetLFTag',
      'lakeformation:ListPermissions',
      'lakeformation:GetDataLakeSettings',
    ],
    write: [
      'lakeformation:CreateLFTag',
      'lakeformation:UpdateLFTag',
      'lakeformation:BatchGrantPermissions',
      'lakeformation:BatchRevokePermissions',
    ],
    // Lake Formation has no resource-level IAM permissions: its own permission model scopes grants.
    resources: () => ['*'],
  },
  {
    // Without an acs section the tool looks for its own ACS (a tagged function whose role is
    // <function>-role) among every function, to remove it with --prune: then any function name.
    sid: 'AcsFunction',
    read: ['lambda:GetFunction', 'lambda:GetFunctionUrlConfig', 'lambda:GetPolicy', 'lambda:ListFunctions'],
    write: [
      'lambda:CreateFunction',
      'lambda:UpdateFunctionCode',
      'lambda:TagResource',
      'lambda:CreateFunctionUrlConfig',
      'lambda:AddPermission',
      'lambda:DeleteFunctionUrlConfig',
      'lambda:RemovePermission',
      'lambda:DeleteFunction',
    ],
    resources: (i) => [
      `arn:${i.partition}:lambda:${i.region}:${i.accountId}:function:${i.config.acs?.functionName ?? '*'}`,
    ],
  },
  {
    // The access review evaluates the managed policies attached to team roles (plan/access-matrix.ts).
    sid: 'ManagedPolicyReads',
    read: ['iam:GetPolicy', 'iam:GetPolicyVersion'],
    write: [],
    resources: (i) => [
      `arn:${i.partition}:iam::aws:policy/*`,
      `arn:${i.partition}:iam::${i.accountId}:policy/*`,
    ],
  },
  {
    // Team workspaces (workgroup.ts): the workgroups sagemaker-teams-<team>; the bucket is only looked at.
    sid: 'TeamWorkgroups',
    read: ['athena:GetWorkGroup', 'athena:ListTagsForResource', 'athena:ListWorkGroups'],
    write: [
      'athena:CreateWorkGroup',
      'athena:UpdateWorkGroup',
      'athena:DeleteWorkGroup',
      'athena:TagResource',
    ],
    resources: (i) => [`arn:${i.partition}:athena:${i.region}:${i.accountId}:workgroup/sagemaker-teams-*`],
  },
  {
    // HeadBucket is authorised as s3:ListBucket.
    sid: 'WorkspaceBuckets',
    read: ['s3:ListBucket'],
    write: [],
    resources: (i) => [...new Set(workspaceBuckets(i))],
  },
  {
    sid: 'AcsTable',
    read: [
      'dynamodb:DescribeTable',
      'dynamodb:DescribeTimeToLive',
      'dynamodb:BatchGetItem',
      'dynamodb:ListTagsOfResource',
      'dynamodb:ListTables',
    ],
    write: [
      'dynamodb:CreateTable',
      'dynamodb:UpdateTimeToLive',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteTable',
    ],
    resources: (i) => [
      `arn:${i.partition}:dynamodb:${i.region}:${i.accountId}:table/${i.config.acs ? acsTableName(i.config.acs.functionName) : '*-state'}`,
    ],
  },
  {
    // The apply lock (engine/lock.ts): plan reads it, apply and acs deploy take it.
    sid: 'ApplyLock',
    read: ['dynamodb:GetItem'],
    write: [
      'dynamodb:DescribeTable',
      'dynamodb:CreateTable',
      'dynamodb:TagResource',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    ],
    resources: (i) => [`arn:${i.partition}:dynamodb:${i.region}:${i.accountId}:table/${LOCK_TABLE}`],
  },
  {
    // --refresh events: the event history has no resource-level permissions.
    sid: 'CloudTrailEvents',
    read: ['cloudtrail:LookupEvents'],
    write: [],
    resources: () => ['*'],
  },
  {
    // --refresh events: the refresh point. `--for plan` stays read-only, so a plan job under it
    // reads the point but cannot move it (it says so); add dynamodb:PutItem on this table for that.
    sid: 'RefreshPoint',
    read: ['dynamodb:GetItem', 'dynamodb:ListTagsOfResource'],
    write: ['dynamodb:PutItem', 'dynamodb:CreateTable', 'dynamodb:DescribeTable', 'dynamodb:TagResource'],
    resources: (i) => [`arn:${i.partition}:dynamodb:${i.region}:${i.accountId}:table/${REFRESH_TABLE}`],
  },
]

/** The buckets of the file's team workspaces (default: SageMaker's default bucket of the region). */
function workspaceBuckets(i: Required<OperatorPolicyInput>): string[] {
  const teams = Object.keys(i.config.teams ?? {})
  return teams
    .map((t) => teamWorkspace(i.config, t, i)?.bucket)
    .filter((b): b is string => !!b)
    .sort()
    .map((b) => `arn:${i.partition}:s3:::${b}`)
}

export function operatorPolicy(
  input: OperatorPolicyInput,
  purpose: 'apply' | 'plan' = 'apply',
): PolicyDocument {
  const i: Required<OperatorPolicyInput> = {
    partition: 'aws',
    instanceArn: input.config.identityCenter?.instanceArn ?? 'arn:aws:sso:::instance/*',
    identityStoreId: input.config.identityCenter?.identityStoreId ?? '*',
    ...input,
  } as Required<OperatorPolicyInput>
  if (!i.instanceArn) i.instanceArn = 'arn:aws:sso:::instance/*'
  if (!i.identityStoreId) i.identityStoreId = '*'
  const statements: PolicyStatement[] = []
  for (const s of SERVICES) {
    const actions = purpose === 'plan' ? s.read : [...s.read, ...s.write]
    if (actions.length === 0) continue
    const resources = s.resources(i)
    if (resources.length === 0) continue // e.g. no team has a workspace
    // Actions without resource-level permissions need "*".
    const global = actions.filter((a) => UNSCOPED.has(a))
    const scoped = actions.filter((a) => !UNSCOPED.has(a))
    if (scoped.length)
      statements.push({
        Sid: s.sid,
        Effect: 'Allow',
        Action: scoped,
        Resource: resources.length === 1 ? resources[0] : resources,
      })
    if (global.length)
      statements.push({ Sid: `${s.sid}List`, Effect: 'Allow', Action: global, Resource: '*' })
  }
  return { Version: '2012-10-17', Statement: statements }
}

/** Actions IAM does not scope to a resource (list calls). */
const UNSCOPED = new Set([
  'sso:ListInstances',
  'sagemaker:ListUserProfiles',
  'sagemaker:ListApps',
  'sagemaker:ListSpaces',
  'identitystore:ListUsers',
  'identitystore:ListGroups',
  'athena:ListWorkGroups',
  'lambda:ListFunctions',
  'dynamodb:ListTables',
])

/** Every action the policy can grant (for tests and `doctor`). */
export function allOperatorActions(purpose: 'apply' | 'plan' = 'apply'): string[] {
  return SERVICES.flatMap((s) => (purpose === 'plan' ? s.read : [...s.read, ...s.write]))
}
