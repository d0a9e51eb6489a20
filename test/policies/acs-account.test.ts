/**
 * acs.account (files with accounts:/domains:): the ACS's permissions move from the CLI's own policy
 * to that account role's policy, the other account roles carry none, and the ACS role (in that
 * account) may assume exactly the presign roles, which trust exactly it. Evaluated with iam-simulate.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { accountPolicies } from '../../src/lib/account-policies.js'
import { acsRolePolicy } from '../../src/lib/acs/deployment.js'
import type { TeamsFile } from '../../src/lib/config/types.js'
import { presignRoleArn, presignTrustPolicy } from '../../src/lib/kinds/presign-role/engine.js'
import type { PolicyDocument } from '../../src/lib/plan/types.js'
import { acsBoundaryPolicy } from '../../src/lib/policies/boundary.js'
import { ROOT } from '../helpers/cli.js'
import { checkPolicy, evaluate, formatFindings } from '../helpers/iam-policy-check.js'

const IC = '123456789012'
const DEV = '222222222222'
const PROD = '333333333333'
const SHARED = '555555555555'
const REGION = 'us-east-1'
const example = parse(readFileSync(path.join(ROOT, 'teams.example.yaml'), 'utf8')) as TeamsFile

/** dev (team1), prod (team2 in prod-a, team3 in prod-b), the ACS in `acsAccount`. */
function file(acsAccount: string, extraAccounts: TeamsFile['accounts'] = {}): TeamsFile {
  const f: TeamsFile = {
    ...example,
    acs: { functionName: 'sagemaker-teams-acs', audience: 'urn:x', account: acsAccount },
    accounts: { dev: { id: DEV }, prod: { id: PROD }, ...extraAccounts },
    domains: {
      dev: { account: 'dev', id: 'd-devdomain001' },
      'prod-a': { account: 'prod', id: 'd-prodaaaaaaaa' },
      'prod-b': { account: 'prod', id: 'd-prodbbbbbbbb' },
    },
    teams: {
      team1: { ...example.teams.team1, domain: 'dev' },
      team2: { ...example.teams.team2, domain: 'prod-a' },
      team3: { ...example.teams.team2, domain: 'prod-b', displayName: 'Team 3', tags: { Team: 'Team3' } },
    },
  }
  delete (f as { domain?: unknown }).domain
  return f
}

const fn = (account: string) => `arn:aws:lambda:${REGION}:${account}:function:sagemaker-teams-acs`
const table = (account: string) => `arn:aws:dynamodb:${REGION}:${account}:table/sagemaker-teams-acs-state`
const acsRole = (account: string) => `arn:aws:iam::${account}:role/sagemaker-teams-acs-role`
const boundaryArn = (account: string) => `arn:aws:iam::${account}:policy/sagemaker-teams-boundary`
const acsBoundaryArn = (account: string) => `arn:aws:iam::${account}:policy/sagemaker-teams-acs-boundary`

function documents(config: TeamsFile) {
  const docs = accountPolicies(config, {
    callerAccountId: IC,
    region: REGION,
    purpose: 'apply',
    callerArn: `arn:aws:iam::${IC}:user/emulator-admin`,
  })
  const doc = (account: string) => docs.find((d) => d.account === account && d.purpose !== 'trust')!.document
  return { docs, doc }
}

/** May `principal` (an account's role, or the CLI's own principal) with `policy` do it? */
async function allowed(
  principal: string,
  policy: PolicyDocument,
  action: string,
  resource: string,
  context: Record<string, string> = {},
  resourceTags?: Record<string, string>,
) {
  return (
    await evaluate(
      { roleArn: principal, policies: { policy } },
      { action, resource, context, ...(resourceTags ? { resourceTags } : {}) },
    )
  ).allowed
}

/**
 * What writing the ACS takes in `account`: the function, passing its role to Lambda, the table. (Not
 * CreateRole: every account role may write bounded roles named sagemaker-teams-*, its teams' roles
 * and those of teams gone from the file, which --prune deletes.)
 */
async function canDeployAcs(principal: string, policy: PolicyDocument, account: string) {
  const checks = await Promise.all([
    allowed(principal, policy, 'lambda:CreateFunction', fn(account)),
    allowed(principal, policy, 'lambda:UpdateFunctionCode', fn(account)),
    allowed(principal, policy, 'iam:PassRole', acsRole(account), {
      'iam:PassedToService': 'lambda.amazonaws.com',
    }),
    allowed(principal, policy, 'dynamodb:CreateTable', table(account)),
  ])
  return checks
}

