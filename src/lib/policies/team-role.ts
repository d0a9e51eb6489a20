/**
 * The team execution role's policies, generated from one typed module. They follow the seed
 * solution's model (a read-only Studio baseline, ABAC developer access on the `Team` tag, and
 * explicit denies), and are proven by evaluation, not by their text: test/policies/team-matrix.test.ts
 * evaluates them with an IAM engine over the scenarios of team-matrix.ts (own team's work allowed,
 * another team's denied, guardrails holding with `Allow *:*` attached), and
 * test/policies/policy-validity.test.ts checks every action, condition key and Resource against
 * AWS's Service Authorization Reference.
 *
 * Studio apps and spaces are bound to the team's own user profiles through the resource ARN (profile
 * apps: `app/<domain>/<team>-…/…`) and `sagemaker:OwnerUserProfileArn` (space apps and spaces); jobs,
 * models and other resources through the `Team` tag (ABAC).
 */
import { ABAC_TAG } from '../model/names.js'
import type { TeamWorkspace } from '../model/workspace.js'
import type { PolicyDocument, PolicyStatement } from '../plan/types.js'
import { type TeamLink, withMeshCatalog } from './data-mesh.js'

const OWN_TEAM = `\${aws:PrincipalTag/${ABAC_TAG}}`
const OWNER_KEY = 'sagemaker:OwnerUserProfileArn'
/** Names of the roles and policies the tool creates start with this. */
const TOOL_PREFIX = 'sagemaker-teams-'
/** The tool's own tag keys (names.ts RESERVED_TAG_PREFIXES). */
const TOOL_TAG_PREFIX = 'sagemaker-teams:'
/** The ARNs of the team's user profiles: `{teamId}-…` (names.ts profileName). */
const ownProfiles = (t: TeamRoleInput) =>
  `arn:${t.partition}:sagemaker:${t.region}:${t.accountId}:user-profile/${t.domainId}/${t.teamId}-*`

/** Pulling Studio and job images; shared with the permissions boundary (policies/boundary.ts). */
export const CONTAINER_IMAGE_ACTIONS = [
  'ecr:GetAuthorizationToken',
  'ecr:BatchGetImage',
  'ecr:GetDownloadUrlForLayer',
  'ecr:BatchCheckLayerAvailability',
] as const

/** VPC look-ups Studio and jobs make; shared with the permissions boundary. */
export const NETWORK_READ_ACTIONS = [
  'ec2:DescribeVpcs',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeVpcEndpoints',
  'ec2:DescribeDhcpOptions',
] as const

/**
 * The log streams SageMaker writes for the team's own work (AWS's "Log groups and streams that Amazon
 * SageMaker AI sends to Amazon CloudWatch Logs"): `/aws/sagemaker/TrainingJobs` stream
 * `[training-job-name]/algo-[n]-[epoch]`, `/aws/sagemaker/ProcessingJobs` stream
 * `[processing-job-name]/[hostname]-[epoch]`, `/aws/sagemaker/TransformJobs` stream
 * `[transform-job-name]/[instance-id]-[epoch]`, `/aws/sagemaker/Endpoints/[EndpointName]` (every stream:
 * `[variant]/[instance-id]`), `/aws/sagemaker/InferenceComponents/[InferenceComponentName]`, and
 * `/aws/sagemaker/studio` stream `[domain-id]/[user-profile-or-space-name]/[app-type]/[app-name]`.
 * Streams are not taggable, so the team is its name prefix: `<team>-` (its profiles are named so;
 * jobs, endpoints and spaces must be too for the team to read their logs).
 */
