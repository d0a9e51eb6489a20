/**
 * The least-privilege IAM policy the CLI itself needs for one teams file. Actions that the Service
 * Authorization Reference gives no resource type sit together in one `Resource: "*"` statement;
 * every other action is scoped to the domain, the identity store, the instance, the roles, the
 * boundary policies and the ACS function and table it manages. Role writes hold only for roles that
 * carry their permissions boundary (team roles `sagemaker-teams-boundary`, the ACS and presign roles
 * `sagemaker-teams-acs-boundary`), managed policies attach only when the file names them, and
 * PassRole goes only to the service each role is for: whoever holds this policy cannot make a role
 * more powerful than its boundary. It may create a missing boundary (a fresh account) but never
 * change or delete one: that is `sagemaker-teams setup`'s (setupPolicy). `--for plan` keeps only actions of the
 * List and Read access levels. Tests check every statement against the reference, derive the
 * actions from the code's AWS calls, and evaluate the policy (test/ops/policy.test.ts).
 */

import { acsTableName } from './acs/status.js'
import { DEFAULT_ACCOUNT_ROLE, type TeamsFile } from './config/types.js'
import { LOCK_TABLE } from './engine/lock.js'
import {
  acsBoundaryPolicyArn,
  boundaryPolicyArn,
  REFRESH_TABLE,
  TAG_MANAGED,
  TAG_TEAM,
  teamRoleName,
} from './model/names.js'
import { primaryDomainId } from './model/topology.js'
import { teamWorkspace } from './model/workspace.js'
import type { PolicyDocument, PolicyStatement } from './plan/types.js'
import { acsRoleName, PRESIGN_ROLE_NAME } from './resources/acs-names.js'

export interface OperatorPolicyInput {
  config: TeamsFile
  accountId: string
  partition?: string
  region: string
  instanceArn?: string
  identityStoreId?: string
  /** Files with accounts:/domains: — the domains of this account (default: the file's domain). */
  domainIds?: string[]
  /** Files with accounts:/domains: — this account holds the ACS presign role. */
  presignRole?: boolean
  /**
   * Files with accounts:/domains: — where the ACS is: `here` (default; and a one-domain file's),
   * `elsewhere` (no ACS statements: acs.account, or an account role of another account), or `only`
   * (the ACS account has no domain: only what the ACS, its boundary and the lock need).
   */
  acs?: 'here' | 'elsewhere' | 'only'
  /** Files with accounts:/domains: — the name of the account role this document is for (denied writes). */
  accountRoleName?: string
  /**
   * Files with accounts:/domains: — false for an account role: its IAM Identity Center calls go
   * through the CLI's own credentials (or identityCenter.roleArn), never through it.
   */
  identityCenter?: boolean
}

type Optional = 'domainIds' | 'presignRole' | 'acs' | 'identityCenter' | 'accountRoleName'
type Inputs = Required<Omit<OperatorPolicyInput, Optional>> & Pick<OperatorPolicyInput, Optional>

/** The grants and unscoped actions of IAM Identity Center (left out where `identityCenter` is false). */
const IDENTITY_CENTER_GRANTS = new Set([
  'IdentityCenterApplications',
  'CreateTeamApplications',
  'TagTeamApplications',
  'TeamApplicationWrites',
  'IdentityStoreReads',
])
const IDENTITY_CENTER_UNSCOPED = ['sso:ListInstances', 'sso:ListApplications']

/** The grants of the ACS (skipped where it is `elsewhere`). */
const ACS_GRANTS = new Set([
  'PassAcsRoleToLambda',
  'AcsFunction',
  'AcsTable',
  'RetiredAcsFunction',
  'RetiredAcsTable',
])
/** What an account that holds only the ACS (`only`) keeps. */
const ACS_ONLY_GRANTS = new Set([
  ...ACS_GRANTS,
  'NoResourceTypes',
  'RoleReads',
  'SimulateOwnPolicies',
  'BoundedRoleWrites',
  'BoundedAcsRoleWrites',
  'TagToolRoles',
  'BoundaryPolicy',
  'ApplyLock',
])
/** Unscoped actions only the ACS needs (the removal of a deployed ACS lists functions and tables). */
const ACS_UNSCOPED = ['lambda:ListFunctions', 'dynamodb:ListTables']
/** What `only` keeps of the unscoped actions. */
const ACS_ONLY_UNSCOPED = ['sts:GetCallerIdentity']

