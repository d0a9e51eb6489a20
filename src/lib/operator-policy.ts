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
 * List and Read access levels.
 *
 * Derived: the actions are what the kinds declare (KindDefinition.iamActions) and what the tool
 * calls around them (TOOL_NEEDS), each on a class of resource; SCOPING, one row per class, gives each
 * statement's Sid, resources and condition. Tests check every statement against the reference,
 * derive the actions from the code's AWS calls, and evaluate the policy (test/ops/policy.test.ts,
 * test/policies).
 */

import { acsTableName } from './acs/status.js'
import { DEFAULT_ACCOUNT_ROLE, type TeamsFile } from './config/types.js'
import { LOCK_TABLE } from './engine/lock.js'
import { actionsOf, type IamNeed, type IamResourceClass } from './kinds/iam.js'
import { KIND_DEFINITIONS } from './kinds/registry.js'
import { acsRoleName, PRESIGN_ROLE_NAME } from './model/acs-names.js'
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
import { KINDS, type PolicyDocument, type PolicyStatement } from './plan/types.js'

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

/**
 * What the tool calls around the kinds (each kind declares its own: KindDefinition.iamActions):
 * discovery, identity resolution, the apply lock, the refresh point, the access review, `doctor`,
 * and the ACS's login records read by `status` and the access report and written by `acs serve`.
 */