export function teamLogStreams(t: TeamRoleInput): string[] {
  const lg = `arn:${t.partition}:logs:${t.region}:${t.accountId}:log-group:/aws/sagemaker`
  // `*Jobs` is TrainingJobs, ProcessingJobs, TransformJobs (and the other job groups); `*/<team>-*` the
  // team's endpoint and inference component groups. A stream name holds no `:`, so no `*` here
  // reaches past `:log-stream:` into another group.
  return [
    `${lg}/*Jobs:log-stream:${t.teamId}-*`,
    `${lg}/*/${t.teamId}-*:log-stream:*`,
    `${lg}/studio:log-stream:${t.domainId}/${t.teamId}-*`,
  ]
}

/**
 * The log groups the role may create and list (SageMaker creates a job's or endpoint's group as its
 * role): every SageMaker group. Listing shows stream names (job and endpoint names, which the
 * Describe and List actions show too), never events; a group holds nothing until a stream is written.
 */
export function teamLogGroups(t: TeamRoleInput): string[] {
  return [`arn:${t.partition}:logs:${t.region}:${t.accountId}:log-group:/aws/sagemaker/*`]
}

/** Studio's and jobs' own log groups; shared with the permissions boundary. */
export const STUDIO_LOG_ACTIONS = [
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'logs:DescribeLogStreams',
  'logs:GetLogEvents',
] as const

export interface TeamRoleInput {
  teamId: string
  roleArn: string
  partition: string
  region: string
  accountId: string
  domainId: string
  /** The team's S3 prefix and Athena workgroup, when the file gives the team a workspace. */
  workspace?: TeamWorkspace
  /** Data mesh: the resource links the team queries through (policies/data-mesh.ts scopes its catalog reads). */
  dataMesh?: { links: TeamLink[] }
}

export function trustPolicy(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  }
}

/** Read-only access a Studio notebook needs, Studio apps and spaces of the team's own profiles. */
export function baselinePolicy(t: TeamRoleInput): PolicyDocument {
  const sm = `arn:${t.partition}:sagemaker:${t.region}:${t.accountId}`
  const d = t.domainId
  return withMeshCatalog(t, {
    Version: '2012-10-17',
    Statement: [
      {
        // Not sagemaker:Get*/BatchGet*: they include GetRecord/BatchGetRecord, which read feature-store
        // data (see OwnTeamRecords), not metadata.
        Sid: 'StudioReadOnly',
        Effect: 'Allow',
        Action: [
          'sagemaker:Describe*',
          'sagemaker:List*',
          'sagemaker:Search',
          'sagemaker:BatchDescribe*',
          'sagemaker:BatchGetMetrics',
          'sagemaker:GetSearchSuggestions',
          'sagemaker:GetModelPackageGroupPolicy',
          'sagemaker:GetLineageGroupPolicy',
          'sagemaker:QueryLineage',
        ],
        Resource: '*',
      },
      {
        // Apps and spaces are bound to the team's profiles by what IAM sees for these actions (the
        // reference lists sagemaker:OwnerUserProfileArn for them), not by a request tag Studio may not send.
        Sid: 'OwnTeamSpaces',
        Effect: 'Allow',
        Action: [
          'sagemaker:CreateApp',
          'sagemaker:DeleteApp',
          'sagemaker:CreateSpace',
          'sagemaker:UpdateSpace',
          'sagemaker:DeleteSpace',
        ],
        Resource: [`${sm}:app/${d}/*`, `${sm}:space/${d}/*`],
        Condition: { ArnLike: { [OWNER_KEY]: ownProfiles(t) } },
      },
      {
        // Apps of a user profile itself (Studio Classic): the ARN holds the profile name, `<team>-…`.
        Sid: 'OwnTeamProfileApps',
        Effect: 'Allow',
        Action: ['sagemaker:CreateApp', 'sagemaker:DeleteApp'],
        Resource: `${sm}:app/${d}/${t.teamId}-*/*`,
        Condition: { Null: { [OWNER_KEY]: 'true' } },
      },
      {
        Sid: 'OwnTeamRecords',
        Effect: 'Allow',
        Action: [
          'sagemaker:GetRecord',
          'sagemaker:BatchGetRecord',
          'sagemaker:PutRecord',
          'sagemaker:DeleteRecord',
        ],
        Resource: '*', // these actions act on feature groups only
        Condition: { StringEquals: { [`sagemaker:ResourceTag/${ABAC_TAG}`]: OWN_TEAM } },
      },
      {
        Sid: 'StudioSupport',
        Effect: 'Allow',
        Action: [...CONTAINER_IMAGE_ACTIONS, 'cloudwatch:PutMetricData', ...NETWORK_READ_ACTIONS],
        Resource: '*',
      },
      {
        // Events only in the team's own log streams, as SageMaker names them (see teamLogStreams).
        Sid: 'OwnLogStreams',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:GetLogEvents'],
        Resource: teamLogStreams(t),
      },
      {
        // Not in OwnLogStreams: `/aws/sagemaker/*` matches every stream ARN too.
        Sid: 'LogGroups',
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:DescribeLogStreams'],
        Resource: teamLogGroups(t),
      },
      {
        // Lake Formation decides which tables and data the role sees; these only open the door.
        Sid: 'CatalogReadForLakeFormation',
        Effect: 'Allow',
        Action: [
          'lakeformation:GetDataAccess',
          'glue:GetDatabase',
          'glue:GetDatabases',
          'glue:GetTable',
          'glue:GetTables',
          'glue:GetPartition',
          'glue:GetPartitions',
          'glue:SearchTables',
        ],
        Resource: '*',
      },
    ],
  })
}