interface Grant {
  sid: string
  /** List and Read access levels only (what `--for plan` keeps). */
  read: string[]
  write: string[]
  resources: (i: Inputs, purpose: 'apply' | 'plan') => string[]
  condition?: (i: Inputs) => PolicyStatement['Condition'] | undefined
  /** Statement left out (e.g. no ACS in the file, no managed policies to attach). */
  skip?: (i: Inputs) => boolean
}

/** Role writes that require the role to carry its boundary. */
const BOUNDED_ROLE_WRITES = [
  'iam:CreateRole',
  'iam:PutRolePermissionsBoundary',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:DetachRolePolicy',
  'iam:UpdateAssumeRolePolicy',
]

/** Actions with no resource type in the Service Authorization Reference: only `"*"` names them. */
const UNSCOPED: Grant = {
  sid: 'NoResourceTypes',
  read: [
    'sts:GetCallerIdentity',
    'sso:ListInstances',
    'sso:ListApplications',
    'sagemaker:ListUserProfiles',
    'sagemaker:ListApps',
    'sagemaker:ListSpaces',
    'lakeformation:ListLFTags',
    'lakeformation:GetLFTag',
    'lakeformation:ListPermissions',
    'lakeformation:GetDataLakeSettings',
    'athena:ListWorkGroups',
    // --refresh events: the event history has no resource-level permissions.
    'cloudtrail:LookupEvents',
    // ACS removal without an acs section finds the function and table by listing.
    'lambda:ListFunctions',
    'dynamodb:ListTables',
    // plan's access review and `access report` evaluate team roles with IAM's own simulator
    // (policies/simulate-aws.ts); it takes the documents in the request and reads nothing.
    'iam:SimulateCustomPolicy',
  ],
  // Lake Formation has no resource-level IAM permissions: its own permission model scopes grants.
  write: [
    'lakeformation:CreateLFTag',
    'lakeformation:UpdateLFTag',
    'lakeformation:BatchGrantPermissions',
    'lakeformation:BatchRevokePermissions',
  ],
  resources: () => ['*'],
}

/**
 * The roles the tool writes, by exact name: the file's created team roles, the ACS role and the
 * presign role. Never a pattern: `sagemaker-teams-*` would match the account role
 * (`sagemaker-teams-admin`) the tool itself runs as.
 */
const toolRoles = (i: Inputs) => {
  const arn = (name: string) => `arn:${i.partition}:iam::${i.accountId}:role/${name}`
  const roles =
    i.acs === 'only'
      ? []
      : Object.entries(i.config.teams ?? {})
          .filter(([, t]) => t.executionRole.create)
          .map(([team]) => arn(teamRoleName(team)))
          .sort()
  if (i.config.acs && !i.presignRole && i.acs !== 'elsewhere')
    roles.push(arn(acsRoleName(i.config.acs.functionName)))
  if (i.presignRole) roles.push(arn(PRESIGN_ROLE_NAME))
  return [...new Set(roles)]
}
/** Roles the tool may delete (teams gone from the file): named like its roles and carrying its boundary. */
const applications = (i: Inputs) =>
  `arn:${i.partition}:sso::${i.accountId}:application/${i.instanceArn.split('/').pop() ?? '*'}/*`
const isAcsOrPresign = (i: Inputs, arn: string) =>
  arn.endsWith(`:role/${PRESIGN_ROLE_NAME}`) ||
  (!!i.config.acs && arn.endsWith(`:role/${acsRoleName(i.config.acs.functionName)}`))
const removableRoles = (i: Inputs) => [`arn:${i.partition}:iam::${i.accountId}:role/${teamRoleName('*')}`]
const givenRoles = (i: Inputs) =>
  i.acs === 'only'
    ? []
    : Object.values(i.config.teams).flatMap((t) => (t.executionRole.arn ? [t.executionRole.arn] : []))