describe('acs.account: where the ACS permissions live', () => {
  const prodAcs = documents(file('prod'))
  const sharedAcs = documents(file('shared', { shared: { id: SHARED } }))
  const cli = `arn:aws:iam::${IC}:role/ci`
  const admin = (account: string) => `arn:aws:iam::${account}:role/sagemaker-teams-admin`

  it('every document passes the reference check; an ACS-only account gets a permissions and a trust document', async () => {
    assert.deepEqual(
      sharedAcs.docs.map((d) => `${d.account} ${d.purpose}`),
      [
        'identity-center cli',
        'dev permissions',
        'dev trust',
        'prod permissions',
        'prod trust',
        'shared permissions',
        'shared trust',
      ],
    )
    for (const d of [...prodAcs.docs, ...sharedAcs.docs]) {
      const findings = await checkPolicy(d.document, {
        name: `${d.account} ${d.purpose}`,
        type: d.purpose === 'trust' ? 'trust' : 'identity',
      })
      assert.equal(findings.length, 0, formatFindings(findings))
    }
  })

  it("acs.account: prod — prod's role deploys the ACS in prod; the CLI and dev's role deploy it nowhere", async () => {
    assert.deepEqual(await canDeployAcs(admin(PROD), prodAcs.doc('prod'), PROD), [true, true, true, true])
    for (const [principal, account] of [
      [cli, 'identity-center'],
      [admin(DEV), 'dev'],
    ] as const)
      for (const where of [IC, DEV, PROD])
        assert.deepEqual(
          await canDeployAcs(principal, prodAcs.doc(account), where),
          [false, false, false, false],
          `${account} in ${where}`,
        )
    // prod's role writes no other function, and no ACS in another account.
    assert.equal(
      await allowed(admin(PROD), prodAcs.doc('prod'), 'lambda:CreateFunction', `${fn(PROD)}-other`),
      false,
    )
    // dev's role still writes its presign role (bounded by the ACS's boundary).
    assert.equal(
      await allowed(admin(DEV), prodAcs.doc('dev'), 'iam:PutRolePolicy', presignRoleArn(DEV), {
        'iam:PermissionsBoundary': acsBoundaryArn(DEV),
      }),
      true,
    )
  })

  it('acs.account: shared (no domain) — its role deploys the ACS there and touches no profile or team role', async () => {
    const shared = sharedAcs.doc('shared')
    assert.deepEqual(await canDeployAcs(admin(SHARED), shared, SHARED), [true, true, true, true])
    const profile = `arn:aws:sagemaker:${REGION}:${SHARED}:user-profile/d-devdomain001/team1-u`
    assert.equal(await allowed(admin(SHARED), shared, 'sagemaker:CreateUserProfile', profile), false)
    assert.equal(
      await allowed(
        admin(SHARED),
        shared,
        'iam:CreateRole',
        `arn:aws:iam::${SHARED}:role/sagemaker-teams-team1`,
        {
          'iam:PermissionsBoundary': boundaryArn(SHARED),
        },
      ),
      false,
    )
    assert.equal(await allowed(admin(SHARED), shared, 'lakeformation:BatchGrantPermissions', '*'), false)
    // Neither prod's nor dev's role deploys it.
    assert.deepEqual(await canDeployAcs(admin(PROD), sharedAcs.doc('prod'), PROD), [
      false,
      false,
      false,
      false,
    ])
  })

  it("the ACS role in prod assumes exactly dev's presign role, which trusts exactly it", async () => {
    const config = file('prod')
    const placement = {
      team1: { accountId: DEV, domainId: 'd-devdomain001', presignRoleArn: presignRoleArn(DEV) },
      team2: { accountId: PROD, domainId: 'd-prodaaaaaaaa' },
      team3: { accountId: PROD, domainId: 'd-prodbbbbbbbb' },
    }
    const policy = acsRolePolicy(config, {
      partition: 'aws',
      region: REGION,
      accountId: PROD,
      domainId: 'd-prodaaaaaaaa',
      identityStoreId: 'd-9067c1a2b3',
      acsPlacement: placement,
      identityCenterAccountId: IC,
    })
    assert.equal((await checkPolicy(policy, { name: 'acs-role' })).length, 0)
    const boundary = acsBoundaryPolicy({
      config,
      partition: 'aws',
      region: REGION,
      accountId: PROD,
      presignRoleArns: [presignRoleArn(DEV)],
    })
    const trust = presignTrustPolicy(acsRole(PROD))
    const assume = async (principal: string, policies: Record<string, PolicyDocument>, target: string) =>
      (
        await evaluate(
          { roleArn: principal, policies, permissionsBoundary: boundary },
          { action: 'sts:AssumeRole', resource: target, resourcePolicy: trust },
        )
      ).decision
    assert.equal(await assume(acsRole(PROD), { policy }, presignRoleArn(DEV)), 'Allowed')
    // The same-named role in the Identity Center account, and another prod role, are refused.
    assert.notEqual(await assume(acsRole(IC), { policy }, presignRoleArn(DEV)), 'Allowed')
    assert.notEqual(await assume(admin(PROD), { policy }, presignRoleArn(DEV)), 'Allowed')
    // No other role: not the Identity Center account's presign role, nor prod's admin role.
    assert.notEqual(await assume(acsRole(PROD), { policy }, presignRoleArn(IC)), 'Allowed')
    assert.notEqual(await assume(acsRole(PROD), { policy }, admin(DEV)), 'Allowed')
    // The identity store is the Identity Center account's: no statement for it.
    assert.equal(
      await allowed(
        acsRole(PROD),
        policy,
        'identitystore:DescribeUser',
        `arn:aws:identitystore::${IC}:identitystore/d-9067c1a2b3`,
      ),
      false,
    )
    // prod's own profiles, presigned directly.
    assert.equal(
      await allowed(
        acsRole(PROD),
        policy,
        'sagemaker:CreatePresignedDomainUrl',
        `arn:aws:sagemaker:${REGION}:${PROD}:user-profile/d-prodbbbbbbbb/team3-u`,
        {},
        { 'sagemaker-teams:team': 'team3' },
      ),
      true,
    )
  })
})
