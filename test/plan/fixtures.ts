/** Hand-built plans with realistic payloads, covering every action kind and every access change. */
import { reviewAccess } from '../../src/lib/plan/access-review.js'
import type { Action, Change, Plan, PolicyDocument, RolePayload } from '../../src/lib/plan/types.js'

const ROLE1 = 'arn:aws:iam::123456789012:role/sagemaker-teams-team1'
const ROLE2 = 'arn:aws:iam::123456789012:role/sagemaker-teams-team2'
const U1 = '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'
const U2 = '906712345a-2b3c4d5e-6f70-4b8c-9d0e-1f2a3b4c5d6e'

const policy = (...statements: PolicyDocument['Statement']): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: statements,
})
const trust = policy({
  Effect: 'Allow',
  Principal: { Service: 'sagemaker.amazonaws.com' },
  Action: 'sts:AssumeRole',
})

const role = (team: string, inline: Record<string, PolicyDocument>, managed: string[] = []): RolePayload => ({
  roleName: `sagemaker-teams-${team}`,
  roleArn: `arn:aws:iam::123456789012:role/sagemaker-teams-${team}`,
  trustPolicy: trust,
  inlinePolicies: inline,
  managedPolicyArns: managed,
  tags: { Team: team === 'team1' ? 'Team1' : 'Team2', 'sagemaker-teams:team': team },
})

const devBefore = policy(
  { Sid: 'Read', Effect: 'Allow', Action: ['sagemaker:Describe*', 'sagemaker:List*'], Resource: '*' },
  {
    Sid: 'NoProfiles',
    Effect: 'Deny',
    Action: ['sagemaker:CreateUserProfile', 'sagemaker:DeleteUserProfile'],
    Resource: '*',
  },
)
const devAfter = policy(
  {
    Sid: 'Read',
    Effect: 'Allow',
    Action: ['sagemaker:Describe*', 'sagemaker:List*', 'sagemaker:CreateTrainingJob'],
    Resource: '*',
  },
  { Sid: 'NoProfiles', Effect: 'Deny', Action: ['sagemaker:CreateUserProfile'], Resource: '*' },
)

function finish(given: Change[], generatedAt = '2026-11-25T00:00:00.000Z'): Plan {
  // Plan v2: every change names its account (a one-domain file: the caller's), a domain's change its domain.
  const changes = given.map((c) => ({
    ...c,
    account: 'identity-center',
    ...(c.kind === 'profile' || c.kind === 'app' ? { domain: 'default' } : {}),
  }))
  const summary: Record<Action, number> = { create: 0, update: 0, delete: 0, manual: 0, blocked: 0 }
  for (const c of changes) summary[c.action]++
  const plan: Plan = {
    planVersion: 2,
    generatedAt,
    fingerprint: 'sha256:0000000000000000000000000000000000000000000000000000000000000000',
    context: {
      region: 'us-east-1',
      accountId: '123456789012',
      domainId: 'd-abcdefghijkl',
      instanceArn: 'arn:aws:sso:::instance/ssoins-72230a1b2c3d4e5f',
      identityStoreId: 'd-9067c1a2b3',
      configFile: 'teams.yaml',
      accounts: [
        { name: 'identity-center', id: '123456789012', domains: [{ name: 'default', id: 'd-abcdefghijkl' }] },
      ],
    },
    options: { prune: true, force: false, refresh: 'existence' },
    changes,
    warnings: [],
    summary,
  }
  plan.accessReview = reviewAccess(plan)
  return plan
}

const profile = (team: string, userId: string, userName: string, extra: Record<string, unknown> = {}) => ({
  profileName: `${team}-${userId}`,
  userId,
  userName,
  executionRole: team === 'team1' ? ROLE1 : ROLE2,
  tags: {
    Team: team,
    'sagemaker-teams:team': team,
    'sagemaker-teams:user-id': userId,
    'sagemaker-teams:user-name': userName,
  },
  ...extra,
})