const boundary = (i: Inputs) => boundaryPolicyArn(i.accountId, i.partition)
const acsBoundary = (i: Inputs) => acsBoundaryPolicyArn(i.accountId, i.partition)
const bounded = (i: Inputs) => ({ StringEquals: { 'iam:PermissionsBoundary': boundary(i) } })
const acsBounded = (i: Inputs) => ({ StringEquals: { 'iam:PermissionsBoundary': acsBoundary(i) } })
/** The team roles among the tool's roles (they carry the team boundary; the ACS and presign roles the ACS one). */
const teamToolRoles = (i: Inputs) => toolRoles(i).filter((r) => !isAcsOrPresign(i, r))
const acsToolRoles = (i: Inputs) => toolRoles(i).filter((r) => isAcsOrPresign(i, r))
/** The boundaries of this account: the team roles' where team roles are, the ACS's where the ACS or a presign role is. */
const boundaries = (i: Inputs) => [
  ...(i.acs === 'only' ? [] : [boundary(i)]),
  ...(i.config.acs && (i.acs !== 'elsewhere' || i.presignRole) ? [acsBoundary(i)] : []),
]
const managedPolicies = (i: Inputs) =>
  [...new Set(Object.values(i.config.teams).flatMap((t) => t.executionRole.managedPolicyArns ?? []))].sort()
const functionName = (i: Inputs) => i.config.acs?.functionName ?? 'sagemaker-teams-acs'