/** Attribute-based developer access: create only with the team's tag, change only the team's resources. */
export function developerPolicy(t: TeamRoleInput): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'CreateWithOwnTeamTag',
        Effect: 'Allow',
        Action: ['sagemaker:Create*'],
        Resource: '*',
        Condition: {
          StringEquals: { [`aws:RequestTag/${ABAC_TAG}`]: OWN_TEAM },
          'ForAllValues:StringNotLike': { 'aws:TagKeys': [`${TOOL_TAG_PREFIX}*`] },
        },
      },
      {
        // SageMaker authorises tags passed at creation as sagemaker:AddTags with
        // sagemaker:TaggingAction = the create operation's name (CreateTrainingJob, CreateApp, …).
        Sid: 'TagOnCreateWithOwnTeam',
        Effect: 'Allow',
        Action: ['sagemaker:AddTags'],
        Resource: '*',
        Condition: {
          StringEquals: { [`aws:RequestTag/${ABAC_TAG}`]: OWN_TEAM },
          StringLike: { 'sagemaker:TaggingAction': 'Create*' },
        },
      },
      {
        Sid: 'ChangeOwnTeamResources',
        Effect: 'Allow',
        Action: [
          'sagemaker:Delete*',
          'sagemaker:Stop*',
          'sagemaker:Update*',
          'sagemaker:Start*',
          'sagemaker:AddTags',
          'sagemaker:AssociateTrialComponent',
          'sagemaker:DisassociateTrialComponent',
          'sagemaker:BatchPutMetrics',
        ],
        Resource: '*',
        Condition: { StringEquals: { [`sagemaker:ResourceTag/${ABAC_TAG}`]: OWN_TEAM } },
      },
      {
        Sid: 'PassOwnRoleToSageMaker',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: t.roleArn,
        Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      },
    ],
  }
}

/**
 * The team's workspace: its S3 prefix and its Athena workgroup (the workgroup enforces a result
 * location inside the prefix). Nothing here names another team's prefix or workgroup.
 */
