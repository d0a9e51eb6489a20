/**
 * Contract tests: every operation the tool calls succeeds against the emulator through the real
 * AWS SDK v3 client, and the documented failures come back with the error names AWS uses.
 */
import assert from 'node:assert/strict'
import * as athena from '@aws-sdk/client-athena'
import * as ddb from '@aws-sdk/client-dynamodb'
import * as iam from '@aws-sdk/client-iam'
import * as ids from '@aws-sdk/client-identitystore'
import * as lf from '@aws-sdk/client-lakeformation'
import * as lambda from '@aws-sdk/client-lambda'
import * as s3 from '@aws-sdk/client-s3'
import * as sm from '@aws-sdk/client-sagemaker'
import * as sso from '@aws-sdk/client-sso-admin'
import * as sts from '@aws-sdk/client-sts'
import { AdaptiveRetryStrategy, DefaultRateLimiter } from '@smithy/core/retry'
import { type Emulator, startEmulator } from '../../tools/emulator/index.js'

const STORE = 'd-9067c1a2b3'
const INSTANCE = 'arn:aws:sso:::instance/ssoins-72230a1b2c3d4e5f'
const DOMAIN = 'd-abcdefghijkl'
const USER1 = '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'

async function rejects(p: Promise<unknown>, name: string) {
  await assert.rejects(p, (err: Error) => {
    assert.equal(err.name, name, `expected ${name}, got ${err.name}: ${err.message}`)
    return true
  })
}