const TOOL_NEEDS: readonly IamNeed[] = [
  // engine/discovery.ts, doctor.ts
  { on: 'unscoped-caller', access: 'read', actions: ['sts:GetCallerIdentity'] },
  { on: 'unscoped-identity-center', access: 'read', actions: ['sso:ListInstances'] },
  { on: 'domain-profiles', access: 'read', actions: ['sagemaker:DescribeDomain'] },
  // engine/identities.ts
  {
    on: 'identity-store',
    access: 'read',
    actions: [
      'identitystore:DescribeGroup',
      'identitystore:DescribeUser',
      'identitystore:GetGroupId',
      'identitystore:GetUserId',
      'identitystore:ListGroupMemberships',
      'identitystore:ListGroups',
      'identitystore:ListUsers',
    ],
  },
  // engine/lock.ts: plan reads the lock, apply and acs deploy take it.
  { on: 'apply-lock', access: 'read', actions: ['dynamodb:DescribeTable', 'dynamodb:GetItem'] },
  {
    on: 'apply-lock',
    access: 'write',
    actions: [
      'dynamodb:CreateTable',
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
      'dynamodb:TagResource',
      'dynamodb:UpdateItem',
    ],
  },
  // refresh/point-store.ts, refresh/events.ts (--refresh events): only apply writes the refresh point;
  // the event history has no resource-level permissions.
  {
    on: 'refresh-point',
    access: 'read',
    actions: ['dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:ListTagsOfResource'],
  },
  {
    on: 'refresh-point',
    access: 'write',
    actions: ['dynamodb:CreateTable', 'dynamodb:PutItem', 'dynamodb:TagResource'],
  },
  { on: 'unscoped', access: 'read', actions: ['cloudtrail:LookupEvents'] },
  // plan's access review and `access report` evaluate team roles with IAM's own simulator
  // (policies/simulate-aws.ts: it takes the documents in the request and reads nothing), with the
  // managed policies attached to them (policies/access-matrix.ts).
  { on: 'unscoped', access: 'read', actions: ['iam:SimulateCustomPolicy'] },
  { on: 'managed-policies', access: 'read', actions: ['iam:GetPolicy', 'iam:GetPolicyVersion'] },
  // doctor.ts: the data lake's settings, and the caller's own policies simulated.
  { on: 'unscoped', access: 'read', actions: ['lakeformation:GetDataLakeSettings'] },
  { on: 'own-policies', access: 'read', actions: ['iam:SimulatePrincipalPolicy'] },
  // The ACS's login records: `status` and the access report read them (acs/status.ts,
  // report/logins.ts), `acs serve` writes them with the CLI's credentials (acs/stores.ts).
  { on: 'acs-table', access: 'read', actions: ['dynamodb:BatchGetItem'] },
  { on: 'acs-table', access: 'write', actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'] },
]

/** Every IAM need of the tool: its own and each kind's. */
export function iamNeeds(): IamNeed[] {
  return [...TOOL_NEEDS, ...KINDS.flatMap((k) => KIND_DEFINITIONS[k].iamActions)]
}

/** How the operator policy scopes one class of resource: one statement (the unscoped classes share one). */
interface Scoping {
  sid: string
  resources: (i: Inputs) => string[]
  condition?: (i: Inputs) => PolicyStatement['Condition'] | undefined
  /** Statement left out (e.g. no ACS in the file, no managed policies to attach). */
  skip?: (i: Inputs) => boolean
  /** The ACS's: left out where the ACS is `elsewhere`. */
  acs?: true
  /** Kept in an account that holds only the ACS (`only`); everything else is left out there. */
  acsOnly?: true
  /** IAM Identity Center's: left out of an account role's document (`identityCenter: false`). */
  identityCenter?: true
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
const domainIds = (i: Inputs) => (i.domainIds?.length ? i.domainIds : [primaryDomainId(i.config)])

/** Actions with no resource type in the Service Authorization Reference: only `"*"` names them. */
const unscoped: Scoping = { sid: 'NoResourceTypes', resources: () => ['*'] }

/**
 * The one table of the operator policy's resources and conditions, in the order of its statements:
 * every class of resource a kind or the tool may declare an action on (exhaustive: a new class does
 * not compile without its row).
 */
const SCOPING: { readonly [C in IamResourceClass]: Scoping } = {
  unscoped,
  'unscoped-caller': { ...unscoped, acsOnly: true },
  'unscoped-identity-center': { ...unscoped, identityCenter: true },
  'unscoped-acs': { ...unscoped, acs: true },
  'identity-center-applications': {
    sid: 'IdentityCenterApplications',
    resources: (i) => [i.instanceArn, applications(i)],
    identityCenter: true,
  },
  'new-team-applications': {
    // A new application carries the tool's team tag from its creation.
    sid: 'CreateTeamApplications',
    resources: (i) => [
      i.instanceArn,
      applications(i),
      `arn:${i.partition}:sso::aws:applicationProvider/custom-saml`,
    ],
    condition: () => ({ Null: { [`aws:RequestTag/${TAG_TEAM}`]: 'false' } }),
    identityCenter: true,
  },
  'adopted-applications': {
    // Adopting a console-created application (application.ts): its first write is this tag, only this tag.
    sid: 'TagTeamApplications',
    resources: (i) => [applications(i)],
    condition: () => ({ 'ForAllValues:StringEquals': { 'aws:TagKeys': [TAG_TEAM] } }),
    identityCenter: true,
  },
  'team-applications': {
    // Every other write only on an application that carries the tool's team tag: never another application.
    sid: 'TeamApplicationWrites',
    resources: (i) => [applications(i)],
    condition: () => ({ Null: { [`aws:ResourceTag/${TAG_TEAM}`]: 'false' } }),
    identityCenter: true,
  },
  'identity-store': {
    sid: 'IdentityStoreReads',
    resources: (i) => [
      `arn:${i.partition}:identitystore::${i.accountId}:identitystore/${i.identityStoreId}`,
      `arn:${i.partition}:identitystore:::user/*`,
      `arn:${i.partition}:identitystore:::group/*`,
      `arn:${i.partition}:identitystore:::membership/*`,
    ],
    identityCenter: true,
  },
  'domain-profiles': {
    // No CreatePresignedDomainUrl: only the ACS signs in (its own role; `acs serve` your credentials).
    sid: 'SageMakerDomainProfiles',
    resources: (i) => {
      const sm = `arn:${i.partition}:sagemaker:${i.region}:${i.accountId}`
      // Every domain of the file (one, unless accounts:/domains: name several in this account).
      return domainIds(i).flatMap((d) => [
        `${sm}:domain/${d}`,
        `${sm}:user-profile/${d}/*`,
        `${sm}:app/${d}/*`,
        `${sm}:space/${d}/*`,
      ])
    },
  },
  'new-team-profiles': {
    // A profile is created only carrying the tool's team tag.
    sid: 'CreateTeamProfiles',
    resources: (i) =>
      domainIds(i).map((d) => `arn:${i.partition}:sagemaker:${i.region}:${i.accountId}:user-profile/${d}/*`),
    condition: () => ({ Null: { [`aws:RequestTag/${TAG_TEAM}`]: 'false' } }),
  },
  'managed-policies': {
    sid: 'ManagedPolicyReads',
    resources: (i) => [
      `arn:${i.partition}:iam::aws:policy/*`,
      `arn:${i.partition}:iam::${i.accountId}:policy/*`,
    ],
  },
  'team-workgroups': {
    // Team workspaces (workgroup.ts): the workgroups sagemaker-teams-<team>; the bucket is only looked at.
    sid: 'TeamWorkgroups',
    resources: (i) => [`arn:${i.partition}:athena:${i.region}:${i.accountId}:workgroup/sagemaker-teams-*`],
  },
  'workspace-buckets': {
    // HeadBucket is authorised as s3:ListBucket.
    sid: 'WorkspaceBuckets',
    resources: (i) => [...new Set(workspaceBuckets(i))],
    skip: (i) => workspaceBuckets(i).length === 0, // no team has a workspace
  },
  'refresh-point': {
    sid: 'RefreshPoint',
    resources: (i) => [`arn:${i.partition}:dynamodb:${i.region}:${i.accountId}:table/${REFRESH_TABLE}`],
  },
  'apply-lock': {
    sid: 'ApplyLock',
    resources: (i) => [`arn:${i.partition}:dynamodb:${i.region}:${i.accountId}:table/${LOCK_TABLE}`],
    acsOnly: true,
  },
  'tool-roles': {
    // Reads also reach roles of teams gone from the file (to remove them), by their name pattern.
    sid: 'RoleReads',
    resources: (i) => [
      ...new Set([...(i.acs === 'only' ? [] : removableRoles(i)), ...toolRoles(i), ...givenRoles(i)]),
    ],
    acsOnly: true,
  },
  'data-mesh-grants': {
    // Data mesh: grants to consumer accounts and on resource links. Lake Formation has no
    // resource-level IAM permissions for these.
    sid: 'DataMeshGrants',
    resources: () => ['*'],
    skip: (i) => !i.config.dataMesh,
  },
  'data-mesh-links': {
    // Data mesh, consumer accounts: the links, by the names the file declares; the catalog's
    // databases are listed to find them.
    sid: 'DataMeshResourceLinks',
    resources: (i) => [
      `arn:${i.partition}:glue:${i.region}:${i.accountId}:catalog`,
      `arn:${i.partition}:glue:${i.region}:${i.accountId}:database/*`,
    ],
    skip: (i) => !i.config.dataMesh?.consumers,
  },
  'own-policies': {
    // `doctor` simulates the caller's own policies. IAM cannot name "the caller" in a Resource for
    // a role session (no policy variable holds its role ARN there), so: the principals of the account.
    sid: 'SimulateOwnPolicies',
    resources: (i) => [
      `arn:${i.partition}:iam::${i.accountId}:role/*`,
      `arn:${i.partition}:iam::${i.accountId}:user/*`,
    ],
    acsOnly: true,
  },
  'bounded-team-roles': {
    // Every write that changes what a role may do requires the role to carry its boundary;
    // CreateRole and PutRolePermissionsBoundary name it in the request. Only the file's roles, by name:
    // the team roles with the team roles' boundary, the ACS and presign roles with the ACS's (a team
    // role can never be given the ACS's boundary, which allows presigning).
    sid: 'BoundedRoleWrites',
    resources: teamToolRoles,
    condition: bounded,
    skip: (i) => teamToolRoles(i).length === 0,
    acsOnly: true,
  },
  'bounded-acs-roles': {
    sid: 'BoundedAcsRoleWrites',
    resources: acsToolRoles,
    condition: acsBounded,
    skip: (i) => acsToolRoles(i).length === 0,
    acsOnly: true,
  },
  'removable-team-roles': {
    // A team gone from the file (--prune) leaves a role the file no longer names: removal only, of a
    // role that carries the boundary (the account role never does, and is denied below).
    sid: 'RemoveBoundedRoles',
    resources: removableRoles,
    condition: bounded,
  },
  'retired-acs-role': {
    // Without acs:, an ACS the tool deployed earlier under any function name is removed: its role
    // `<function>-role` is read and deleted only when it carries the tool's tag (and the boundary).
    sid: 'RetiredAcsRoleReads',
    resources: (i) => [`arn:${i.partition}:iam::${i.accountId}:role/*-role`],
    condition: () => ({ StringEquals: { [`aws:ResourceTag/${TAG_MANAGED}`]: 'true' } }),
    skip: (i) => !!i.config.acs || i.acs === 'elsewhere',
  },
  'retired-acs-role-removal': {
    sid: 'RetiredAcsRoleRemoval',
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
  'file-managed-policies': {
    sid: 'AttachFileManagedPolicies',
    resources: teamToolRoles,
    condition: (i) => ({ ...bounded(i), ArnEquals: { 'iam:PolicyARN': managedPolicies(i) } }),
    skip: (i) => managedPolicies(i).length === 0 || teamToolRoles(i).length === 0,
  },
  'tool-role-tags': { sid: 'TagToolRoles', resources: toolRoles, acsOnly: true },
  'team-roles-to-sagemaker': {
    sid: 'PassTeamRolesToSageMaker',
    resources: (i) => [...new Set([...teamToolRoles(i), ...givenRoles(i)])],
    condition: () => ({ StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } }),
    skip: (i) => teamToolRoles(i).length + givenRoles(i).length === 0,
  },
  'acs-role-to-lambda': {
    sid: 'PassAcsRoleToLambda',
    resources: (i) => [`arn:${i.partition}:iam::${i.accountId}:role/${acsRoleName(functionName(i))}`],
    condition: () => ({ StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } }),
    skip: (i) => !i.config.acs,
    acs: true,
    acsOnly: true,
  },
  boundaries: {
    // Reads, and the creation of a missing boundary (a fresh account). Changing or deleting one is
    // denied below: only `setup` (setupPolicy) does that.
    sid: 'BoundaryPolicy',
    resources: boundaries,
    acsOnly: true,
  },
  'boundary-versions': { sid: 'BoundaryVersions', resources: boundaries, skip: () => true },
  'acs-function': {
    sid: 'AcsFunction',
    resources: (i) => [`arn:${i.partition}:lambda:${i.region}:${i.accountId}:function:${functionName(i)}`],
    skip: (i) => !i.config.acs,
    acs: true,
    acsOnly: true,
  },
  'acs-table': {
    sid: 'AcsTable',
    resources: (i) => [
      `arn:${i.partition}:dynamodb:${i.region}:${i.accountId}:table/${acsTableName(functionName(i))}`,
    ],
    skip: (i) => !i.config.acs,
    acs: true,
    acsOnly: true,
  },
  'retired-acs-function': {
    // Without acs:, only what removing an ACS the tool deployed earlier needs (acs-removal.ts): read
    // it, remove its URL, public permissions and function — only a function carrying the tool's tag
    // (its name is not in the file). No create, update, permission-adding or tagging action.
    sid: 'RetiredAcsFunction',
    resources: (i) => [`arn:${i.partition}:lambda:${i.region}:${i.accountId}:function:*`],
    condition: () => ({ StringEquals: { [`aws:ResourceTag/${TAG_MANAGED}`]: 'true' } }),
    skip: (i) => !!i.config.acs,
    acs: true,
    acsOnly: true,
  },
  'retired-acs-table': {
    // Its login table `<function>-state` (deleted only with --prune --force), carrying the tool's tag.
    sid: 'RetiredAcsTable',
    resources: (i) => [`arn:${i.partition}:dynamodb:${i.region}:${i.accountId}:table/*-state`],
    condition: () => ({ StringEquals: { [`aws:ResourceTag/${TAG_MANAGED}`]: 'true' } }),
    skip: (i) => !!i.config.acs,
    acs: true,
    acsOnly: true,
  },
}
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
  const needs = iamNeeds().filter((n) => purpose === 'apply' || n.access === 'read')
  const statements: PolicyStatement[] = []
  for (const [on, scoping] of Object.entries(SCOPING) as [IamResourceClass, Scoping][]) {
    if (scoping.skip?.(i)) continue
    if (i.acs === 'elsewhere' && scoping.acs) continue
    if (i.acs === 'only' && !scoping.acsOnly) continue
    if (i.identityCenter === false && scoping.identityCenter) continue
    const actions = statementActions(needs.filter((n) => n.on === on))
    if (actions.length === 0) continue
    // The unscoped classes share one statement.
    const same = statements.find((st) => st.Sid === scoping.sid)
    if (same) {
      same.Action = statementActions([
        { on, access: 'read', actions: [[same.Action ?? []].flat(), actions].flat() },
      ])
      continue
    }
    const resources = scoping.resources(i)
    const condition = scoping.condition?.(i)
    statements.push({
      Sid: scoping.sid,
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

/** A statement's actions: each once, sorted (reads and writes alike: the Sid says what it is for). */
function statementActions(needs: readonly IamNeed[]): string[] {
  return actionsOf(needs).sort()
}

/** Every action the policy can grant (for tests and `doctor`). */
export function allOperatorActions(purpose: 'apply' | 'plan' = 'apply'): string[] {
  return actionsOf(
    iamNeeds().filter((n) => n.on !== 'boundary-versions'),
    purpose === 'plan' ? 'read' : undefined,
  )
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
      // What the boundary kind declares on the boundaries: reads, creation and new versions.
      Action: statementActions(
        iamNeeds().filter((n) => n.on === 'boundaries' || n.on === 'boundary-versions'),
      ),
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