/** Every action kind, and every kind of widening and narrowing. */
export const everyKind = (): Plan =>
  finish([
    {
      kind: 'role',
      key: 'sagemaker-teams-team1',
      team: 'team1',
      action: 'create',
      summary: 'sagemaker-teams-team1',
      after: role('team1', { 'sagemaker-teams-developer': devAfter }),
    },
    {
      kind: 'role',
      key: 'sagemaker-teams-team2',
      team: 'team2',
      action: 'update',
      summary: 'sagemaker-teams-team2',
      before: role('team2', { 'sagemaker-teams-developer': devBefore }, [
        'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      ]),
      after: role('team2', { 'sagemaker-teams-developer': devAfter }, [
        'arn:aws:iam::aws:policy/AmazonAthenaFullAccess',
      ]),
      reason:
        'inline policy sagemaker-teams-developer differs; managed policy arn:aws:iam::aws:policy/AmazonAthenaFullAccess not attached',
    },
    {
      kind: 'lf-tag',
      key: 'domain',
      action: 'create',
      summary: 'domain = consumer-banking, investment-banking',
      after: { tagKey: 'domain', values: ['consumer-banking', 'investment-banking'] },
    },
    {
      kind: 'lf-grant',
      key: `${ROLE2}|TABLE|domain=investment-banking`,
      team: 'team2',
      action: 'create',
      summary: 'SELECT on TABLE domain=investment-banking to sagemaker-teams-team2',
      after: {
        principalArn: ROLE2,
        roleName: 'sagemaker-teams-team2',
        resourceType: 'TABLE',
        expression: [{ TagKey: 'domain', TagValues: ['investment-banking'] }],
        permissions: ['SELECT'],
      },
    },
    {
      kind: 'lf-grant',
      key: `${ROLE1}|DATABASE|domain=consumer-banking`,
      team: 'team1',
      action: 'update',
      summary: 'DESCRIBE, CREATE_TABLE on DATABASE domain=consumer-banking to sagemaker-teams-team1',
      before: {
        principalArn: ROLE1,
        roleName: 'sagemaker-teams-team1',
        resourceType: 'DATABASE',
        expression: [{ TagKey: 'domain', TagValues: ['consumer-banking'] }],
        permissions: ['ALTER', 'DESCRIBE'],
      },
      after: {
        principalArn: ROLE1,
        roleName: 'sagemaker-teams-team1',
        resourceType: 'DATABASE',
        expression: [{ TagKey: 'domain', TagValues: ['consumer-banking'] }],
        permissions: ['CREATE_TABLE', 'DESCRIBE'],
      },
      reason: 'grant CREATE_TABLE; revoke ALTER',
    },
    {
      kind: 'lf-grant',
      key: `${ROLE1}|TABLE|sensitivity=public`,
      team: 'team1',
      action: 'delete',
      summary: 'SELECT on TABLE sensitivity=public from sagemaker-teams-team1',
      before: {
        principalArn: ROLE1,
        roleName: 'sagemaker-teams-team1',
        resourceType: 'TABLE',
        expression: [{ TagKey: 'sensitivity', TagValues: ['public'] }],
        permissions: ['SELECT'],
      },
    },
    {
      kind: 'application',
      key: 'team1',
      team: 'team1',
      action: 'create',
      summary: '"SageMaker Studio Team 1"',
      after: {
        name: 'SageMaker Studio Team 1',
        providerArn: 'arn:aws:sso::aws:applicationProvider/custom-saml',
        status: 'ENABLED',
        portalVisible: true,
        assignmentRequired: true,
      },
    },
    {
      kind: 'assignment',
      key: `team1/USER/${U2}`,
      team: 'team1',
      action: 'create',
      summary: 'user user2@example.com',
      after: { principalType: 'USER', principalId: U2, principalName: 'user2@example.com' },
    },
    {
      kind: 'assignment',
      key: 'team2/GROUP/g-1',
      team: 'team2',
      action: 'create',
      summary: 'group ds-team1',
      after: { principalType: 'GROUP', principalId: 'g-1', principalName: 'ds-team1' },
    },
    {
      kind: 'assignment',
      key: `team1/USER/${U1}`,
      team: 'team1',
      action: 'delete',
      summary: 'user user1@example.com',
      before: {
        principalType: 'USER',
        principalId: U1,
        principalName: 'user1@example.com',
        applicationArn: 'arn:aws:sso::123456789012:application/ssoins-72230a1b2c3d4e5f/apl-0000000000000001',
      },
    },
    {
      kind: 'profile',
      key: `team1-${U2}`,
      team: 'team1',
      action: 'create',
      summary: `team1-${U2} for user2@example.com`,
      after: profile('team1', U2, 'user2@example.com'),
    },
    {
      kind: 'profile',
      key: `team2-${U2}`,
      team: 'team2',
      action: 'delete',
      summary: `team2-${U2} of user2@example.com`,
      before: profile('team2', U2, 'user2@example.com', { apps: [], spaces: [] }),
    },
    {
      kind: 'profile',
      key: `team1-${U1}`,
      team: 'team1',
      action: 'blocked',
      summary: `team1-${U1} of user1@example.com`,
      before: profile('team1', U1, 'user1@example.com', { apps: ['JupyterServer/default'], spaces: [] }),
      reason: 'still has app JupyterServer/default; --force deletes its apps first',
    },
    {
      kind: 'acs-role',
      key: 'sagemaker-teams-acs-role',
      action: 'update',
      summary: 'sagemaker-teams-acs-role',
      before: {
        roleName: 'sagemaker-teams-acs-role',
        roleArn: 'arn:aws:iam::123456789012:role/sagemaker-teams-acs-role',
        policy: {
          Version: '2012-10-17',
          Statement: [{ Sid: 'OwnLogGroup', Effect: 'Allow', Action: 'logs:CreateLogGroup', Resource: '*' }],
        },
      },
      after: {
        roleName: 'sagemaker-teams-acs-role',
        roleArn: 'arn:aws:iam::123456789012:role/sagemaker-teams-acs-role',
        permissionsBoundary: 'arn:aws:iam::123456789012:policy/sagemaker-teams-acs-boundary',
        policy: {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'OwnLogGroup', Effect: 'Allow', Action: 'logs:CreateLogGroup', Resource: '*' },
            { Sid: 'ConfirmUsers', Effect: 'Allow', Action: 'identitystore:DescribeUser', Resource: '*' },
          ],
        },
      },
      reason: 'role policy, role permissions boundary',
    },
    {
      kind: 'acs-table',
      key: 'sagemaker-teams-acs-state',
      action: 'update',
      summary: 'sagemaker-teams-acs-state',
      before: { tableName: 'sagemaker-teams-acs-state', ttl: false },
      after: { tableName: 'sagemaker-teams-acs-state', ttl: true },
      reason: 'TTL off',
    },
    {
      kind: 'acs-function',
      key: 'sagemaker-teams-acs',
      action: 'update',
      summary: 'sagemaker-teams-acs',
      before: {
        functionName: 'sagemaker-teams-acs',
        allowedSourceCidrs: ['10.100.10.0/24'],
        sessionExpirationSeconds: 3600,
      },
      after: { functionName: 'sagemaker-teams-acs', allowedSourceCidrs: [], sessionExpirationSeconds: 43200 },
      reason: 'configuration differs',
    },
    {
      kind: 'acs-url',
      key: 'sagemaker-teams-acs',
      action: 'update',
      summary: 'sagemaker-teams-acs function URL',
      before: {
        functionName: 'sagemaker-teams-acs',
        authType: 'AWS_IAM',
        url: 'https://abc.lambda-url.us-east-1.on.aws/',
      },
      after: {
        functionName: 'sagemaker-teams-acs',
        authType: 'NONE',
        url: 'https://abc.lambda-url.us-east-1.on.aws/',
      },
      reason: 'auth AWS_IAM → NONE',
    },
    {
      kind: 'acs-permission',
      key: 'sagemaker-teams-acs/FunctionURLAllowPublicInvoke',
      action: 'delete',
      summary: 'sagemaker-teams-acs permission FunctionURLAllowPublicInvoke (lambda:InvokeFunction)',
      before: {
        functionName: 'sagemaker-teams-acs',
        statementId: 'FunctionURLAllowPublicInvoke',
        action: 'lambda:InvokeFunction',
        principal: '*',
      },
      reason: 'a statement earlier versions of the tool wrote',
    },
    {
      kind: 'console',
      key: 'team1',
      team: 'team1',
      action: 'manual',
      summary: 'SAML settings of "SageMaker Studio Team 1" in the IAM Identity Center console',
      after: {
        applicationName: 'SageMaker Studio Team 1',
        acsUrl: 'https://abc.lambda-url.us-east-1.on.aws/saml/acs/team1',
        audience: 'urn:sagemaker-teams:acs:team1',
        attributeMappings: {
          Subject: '${user:email} (format: emailAddress)',
          ssouserid: '${user:AD_GUID}',
          teamid: 'team1',
        },
        metadataPath: 'metadata/team1.xml',
        verified: false,
      },
      reason: 'not yet verified by a signed login through the ACS',
    },
  ])

