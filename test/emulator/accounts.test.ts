/**
 * The emulator's accounts, through the real AWS SDK v3 clients: requests land in the partition of
 * the account whose credentials signed them, sts:AssumeRole is decided by the target role's trust
 * policy (and, across accounts, by the caller's own policies), and GetCallerIdentity answers for
 * whatever credentials sign the request.
 */
import assert from 'node:assert/strict'
import * as ddb from '@aws-sdk/client-dynamodb'
import * as iam from '@aws-sdk/client-iam'
import * as lf from '@aws-sdk/client-lakeformation'
import * as sm from '@aws-sdk/client-sagemaker'
import * as sts from '@aws-sdk/client-sts'
import { runSimulation } from '@cloud-copilot/iam-simulate'
import { ACCOUNT, type Credentials, type Emulator, startEmulator } from '../../tools/emulator/index.js'

const DEV = '222222222222'
const PROD = '333333333333'
const ADMIN_USER = `arn:aws:iam::${ACCOUNT}:user/emulator-admin`
const DEV_ADMIN_ROLE = `arn:aws:iam::${DEV}:role/sagemaker-teams-admin`

const trusting = (...aws: string[]) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: aws }, Action: 'sts:AssumeRole' }],
})

async function rejects(p: Promise<unknown>, name: string, message?: string | RegExp) {
  await assert.rejects(p, (err: Error) => {
    assert.equal(err.name, name, `expected ${name}, got ${err.name}: ${err.message}`)
    if (typeof message === 'string') assert.equal(err.message, message)
    else if (message) assert.match(err.message, message)
    return true
  })
}