export function workspacePolicy(t: TeamRoleInput & { workspace: TeamWorkspace }): PolicyDocument {
  const w = t.workspace
  const bucket = `arn:${t.partition}:s3:::${w.bucket}`
  const athena = `arn:${t.partition}:athena:${t.region}:${t.accountId}`
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'OwnPrefixObjects',
        Effect: 'Allow',
        Action: [
          's3:GetObject',
          's3:PutObject',
          's3:DeleteObject',
          's3:AbortMultipartUpload',
          's3:ListMultipartUploadParts',
        ],
        Resource: `${bucket}/${w.prefix}*`,
      },
      {
        Sid: 'OwnPrefixList',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: bucket,
        Condition: { StringLike: { 's3:prefix': `${w.prefix}*` } }, // `*` matches the empty rest too
      },
      { Sid: 'BucketLocation', Effect: 'Allow', Action: ['s3:GetBucketLocation'], Resource: bucket },
      {
        Sid: 'OwnWorkGroup',
        Effect: 'Allow',
        Action: [
          // Start, Stop, Cancel, Get, BatchGet, List…QueryExecution(s); GetQueryResults(Stream), GetQueryRuntimeStatistics.
          'athena:*QueryExecution*',
          'athena:GetQueryR*',
          'athena:GetWorkGroup',
          'athena:*NamedQuer*',
          'athena:*PreparedStatement*',
        ],
        Resource: `${athena}:workgroup/${w.workGroup}`,
      },
      {
        Sid: 'AthenaCatalog',
        Effect: 'Allow',
        Action: [
          'athena:GetDataCatalog',
          'athena:ListDatabases',
          'athena:GetDatabase',
          'athena:ListTableMetadata',
          'athena:GetTableMetadata',
        ],
        Resource: `${athena}:datacatalog/*`,
      },
      {
        Sid: 'AthenaList',
        Effect: 'Allow',
        Action: ['athena:ListWorkGroups', 'athena:ListDataCatalogs'],
        Resource: '*',
      },
    ],
  }
}

/**
 * What a team role must never do, whatever else is attached to it (an `Allow *:*` managed policy
 * included): change its own or another tool role (its Team tag, its policies), pass or assume
 * another role, act in another team's profiles and spaces, move a resource between teams, change
 * the domain or profiles, make itself a Lake Formation admin.
 */
