/**
 * The permissions boundaries of the roles the tool creates: the most each may ever do, whatever
 * policies are put on or attached to it. A boundary only limits; each role's own policies grant.
 * Two documents, so that no role carries what only another needs:
 *
 * - `sagemaker-teams-boundary` (team roles): SageMaker on the file's domains (never presign: only
 *   the ACS signs people in) and on the teams' jobs, models and other resources, Athena on the
 *   tool's workgroups, the Glue catalog and Lake Formation data access, the teams' workspace prefixes
 *   in S3, images, network reads and SageMaker's logs — no IAM writes, no sts:AssumeRole, no Lambda,
 *   no DynamoDB.
 * - `sagemaker-teams-acs-boundary` (the ACS role and each domain account's presign role): the
 *   tool's profiles of the file's domains (describe, create, presign), passing the team roles to
 *   SageMaker, and where the ACS function runs its login table, its logs, the identity store look-up
 *   and sts:AssumeRole on the presign roles.
 *
 * Each is a set over the file (every team's workgroup and prefix), so adding a team changes neither:
 * the documents are written by `sagemaker-teams setup` (or created by the first apply when missing),
 * and the routine apply policy may not change them (operator-policy.ts).
 */
import { acsTableName } from '../acs/status.js'
import type { TeamsFile } from '../config/types.js'
import { teamRoleName } from '../model/names.js'
import { fileDomains } from '../model/topology.js'
import { teamWorkspace, WORKGROUP_PREFIX } from '../model/workspace.js'
import type { PolicyDocument } from '../plan/types.js'
import { CONTAINER_IMAGE_ACTIONS, NETWORK_READ_ACTIONS, STUDIO_LOG_ACTIONS } from './team-role.js'

export interface BoundaryInput {
  config: TeamsFile
  partition: string
  region: string
  accountId: string
  /** The domains of this account (default: every domain of the file). */
  domainIds?: string[]
}

export interface AcsBoundaryInput extends BoundaryInput {
  /** The ACS function runs in this account (its table, logs and identity store look-up); default true. */
  acsHere?: boolean
  /**
   * Files with accounts:/domains: — the presign roles of the domain accounts, which the ACS role (in
   * this account) assumes; the only sts:AssumeRole a boundary ever allows.
   */
  presignRoleArns?: string[]
}

const sortedDomains = (i: BoundaryInput) =>
  [...new Set(i.domainIds ?? fileDomains(i.config).map((d) => d.id))].sort()

/** The team roles' boundary (`sagemaker-teams-boundary`). */
export function teamBoundaryPolicy(i: BoundaryInput): PolicyDocument {
  const { partition: p, region: r, accountId: a } = i
  const sm = `arn:${p}:sagemaker:${r}:${a}`
  const athena = `arn:${p}:athena:${r}:${a}`
  const domainIds = sortedDomains(i)
  // S3: the teams' workspace prefixes as a set: a prefix derived from the defaults (`teams/<team>/`)
  // as the defaults' prefix, so a new team changes nothing here (its own role narrows to its prefix).
  const objects = new Set<string>()
  const buckets = new Set<string>()
  for (const team of Object.keys(i.config.teams)) {
    const w = teamWorkspace(i.config, team, { region: r, accountId: a })
    if (!w) continue
    const own = i.config.teams[team].workspace?.prefix
    buckets.add(`arn:${p}:s3:::${w.bucket}`)
    objects.add(`arn:${p}:s3:::${w.bucket}/${own ?? i.config.workspace?.prefix ?? 'teams/'}*`)
  }
  const statements: PolicyDocument['Statement'] = [
    {
      // SageMaker on every resource but domains, profiles, apps and spaces (the teams' jobs, models,
      // endpoints, ...: each role's own policy binds them to its team); those only of the file's
      // domains (no DeleteDomain, UpdateDomain or presign on another domain of the account).
      Sid: 'SageMaker',
      Effect: 'Allow',
      Action: 'sagemaker:*',
      NotResource: [`${sm}:domain/*`, `${sm}:user-profile/*`, `${sm}:app/*`, `${sm}:space/*`],
    },
    {
      Sid: 'SageMakerFileDomains',
      Effect: 'Allow',
      Action: 'sagemaker:*',
      Resource: domainIds.flatMap((d) => [
        `${sm}:domain/${d}`,
        `${sm}:user-profile/${d}/*`,
        `${sm}:app/${d}/*`,
        `${sm}:space/${d}/*`,
      ]),
    },
    {
      // Only the ACS signs people in (its own boundary): a team role never presigns any profile.
      Sid: 'NoPresign',
      Effect: 'Deny',
      Action: 'sagemaker:CreatePresignedDomainUrl',
      Resource: '*',
    },
    {
      // Team roles pass themselves to SageMaker (jobs, apps): the created ones share a name prefix.
      Sid: 'PassTeamRolesToSageMaker',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: `arn:${p}:iam::${a}:role/${teamRoleName('*')}`,
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    },
    {
      // Athena only in the tool's workgroups (sagemaker-teams-<team>) and on the data catalogs.
      Sid: 'ToolWorkgroups',
      Effect: 'Allow',
      Action: 'athena:*',
      Resource: [`${athena}:workgroup/${WORKGROUP_PREFIX}*`, `${athena}:datacatalog/*`],
    },
    {
      Sid: 'DataAccess',
      Effect: 'Allow',
      Action: [
        'athena:ListWorkGroups',
        'athena:ListDataCatalogs',
        'glue:Get*',
        'glue:BatchGet*',
        'glue:SearchTables',
        'lakeformation:GetDataAccess',
      ],
      Resource: '*',
    },
    {
      Sid: 'StudioSupport',
      Effect: 'Allow',
      Action: [...CONTAINER_IMAGE_ACTIONS, 'cloudwatch:PutMetricData', ...NETWORK_READ_ACTIONS],
      Resource: '*',
    },
    {
      Sid: 'OwnLogs',
      Effect: 'Allow',
      Action: [...STUDIO_LOG_ACTIONS],
      Resource: `arn:${p}:logs:${r}:${a}:log-group:/aws/sagemaker/*`,
    },
  ]
  if (objects.size > 0)
    statements.push(
      {
        Sid: 'WorkspaceObjects',
        Effect: 'Allow',
        Action: [
          's3:GetObject',
          's3:PutObject',
          's3:DeleteObject',
          's3:AbortMultipartUpload',
          's3:ListMultipartUploadParts',
        ],
        Resource: [...objects].sort(),
      },
      {
        Sid: 'WorkspaceBuckets',
        Effect: 'Allow',
        Action: ['s3:ListBucket', 's3:GetBucketLocation'],
        Resource: [...buckets].sort(),
      },
    )
  return { Version: '2012-10-17', Statement: statements }
}