const SCOPED: Grant[] = [
  {
    sid: 'IdentityCenterApplications',
    read: [
      'sso:ListTagsForResource',
      'sso:GetApplicationAssignmentConfiguration',
      'sso:ListApplicationAssignments',
    ],
    write: [],
    resources: (i) => [i.instanceArn, applications(i)],
  },
  {
    // A new application carries the tool's team tag from its creation.
    sid: 'CreateTeamApplications',
    read: [],
    write: ['sso:CreateApplication'],
    resources: (i) => [
      i.instanceArn,
      applications(i),
      `arn:${i.partition}:sso::aws:applicationProvider/custom-saml`,
    ],
    condition: () => ({ Null: { [`aws:RequestTag/${TAG_TEAM}`]: 'false' } }),
  },
  {
    // Adopting a console-created application (application.ts): its first write is this tag, only this tag.
    sid: 'TagTeamApplications',
    read: [],
    write: ['sso:TagResource'],
    resources: (i) => [applications(i)],
    condition: () => ({ 'ForAllValues:StringEquals': { 'aws:TagKeys': [TAG_TEAM] } }),
  },
  {
    // Every other write only on an application that carries the tool's team tag: never another application.
    sid: 'TeamApplicationWrites',
    read: [],
    write: [
      'sso:UpdateApplication',
      'sso:DeleteApplication',
      'sso:PutApplicationAssignmentConfiguration',
      'sso:CreateApplicationAssignment',
      'sso:DeleteApplicationAssignment',
    ],
    resources: (i) => [applications(i)],
    condition: () => ({ Null: { [`aws:ResourceTag/${TAG_TEAM}`]: 'false' } }),
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
    read: ['sagemaker:DescribeDomain', 'sagemaker:DescribeUserProfile', 'sagemaker:ListTags'],
    // No CreatePresignedDomainUrl: only the ACS signs in (its own role; `acs serve` your credentials).
    write: [
      'sagemaker:UpdateUserProfile',
      'sagemaker:DeleteUserProfile',
      'sagemaker:AddTags',
      'sagemaker:DeleteTags',
      'sagemaker:DeleteApp',
    ],
    resources: (i) => {
      const sm = `arn:${i.partition}:sagemaker:${i.region}:${i.accountId}`
      // Every domain of the file (one, unless accounts:/domains: name several in this account).
      const ids = i.domainIds?.length ? i.domainIds : [primaryDomainId(i.config)]
      return ids.flatMap((d) => [
        `${sm}:domain/${d}`,
        `${sm}:user-profile/${d}/*`,
        `${sm}:app/${d}/*`,
        `${sm}:space/${d}/*`,
      ])
    },
  },
  {
    // A profile is created only carrying the tool's team tag.
    sid: 'CreateTeamProfiles',
    read: [],
    write: ['sagemaker:CreateUserProfile'],
    resources: (i) =>
      (i.domainIds?.length ? i.domainIds : [primaryDomainId(i.config)]).map(
        (d) => `arn:${i.partition}:sagemaker:${i.region}:${i.accountId}:user-profile/${d}/*`,
      ),
    condition: () => ({ Null: { [`aws:RequestTag/${TAG_TEAM}`]: 'false' } }),
    skip: (i) => i.acs === 'only',
  },
  {
    // The access review evaluates the managed policies attached to team roles (policies/access-matrix.ts).
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
    read: ['athena:GetWorkGroup', 'athena:ListTagsForResource'],
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
    skip: (i) => workspaceBuckets(i).length === 0, // no team has a workspace
  },
  {
    // --refresh events: the refresh point. Only apply writes it; `--for plan` reads it.
    sid: 'RefreshPoint',
    read: ['dynamodb:GetItem', 'dynamodb:ListTagsOfResource', 'dynamodb:DescribeTable'],
    write: ['dynamodb:PutItem', 'dynamodb:CreateTable', 'dynamodb:TagResource'],
    resources: (i) => [`arn:${i.partition}:dynamodb:${i.region}:${i.accountId}:table/${REFRESH_TABLE}`],
  },
  {
    // The apply lock (engine/lock.ts): plan reads it, apply and acs deploy take it.
    sid: 'ApplyLock',
    read: ['dynamodb:GetItem', 'dynamodb:DescribeTable'],
    write: [
      'dynamodb:CreateTable',
      'dynamodb:TagResource',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    ],
    resources: (i) => [`arn:${i.partition}:dynamodb:${i.region}:${i.accountId}:table/${LOCK_TABLE}`],
  },
  {
    // Reads also reach roles of teams gone from the file (to remove them), by their name pattern.
    sid: 'RoleReads',
    read: [
      'iam:GetRole',
      'iam:ListRolePolicies',
      'iam:GetRolePolicy',
      'iam:ListAttachedRolePolicies',
      'iam:ListRoleTags',
    ],
    write: [],
    resources: (i) => [
      ...new Set([...(i.acs === 'only' ? [] : removableRoles(i)), ...toolRoles(i), ...givenRoles(i)]),
    ],
  },
  {
    // Data mesh (kinds/lf-share, link-grant, mesh-grant): grants to consumer accounts and
    // on resource links. Lake Formation has no resource-level IAM permissions for these.
    sid: 'DataMeshGrants',
    read: [],
    write: ['lakeformation:GrantPermissions', 'lakeformation:RevokePermissions'],
    resources: () => ['*'],
    skip: (i) => !i.config.dataMesh,
  },
  {
    // Data mesh, consumer accounts (kinds/resource-link): the links, by the names the file
    // declares; the catalog's databases are listed to find them.
    sid: 'DataMeshResourceLinks',
    read: ['glue:GetDatabases', 'glue:GetDatabase', 'glue:GetTags'],
    write: ['glue:CreateDatabase', 'glue:DeleteDatabase', 'glue:TagResource'],
    resources: (i) => [
      `arn:${i.partition}:glue:${i.region}:${i.accountId}:catalog`,
      `arn:${i.partition}:glue:${i.region}:${i.accountId}:database/*`,
    ],
    skip: (i) => !i.config.dataMesh?.consumers,
  },
  {
    // `doctor` simulates the caller's own policies. IAM cannot name "the caller" in a Resource for
    // a role session (no policy variable holds its role ARN there), so: the principals of the account.
    sid: 'SimulateOwnPolicies',
    read: ['iam:SimulatePrincipalPolicy'],
    write: [],
    resources: (i) => [
      `arn:${i.partition}:iam::${i.accountId}:role/*`,
      `arn:${i.partition}:iam::${i.accountId}:user/*`,
    ],
  },
  {
    // Every write that changes what a role may do requires the role to carry its boundary;
    // CreateRole and PutRolePermissionsBoundary name it in the request. Only the file's roles, by name:
    // the team roles with the team roles' boundary, the ACS and presign roles with the ACS's (a team
    // role can never be given the ACS's boundary, which allows presigning).
    sid: 'BoundedRoleWrites',
    read: [],
    write: BOUNDED_ROLE_WRITES,
    resources: teamToolRoles,
    condition: bounded,
    skip: (i) => teamToolRoles(i).length === 0,
  },
  {
    sid: 'BoundedAcsRoleWrites',
    read: [],
    write: BOUNDED_ROLE_WRITES,
    resources: acsToolRoles,
    condition: acsBounded,
    skip: (i) => acsToolRoles(i).length === 0,
  },
  {
    // A team gone from the file (--prune) leaves a role the file no longer names: removal only, of a
    // role that carries the boundary (the account role never does, and is denied below).
    sid: 'RemoveBoundedRoles',
    read: [],
    write: ['iam:DeleteRolePolicy', 'iam:DetachRolePolicy', 'iam:DeleteRole'],
    resources: removableRoles,
    condition: bounded,
    skip: (i) => i.acs === 'only',
  },
  {
    // Without acs:, an ACS the tool deployed earlier under any function name is removed: its role
    // `<function>-role` is read and deleted only when it carries the tool's tag (and the boundary).
    sid: 'RetiredAcsRoleReads',
    read: ['iam:GetRole', 'iam:ListRoleTags', 'iam:ListRolePolicies'],
    write: [],
    resources: (i) => [`arn:${i.partition}:iam::${i.accountId}:role/*-role`],
    condition: () => ({ StringEquals: { [`aws:ResourceTag/${TAG_MANAGED}`]: 'true' } }),
    skip: (i) => !!i.config.acs || i.acs === 'elsewhere',
  },
  {
    sid: 'RetiredAcsRoleRemoval',
    read: [],
    write: ['iam:DeleteRolePolicy', 'iam:DeleteRole'],
    resources: (i) => [`arn:${i.partition}:iam::${i.accountId}:role/*-role`],
    // An ACS deployed before the boundaries were split carries the team roles' one.
    condition: (i) => ({
      StringEquals: {
        'iam:PermissionsBoundary': [boundary(i), acsBoundary(i)],
        [`aws:ResourceTag/${TAG_MANAGED}`]: 'true',
      },
    }),
    skip: (i) => !!i.config.acs || i.acs === 'elsewhere',
  },
  {
    sid: 'AttachFileManagedPolicies',
    read: [],
    write: ['iam:AttachRolePolicy'],
    resources: teamToolRoles,
    condition: (i) => ({ ...bounded(i), ArnEquals: { 'iam:PolicyARN': managedPolicies(i) } }),
    skip: (i) => managedPolicies(i).length === 0 || teamToolRoles(i).length === 0,
  },
  { sid: 'TagToolRoles', read: [], write: ['iam:TagRole'], resources: toolRoles },
  {
    sid: 'PassTeamRolesToSageMaker',
    read: [],
    write: ['iam:PassRole'],
    resources: (i) => [...new Set([...toolRoles(i).filter((r) => !isAcsOrPresign(i, r)), ...givenRoles(i)])],
    condition: () => ({ StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } }),
    skip: (i) => toolRoles(i).filter((r) => !isAcsOrPresign(i, r)).length + givenRoles(i).length === 0,
  },
  {
    sid: 'PassAcsRoleToLambda',
    read: [],
    write: ['iam:PassRole'],
    resources: (i) => [`arn:${i.partition}:iam::${i.accountId}:role/${acsRoleName(functionName(i))}`],
    condition: () => ({ StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } }),
    skip: (i) => !i.config.acs,
  },
  {
    // Reads, and the creation of a missing boundary (a fresh account). Changing or deleting one is
    // denied below: only `setup` (setupPolicy) does that.
    sid: 'BoundaryPolicy',
    read: ['iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:ListPolicyVersions'],
    write: ['iam:CreatePolicy', 'iam:TagPolicy'],
    resources: boundaries,
  },
  {
    sid: 'AcsFunction',
    read: ['lambda:GetFunction', 'lambda:GetFunctionUrlConfig', 'lambda:GetPolicy'],
    write: [
      'lambda:CreateFunction',
      'lambda:UpdateFunctionCode',
      'lambda:PutFunctionConcurrency',
      'lambda:TagResource',
      'lambda:CreateFunctionUrlConfig',
      'lambda:AddPermission',
      'lambda:RemovePermission',
      'lambda:DeleteFunctionUrlConfig',
      'lambda:DeleteFunction',
    ],
    resources: (i) => [`arn:${i.partition}:lambda:${i.region}:${i.accountId}:function:${functionName(i)}`],
    skip: (i) => !i.config.acs,
  },
  {
    sid: 'AcsTable',
    read: [
      'dynamodb:DescribeTable',
      'dynamodb:DescribeTimeToLive',
      'dynamodb:BatchGetItem',
      'dynamodb:ListTagsOfResource',
    ],
    write: [
      'dynamodb:CreateTable',
      'dynamodb:TagResource',
      'dynamodb:UpdateTimeToLive',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteTable',
    ],
    resources: (i) => [
      `arn:${i.partition}:dynamodb:${i.region}:${i.accountId}:table/${acsTableName(functionName(i))}`,
    ],
    skip: (i) => !i.config.acs,
  },
  {
    // Without acs:, only what removing an ACS the tool deployed earlier needs (acs-removal.ts): read
    // it, remove its URL, public permissions and function — only a function carrying the tool's tag
    // (its name is not in the file). No create, update, permission-adding or tagging action.
    sid: 'RetiredAcsFunction',
    read: ['lambda:GetFunction', 'lambda:GetFunctionUrlConfig', 'lambda:GetPolicy'],
    write: ['lambda:DeleteFunctionUrlConfig', 'lambda:RemovePermission', 'lambda:DeleteFunction'],
    resources: (i) => [`arn:${i.partition}:lambda:${i.region}:${i.accountId}:function:*`],
    condition: () => ({ StringEquals: { [`aws:ResourceTag/${TAG_MANAGED}`]: 'true' } }),
    skip: (i) => !!i.config.acs,
  },
  {
    // Its login table `<function>-state` (deleted only with --prune --force), carrying the tool's tag.
    sid: 'RetiredAcsTable',
    read: ['dynamodb:DescribeTable', 'dynamodb:ListTagsOfResource'],
    write: ['dynamodb:DeleteTable'],
    resources: (i) => [`arn:${i.partition}:dynamodb:${i.region}:${i.accountId}:table/*-state`],
    condition: () => ({ StringEquals: { [`aws:ResourceTag/${TAG_MANAGED}`]: 'true' } }),
    skip: (i) => !!i.config.acs,
  },
]