export function guardrailPolicy(t: TeamRoleInput): PolicyDocument {
  const sm = `arn:${t.partition}:sagemaker:${t.region}:${t.accountId}`
  const toolRoles = `arn:${t.partition}:iam::${t.accountId}:role/${TOOL_PREFIX}*`
  const toolPolicies = `arn:${t.partition}:iam::${t.accountId}:policy/${TOOL_PREFIX}*`
  // Denies may name any region and account (shorter: the role's inline policies share 10,240 characters).
  const anySm = `arn:${t.partition}:sagemaker:*:*`
  const ownRoleIsTools = t.roleArn.split('/').pop()!.startsWith(TOOL_PREFIX)
  const deny = (Sid: string, Action: string[], extra: Partial<PolicyStatement> = {}): PolicyStatement => ({
    Sid,
    Effect: 'Deny',
    Action,
    ...(extra.NotResource ? {} : { Resource: '*' }),
    ...extra,
  })
  return {
    Version: '2012-10-17',
    Statement: [
      deny('NoDomainOrProfileChanges', [
        'sagemaker:CreateDomain',
        'sagemaker:UpdateDomain',
        'sagemaker:DeleteDomain',
        'sagemaker:CreateUserProfile',
        'sagemaker:UpdateUserProfile',
        'sagemaker:DeleteUserProfile',
      ]),
      // Signing in as another team's profile, or a remote session into another team's space.
      deny('NoSessionsOfOtherTeams', ['sagemaker:CreatePresignedDomainUrl', 'sagemaker:StartSession'], {
        Condition: { StringNotEquals: { [`sagemaker:ResourceTag/${ABAC_TAG}`]: OWN_TEAM } },
      }),
      deny(
        'NoOtherTeamsSpaces',
        [
          'sagemaker:CreateApp',
          'sagemaker:DeleteApp',
          'sagemaker:CreateSpace',
          'sagemaker:UpdateSpace',
          'sagemaker:DeleteSpace',
        ],
        { Condition: { ArnNotLike: { [OWNER_KEY]: ownProfiles(t) }, Null: { [OWNER_KEY]: 'false' } } },
      ),
      deny('NoAppsInOtherProfiles', ['sagemaker:CreateApp'], {
        NotResource: `${sm}:app/${t.domainId}/${t.teamId}-*/*`,
        Condition: { Null: { [OWNER_KEY]: 'true' } },
      }),
      // Another team's model would run under that team's execution role (a transform job, an
      // endpoint configuration, an inference component): only models named for the team, which
      // only the team can create (NamedForTeam). IAM sees the model only as sagemaker:ModelArn.
      deny(
        'NoOtherTeamsModels',
        [
          'sagemaker:CreateTransformJob',
          'sagemaker:CreateEndpointConfig',
          'sagemaker:CreateInferenceComponent',
        ],
        {
          // ForAnyValue: no ModelArn in the request (an inference-component endpoint config) is no match.
          Condition: { 'ForAnyValue:ArnNotLike': { 'sagemaker:ModelArn': `${anySm}:model/${t.teamId}-*` } },
        },
      ),
      // Models and model packages (a version's ARN is `model-package/<group>/<n>`) carry the team's
      // name prefix: so a ModelArn names its team, and nobody registers into another team's group.
      deny(
        'NamedForTeam',
        [
          'sagemaker:CreateModel',
          'sagemaker:CreateModelPackage',
          'sagemaker:CreateModelPackageGroup',
          'sagemaker:UpdateModelPackage',
        ],
        {
          NotResource: ['model', 'model-package', 'model-package-group'].map(
            (type) => `${anySm}:${type}/${t.teamId}-*`,
          ),
        },
      ),
      // UpdateInferenceComponent may swap the model and IAM is not told which: delete and create
      // the component instead (UpdateInferenceComponentRuntimeConfig still scales it).
      deny('NoModelSwapInInferenceComponents', ['sagemaker:UpdateInferenceComponent']),
      // What the new resource is built from must be the team's own (by its Team tag).
      deny('NoOtherTeamsEndpointConfigs', ['sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint'], {
        Resource: `${anySm}:endpoint-config/*`,
        Condition: { StringNotEquals: { [`sagemaker:ResourceTag/${ABAC_TAG}`]: OWN_TEAM } },
      }),
      // (Not the component or trial being created: it has no tags yet.)
      deny(
        'NoOtherTeamsEndpointsOrExperiments',
        ['sagemaker:CreateInferenceComponent', 'sagemaker:CreateTrial'],
        {
          Resource: [`${anySm}:endpoint/*`, `${anySm}:experiment/*`],
          Condition: { StringNotEquals: { [`sagemaker:ResourceTag/${ABAC_TAG}`]: OWN_TEAM } },
        },
      ),
      deny('NoChangesToTeamTags', ['sagemaker:DeleteTags'], {
        Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': [ABAC_TAG, `${TOOL_TAG_PREFIX}*`] } },
      }),
      deny('NoRetaggingToAnotherTeam', ['sagemaker:AddTags'], {
        Condition: {
          StringNotEquals: { [`aws:RequestTag/${ABAC_TAG}`]: OWN_TEAM },
          Null: { [`aws:RequestTag/${ABAC_TAG}`]: 'false' },
        },
      }),
      // Outside creation, only resources already tagged with the team's own value can be tagged.
      deny('NoTaggingOtherTeamsResources', ['sagemaker:AddTags'], {
        Condition: {
          StringNotEquals: { [`sagemaker:ResourceTag/${ABAC_TAG}`]: OWN_TEAM },
          Null: { 'sagemaker:TaggingAction': 'true' },
        },
      }),
      // Tool tags only as custom tag propagation copies them from the profile onto apps and spaces.
      deny('NoToolTags', ['sagemaker:AddTags'], {
        Condition: {
          'ForAnyValue:StringLike': { 'aws:TagKeys': [`${TOOL_TAG_PREFIX}*`] },
          StringNotEquals: { 'sagemaker:TaggingAction': ['CreateApp', 'CreateSpace'] },
        },
      }),
      deny(
        'NoChangesToToolRoles',
        [
          'iam:TagRole',
          'iam:UntagRole',
          // Put, Delete, Attach, Detach, Get, UpdateAssume…RolePolicy
          'iam:*RolePolicy',
          'iam:*RolePermissionsBoundary',
          'iam:UpdateRole',
          'iam:DeleteRole',
          'iam:CreateRole',
          // Create, Delete, Get, SetDefault…PolicyVersion
          'iam:*PolicyVersion',
        ],
        { Resource: ownRoleIsTools ? [toolRoles, toolPolicies] : [t.roleArn, toolRoles, toolPolicies] },
      ),
      deny('PassOnlyOwnRole', ['iam:PassRole'], { NotResource: t.roleArn }),
      deny('NoAssumingToolRoles', ['sts:AssumeRole'], { Resource: toolRoles }),
      deny('NoLakeFormationAdmin', [
        'lakeformation:PutDataLakeSettings',
        'lakeformation:*GrantPermissions',
        'lakeformation:*RevokePermissions',
        'lakeformation:*LFTag*',
        'lakeformation:*egisterResource',
      ]),
    ],
  }
}