describe('emulator contract (AWS SDK v3 clients)', function () {
  this.timeout(60_000)
  let emu: Emulator
  let cfg: {
    region: string
    endpoint: string
    credentials: { accessKeyId: string; secretAccessKey: string }
    maxAttempts: number
  }

  before(async () => {
    emu = await startEmulator({ seed: 'examples/demo-account.yaml', profileReadyMs: 400 })
    cfg = {
      region: 'us-east-1',
      endpoint: emu.url,
      credentials: { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'x' },
      maxAttempts: 1,
    }
  })
  after(() => emu.close())
  beforeEach(async () => {
    emu.reset()
    await emu.seedFile('examples/demo-account.yaml')
  })

  it('sts: GetCallerIdentity', async () => {
    const out = await new sts.STSClient(cfg).send(new sts.GetCallerIdentityCommand({}))
    assert.equal(out.Account, '123456789012')
  })

  it('identitystore: lookups, listings, seeding and their failures', async () => {
    const c = new ids.IdentitystoreClient(cfg)
    const byName = (v: string) => ({
      IdentityStoreId: STORE,
      AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: v } },
    })
    assert.equal((await c.send(new ids.GetUserIdCommand(byName('user1@example.com')))).UserId, USER1)
    await rejects(c.send(new ids.GetUserIdCommand(byName('nobody@example.com'))), 'ResourceNotFoundException')
    await rejects(
      c.send(
        new ids.GetUserIdCommand({
          IdentityStoreId: STORE,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'displayName', AttributeValue: 'x' } },
        }),
      ),
      'ValidationException',
    )
    const gid = (
      await c.send(
        new ids.GetGroupIdCommand({
          IdentityStoreId: STORE,
          AlternateIdentifier: {
            UniqueAttribute: { AttributePath: 'displayName', AttributeValue: 'ds-team1' },
          },
        }),
      )
    ).GroupId!
    assert.equal(
      (await c.send(new ids.DescribeGroupCommand({ IdentityStoreId: STORE, GroupId: gid }))).DisplayName,
      'ds-team1',
    )
    assert.equal(
      (await c.send(new ids.DescribeUserCommand({ IdentityStoreId: STORE, UserId: USER1 }))).UserName,
      'user1@example.com',
    )
    await rejects(
      c.send(
        new ids.DescribeUserCommand({
          IdentityStoreId: STORE,
          UserId: '00000000-0000-4000-8000-000000000000',
        }),
      ),
      'ResourceNotFoundException',
    )
    assert.equal((await c.send(new ids.ListUsersCommand({ IdentityStoreId: STORE }))).Users?.length, 5)
    assert.equal((await c.send(new ids.ListGroupsCommand({ IdentityStoreId: STORE }))).Groups?.length, 2)
    assert.equal(
      (await c.send(new ids.ListGroupMembershipsCommand({ IdentityStoreId: STORE, GroupId: gid })))
        .GroupMemberships?.length,
      2,
    )
    const u3 = (await c.send(new ids.GetUserIdCommand(byName('user3@example.com')))).UserId!
    assert.equal(
      (
        await c.send(
          new ids.ListGroupMembershipsForMemberCommand({ IdentityStoreId: STORE, MemberId: { UserId: u3 } }),
        )
      ).GroupMemberships?.length,
      1,
    )
    const created = await c.send(
      new ids.CreateUserCommand({ IdentityStoreId: STORE, UserName: 'new@example.com', DisplayName: 'New' }),
    )
    await rejects(
      c.send(
        new ids.CreateUserCommand({
          IdentityStoreId: STORE,
          UserName: 'new@example.com',
          DisplayName: 'New',
        }),
      ),
      'ConflictException',
    )
    const g = await c.send(new ids.CreateGroupCommand({ IdentityStoreId: STORE, DisplayName: 'g-new' }))
    await c.send(
      new ids.CreateGroupMembershipCommand({
        IdentityStoreId: STORE,
        GroupId: g.GroupId,
        MemberId: { UserId: created.UserId! },
      }),
    )
    await rejects(
      c.send(new ids.ListUsersCommand({ IdentityStoreId: STORE, MaxResults: 101 })),
      'ValidationException',
    )
    await rejects(
      c.send(new ids.ListUsersCommand({ IdentityStoreId: STORE, NextToken: 'bogus' })),
      'ValidationException',
    )
  })

  it('sso-admin: applications, assignment configuration, assignments, tags and their failures', async () => {
    const c = new sso.SSOAdminClient(cfg)
    assert.equal((await c.send(new sso.ListInstancesCommand({}))).Instances?.[0].IdentityStoreId, STORE)
    const providers = (await c.send(new sso.ListApplicationProvidersCommand({}))).ApplicationProviders ?? []
    assert.ok(
      providers.some((p) => p.ApplicationProviderArn === 'arn:aws:sso::aws:applicationProvider/custom-saml'),
    )
    const create = (Name: string) =>
      c.send(
        new sso.CreateApplicationCommand({
          InstanceArn: INSTANCE,
          ApplicationProviderArn: 'arn:aws:sso::aws:applicationProvider/custom-saml',
          Name,
          Tags: [{ Key: 'k', Value: 'v' }],
        }),
      )
    const arn = (await create('App 1')).ApplicationArn!
    assert.match(arn, /^arn:aws:sso::123456789012:application\/ssoins-72230a1b2c3d4e5f\/apl-[a-z0-9]{16}$/)
    assert.equal((await c.send(new sso.DescribeApplicationCommand({ ApplicationArn: arn }))).Name, 'App 1')
    await c.send(new sso.UpdateApplicationCommand({ ApplicationArn: arn, Name: 'App One' }))
    const listed = await c.send(
      new sso.ListApplicationsCommand({
        InstanceArn: INSTANCE,
        Filter: { ApplicationProvider: 'arn:aws:sso::aws:applicationProvider/custom-saml' },
      }),
    )
    assert.deepEqual(
      listed.Applications?.map((a) => a.Name),
      ['App One'],
    )
    await c.send(
      new sso.PutApplicationAssignmentConfigurationCommand({
        ApplicationArn: arn,
        AssignmentRequired: false,
      }),
    )
    assert.equal(
      (await c.send(new sso.GetApplicationAssignmentConfigurationCommand({ ApplicationArn: arn })))
        .AssignmentRequired,
      false,
    )
    await c.send(
      new sso.CreateApplicationAssignmentCommand({
        ApplicationArn: arn,
        PrincipalId: USER1,
        PrincipalType: 'USER',
      }),
    )
    await rejects(
      c.send(
        new sso.CreateApplicationAssignmentCommand({
          ApplicationArn: arn,
          PrincipalId: USER1,
          PrincipalType: 'USER',
        }),
      ),
      'ConflictException',
    )
    await rejects(
      c.send(
        new sso.CreateApplicationAssignmentCommand({
          ApplicationArn: arn,
          PrincipalId: 'not-an-id',
          PrincipalType: 'USER',
        }),
      ),
      'ValidationException',
    )
    assert.equal(
      (await c.send(new sso.ListApplicationAssignmentsCommand({ ApplicationArn: arn })))
        .ApplicationAssignments?.length,
      1,
    )
    await c.send(
      new sso.DeleteApplicationAssignmentCommand({
        ApplicationArn: arn,
        PrincipalId: USER1,
        PrincipalType: 'USER',
      }),
    )
    await rejects(
      c.send(
        new sso.DeleteApplicationAssignmentCommand({
          ApplicationArn: arn,
          PrincipalId: USER1,
          PrincipalType: 'USER',
        }),
      ),
      'ResourceNotFoundException',
    )
    await c.send(
      new sso.TagResourceCommand({
        InstanceArn: INSTANCE,
        ResourceArn: arn,
        Tags: [{ Key: 'sagemaker-teams:team', Value: 't' }],
      }),
    )
    assert.equal(
      (await c.send(new sso.ListTagsForResourceCommand({ InstanceArn: INSTANCE, ResourceArn: arn }))).Tags
        ?.length,
      2,
    )
    await c.send(new sso.DeleteApplicationCommand({ ApplicationArn: arn }))
    await rejects(
      c.send(new sso.DescribeApplicationCommand({ ApplicationArn: arn })),
      'ResourceNotFoundException',
    )
    await rejects(create('x'.repeat(101)), 'ValidationException')
    await rejects(
      c.send(new sso.ListApplicationsCommand({ InstanceArn: INSTANCE, NextToken: 'bogus' })),
      'ValidationException',
    )
    emu.setSamlProviderRefused(true)
    // The code AWS answers with; its message is not documented (the CLI never reads it).
    await rejects(create('App 2'), 'ValidationException')
  })

  it('sagemaker: domains, profiles (Pending → InService), apps, spaces, tags, presigned URLs and their failures', async () => {
    const c = new sm.SageMakerClient(cfg)
    assert.equal((await c.send(new sm.DescribeDomainCommand({ DomainId: DOMAIN }))).AuthMode, 'IAM')
    await rejects(c.send(new sm.DescribeDomainCommand({ DomainId: 'd-nonexistent00' })), 'ResourceNotFound')
    assert.equal((await c.send(new sm.ListDomainsCommand({}))).Domains?.length, 2)
    const { UserProfileArn } = await c.send(
      new sm.CreateUserProfileCommand({
        DomainId: DOMAIN,
        UserProfileName: 'team1-abc',
        Tags: [{ Key: 'Team', Value: 'T' }],
      }),
    )
    assert.equal(UserProfileArn, `arn:aws:sagemaker:us-east-1:123456789012:user-profile/${DOMAIN}/team1-abc`)
    await rejects(
      c.send(new sm.CreateUserProfileCommand({ DomainId: DOMAIN, UserProfileName: 'TEAM1-ABC' })),
      'ResourceInUse',
    )
    await rejects(
      c.send(new sm.CreateUserProfileCommand({ DomainId: DOMAIN, UserProfileName: '-bad' })),
      'ValidationException',
    )
    await rejects(
      c.send(
        new sm.CreateUserProfileCommand({
          DomainId: DOMAIN,
          UserProfileName: 'x',
          SingleSignOnUserIdentifier: 'UserName',
          SingleSignOnUserValue: 'u',
        }),
      ),
      'ValidationException',
    )
    assert.equal(
      (await c.send(new sm.DescribeUserProfileCommand({ DomainId: DOMAIN, UserProfileName: 'team1-abc' })))
        .Status,
      'Pending',
    )
    await new Promise((r) => setTimeout(r, 450))
    assert.equal(
      (await c.send(new sm.DescribeUserProfileCommand({ DomainId: DOMAIN, UserProfileName: 'team1-abc' })))
        .Status,
      'InService',
    )
    await rejects(
      c.send(new sm.DescribeUserProfileCommand({ DomainId: DOMAIN, UserProfileName: 'nobody' })),
      'ResourceNotFound',
    )
    await c.send(
      new sm.UpdateUserProfileCommand({
        DomainId: DOMAIN,
        UserProfileName: 'team1-abc',
        UserSettings: { ExecutionRole: 'arn:aws:iam::123456789012:role/r' },
      }),
    )
    assert.equal(
      (await c.send(new sm.ListUserProfilesCommand({ DomainIdEquals: DOMAIN }))).UserProfiles?.length,
      1,
    )
    await c.send(new sm.AddTagsCommand({ ResourceArn: UserProfileArn, Tags: [{ Key: 'a', Value: 'b' }] }))
    await c.send(new sm.DeleteTagsCommand({ ResourceArn: UserProfileArn, TagKeys: ['Team'] }))
    assert.deepEqual((await c.send(new sm.ListTagsCommand({ ResourceArn: UserProfileArn }))).Tags, [
      { Key: 'a', Value: 'b' },
    ])
    // DeleteTags: a key the profile does not have is no error; the model's limits are enforced.
    await c.send(new sm.DeleteTagsCommand({ ResourceArn: UserProfileArn, TagKeys: ['Team', 'x y'] }))
    for (const TagKeys of [
      [],
      Array.from({ length: 51 }, (_, i) => `k${i}`),
      [''],
      ['a'.repeat(129)],
      ['a,b'],
    ])
      await rejects(
        c.send(new sm.DeleteTagsCommand({ ResourceArn: UserProfileArn, TagKeys })),
        'ValidationException',
      )
    await rejects(
      c.send(new sm.DeleteTagsCommand({ ResourceArn: 'arn:aws:iam::123456789012:role/r', TagKeys: ['a'] })),
      'ValidationException',
    )
    await rejects(
      c.send(new sm.AddTagsCommand({ ResourceArn: UserProfileArn, Tags: [{ Key: 'a', Value: 'b,c' }] })),
      'ValidationException',
    )
    const url = await c.send(
      new sm.CreatePresignedDomainUrlCommand({
        DomainId: DOMAIN,
        UserProfileName: 'team1-abc',
        ExpiresInSeconds: 60,
        SessionExpirationDurationInSeconds: 43200,
      }),
    )
    assert.match(
      url.AuthorizedUrl ?? '',
      /^https:\/\/d-abcdefghijkl\.studio\.us-east-1\.sagemaker\.aws\/auth\?token=/,
    )
    await rejects(
      c.send(
        new sm.CreatePresignedDomainUrlCommand({
          DomainId: DOMAIN,
          UserProfileName: 'team1-abc',
          ExpiresInSeconds: 301,
        }),
      ),
      'ValidationException',
    )
    emu.state.apps.push({
      DomainId: DOMAIN,
      UserProfileName: 'team1-abc',
      AppType: 'JupyterServer',
      AppName: 'default',
      Status: 'InService',
      CreationTime: new Date(),
    })
    emu.state.spaces.push({
      DomainId: DOMAIN,
      SpaceName: 's1',
      Status: 'InService',
      CreationTime: new Date(),
    })
    assert.equal((await c.send(new sm.ListSpacesCommand({ DomainIdEquals: DOMAIN }))).Spaces?.length, 1)
    await rejects(
      c.send(new sm.DeleteUserProfileCommand({ DomainId: DOMAIN, UserProfileName: 'team1-abc' })),
      'ResourceInUse',
    )
    assert.equal(
      (await c.send(new sm.ListAppsCommand({ DomainIdEquals: DOMAIN, UserProfileNameEquals: 'team1-abc' })))
        .Apps?.length,
      1,
    )
    await c.send(
      new sm.DeleteAppCommand({
        DomainId: DOMAIN,
        UserProfileName: 'team1-abc',
        AppType: 'JupyterServer',
        AppName: 'default',
      }),
    )
    // DeleteApp is asynchronous: Deleting, and the profile still in use, until it is Deleted.
    const appStatus = async () =>
      (await c.send(new sm.ListAppsCommand({ DomainIdEquals: DOMAIN, UserProfileNameEquals: 'team1-abc' })))
        .Apps?.[0]?.Status
    assert.equal(await appStatus(), 'Deleting')
    await rejects(
      c.send(new sm.DeleteUserProfileCommand({ DomainId: DOMAIN, UserProfileName: 'team1-abc' })),
      'ResourceInUse',
    )
    await new Promise((r) => setTimeout(r, 450))
    assert.equal(await appStatus(), 'Deleted')
    await c.send(new sm.DeleteUserProfileCommand({ DomainId: DOMAIN, UserProfileName: 'team1-abc' }))
    await rejects(
      c.send(new sm.ListUserProfilesCommand({ DomainIdEquals: DOMAIN, MaxResults: 101 })),
      'ValidationException',
    )
    await rejects(
      c.send(new sm.CreatePresignedDomainUrlCommand({ DomainId: 'd-ssomode0001', UserProfileName: 'x' })),
      'ValidationException',
    )
  })

  it('iam: roles, inline and managed policies, tags and their failures', async () => {
    const c = new iam.IAMClient(cfg)
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    })
    await c.send(
      new iam.CreateRoleCommand({
        RoleName: 'r1',
        AssumeRolePolicyDocument: trust,
        Tags: [{ Key: 'Team', Value: 'T' }],
      }),
    )
    await rejects(
      c.send(new iam.CreateRoleCommand({ RoleName: 'r1', AssumeRolePolicyDocument: trust })),
      'EntityAlreadyExistsException',
    )
    await rejects(
      c.send(new iam.CreateRoleCommand({ RoleName: 'bad name!', AssumeRolePolicyDocument: trust })),
      'ValidationError',
    )
    await rejects(
      c.send(new iam.CreateRoleCommand({ RoleName: 'r2', AssumeRolePolicyDocument: 'not json' })),
      'MalformedPolicyDocumentException',
    )
    const role = (await c.send(new iam.GetRoleCommand({ RoleName: 'r1' }))).Role!
    assert.equal(decodeURIComponent(role.AssumeRolePolicyDocument!), trust)
    await rejects(c.send(new iam.GetRoleCommand({ RoleName: 'nope' })), 'NoSuchEntityException')
    await c.send(new iam.UpdateAssumeRolePolicyCommand({ RoleName: 'r1', PolicyDocument: trust }))
    const doc = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
    })
    await c.send(new iam.PutRolePolicyCommand({ RoleName: 'r1', PolicyName: 'p1', PolicyDocument: doc }))
    assert.equal(
      decodeURIComponent(
        (await c.send(new iam.GetRolePolicyCommand({ RoleName: 'r1', PolicyName: 'p1' }))).PolicyDocument!,
      ),
      doc,
    )
    assert.deepEqual((await c.send(new iam.ListRolePoliciesCommand({ RoleName: 'r1' }))).PolicyNames, ['p1'])
    await c.send(
      new iam.AttachRolePolicyCommand({
        RoleName: 'r1',
        PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      }),
    )
    assert.equal(
      (await c.send(new iam.ListAttachedRolePoliciesCommand({ RoleName: 'r1' }))).AttachedPolicies?.[0]
        .PolicyName,
      'AmazonS3ReadOnlyAccess',
    )
    await c.send(new iam.TagRoleCommand({ RoleName: 'r1', Tags: [{ Key: 'x', Value: 'y' }] }))
    await c.send(new iam.UntagRoleCommand({ RoleName: 'r1', TagKeys: ['Team'] }))
    assert.deepEqual((await c.send(new iam.ListRoleTagsCommand({ RoleName: 'r1' }))).Tags, [
      { Key: 'x', Value: 'y' },
    ])
    await rejects(c.send(new iam.DeleteRoleCommand({ RoleName: 'r1' })), 'DeleteConflictException')
    await c.send(
      new iam.DetachRolePolicyCommand({
        RoleName: 'r1',
        PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      }),
    )
    await c.send(new iam.DeleteRolePolicyCommand({ RoleName: 'r1', PolicyName: 'p1' }))
    await rejects(
      c.send(new iam.GetRolePolicyCommand({ RoleName: 'r1', PolicyName: 'p1' })),
      'NoSuchEntityException',
    )
    await c.send(new iam.DeleteRoleCommand({ RoleName: 'r1' }))
  })

  it('lakeformation: LF-tags, grants (batch with per-entry failures), listing rules', async () => {
    const c = new lf.LakeFormationClient(cfg)
    new iam.IAMClient(cfg)
    emu.seed({ roles: [{ name: 'team-role' }] })
    await c.send(new lf.CreateLFTagCommand({ TagKey: 'domain', TagValues: ['a', 'b'] }))
    await rejects(
      c.send(new lf.CreateLFTagCommand({ TagKey: 'domain', TagValues: ['a'] })),
      'AlreadyExistsException',
    )
    await c.send(new lf.UpdateLFTagCommand({ TagKey: 'domain', TagValuesToAdd: ['c'] }))
    assert.deepEqual((await c.send(new lf.GetLFTagCommand({ TagKey: 'domain' }))).TagValues, ['a', 'b', 'c'])
    await rejects(c.send(new lf.GetLFTagCommand({ TagKey: 'nope' })), 'EntityNotFoundException')
    assert.equal((await c.send(new lf.ListLFTagsCommand({}))).LFTags?.length, 1)
    const principal = { DataLakePrincipalIdentifier: 'arn:aws:iam::123456789012:role/team-role' }
    const resource = (v: string) => ({
      LFTagPolicy: { ResourceType: 'TABLE' as const, Expression: [{ TagKey: 'domain', TagValues: [v] }] },
    })
    await c.send(
      new lf.GrantPermissionsCommand({
        Principal: principal,
        Resource: resource('a'),
        Permissions: ['SELECT'],
      }),
    )
    const batch = await c.send(
      new lf.BatchGrantPermissionsCommand({
        Entries: [
          { Id: '1', Principal: principal, Resource: resource('b'), Permissions: ['SELECT'] },
          { Id: '2', Principal: principal, Resource: resource('zzz'), Permissions: ['SELECT'] },
        ],
      }),
    )
    assert.deepEqual(
      batch.Failures?.map((f) => [f.RequestEntry?.Id, f.Error?.ErrorCode]),
      [['2', 'InvalidInputException']],
    )
    const listed = await c.send(new lf.ListPermissionsCommand({ ResourceType: 'LF_TAG_POLICY_TABLE' }))
    assert.equal(listed.PrincipalResourcePermissions?.length, 2)
    await rejects(c.send(new lf.ListPermissionsCommand({ Principal: principal })), 'InvalidInputException')
    await c.send(
      new lf.RevokePermissionsCommand({
        Principal: principal,
        Resource: resource('a'),
        Permissions: ['SELECT'],
      }),
    )
    await c.send(
      new lf.BatchRevokePermissionsCommand({
        Entries: [{ Id: '1', Principal: principal, Resource: resource('b'), Permissions: ['SELECT'] }],
      }),
    )
    assert.equal(
      (await c.send(new lf.ListPermissionsCommand({ ResourceType: 'LF_TAG_POLICY_TABLE' })))
        .PrincipalResourcePermissions?.length,
      0,
    )
    await rejects(
      c.send(
        new lf.GrantPermissionsCommand({
          Principal: principal,
          Resource: {
            LFTagPolicy: { ResourceType: 'DATABASE', Expression: [{ TagKey: 'domain', TagValues: ['a'] }] },
          },
          Permissions: ['SELECT'],
        }),
      ),
      'InvalidInputException',
    )
    await c.send(new lf.DeleteLFTagCommand({ TagKey: 'domain' }))
  })

  it('iam: managed policies, their five versions, permissions boundaries and their failures', async () => {
    const c = new iam.IAMClient(cfg)
    const doc = (n: number) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: `s3:Get${n}`, Resource: '*' }],
      })
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    })
    const created = await c.send(
      new iam.CreatePolicyCommand({
        PolicyName: 'b1',
        PolicyDocument: doc(1),
        Tags: [{ Key: 'k', Value: 'v' }],
      }),
    )
    const PolicyArn = created.Policy!.Arn!
    assert.equal(PolicyArn, 'arn:aws:iam::123456789012:policy/b1')
    assert.equal(created.Policy?.DefaultVersionId, 'v1')
    await rejects(
      c.send(new iam.CreatePolicyCommand({ PolicyName: 'b1', PolicyDocument: doc(1) })),
      'EntityAlreadyExistsException',
    )
    await rejects(
      c.send(new iam.CreatePolicyCommand({ PolicyName: 'b2', PolicyDocument: 'nope' })),
      'MalformedPolicyDocumentException',
    )
    assert.deepEqual((await c.send(new iam.GetPolicyCommand({ PolicyArn }))).Policy?.Tags, [
      { Key: 'k', Value: 'v' },
    ])
    await rejects(
      c.send(new iam.GetPolicyCommand({ PolicyArn: 'arn:aws:iam::123456789012:policy/nope' })),
      'NoSuchEntityException',
    )
    for (const n of [2, 3, 4, 5])
      await c.send(
        new iam.CreatePolicyVersionCommand({ PolicyArn, PolicyDocument: doc(n), SetAsDefault: n === 5 }),
      )
    // The five-version limit.
    await rejects(
      c.send(new iam.CreatePolicyVersionCommand({ PolicyArn, PolicyDocument: doc(6), SetAsDefault: true })),
      'LimitExceededException',
    )
    const versions = (await c.send(new iam.ListPolicyVersionsCommand({ PolicyArn }))).Versions ?? []
    assert.deepEqual(
      versions.map((v) => [v.VersionId, v.IsDefaultVersion]),
      [
        ['v5', true],
        ['v4', false],
        ['v3', false],
        ['v2', false],
        ['v1', false],
      ],
    )
    const v5 = await c.send(new iam.GetPolicyVersionCommand({ PolicyArn, VersionId: 'v5' }))
    assert.equal(decodeURIComponent(v5.PolicyVersion!.Document!), doc(5))
    await rejects(
      c.send(new iam.GetPolicyVersionCommand({ PolicyArn, VersionId: 'v9' })),
      'NoSuchEntityException',
    )
    await rejects(
      c.send(new iam.DeletePolicyVersionCommand({ PolicyArn, VersionId: 'v5' })),
      'DeleteConflictException',
    )
    await c.send(new iam.DeletePolicyVersionCommand({ PolicyArn, VersionId: 'v1' }))
    // Version ids are never reused.
    const v6 = await c.send(
      new iam.CreatePolicyVersionCommand({ PolicyArn, PolicyDocument: doc(6), SetAsDefault: true }),
    )
    assert.equal(v6.PolicyVersion?.VersionId, 'v6')
    assert.equal((await c.send(new iam.GetPolicyCommand({ PolicyArn }))).Policy?.DefaultVersionId, 'v6')

    // Permissions boundaries: on creation, put, delete; only existing managed policies.
    await c.send(
      new iam.CreateRoleCommand({
        RoleName: 'r1',
        AssumeRolePolicyDocument: trust,
        PermissionsBoundary: PolicyArn,
      }),
    )
    assert.deepEqual((await c.send(new iam.GetRoleCommand({ RoleName: 'r1' }))).Role?.PermissionsBoundary, {
      PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
      PermissionsBoundaryArn: PolicyArn,
    })
    await rejects(
      c.send(
        new iam.CreateRoleCommand({
          RoleName: 'r2',
          AssumeRolePolicyDocument: trust,
          PermissionsBoundary: 'arn:aws:iam::123456789012:policy/nope',
        }),
      ),
      'NoSuchEntityException',
    )
    await c.send(new iam.DeleteRolePermissionsBoundaryCommand({ RoleName: 'r1' }))
    assert.equal(
      (await c.send(new iam.GetRoleCommand({ RoleName: 'r1' }))).Role?.PermissionsBoundary,
      undefined,
    )
    await c.send(
      new iam.PutRolePermissionsBoundaryCommand({ RoleName: 'r1', PermissionsBoundary: PolicyArn }),
    )
    await rejects(
      c.send(
        new iam.PutRolePermissionsBoundaryCommand({
          RoleName: 'r1',
          PermissionsBoundary: 'arn:aws:iam::123456789012:policy/nope',
        }),
      ),
      'NoSuchEntityException',
    )
    await rejects(
      c.send(new iam.PutRolePermissionsBoundaryCommand({ RoleName: 'nope', PermissionsBoundary: PolicyArn })),
      'NoSuchEntityException',
    )
    assert.equal(
      (await c.send(new iam.GetPolicyCommand({ PolicyArn }))).Policy?.PermissionsBoundaryUsageCount,
      1,
    )
    // AttachRolePolicy of a policy that does not exist: NoSuchEntity (an AWS managed one exists).
    await rejects(
      c.send(
        new iam.AttachRolePolicyCommand({
          RoleName: 'r1',
          PolicyArn: 'arn:aws:iam::aws:policy/NoSuchPolicy',
        }),
      ),
      'NoSuchEntityException',
    )
    await c.send(
      new iam.AttachRolePolicyCommand({
        RoleName: 'r1',
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    )
    await rejects(c.send(new iam.DeletePolicyCommand({ PolicyArn })), 'DeleteConflictException')
  })

  it('lambda: function, code, configuration, URL, permission, tags and their failures', async () => {
    emu.seed({ roles: [{ name: 'acs-role', trustService: 'lambda.amazonaws.com' }] })
    const c = new lambda.LambdaClient(cfg)
    const Role = 'arn:aws:iam::123456789012:role/acs-role'
    const created = await c.send(
      new lambda.CreateFunctionCommand({
        FunctionName: 'f1',
        Role,
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Code: { ZipFile: Buffer.from('zip-1') },
        Tags: { a: 'b' },
      }),
    )
    await rejects(
      c.send(
        new lambda.CreateFunctionCommand({
          FunctionName: 'f1',
          Role,
          Runtime: 'nodejs22.x',
          Code: { ZipFile: Buffer.from('z') },
        }),
      ),
      'ResourceConflictException',
    )
    await rejects(
      c.send(
        new lambda.CreateFunctionCommand({
          FunctionName: 'f2',
          Role,
          Runtime: 'cobol' as never,
          Code: { ZipFile: Buffer.from('z') },
        }),
      ),
      // Outside the model's Runtime enum: AWS's request validation answers before Lambda does.
      'ValidationException',
    )
    const updated = await c.send(
      new lambda.UpdateFunctionCodeCommand({ FunctionName: 'f1', ZipFile: Buffer.from('zip-2') }),
    )
    assert.notEqual(updated.CodeSha256, created.CodeSha256)
    await c.send(new lambda.UpdateFunctionConfigurationCommand({ FunctionName: 'f1', Timeout: 10 }))
    assert.equal(
      (await c.send(new lambda.GetFunctionConfigurationCommand({ FunctionName: 'f1' }))).Timeout,
      10,
    )
    assert.deepEqual((await c.send(new lambda.GetFunctionCommand({ FunctionName: 'f1' }))).Tags, { a: 'b' })
    await rejects(
      c.send(new lambda.GetFunctionCommand({ FunctionName: 'nope' })),
      'ResourceNotFoundException',
    )
    await rejects(
      c.send(new lambda.GetFunctionUrlConfigCommand({ FunctionName: 'f1' })),
      'ResourceNotFoundException',
    )
    const url = await c.send(
      new lambda.CreateFunctionUrlConfigCommand({ FunctionName: 'f1', AuthType: 'NONE' }),
    )
    assert.match(url.FunctionUrl ?? '', /^https:\/\/[a-f0-9]{32}\.lambda-url\.us-east-1\.on\.aws\/$/)
    assert.equal(
      (await c.send(new lambda.GetFunctionUrlConfigCommand({ FunctionName: 'f1' }))).AuthType,
      'NONE',
    )
    await c.send(
      new lambda.AddPermissionCommand({
        FunctionName: 'f1',
        StatementId: 'url',
        Action: 'lambda:InvokeFunctionUrl',
        Principal: '*',
        FunctionUrlAuthType: 'NONE',
      }),
    )
    await rejects(
      c.send(
        new lambda.AddPermissionCommand({
          FunctionName: 'f1',
          StatementId: 'url',
          Action: 'lambda:InvokeFunctionUrl',
          Principal: '*',
        }),
      ),
      'ResourceConflictException',
    )
    // InvokedViaFunctionUrl (Oct 2025): a Bool condition, only on lambda:InvokeFunction.
    await c.send(
      new lambda.AddPermissionCommand({
        FunctionName: 'f1',
        StatementId: 'invoke',
        Action: 'lambda:InvokeFunction',
        Principal: '*',
        InvokedViaFunctionUrl: true,
      }),
    )
    await rejects(
      c.send(
        new lambda.AddPermissionCommand({
          FunctionName: 'f1',
          StatementId: 'bad',
          Action: 'lambda:GetFunction',
          Principal: '*',
          InvokedViaFunctionUrl: true,
        }),
      ),
      'InvalidParameterValueException',
    )
    const fnPolicy = JSON.parse((await c.send(new lambda.GetPolicyCommand({ FunctionName: 'f1' }))).Policy!)
    assert.deepEqual(
      fnPolicy.Statement.map((st: { Sid: string; Condition: unknown }) => [st.Sid, st.Condition]),
      [
        ['url', { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } }],
        ['invoke', { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } }],
      ],
    )
    await c.send(new lambda.RemovePermissionCommand({ FunctionName: 'f1', StatementId: 'invoke' }))
    await rejects(
      c.send(new lambda.RemovePermissionCommand({ FunctionName: 'f1', StatementId: 'invoke' })),
      'ResourceNotFoundException',
    )
    await c.send(new lambda.RemovePermissionCommand({ FunctionName: 'f1', StatementId: 'url' }))
    // A function without statements has no policy at all.
    await rejects(c.send(new lambda.GetPolicyCommand({ FunctionName: 'f1' })), 'ResourceNotFoundException')
    await c.send(new lambda.TagResourceCommand({ Resource: created.FunctionArn, Tags: { c: 'd' } }))
    assert.deepEqual((await c.send(new lambda.ListTagsCommand({ Resource: created.FunctionArn }))).Tags, {
      a: 'b',
      c: 'd',
    })
  })

  it('athena: workgroups, tags, listing and their failures; s3: HeadBucket with the expected owner', async () => {
    const c = new athena.AthenaClient(cfg)
    const arn = 'arn:aws:athena:us-east-1:123456789012:workgroup/wg1'
    await c.send(
      new athena.CreateWorkGroupCommand({
        Name: 'wg1',
        Configuration: {
          ResultConfiguration: { OutputLocation: 's3://bucket1/p/' },
          EnforceWorkGroupConfiguration: true,
        },
        Tags: [{ Key: 'k', Value: 'v' }],
      }),
    )
    await rejects(c.send(new athena.CreateWorkGroupCommand({ Name: 'wg1' })), 'InvalidRequestException')
    await rejects(c.send(new athena.CreateWorkGroupCommand({ Name: 'bad name' })), 'InvalidRequestException')
    const got = (await c.send(new athena.GetWorkGroupCommand({ WorkGroup: 'wg1' }))).WorkGroup!
    assert.equal(got.Configuration?.ResultConfiguration?.OutputLocation, 's3://bucket1/p/')
    assert.ok(got.CreationTime instanceof Date)
    await rejects(c.send(new athena.GetWorkGroupCommand({ WorkGroup: 'nope' })), 'InvalidRequestException')
    await c.send(
      new athena.UpdateWorkGroupCommand({
        WorkGroup: 'wg1',
        ConfigurationUpdates: { ResultConfigurationUpdates: { OutputLocation: 's3://bucket1/q/' } },
      }),
    )
    assert.equal(
      (await c.send(new athena.GetWorkGroupCommand({ WorkGroup: 'wg1' }))).WorkGroup?.Configuration
        ?.ResultConfiguration?.OutputLocation,
      's3://bucket1/q/',
    )
    assert.deepEqual((await c.send(new athena.ListTagsForResourceCommand({ ResourceARN: arn }))).Tags, [
      { Key: 'k', Value: 'v' },
    ])
    await rejects(
      c.send(new athena.ListTagsForResourceCommand({ ResourceARN: arn, MaxResults: 10 })),
      'InvalidRequestException',
    )
    await rejects(
      c.send(new athena.ListTagsForResourceCommand({ ResourceARN: `${arn}x` })),
      'ResourceNotFoundException',
    )
    for (let i = 0; i < 3; i++) await c.send(new athena.CreateWorkGroupCommand({ Name: `page-${i}` }))
    const names: string[] = []
    for await (const page of athena.paginateListWorkGroups({ client: c, pageSize: 2 }, {}))
      names.push(...(page.WorkGroups ?? []).map((w) => w.Name!))
    assert.deepEqual(names, ['page-0', 'page-1', 'page-2', 'primary', 'wg1'])
    await rejects(c.send(new athena.ListWorkGroupsCommand({ MaxResults: 51 })), 'InvalidRequestException')
    await rejects(
      c.send(new athena.DeleteWorkGroupCommand({ WorkGroup: 'primary' })),
      'InvalidRequestException',
    )
    await c.send(new athena.DeleteWorkGroupCommand({ WorkGroup: 'wg1', RecursiveDeleteOption: true }))
    await rejects(c.send(new athena.DeleteWorkGroupCommand({ WorkGroup: 'wg1' })), 'InvalidRequestException')

    const b = new s3.S3Client(cfg)
    emu.seed({ buckets: ['bucket1', { name: 'foreign', owner: '999999999999' }] })
    const ok = await b.send(
      new s3.HeadBucketCommand({ Bucket: 'bucket1', ExpectedBucketOwner: '123456789012' }),
    )
    assert.equal(ok.$metadata.httpStatusCode, 200)
    assert.equal(ok.BucketRegion, 'us-east-1')
    await rejects(b.send(new s3.HeadBucketCommand({ Bucket: 'missing-bucket' })), 'NotFound')
    await assert.rejects(
      b.send(new s3.HeadBucketCommand({ Bucket: 'foreign', ExpectedBucketOwner: '123456789012' })),
      (err: { $metadata?: { httpStatusCode?: number } }) => err.$metadata?.httpStatusCode === 403,
    )
  })

  it('dynamodb (dynalite): conditional writes, and TTL answered by the emulator', async () => {
    const c = new ddb.DynamoDBClient(cfg)
    await c.send(
      new ddb.CreateTableCommand({
        TableName: 'acs-state',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    )
    await c.send(
      new ddb.UpdateTimeToLiveCommand({
        TableName: 'acs-state',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      }),
    )
    assert.equal(
      (await c.send(new ddb.DescribeTimeToLiveCommand({ TableName: 'acs-state' }))).TimeToLiveDescription
        ?.TimeToLiveStatus,
      'ENABLED',
    )
    const put = () =>
      c.send(
        new ddb.PutItemCommand({
          TableName: 'acs-state',
          Item: { pk: { S: 'id-1' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
    await put()
    await rejects(put(), 'ConditionalCheckFailedException')
    await rejects(
      c.send(
        new ddb.CreateTableCommand({
          TableName: 'ab',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        }),
      ),
      'ValidationException',
    )
  })

  it('latency: a call takes the injected round trip, the service’s own processing (dynalite’s) inside it', async () => {
    const c = new ddb.DynamoDBClient(cfg)
    await c.send(
      new ddb.CreateTableCommand({
        TableName: 'latency',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    )
    // 4,000 small items: a scan whose filter matches none makes dynalite work for tens of ms and
    // answers a few bytes, so the client's own part of the round trip stays small.
    for (let b = 0; b < 160; b++)
      await c.send(
        new ddb.BatchWriteItemCommand({
          RequestItems: {
            latency: Array.from({ length: 25 }, (_, i) => ({
              PutRequest: { Item: { pk: { S: `item-${b}-${i}` } } },
            })),
          },
        }),
      )
    const scan = () =>
      c.send(new ddb.ScanCommand({ TableName: 'latency', FilterExpression: 'attribute_exists(nothing)' }))
    for (let i = 0; i < 3; i++) await scan() // warm: a cold scan takes several times longer
    const LATENCY = 1000
    emu.setLatency(LATENCY)
    const timed = async (call: () => Promise<unknown>) => {
      const t0 = performance.now()
      await call()
      return performance.now() - t0
    }
    for (let i = 0; i < 3; i++) {
      emu.resetCounters()
      const roundTrip = await timed(scan)
      const [worked] = emu.processingTimes()['dynamodb:Scan']
      assert.ok(worked < LATENCY / 2, `dynalite worked ${worked} ms: more than the way in`)
      assert.ok(roundTrip >= LATENCY - 1, `answered after ${roundTrip} ms`)
      // Additive latency (the old model) would take LATENCY + worked + the client's own part.
      assert.ok(
        roundTrip - LATENCY < worked,
        `round trip ${roundTrip.toFixed(1)} ms with dynalite working ${worked.toFixed(1)} ms inside ${LATENCY} ms`,
      )
    }
    // Every service the same: SageMaker answered after the round trip too; throttles as well.
    const s = new sm.SageMakerClient(cfg)
    assert.ok((await timed(() => s.send(new sm.DescribeDomainCommand({ DomainId: DOMAIN })))) >= LATENCY - 1)
    emu.injectFaults({ operation: 'sagemaker:DescribeDomain', kind: 'throttle', next: 1 })
    const throttled = await timed(() =>
      rejects(s.send(new sm.DescribeDomainCommand({ DomainId: DOMAIN })), 'ThrottlingException'),
    )
    assert.ok(throttled >= LATENCY - 1, `throttled after ${throttled} ms`)
    emu.setLatency(0)
    assert.ok((await timed(() => s.send(new sm.DescribeDomainCommand({ DomainId: DOMAIN })))) < LATENCY / 2)
  })

  it('paginates 1,050 users and 2,300 user profiles: every item exactly once', async () => {
    emu.seed({ users: Array.from({ length: 1045 }, (_, i) => ({ userName: `bulk${i}@example.com` })) })
    const c = new ids.IdentitystoreClient(cfg)
    const users: string[] = []
    for await (const page of ids.paginateListUsers(
      { client: c },
      { IdentityStoreId: STORE, MaxResults: 100 },
    ))
      users.push(...(page.Users ?? []).map((u) => u.UserId!))
    assert.equal(users.length, 1050)
    assert.equal(new Set(users).size, 1050)
    emu.seed({ profiles: Array.from({ length: 2300 }, (_, i) => ({ domainId: DOMAIN, name: `p-${i}` })) })
    const s = new sm.SageMakerClient(cfg)
    const names: string[] = []
    for await (const page of sm.paginateListUserProfiles(
      { client: s },
      { DomainIdEquals: DOMAIN, MaxResults: 100 },
    ))
      names.push(...(page.UserProfiles ?? []).map((p) => p.UserProfileName!))
    assert.equal(names.length, 2300)
    assert.equal(new Set(names).size, 2300)
    assert.equal(emu.counters()['sagemaker:ListUserProfiles'], 23)
  })

  it('with 30% injected throttling, an adaptive-retry client completes 200 calls; counters show the retries', async () => {
    emu.injectFaults({ operation: 'sts:GetCallerIdentity', kind: 'throttle', rate: 0.3 })
    // The SDK's adaptive strategy (client-side rate limiting) with a short backoff so the test is quick.
    const retryStrategy = new AdaptiveRetryStrategy(10, {
      rateLimiter: new DefaultRateLimiter({ minFillRate: 200, minCapacity: 200 }),
      backoff: { setDelayBase() {}, computeNextBackoffDelay: () => 2 },
    } as never)
    const client = new sts.STSClient({ ...cfg, retryStrategy })
    let retries = 0
    for (let i = 0; i < 200; i++) {
      const out = await client.send(new sts.GetCallerIdentityCommand({}))
      retries += (out.$metadata.attempts ?? 1) - 1
    }
    const calls = emu.counters()['sts:GetCallerIdentity']
    const faults = emu.faultCounters()['sts:GetCallerIdentity']
    assert.equal(calls, 200 + faults)
    assert.equal(retries, faults)
    assert.ok(faults > 20, `expected retries, saw ${faults}`)
  })

  it('rate limits: a token bucket per operation, refused with each protocol’s throttling error', async () => {
    emu.setRateLimit({ operation: 'sagemaker:DescribeDomain', rate: 2, burst: 2 })
    emu.setRateLimit({ operation: '*:Get*', rate: 2, burst: 2 })
    const s = new sm.SageMakerClient(cfg)
    const i = new iam.IAMClient(cfg)
    const l = new lambda.LambdaClient(cfg)
    const describe = () => s.send(new sm.DescribeDomainCommand({ DomainId: DOMAIN }))
    const getRole = () => i.send(new iam.GetRoleCommand({ RoleName: 'nope' }))
    const getFunction = () => l.send(new lambda.GetFunctionCommand({ FunctionName: 'nope' }))
    // The bucket holds `burst` calls; the next one within 1/rate s is refused (and takes no token).
    await describe()
    await describe()
    await rejects(describe(), 'ThrottlingException')
    // Every operation has its own bucket, and the answer is the one each protocol uses.
    await rejects(getRole(), 'NoSuchEntityException')
    await rejects(getRole(), 'NoSuchEntityException')
    await rejects(getRole(), 'Throttling')
    await rejects(getFunction(), 'ResourceNotFoundException')
    await rejects(getFunction(), 'ResourceNotFoundException')
    await assert.rejects(getFunction(), (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(e.name, 'TooManyRequestsException')
      assert.equal(e.$metadata?.httpStatusCode, 429)
      return true
    })
    // Operations no limit matches are never throttled.
    for (let n = 0; n < 5; n++) await s.send(new sm.ListDomainsCommand({}))
    // The bucket refills at `rate`: 1/2 s later one more call is accepted.
    await new Promise((r) => setTimeout(r, 600))
    assert.equal((await describe()).DomainId, DOMAIN)
    assert.deepEqual(emu.throttleCounters(), {
      'iam:GetRole': 1,
      'lambda:GetFunction': 1,
      'sagemaker:DescribeDomain': 1,
    })
    assert.deepEqual(emu.faultCounters(), {})
    emu.clearRateLimits()
    for (let n = 0; n < 5; n++) await describe()
  })

  it('under a rate limit, an adaptive-retry client completes every call; counters show the throttles', async () => {
    // Set over HTTP, as a subprocess would.
    const set = await fetch(`${emu.url}/_emulator/rate-limit`, {
      method: 'POST',
      body: JSON.stringify({ operation: 'sts:GetCallerIdentity', rate: 20, burst: 5 }),
    })
    assert.equal(set.status, 200)
    // The SDK's own adaptive mode with the CLI's attempts (src/lib/aws/clients.ts), 8 calls at a time.
    const client = new sts.STSClient({ ...cfg, retryMode: 'adaptive', maxAttempts: 8 })
    const n = 60
    const started = performance.now()
    let retries = 0
    let next = 0
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next++ < n) {
          const out = await client.send(new sts.GetCallerIdentityCommand({}))
          retries += (out.$metadata.attempts ?? 1) - 1
        }
      }),
    )
    const seconds = (performance.now() - started) / 1000
    const counters = (await (await fetch(`${emu.url}/_emulator/counters`)).json()) as {
      calls: Record<string, number>
      throttled: Record<string, number>
    }
    const throttled = counters.throttled['sts:GetCallerIdentity'] ?? 0
    assert.equal(counters.calls['sts:GetCallerIdentity'], n + throttled)
    assert.equal(retries, throttled)
    assert.ok(throttled > 0, 'the burst was throttled')
    // The client slowed down to the rate rather than retrying into the limit.
    assert.ok(throttled < n / 2, `${throttled} throttles for ${n} calls`)
    assert.ok(seconds >= (n - 5) / 20 - 0.1, `${n} calls in ${seconds.toFixed(2)} s beat the limit`)
    await fetch(`${emu.url}/_emulator/rate-limit`, { method: 'POST', body: '{"clear":true}' })
    await client.send(new sts.GetCallerIdentityCommand({}))
    assert.equal(emu.throttleCounters()['sts:GetCallerIdentity'], throttled)
  })

  it('injects 5xx for the next N calls and answers control requests over HTTP', async () => {
    await fetch(`${emu.url}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ operation: 'sagemaker:DescribeDomain', kind: '5xx', next: 2 }),
    })
    const c = new sm.SageMakerClient(cfg)
    await assert.rejects(
      c.send(new sm.DescribeDomainCommand({ DomainId: DOMAIN })),
      (e: { $metadata?: { httpStatusCode?: number } }) => (e.$metadata?.httpStatusCode ?? 0) >= 500,
    )
    await assert.rejects(c.send(new sm.DescribeDomainCommand({ DomainId: DOMAIN })))
    assert.equal((await c.send(new sm.DescribeDomainCommand({ DomainId: DOMAIN }))).DomainId, DOMAIN)
    const counters = (await (await fetch(`${emu.url}/_emulator/counters`)).json()) as {
      calls: Record<string, number>
    }
    assert.equal(counters.calls['sagemaker:DescribeDomain'], 3)
  })
})