describe('emulator accounts: partitions, sts:AssumeRole and the trust check', function () {
  this.timeout(60_000)
  let emu: Emulator
  const cfg = (credentials?: Credentials) => ({
    region: 'us-east-1',
    endpoint: emu.url,
    credentials: credentials ?? { accessKeyId: emu.env().AWS_ACCESS_KEY_ID, secretAccessKey: 'x' },
    maxAttempts: 1,
  })
  const stsAs = (c?: Credentials) => new sts.STSClient(cfg(c))
  const assume = (RoleArn: string, c?: Credentials, extra: Partial<sts.AssumeRoleCommandInput> = {}) =>
    stsAs(c).send(new sts.AssumeRoleCommand({ RoleArn, RoleSessionName: 'sagemaker-teams-alice', ...extra }))
  const credsOf = (out: sts.AssumeRoleCommandOutput): Credentials => ({
    accessKeyId: out.Credentials!.AccessKeyId!,
    secretAccessKey: out.Credentials!.SecretAccessKey!,
    sessionToken: out.Credentials!.SessionToken!,
  })

  before(async () => {
    emu = await startEmulator({
      seed: 'examples/demo-account.yaml',
      accounts: [
        {
          id: DEV,
          seed: {
            domains: [{ id: 'd-dev000000001', name: 'dev' }],
            roles: [
              { name: 'sagemaker-teams-admin', trust: trusting(ADMIN_USER) },
              { name: 'service-only' },
              { name: 'trusts-someone-else', trust: trusting(`arn:aws:iam::${ACCOUNT}:user/someone-else`) },
              { name: 'trusts-the-account', trust: trusting(`arn:aws:iam::${ACCOUNT}:root`) },
              { name: 'short', trust: trusting(ADMIN_USER), maxSessionDuration: 3600 },
            ],
          },
        },
      ],
    })
    emu.addAccount(PROD, { domains: [{ id: 'd-prod00000001', name: 'prod' }] })
  })
  after(() => emu.close())
  beforeEach(async () => {
    emu.reset()
    await emu.dropTables()
    await emu.seedFile('examples/demo-account.yaml')
  })

  it('GetCallerIdentity answers for the default credentials: the default account’s administrator user', async () => {
    const me = await stsAs().send(new sts.GetCallerIdentityCommand({}))
    assert.deepEqual([me.Account, me.Arn], [ACCOUNT, ADMIN_USER])
    assert.deepEqual(emu.accounts(), [ACCOUNT, DEV, PROD])
  })

  it('AssumeRole allowed by the trust policy: the session acts in the role’s account, and what it creates lands there', async () => {
    const out = await assume(DEV_ADMIN_ROLE)
    assert.match(out.Credentials!.AccessKeyId!, /^ASIA[A-Z0-9]{16}$/)
    assert.ok(out.Credentials!.SessionToken)
    assert.equal(
      out.AssumedRoleUser!.Arn,
      `arn:aws:sts::${DEV}:assumed-role/sagemaker-teams-admin/sagemaker-teams-alice`,
    )
    const role = emu.accountState(DEV).roles.find((r) => r.RoleName === 'sagemaker-teams-admin')!
    assert.equal(out.AssumedRoleUser!.AssumedRoleId, `${role.RoleId}:sagemaker-teams-alice`)

    const creds = credsOf(out)
    const me = await stsAs(creds).send(new sts.GetCallerIdentityCommand({}))
    assert.deepEqual(
      [me.Account, me.Arn, me.UserId],
      [DEV, out.AssumedRoleUser!.Arn, out.AssumedRoleUser!.AssumedRoleId],
    )

    await new iam.IAMClient(cfg(creds)).send(
      new iam.CreateRoleCommand({
        RoleName: 'team1-role',
        AssumeRolePolicyDocument: JSON.stringify(trusting(ADMIN_USER)),
      }),
    )
    const created = emu.accountState(DEV).roles.find((r) => r.RoleName === 'team1-role')
    assert.equal(created?.Arn, `arn:aws:iam::${DEV}:role/team1-role`)
    assert.equal(
      emu.state.roles.find((r) => r.RoleName === 'team1-role'),
      undefined,
    )
    assert.equal(emu.accountState(PROD).roles.length, 0)

    // Each account sees its own domains only.
    const domains = async (c?: Credentials) =>
      (await new sm.SageMakerClient(cfg(c)).send(new sm.ListDomainsCommand({}))).Domains!.map(
        (d) => d.DomainId,
      )
    assert.deepEqual(await domains(creds), ['d-dev000000001'])
    assert.deepEqual(await domains(), ['d-abcdefghijkl', 'd-ssomode0001'])
  })

  it('AssumeRole without a trust policy for the caller, or trusting another principal, is AccessDenied with AWS’s message', async () => {
    for (const name of ['service-only', 'trusts-someone-else', 'no-such-role']) {
      const arn = `arn:aws:iam::${DEV}:role/${name}`
      await rejects(
        assume(arn),
        'AccessDenied',
        `User: ${ADMIN_USER} is not authorized to perform: sts:AssumeRole on resource: ${arn}`,
      )
    }
    // An account the emulator does not have: the same answer.
    await rejects(assume('arn:aws:iam::444444444444:role/sagemaker-teams-admin'), 'AccessDenied')
    // A trust policy naming the caller's account delegates to the caller's own policies (an administrator here).
    assert.ok((await assume(`arn:aws:iam::${DEV}:role/trusts-the-account`)).Credentials)
  })

  it('a Deny in the trust policy wins over an Allow', async () => {
    const admin = credsOf(await assume(DEV_ADMIN_ROLE))
    await new iam.IAMClient(cfg(admin)).send(
      new iam.UpdateAssumeRolePolicyCommand({
        RoleName: 'trusts-the-account',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' },
            { Effect: 'Deny', Principal: { AWS: ADMIN_USER }, Action: 'sts:*' },
          ],
        }),
      }),
    )
    await rejects(assume(`arn:aws:iam::${DEV}:role/trusts-the-account`), 'AccessDenied')
  })

  it('an assumed-role session assumes a role trusted for its role ARN; across accounts its own policy must allow it', async () => {
    const devAdmin = credsOf(await assume(DEV_ADMIN_ROLE))
    const devIam = new iam.IAMClient(cfg(devAdmin))
    // In prod: a role trusting the dev admin role (not the user that assumed it).
    const prodAdmin = emu.credentialsFor(`arn:aws:iam::${PROD}:user/admin`)
    await new iam.IAMClient(cfg(prodAdmin)).send(
      new iam.CreateRoleCommand({
        RoleName: 'presign',
        AssumeRolePolicyDocument: JSON.stringify(trusting(DEV_ADMIN_ROLE)),
      }),
    )
    const presign = `arn:aws:iam::${PROD}:role/presign`
    // The user itself is not trusted by the prod role.
    await rejects(assume(presign), 'AccessDenied')
    // The dev role's own policies do not allow sts:AssumeRole yet (cross-account needs both sides).
    const chained = `arn:aws:sts::${DEV}:assumed-role/sagemaker-teams-admin/sagemaker-teams-alice`
    await rejects(
      assume(presign, devAdmin),
      'AccessDenied',
      `User: ${chained} is not authorized to perform: sts:AssumeRole on resource: ${presign} because no identity-based policy allows the sts:AssumeRole action`,
    )
    await devIam.send(
      new iam.PutRolePolicyCommand({
        RoleName: 'sagemaker-teams-admin',
        PolicyName: 'assume-presign',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${PROD}:role/pre*` },
          ],
        }),
      }),
    )
    const out = await assume(presign, devAdmin, { RoleSessionName: 'acs-team1' })
    const me = await stsAs(credsOf(out)).send(new sts.GetCallerIdentityCommand({}))
    assert.deepEqual([me.Account, me.Arn], [PROD, `arn:aws:sts::${PROD}:assumed-role/presign/acs-team1`])
    // Role chaining: a session assumed by a role session lasts at most one hour.
    await rejects(
      assume(presign, devAdmin, { DurationSeconds: 7200 }),
      'ValidationError',
      /1 hour session limit for roles assumed by role chaining/,
    )
  })

  it('a trust policy naming a missing role is refused; a deleted trusted role leaves its id behind, not trusting a new role of that name', async () => {
    const prodIam = new iam.IAMClient(cfg(emu.credentialsFor(`arn:aws:iam::${PROD}:user/admin`)))
    const devIam = new iam.IAMClient(cfg(emu.credentialsFor(`arn:aws:iam::${DEV}:user/admin`)))
    const acs = `arn:aws:iam::${DEV}:role/acs`
    const createPresign = () =>
      prodIam.send(
        new iam.CreateRoleCommand({
          RoleName: 'presign',
          AssumeRolePolicyDocument: JSON.stringify(trusting(acs)),
        }),
      )
    await rejects(
      createPresign(),
      'MalformedPolicyDocumentException',
      `Invalid principal in policy: "AWS":"${acs}"`,
    )
    // An account the emulator does not have cannot be checked: accepted.
    await prodIam.send(
      new iam.CreateRoleCommand({
        RoleName: 'elsewhere',
        AssumeRolePolicyDocument: JSON.stringify(trusting('arn:aws:iam::444444444444:role/x')),
      }),
    )
    const lambdaTrust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    })
    const { Role: first } = await devIam.send(
      new iam.CreateRoleCommand({ RoleName: 'acs', AssumeRolePolicyDocument: lambdaTrust }),
    )
    await createPresign()
    const presign = `arn:aws:iam::${PROD}:role/presign`
    const allowPresign = new iam.PutRolePolicyCommand({
      RoleName: 'acs',
      PolicyName: 'presign',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: presign }],
      }),
    })
    await devIam.send(allowPresign)
    assert.ok((await assume(presign, emu.credentialsFor(acs))).Credentials)

    await devIam.send(new iam.DeleteRolePolicyCommand({ RoleName: 'acs', PolicyName: 'presign' }))
    await devIam.send(new iam.DeleteRoleCommand({ RoleName: 'acs' }))
    const trust = await prodIam.send(new iam.GetRoleCommand({ RoleName: 'presign' }))
    const principal = JSON.parse(decodeURIComponent(trust.Role!.AssumeRolePolicyDocument!)).Statement[0]
      .Principal.AWS
    assert.deepEqual(principal, [first!.RoleId])
    await devIam.send(new iam.CreateRoleCommand({ RoleName: 'acs', AssumeRolePolicyDocument: lambdaTrust }))
    await devIam.send(allowPresign)
    await rejects(assume(presign, emu.credentialsFor(acs)), 'AccessDenied')
    // Naming the new role again restores the trust.
    await prodIam.send(
      new iam.UpdateAssumeRolePolicyCommand({
        RoleName: 'presign',
        PolicyDocument: JSON.stringify(trusting(acs)),
      }),
    )
    assert.ok((await assume(presign, emu.credentialsFor(acs))).Credentials)
  })

  it('lakeformation: grants and LF-tags are the account’s own; a grant’s role is looked up in the role’s account', async () => {
    const creds = credsOf(await assume(DEV_ADMIN_ROLE))
    const devLf = new lf.LakeFormationClient(cfg(creds))
    await devLf.send(new lf.CreateLFTagCommand({ TagKey: 'domain', TagValues: ['dev'] }))
    const grant = (DataLakePrincipalIdentifier: string) =>
      devLf.send(
        new lf.BatchGrantPermissionsCommand({
          Entries: [
            {
              Id: '1',
              Principal: { DataLakePrincipalIdentifier },
              Resource: {
                LFTagPolicy: {
                  ResourceType: 'TABLE',
                  Expression: [{ TagKey: 'domain', TagValues: ['dev'] }],
                },
              },
              Permissions: ['SELECT'],
            },
          ],
        }),
      )
    assert.deepEqual((await grant(DEV_ADMIN_ROLE)).Failures, [])
    // The same role name in the default account does not exist there.
    const elsewhere = await grant(`arn:aws:iam::${ACCOUNT}:role/sagemaker-teams-admin`)
    assert.equal(elsewhere.Failures?.[0]?.Error?.ErrorCode, 'InvalidInputException')
    assert.equal(emu.accountState(DEV).lfGrants.length, 1)
    assert.deepEqual(emu.state.lfGrants, [])
    assert.deepEqual(emu.state.lfTags, [])
    assert.deepEqual(
      emu.accountState(DEV).lfTags.map((t) => t.CatalogId),
      [DEV],
    )
  })

  it('DurationSeconds sets the Expiration (default one hour), within the role’s MaxSessionDuration and the model’s bounds', async () => {
    const t0 = Date.now()
    const expiresIn = (out: sts.AssumeRoleCommandOutput) =>
      (out.Credentials!.Expiration!.getTime() - t0) / 1000
    const byDefault = expiresIn(await assume(DEV_ADMIN_ROLE))
    assert.ok(byDefault > 3590 && byDefault <= 3601, `${byDefault}`)
    const short = expiresIn(await assume(DEV_ADMIN_ROLE, undefined, { DurationSeconds: 900 }))
    assert.ok(short > 890 && short <= 901, `${short}`)
    await rejects(
      assume(`arn:aws:iam::${DEV}:role/short`, undefined, { DurationSeconds: 7200 }),
      'ValidationError',
      /exceeds the MaxSessionDuration set for this role/,
    )
    await rejects(
      assume(DEV_ADMIN_ROLE, undefined, { DurationSeconds: 899 }),
      'ValidationError',
      /durationSeconds/,
    )
    await rejects(
      assume(DEV_ADMIN_ROLE, undefined, { RoleSessionName: 'has a space' }),
      'ValidationError',
      /roleSessionName.*regular expression pattern/,
    )
  })

  it('session credentials need their session token and stop working once expired', async () => {
    const creds = credsOf(await assume(DEV_ADMIN_ROLE))
    const { sessionToken: _, ...withoutToken } = creds
    await rejects(stsAs(withoutToken).send(new sts.GetCallerIdentityCommand({})), 'InvalidClientTokenId')
    await rejects(
      new sm.SageMakerClient(cfg({ ...creds, sessionToken: 'forged' })).send(new sm.ListDomainsCommand({})),
      'UnrecognizedClientException',
    )
    emu.expireCredentials(creds.accessKeyId)
    await rejects(stsAs(creds).send(new sts.GetCallerIdentityCommand({})), 'ExpiredToken')
  })

  it('credentialsFor acts as a role without a trust check; its own AssumeRole is trust-checked', async () => {
    const asAdminRole = emu.credentialsFor(DEV_ADMIN_ROLE)
    assert.ok(asAdminRole.sessionToken)
    const me = await stsAs(asAdminRole).send(new sts.GetCallerIdentityCommand({}))
    assert.deepEqual(
      [me.Account, me.Arn],
      [DEV, `arn:aws:sts::${DEV}:assumed-role/sagemaker-teams-admin/emulator`],
    )
    // The service-only role trusts nobody in any account: not even a session of a role of its account.
    await rejects(assume(`arn:aws:iam::${DEV}:role/service-only`, asAdminRole), 'AccessDenied')
    assert.throws(() => emu.credentialsFor('arn:aws:iam::444444444444:role/x'), /no account 444444444444/)
    // env(arn): the same, as the environment a CLI process reads (the SDK's environment credentials).
    const env = emu.env(DEV_ADMIN_ROLE)
    const fromEnv = await stsAs({
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      sessionToken: env.AWS_SESSION_TOKEN,
    }).send(new sts.GetCallerIdentityCommand({}))
    assert.equal(fromEnv.Arn, `arn:aws:sts::${DEV}:assumed-role/sagemaker-teams-admin/emulator`)
  })

  it('counters per account; counters() sums every account; reset() keeps the accounts and re-seeds them', async () => {
    const creds = credsOf(await assume(DEV_ADMIN_ROLE))
    const devSm = new sm.SageMakerClient(cfg(creds))
    await devSm.send(new sm.ListDomainsCommand({}))
    await devSm.send(new sm.ListDomainsCommand({}))
    await new sm.SageMakerClient(cfg()).send(new sm.ListDomainsCommand({}))
    assert.equal(emu.counters(DEV)['sagemaker:ListDomains'], 2)
    assert.equal(emu.counters(ACCOUNT)['sagemaker:ListDomains'], 1)
    assert.equal(emu.counters()['sagemaker:ListDomains'], 3)
    // The AssumeRole call itself is the caller's: it landed in the default account.
    assert.equal(emu.counters(ACCOUNT)['sts:AssumeRole'], 1)
    assert.equal(emu.counters(DEV)['sts:AssumeRole'], undefined)

    emu.accountState(DEV).domains = []
    emu.reset()
    assert.deepEqual(emu.accounts(), [ACCOUNT, DEV, PROD])
    assert.deepEqual(
      emu.accountState(DEV).domains.map((d) => d.DomainId),
      ['d-dev000000001'],
    )
    assert.deepEqual(emu.counters(), {})
  })

  it('dynamodb: each account has its own tables, whose ARNs name the account', async () => {
    const creds = credsOf(await assume(DEV_ADMIN_ROLE))
    const table = {
      TableName: 'sagemaker-teams-lock',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' as const }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' as const }],
      BillingMode: 'PAY_PER_REQUEST' as const,
    }
    const devDb = new ddb.DynamoDBClient(cfg(creds))
    const created = await devDb.send(new ddb.CreateTableCommand(table))
    assert.equal(
      created.TableDescription!.TableArn,
      `arn:aws:dynamodb:us-east-1:${DEV}:table/sagemaker-teams-lock`,
    )
    assert.deepEqual((await devDb.send(new ddb.ListTablesCommand({}))).TableNames, ['sagemaker-teams-lock'])
    const mainDb = new ddb.DynamoDBClient(cfg())
    assert.deepEqual((await mainDb.send(new ddb.ListTablesCommand({}))).TableNames, [])
    // The same name in the default account is another table.
    await mainDb.send(new ddb.CreateTableCommand(table))
    await mainDb.send(new ddb.PutItemCommand({ TableName: table.TableName, Item: { id: { S: 'main' } } }))
    const devItems = await devDb.send(new ddb.ScanCommand({ TableName: table.TableName }))
    assert.equal(devItems.Count, 0)
  })

  it('decides AssumeRole as an independent IAM engine (iam-simulate) does, over trust × identity policy × account', async () => {
    const caller = `arn:aws:iam::${DEV}:role/caller`
    const session = `arn:aws:sts::${DEV}:assumed-role/caller/emulator`
    const allow = (Principal: unknown, Action: string | string[] = 'sts:AssumeRole') => ({
      Effect: 'Allow',
      Principal,
      Action,
    })
    const trusts: Record<string, object[]> = {
      'role-arn': [allow({ AWS: caller })],
      'session-arn': [allow({ AWS: session })],
      'account-root': [allow({ AWS: `arn:aws:iam::${DEV}:root` })],
      'account-id': [allow({ AWS: DEV })],
      anyone: [allow('*')],
      'anyone-aws': [allow({ AWS: '*' })],
      'sts-wildcard': [allow({ AWS: [`arn:aws:iam::${ACCOUNT}:root`, caller] }, 'sts:*')],
      'other-principal': [allow({ AWS: `arn:aws:iam::${DEV}:role/someone-else` })],
      'other-account': [allow({ AWS: `arn:aws:iam::${PROD}:root` })],
      'other-action': [allow({ AWS: caller }, 'sts:AssumeRoleWithSAML')],
      service: [allow({ Service: 'lambda.amazonaws.com' })],
      'root-if-principal-arn': [
        {
          ...allow({ AWS: `arn:aws:iam::${DEV}:root` }),
          Condition: { ArnEquals: { 'aws:PrincipalArn': caller } },
        },
      ],
      'root-if-other-arn': [
        {
          ...allow({ AWS: `arn:aws:iam::${DEV}:root` }),
          Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${DEV}:role/someone-else` } },
        },
      ],
      'role-if-like': [
        {
          ...allow({ AWS: caller }),
          Condition: { StringLike: { 'aws:PrincipalArn': `arn:aws:iam::${DEV}:role/call*` } },
        },
      ],
      'role-if-external-id': [
        { ...allow({ AWS: caller }), Condition: { StringEquals: { 'sts:ExternalId': 'x' } } },
      ],
      'role-unless-prod': [
        { ...allow({ AWS: caller }), Condition: { StringNotEquals: { 'aws:PrincipalAccount': PROD } } },
      ],
      'allow-then-deny': [
        allow({ AWS: caller }),
        { Effect: 'Deny', Principal: { AWS: caller }, Action: 'sts:AssumeRole' },
      ],
    }
    const identities: Record<string, object[]> = {
      none: [],
      'allow-all': [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
      'allow-prod-only': [
        { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${PROD}:role/*` },
      ],
      'allow-but-deny': [
        { Effect: 'Allow', Action: 'sts:*', Resource: '*' },
        { Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' },
      ],
    }
    const doc = (Statement: object[]) => ({ Version: '2012-10-17', Statement })
    for (const account of [DEV, PROD])
      emu.seed(
        { roles: Object.entries(trusts).map(([name, statements]) => ({ name, trust: doc(statements) })) },
        account,
      )
    emu.seed({ roles: [{ name: 'caller' }] }, DEV)
    const callerRole = emu.accountState(DEV).roles.find((r) => r.RoleName === 'caller')!
    const creds = emu.credentialsFor(caller)
    const mismatches: string[] = []
    const seen = { allowed: 0, denied: 0 }
    for (const [identity, statements] of Object.entries(identities)) {
      callerRole.InlinePolicies = statements.length ? { p: JSON.stringify(doc(statements)) } : {}
      for (const account of [DEV, PROD])
        for (const [trust, trustStatements] of Object.entries(trusts)) {
          const target = `arn:aws:iam::${account}:role/${trust}`
          const emulator = await assume(target, creds).then(
            () => true,
            (err: Error) => {
              assert.equal(err.name, 'AccessDenied', err.message)
              return false
            },
          )
          const sim = await runSimulation(
            {
              request: {
                principal: session,
                action: 'sts:AssumeRole',
                resource: { resource: target, accountId: account },
                contextVariables: {
                  'aws:PrincipalArn': caller,
                  'aws:PrincipalAccount': DEV,
                  'aws:PrincipalType': 'AssumedRole',
                },
              },
              identityPolicies: statements.length ? [{ name: 'p', policy: doc(statements) }] : [],
              serviceControlPolicies: [],
              resourceControlPolicies: [],
              resourcePolicy: doc(trustStatements),
            },
            {},
          )
          assert.equal(sim.resultType, 'single', JSON.stringify(sim))
          const independent = sim.resultType === 'single' && sim.result.analysis.result === 'Allowed'
          seen[emulator ? 'allowed' : 'denied']++
          if (emulator !== independent)
            mismatches.push(
              `${identity} → ${account} ${trust}: emulator ${emulator}, iam-simulate ${independent}`,
            )
        }
    }
    assert.deepEqual(mismatches, [])
    assert.ok(seen.allowed >= 10 && seen.denied >= 40, JSON.stringify(seen))
  })

  it('the demo member account (examples/demo-member-account.yaml) is reachable by assuming its admin role', async () => {
    const demo = await startEmulator({
      dynamo: false,
      seed: 'examples/demo-account.yaml',
      accounts: [{ id: '210987654321', seed: 'examples/demo-member-account.yaml' }],
    })
    try {
      const client = (credentials: Credentials) =>
        new sm.SageMakerClient({ region: 'us-east-1', endpoint: demo.url, credentials, maxAttempts: 1 })
      const out = await new sts.STSClient({ ...cfg(), endpoint: demo.url }).send(
        new sts.AssumeRoleCommand({
          RoleArn: 'arn:aws:iam::210987654321:role/sagemaker-teams-admin',
          RoleSessionName: 'sagemaker-teams-demo',
        }),
      )
      const domains = await client(credsOf(out)).send(new sm.ListDomainsCommand({}))
      assert.deepEqual(
        domains.Domains!.map((d) => d.DomainId),
        ['d-devdomain001'],
      )
      assert.deepEqual(demo.accountState('210987654321').dataLakeAdmins, [
        'arn:aws:iam::210987654321:role/sagemaker-teams-admin',
      ])
    } finally {
      await demo.close()
    }
  })
})