/** The buckets of the file's team workspaces (default: SageMaker's default bucket of the region). */
function workspaceBuckets(i: Inputs): string[] {
  return Object.keys(i.config.teams ?? {})
    .map((t) => teamWorkspace(i.config, t, i)?.bucket)
    .filter((b): b is string => !!b)
    .sort()
    .map((b) => `arn:${i.partition}:s3:::${b}`)
}

export function operatorPolicy(
  input: OperatorPolicyInput,
  purpose: 'apply' | 'plan' = 'apply',
): PolicyDocument {
  const i: Inputs = {
    partition: 'aws',
    ...input,
    instanceArn:
      input.instanceArn ||
      input.config.identityCenter?.instanceArn ||
      `arn:${input.partition ?? 'aws'}:sso:::instance/*`,
    identityStoreId: input.identityStoreId || input.config.identityCenter?.identityStoreId || '*',
  }
  const statements: PolicyStatement[] = []
  for (const g of [UNSCOPED, ...SCOPED]) {
    if (g.skip?.(i)) continue
    if (i.acs === 'elsewhere' && ACS_GRANTS.has(g.sid)) continue
    if (i.acs === 'only' && !ACS_ONLY_GRANTS.has(g.sid)) continue
    if (i.identityCenter === false && IDENTITY_CENTER_GRANTS.has(g.sid)) continue
    const actions = (purpose === 'plan' ? g.read : [...g.read, ...g.write]).filter(
      (a) =>
        g !== UNSCOPED ||
        ((i.acs === 'only'
          ? ACS_ONLY_UNSCOPED.includes(a)
          : i.acs !== 'elsewhere' || !ACS_UNSCOPED.includes(a)) &&
          (i.identityCenter !== false || !IDENTITY_CENTER_UNSCOPED.includes(a))),
    )
    if (actions.length === 0) continue
    const resources = g.resources(i, purpose)
    const condition = g.condition?.(i)
    statements.push({
      Sid: g.sid,
      Effect: 'Allow',
      Action: actions,
      Resource: resources.length === 1 ? resources[0] : resources,
      ...(condition ? { Condition: condition } : {}),
    })
  }
  if (purpose === 'apply') {
    const keep = toolRoles(i)
    if (keep.length)
      statements.push({
        Sid: 'KeepBoundary',
        Effect: 'Deny',
        Action: 'iam:DeleteRolePermissionsBoundary',
        Resource: keep.length === 1 ? keep[0] : keep,
      })
    // The boundaries are the one-time set-up's (`sagemaker-teams setup`): whoever holds the routine
    // apply policy cannot rewrite what bounds the roles it creates.
    statements.push({
      Sid: 'BoundariesOnlyBySetup',
      Effect: 'Deny',
      Action: BOUNDARY_CHANGES,
      Resource: [boundary(i), acsBoundary(i)],
    })
    // The role the tool runs as in an account (default sagemaker-teams-admin) is never the tool's to
    // change, even though its name looks like the tool's roles.
    statements.push({
      Sid: 'NeverTheAccountRole',
      Effect: 'Deny',
      Action: ACCOUNT_ROLE_WRITES,
      Resource: `arn:${i.partition}:iam::${i.accountId}:role/${i.accountRoleName ?? DEFAULT_ACCOUNT_ROLE}`,
    })
  }
  return { Version: '2012-10-17', Statement: statements }
}