/** Only narrowing changes. */
export const narrowingOnly = (): Plan =>
  finish([
    {
      kind: 'assignment',
      key: `team1/USER/${U1}`,
      team: 'team1',
      action: 'delete',
      summary: 'user user1@example.com',
      before: { principalType: 'USER', principalId: U1, principalName: 'user1@example.com' },
    },
    {
      kind: 'profile',
      key: `team1-${U1}`,
      team: 'team1',
      action: 'delete',
      summary: `team1-${U1} of user1@example.com`,
      before: profile('team1', U1, 'user1@example.com', { apps: [], spaces: [] }),
    },
  ])

/** Changes that do not change who can access what. */
export const noAccessChange = (): Plan =>
  finish([
    {
      kind: 'lf-tag',
      key: 'domain',
      action: 'update',
      summary: 'domain',
      before: { tagKey: 'domain', values: ['a'] },
      after: { tagKey: 'domain', values: ['a', 'b'] },
      reason: 'add b',
    },
    {
      kind: 'application',
      key: 'team1',
      team: 'team1',
      action: 'update',
      summary: '"Team One"',
      before: {
        name: 'Team 1',
        providerArn: 'arn:aws:sso::aws:applicationProvider/custom-saml',
        status: 'ENABLED',
        portalVisible: true,
        assignmentRequired: true,
      },
      after: {
        name: 'Team One',
        providerArn: 'arn:aws:sso::aws:applicationProvider/custom-saml',
        status: 'ENABLED',
        portalVisible: true,
        assignmentRequired: true,
      },
      reason: 'name: "Team 1" → "Team One"',
    },
    {
      kind: 'role',
      key: 'sagemaker-teams-team1',
      team: 'team1',
      action: 'update',
      summary: 'sagemaker-teams-team1',
      // The same statements, split and reordered: semantically equal, so no access change.
      before: role('team1', {
        p: policy({ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' }),
      }),
      after: role('team1', {
        p: policy(
          { Effect: 'Allow', Action: 's3:PutObject', Resource: '*' },
          { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
        ),
      }),
      reason: 'tag Team',
    },
  ])

export const empty = (): Plan => finish([])