/** Names of the inline policies the tool writes on a team role (removed when no longer generated). */
export const TOOL_INLINE_POLICIES = [
  'sagemaker-teams-baseline',
  'sagemaker-teams-developer',
  'sagemaker-teams-guardrails',
  'sagemaker-teams-workspace',
]

/** Inline policy name → document, for one team. */
export function teamInlinePolicies(t: TeamRoleInput): Record<string, PolicyDocument> {
  return {
    'sagemaker-teams-baseline': baselinePolicy(t),
    'sagemaker-teams-developer': developerPolicy(t),
    'sagemaker-teams-guardrails': guardrailPolicy(t),
    ...(t.workspace
      ? { 'sagemaker-teams-workspace': workspacePolicy({ ...t, workspace: t.workspace }) }
      : {}),
  }
}

/**
 * Every action a team role may ever be allowed by its generated policies (its Allow statements, over
 * all optional parts): the permissions boundary of the tool's roles must allow at least these
 * (src/lib/kinds/role/engine.ts). Patterns as written in the policies (`sagemaker:Describe*`).
 */
export function teamRoleAllowedActions(): string[] {
  const sample: TeamRoleInput = {
    teamId: 'x',
    roleArn: 'arn:aws:iam::000000000000:role/x',
    partition: 'aws',
    region: 'us-east-1',
    accountId: '000000000000',
    domainId: 'd-x',
    workspace: { bucket: 'b', prefix: 'p/', workGroup: 'w' },
  }
  const actions = new Set<string>()
  for (const doc of Object.values(teamInlinePolicies(sample)))
    for (const s of doc.Statement)
      if (s.Effect === 'Allow') for (const a of [s.Action ?? []].flat()) actions.add(a)
  return [...actions].sort()
}

/** Deterministic pretty print (stable key order), as the policies are shown and stored. */
export function printPolicy(doc: PolicyDocument): string {
  return `${JSON.stringify(sortKeys(doc), null, 2)}\n`
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v && typeof v === 'object') {
    const order = [
      'Version',
      'Sid',
      'Effect',
      'Principal',
      'Action',
      'NotAction',
      'Resource',
      'NotResource',
      'Condition',
      'Statement',
    ]
    const keys = Object.keys(v).sort((a, b) => {
      const ia = order.indexOf(a)
      const ib = order.indexOf(b)
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b)
    })
    return Object.fromEntries(keys.map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]))
  }
  return v
}
