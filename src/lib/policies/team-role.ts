/**
 * The team execution role's policies, generated from one typed module. They follow the seed
 * solution's model (a read-only Studio baseline, ABAC developer access on the `Team` tag, and
 * explicit denies) with one fix: app actions are limited to the caller's own team, where the
 * seed's unconditioned `sagemaker:*App` let one team delete another team's apps.
 */
import { ABAC_TAG } from '../names.js'
import type { PolicyDocument, PolicyStatement } from '../plan/types.js'

const OWN_TEAM = `\${aws:PrincipalTag/${ABAC_TAG}}`

export interface TeamRoleInput {
  teamId: string
  roleArn: string
  partition: string
  region: string
  accountId: string
  domainId: string
}

export function trustPolicy(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  }
}

/** Read-only access a Studio notebook needs, and app actions on the team's own apps only. */
export function baselinePolicy(t: TeamRoleInput): PolicyDocument {
  const sm = `arn:${t.partition}:sagemaker:${t.region}:${t.accountId}`
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'StudioReadOnly',
        Effect: 'Allow',
        Action: [
          'sagemaker:Describe*',
          'sagemaker:List*',
          'sagemaker:Get*',
          'sagemaker:Search',
          'sagemaker:BatchDescribe*',
          'sagemaker:BatchGet*',
          'sagemaker:QueryLineage',
        ],
        Resource: '*',
      },
      {
        Sid: 'OwnTeamAppsCreate',
        Effect: 'Allow',
        Action: ['sagemaker:CreateApp'],
        Resource: `${sm}:app/${t.domainId}/*`,
        Condition: { StringEquals: { [`aws:RequestTag/${ABAC_TAG}`]: OWN_TEAM } },
      },
      {
        Sid: 'OwnTeamAppsManage',
        Effect: 'Allow',
        Action: ['sagemaker:DeleteApp', 'sagemaker:UpdateApp'],
        Resource: `${sm}:app/${t.domainId}/*`,
        Condition: { StringEquals: { [`sagemaker:ResourceTag/${ABAC_TAG}`]: OWN_TEAM } },
      },
      {
        Sid: 'ContainerImages',
        Effect: 'Allow',
        Action: [
          'ecr:GetAuthorizationToken',
          'ecr:BatchGetImage',
          'ecr:GetDownloadUrlForLayer',
          'ecr:BatchCheckLayerAvailability',
        ],
        Resource: '*',
      },
      {
        Sid: 'Logs',
        Effect: 'Allow',
        Action: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'logs:DescribeLogStreams',
          'logs:GetLogEvents',
        ],
        Resource: `arn:${t.partition}:logs:${t.region}:${t.accountId}:log-group:/aws/sagemaker/*`,
      },
      { Sid: 'Metrics', Effect: 'Allow', Action: ['cloudwatch:PutMetricData'], Resource: '*' },
      {
        Sid: 'NetworkReadOnly',
        Effect: 'Allow',
        Action: [
          'ec2:DescribeVpcs',
          'ec2:DescribeSubnets',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeVpcEndpoints',
          'ec2:DescribeDhcpOptions',
        ],
        Resource: '*',
      },
      {
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
  }
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
          'ForAllValues:StringNotLike': { 'aws:TagKeys': ['sagemaker-teams:*'] },
        },
      },
      {
        Sid: 'TagOnCreateWithOwnTeam',
        Effect: 'Allow',
        Action: ['sagemaker:AddTags'],
        Resource: '*',
        Condition: {
          StringEquals: { [`aws:RequestTag/${ABAC_TAG}`]: OWN_TEAM, 'sagemaker:TaggingAction': 'Create*' },
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

/** What a team role must never do, whatever else is attached to it. */
export function guardrailPolicy(_t: TeamRoleInput): PolicyDocument {
  const deny = (Sid: string, Action: string[], extra: Partial<PolicyStatement> = {}): PolicyStatement => ({
    Sid,
    Effect: 'Deny',
    Action,
    Resource: '*',
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
      deny('NoPresignedUrlsForOtherTeams', ['sagemaker:CreatePresignedDomainUrl'], {
        Condition: { StringNotEquals: { [`sagemaker:ResourceTag/${ABAC_TAG}`]: OWN_TEAM } },
      }),
      deny('NoChangesToTeamTags', ['sagemaker:DeleteTags'], {
        Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': [ABAC_TAG, 'sagemaker-teams:*'] } },
      }),
      deny('NoRetaggingToAnotherTeam', ['sagemaker:AddTags'], {
        Condition: {
          StringNotEquals: { [`aws:RequestTag/${ABAC_TAG}`]: OWN_TEAM },
          Null: { [`aws:RequestTag/${ABAC_TAG}`]: 'false' },
        },
      }),
      deny('NoToolTags', ['sagemaker:AddTags'], {
        Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['sagemaker-teams:*'] } },
      }),
    ],
  }
}

/** Inline policy name → document, for one team. */
export function teamInlinePolicies(t: TeamRoleInput): Record<string, PolicyDocument> {
  return {
    'sagemaker-teams-baseline': baselinePolicy(t),
    'sagemaker-teams-developer': developerPolicy(t),
    'sagemaker-teams-guardrails': guardrailPolicy(t),
  }
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
