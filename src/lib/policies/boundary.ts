/**
 * The permissions boundary `sagemaker-teams-boundary`: the most any role the tool creates (the team
 * roles and the ACS role) may ever do, whatever policies are put on or attached to it. A boundary
 * only limits; each role's own policies grant. So the boundary is the union of what the team roles
 * and the ACS legitimately need — SageMaker, the services a Studio user works with, the teams'
 * workspace prefixes in S3, the ACS's table and logs — and nothing else: no IAM writes, no sts:AssumeRole into other roles, no Lambda, no
 * Organizations. It is what makes the apply policy's CreateRole/PutRolePolicy/AttachRolePolicy safe
 * to hand to a CI job (see operator-policy.ts, which requires it on every role).
 */
import { acsTableName } from '../acs/status.js'
import type { TeamsFile } from '../config/types.js'
import { teamRoleName } from '../model/names.js'
import { fileDomains } from '../model/topology.js'
import { teamWorkspace } from '../model/workspace.js'
import type { PolicyDocument } from '../plan/types.js'
import { acsRoleName } from '../resources/acs-names.js'
import { CONTAINER_IMAGE_ACTIONS, NETWORK_READ_ACTIONS, STUDIO_LOG_ACTIONS } from './team-role.js'

export interface BoundaryInput {
  config: TeamsFile
  partition: string
  region: string
  accountId: string
  /**
   * Files with accounts:/domains: — the presign roles of the domain accounts, which the ACS role (in
   * this account) assumes; the only sts:AssumeRole the boundary ever allows.
   */
  presignRoleArns?: string[]
  /** The domains of this account (default: every domain of the file). */
  domainIds?: string[]
}

export function boundaryPolicy(i: BoundaryInput): PolicyDocument {
  const { partition: p, region: r, accountId: a } = i
  // Team roles pass themselves to SageMaker (jobs, apps); the ACS passes every team's role when it
  // creates a profile. The created ones share a name prefix; roles given by ARN are listed (passed,
  // never changed), so adding or removing a team with a created role leaves the boundary as it is.
  const createdRoles = `arn:${p}:iam::${a}:role/${teamRoleName('*')}`
  const givenRoles = Object.values(i.config.teams).flatMap((t) =>
    t.executionRole.arn && !t.executionRole.arn.startsWith(createdRoles.slice(0, -1))
      ? [t.executionRole.arn]
      : [],
  )
  // S3: only the teams' workspace prefixes (each role's own policy narrows to its own prefix).
  const workspaces = Object.keys(i.config.teams).flatMap((team) => {
    const w = teamWorkspace(i.config, team, { region: r, accountId: a })
    return w ? [w] : []
  })
  const buckets = [...new Set(workspaces.map((w) => `arn:${p}:s3:::${w.bucket}`))].sort()
  const prefixes = [...new Set(workspaces.map((w) => `arn:${p}:s3:::${w.bucket}/${w.prefix}*`))].sort()
  const sm = `arn:${p}:sagemaker:${r}:${a}`
  const domainIds = [...new Set(i.domainIds ?? fileDomains(i.config).map((d) => d.id))].sort()
  const statements: PolicyDocument['Statement'] = [
    {
      // SageMaker on every resource but domains, profiles, apps and spaces; those only of the file's
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
      Sid: 'PassTeamRolesToSageMaker',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: givenRoles.length ? [createdRoles, ...[...new Set(givenRoles)].sort()] : createdRoles,
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    },
    {
      Sid: 'DataAccess',
      Effect: 'Allow',
      Action: ['athena:*', 'glue:Get*', 'glue:BatchGet*', 'glue:SearchTables', 'lakeformation:GetDataAccess'],
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
  if (workspaces.length > 0)
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
        Resource: prefixes,
      },
      {
        Sid: 'WorkspaceBuckets',
        Effect: 'Allow',
        Action: ['s3:ListBucket', 's3:GetBucketLocation'],
        Resource: buckets,
      },
    )
  if (i.config.acs) {
    // What only the ACS does, only for the ACS role: a team role with `*:*` never reaches its table.
    const acsRole = {
      Condition: {
        ArnEquals: {
          'aws:PrincipalArn': `arn:${p}:iam::${a}:role/${acsRoleName(i.config.acs.functionName)}`,
        },
      },
    }
    statements.push(
      {
        Sid: 'AcsLogs',
        Effect: 'Allow',
        Action: [...STUDIO_LOG_ACTIONS],
        Resource: [
          `arn:${p}:logs:${r}:${a}:log-group:/aws/lambda/${i.config.acs.functionName}`,
          `arn:${p}:logs:${r}:${a}:log-group:/aws/lambda/${i.config.acs.functionName}:*`,
        ],
        ...acsRole,
      },
      {
        Sid: 'AcsConfirmUsers',
        Effect: 'Allow',
        Action: 'identitystore:DescribeUser',
        Resource: '*',
        ...acsRole,
      },
      {
        Sid: 'AcsTable',
        Effect: 'Allow',
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: `arn:${p}:dynamodb:${r}:${a}:table/${acsTableName(i.config.acs.functionName)}`,
        ...acsRole,
      },
    )
    if (i.presignRoleArns?.length)
      statements.push({
        Sid: 'AcsPresignInDomainAccounts',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: [...new Set(i.presignRoleArns)].sort(),
        ...acsRole,
      })
  }
  return { Version: '2012-10-17', Statement: statements }
}