/** The ACS role's and the presign roles' boundary (`sagemaker-teams-acs-boundary`). */
export function acsBoundaryPolicy(i: AcsBoundaryInput): PolicyDocument {
  const { partition: p, region: r, accountId: a } = i
  const acs = i.config.acs
  if (!acs) throw new Error('acsBoundaryPolicy: the file has no acs section')
  const sm = `arn:${p}:sagemaker:${r}:${a}`
  // The ACS passes every team's role when it creates a profile: the created ones by their name
  // prefix, roles given by ARN as listed (passed, never changed).
  const createdRoles = `arn:${p}:iam::${a}:role/${teamRoleName('*')}`
  const givenRoles = Object.values(i.config.teams).flatMap((t) =>
    t.executionRole.arn && !t.executionRole.arn.startsWith(createdRoles.slice(0, -1))
      ? [t.executionRole.arn]
      : [],
  )
  const domainIds = sortedDomains(i)
  const statements: PolicyDocument['Statement'] = []
  // An account without a domain (the ACS's own, elsewhere) has no profile to reach.
  if (domainIds.length > 0)
    statements.push(
      {
        // Describe, create (with its tags) and presign profiles of the file's domains; the role's own
        // policy narrows to the tool's profiles.
        Sid: 'FileProfiles',
        Effect: 'Allow',
        Action: [
          'sagemaker:DescribeUserProfile',
          'sagemaker:CreatePresignedDomainUrl',
          'sagemaker:CreateUserProfile',
          'sagemaker:AddTags',
        ],
        Resource: domainIds.map((d) => `${sm}:user-profile/${d}/*`),
      },
      {
        Sid: 'PassTeamRolesToSageMaker',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: givenRoles.length ? [createdRoles, ...[...new Set(givenRoles)].sort()] : createdRoles,
        Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      },
    )
  if (i.acsHere !== false) {
    const logGroup = `arn:${p}:logs:${r}:${a}:log-group:/aws/lambda/${acs.functionName}`
    statements.push(
      {
        Sid: 'AcsLogs',
        Effect: 'Allow',
        Action: [...STUDIO_LOG_ACTIONS],
        Resource: [logGroup, `${logGroup}:*`],
      },
      { Sid: 'AcsConfirmUsers', Effect: 'Allow', Action: 'identitystore:DescribeUser', Resource: '*' },
      {
        Sid: 'AcsTable',
        Effect: 'Allow',
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: `arn:${p}:dynamodb:${r}:${a}:table/${acsTableName(acs.functionName)}`,
      },
    )
    if (i.presignRoleArns?.length)
      statements.push({
        Sid: 'AcsPresignInDomainAccounts',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: [...new Set(i.presignRoleArns)].sort(),
      })
  }
  return { Version: '2012-10-17', Statement: statements }
}