/** What changes a managed policy's document or removes it (denied to apply; setup's). */
export const BOUNDARY_CHANGES = [
  'iam:CreatePolicyVersion',
  'iam:DeletePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:DeletePolicy',
]

/** Every IAM action that changes a role or what it may do (`*RolePolicy` also covers GetRolePolicy: never needed on it). */
const ACCOUNT_ROLE_WRITES = [
  'iam:CreateRole',
  'iam:DeleteRole',
  'iam:UpdateRole',
  'iam:*RolePolicy',
  'iam:*RolePermissionsBoundary',
  'iam:TagRole',
  'iam:UntagRole',
  'iam:PassRole',
]

/** Every action the policy can grant (for tests and `doctor`). */
export function allOperatorActions(purpose: 'apply' | 'plan' = 'apply'): string[] {
  return [
    ...new Set([UNSCOPED, ...SCOPED].flatMap((g) => (purpose === 'plan' ? g.read : [...g.read, ...g.write]))),
  ]
}

/**
 * What `sagemaker-teams setup` needs in an account: read, create and re-version the boundary
 * policies there (and, from the CLI's own account, assume the role it writes another account's
 * with). Nothing else: the routine apply policy is denied exactly these writes.
 */
export function setupPolicy(boundaryArns: string[], assumeRoles: string[] = []): PolicyDocument {
  const statements: PolicyStatement[] = [
    { Sid: 'WhoAmI', Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' },
  ]
  if (boundaryArns.length)
    statements.push({
      Sid: 'WriteBoundaries',
      Effect: 'Allow',
      Action: [
        'iam:GetPolicy',
        'iam:GetPolicyVersion',
        'iam:ListPolicyVersions',
        'iam:CreatePolicy',
        'iam:TagPolicy',
        'iam:CreatePolicyVersion',
        'iam:DeletePolicyVersion',
      ],
      Resource: boundaryArns.length === 1 ? boundaryArns[0] : [...boundaryArns].sort(),
    })
  if (assumeRoles.length)
    statements.push({
      Sid: 'AssumeSetupRoles',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: assumeRoles.length === 1 ? assumeRoles[0] : [...assumeRoles].sort(),
    })
  return { Version: '2012-10-17', Statement: statements }
}
