/**
 * The ACS presign role of a domain account (files with accounts:/domains:), evaluated: it trusts only
 * the ACS function's role, and may describe, create and presign only the tool's profiles of the
 * teams of its own account's domains, and pass only its own account's team roles to SageMaker.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { accountPolicies } from '../../src/lib/account-policies.js'
import { acsRolePolicy } from '../../src/lib/acs/deployment.js'
import type { TeamsFile } from '../../src/lib/config/types.js'
import {
  presignRoleArn,
  presignRolePolicy,
  presignTrustPolicy,
} from '../../src/lib/kinds/presign-role/engine.js'
import { acsBoundaryPolicy, teamBoundaryPolicy } from '../../src/lib/policies/boundary.js'
import { ROOT } from '../helpers/cli.js'
import { ALLOW_ALL, checkPolicy, evaluate, formatFindings } from '../helpers/iam-policy-check.js'

const IC = '123456789012'
const PROD = '333333333333'
const DEV = '222222222222'
const REGION = 'us-east-1'
const ACS_ROLE = `arn:aws:iam::${IC}:role/sagemaker-teams-acs-role`
const config = parse(readFileSync(path.join(ROOT, 'teams.example.yaml'), 'utf8')) as TeamsFile
// prod's part of the file: team2 in domain prod-a, team3 in prod-b (team1 lives in dev).
const prodTeams: TeamsFile = {
  ...config,
  teams: {
    team2: config.teams.team2,
    team3: { ...config.teams.team2, displayName: 'Team 3', tags: { Team: 'Team3' } },
  },
}
const prod = {
  partition: 'aws',
  region: REGION,
  accountId: PROD,
  domainId: 'd-prodaaaaaaaa',
  teamDomainIds: { team2: 'd-prodaaaaaaaa', team3: 'd-prodbbbbbbbb' },
}
const presign = presignRolePolicy(prodTeams, prod)
const trust = presignTrustPolicy(ACS_ROLE)
const PRESIGN = presignRoleArn(PROD)
const profile = (domain: string, name: string) =>
  `arn:aws:sagemaker:${REGION}:${PROD}:user-profile/${domain}/${name}`
const asPresign = (action: string, resource: string, extra: Record<string, unknown> = {}) =>
  evaluate({ roleArn: PRESIGN, policies: { presign } }, { action, resource, ...extra })

// The ACS role in the Identity Center account: its own policy and the boundary, with prod's presign role.
const placement = {
  team1: { accountId: DEV, domainId: 'd-devdomain001', presignRoleArn: presignRoleArn(DEV) },
  team2: { accountId: PROD, domainId: 'd-prodaaaaaaaa', presignRoleArn: PRESIGN },
}
const acsConfig: TeamsFile = { ...config, acs: { functionName: 'sagemaker-teams-acs', audience: 'urn:x' } }
const acsRole = acsRolePolicy(acsConfig, {
  partition: 'aws',
  region: REGION,
  accountId: IC,
  domainId: 'd-devdomain001',
  identityStoreId: 'd-9067c1a2b3',
  acsPlacement: placement,
})
const icBoundary = acsBoundaryPolicy({
  config: acsConfig,
  partition: 'aws',
  region: REGION,
  accountId: IC,
  presignRoleArns: [presignRoleArn(DEV), PRESIGN],
})

describe('ACS presign role (many accounts)', () => {
  it('its documents pass the reference-data check', async () => {
    const findings = [
      ...(await checkPolicy(presign, { name: 'presign' })),
      ...(await checkPolicy(trust, { name: 'trust', type: 'trust' })),
      ...(await checkPolicy(acsRole, { name: 'acs-role' })),
    ]
    assert.equal(findings.length, 0, formatFindings(findings))
  })

  it('only the ACS function role may assume it (its own policy and boundary allow exactly that)', async () => {
    const assume = (roleArn: string, policies: Record<string, typeof presign>, boundary?: typeof presign) =>
      evaluate(
        { roleArn, policies, ...(boundary ? { permissionsBoundary: boundary } : {}) },
        { action: 'sts:AssumeRole', resource: PRESIGN, resourcePolicy: trust },
      )
    assert.equal((await assume(ACS_ROLE, { acsRole }, icBoundary)).decision, 'Allowed')
    // Another role of the same account, even an administrator, is refused by the trust policy.
    assert.notEqual((await assume(`arn:aws:iam::${IC}:role/admin`, { ALLOW_ALL })).decision, 'Allowed')
    // A team role cannot, whatever is attached to it: its boundary has no sts:AssumeRole.
    const teamBoundary = teamBoundaryPolicy({
      config: acsConfig,
      partition: 'aws',
      region: REGION,
      accountId: IC,
    })
    assert.notEqual(
      (await assume(`arn:aws:iam::${IC}:role/sagemaker-teams-team1`, { ALLOW_ALL }, teamBoundary)).decision,
      'Allowed',
    )
    // The ACS role reaches no other role of the domain account.
    const other = await evaluate(
      { roleArn: ACS_ROLE, policies: { acsRole }, permissionsBoundary: icBoundary },
      {
        action: 'sts:AssumeRole',
        resource: `arn:aws:iam::${PROD}:role/sagemaker-teams-admin`,
        resourcePolicy: ALLOW_ALL_TRUST,
      },
    )
    assert.notEqual(other.decision, 'Allowed')
  })

  it('presigns, describes and creates only the tool profiles of its own domains and teams', async () => {
    const tagged = (team: string) => ({ resourceTags: { 'sagemaker-teams:team': team } })
    const cases: [string, string, Record<string, unknown>, boolean][] = [
      ['sagemaker:CreatePresignedDomainUrl', profile('d-prodaaaaaaaa', 'team2-u'), tagged('team2'), true],
      ['sagemaker:DescribeUserProfile', profile('d-prodbbbbbbbb', 'team3-u'), tagged('team3'), true],
      ['sagemaker:CreatePresignedDomainUrl', profile('d-prodaaaaaaaa', 'x'), {}, false],
      ['sagemaker:CreatePresignedDomainUrl', profile('d-prodaaaaaaaa', 'team1-u'), tagged('team1'), false],
      ['sagemaker:CreatePresignedDomainUrl', profile('d-otherdomain1', 'team2-u'), tagged('team2'), false],
      [
        'sagemaker:CreateUserProfile',
        profile('d-prodbbbbbbbb', 'team3-u'),
        { requestTags: { 'sagemaker-teams:team': 'team3' } },
        true,
      ],
      [
        'sagemaker:CreateUserProfile',
        profile('d-prodbbbbbbbb', 'team1-u'),
        { requestTags: { 'sagemaker-teams:team': 'team1' } },
        false,
      ],
      [
        'sagemaker:AddTags',
        profile('d-prodaaaaaaaa', 'team2-u'),
        { requestTags: { 'sagemaker-teams:team': 'team2' } },
        false,
      ],
      ['sagemaker:DeleteUserProfile', profile('d-prodaaaaaaaa', 'team2-u'), tagged('team2'), false],
    ]
    for (const [action, resource, extra, allowed] of cases)
      assert.equal(
        (await asPresign(action, resource, extra)).allowed,
        allowed,
        `${action} ${resource} ${JSON.stringify(extra)}`,
      )
  })

  it("passes only its own account's team roles, and only to SageMaker", async () => {
    const pass = (role: string, service = 'sagemaker.amazonaws.com') =>
      asPresign('iam:PassRole', role, { context: { 'iam:PassedToService': service } })
    assert.equal((await pass(`arn:aws:iam::${PROD}:role/sagemaker-teams-team2`)).allowed, true)
    assert.equal((await pass(`arn:aws:iam::${PROD}:role/sagemaker-teams-team3`)).allowed, true)
    assert.equal((await pass(`arn:aws:iam::${DEV}:role/sagemaker-teams-team1`)).allowed, false)
    assert.equal((await pass(`arn:aws:iam::${PROD}:role/sagemaker-teams-admin`)).allowed, false)
    assert.equal(
      (await pass(`arn:aws:iam::${PROD}:role/sagemaker-teams-team2`, 'lambda.amazonaws.com')).allowed,
      false,
    )
  })
})

const ALLOW_ALL_TRUST = {
  Version: '2012-10-17' as const,
  Statement: [
    { Effect: 'Allow' as const, Principal: { AWS: `arn:aws:iam::${IC}:root` }, Action: 'sts:AssumeRole' },
  ],
}

describe('policy for many accounts: one document per principal', () => {
  const many: TeamsFile = {
    ...config,
    acs: { functionName: 'sagemaker-teams-acs', audience: 'urn:x' },
    accounts: { dev: { id: DEV }, prod: { id: PROD } },
    domains: {
      dev: { account: 'dev', id: 'd-devdomain001' },
      'prod-a': { account: 'prod', id: 'd-prodaaaaaaaa' },
      'prod-b': { account: 'prod', id: 'd-prodbbbbbbbb' },
    },
    teams: {
      team1: { ...config.teams.team1, domain: 'dev' },
      team2: { ...config.teams.team2, domain: 'prod-a' },
      team3: { ...config.teams.team2, domain: 'prod-b', displayName: 'Team 3', tags: { Team: 'Team3' } },
    },
  }
  delete (many as { domain?: unknown }).domain
  const docs = accountPolicies(many, {
    callerAccountId: IC,
    region: REGION,
    purpose: 'apply',
    callerArn: `arn:aws:iam::${IC}:user/emulator-admin`,
  })

  it('the CLI policy, then per account its role permissions and trust; all pass the reference check', async () => {
    assert.deepEqual(
      docs.map((d) => `${d.account} ${d.purpose}`),
      ['identity-center cli', 'dev permissions', 'dev trust', 'prod permissions', 'prod trust'],
    )
    for (const d of docs) {
      const findings = await checkPolicy(d.document, {
        name: `${d.account} ${d.purpose}`,
        type: d.purpose === 'trust' ? 'trust' : 'identity',
      })
      assert.equal(findings.length, 0, formatFindings(findings))
    }
  })

  it("the CLI may assume each account role; prod's role may work in both prod domains and write the presign role", async () => {
    const cli = docs[0].document
    const assume = (role: string) =>
      evaluate(
        { roleArn: `arn:aws:iam::${IC}:role/ci`, policies: { cli } },
        { action: 'sts:AssumeRole', resource: role },
      )
    assert.equal((await assume(`arn:aws:iam::${PROD}:role/sagemaker-teams-admin`)).allowed, true)
    assert.equal((await assume(`arn:aws:iam::${PROD}:role/other`)).allowed, false)
    const prodRole = docs.find((d) => d.account === 'prod' && d.purpose === 'permissions')!.document
    const asProd = (action: string, resource: string, extra: Record<string, unknown> = {}) =>
      evaluate(
        { roleArn: `arn:aws:iam::${PROD}:role/sagemaker-teams-admin`, policies: { prodRole } },
        { action, resource, ...extra },
      )
    for (const domain of ['d-prodaaaaaaaa', 'd-prodbbbbbbbb'])
      assert.equal(
        (
          await asProd('sagemaker:CreateUserProfile', profile(domain, 'team2-u'), {
            requestTags: { 'sagemaker-teams:team': 'team2' },
          })
        ).allowed,
        true,
        domain,
      )
    assert.equal(
      (
        await asProd('sagemaker:CreateUserProfile', profile('d-otherdomain1', 'x'), {
          requestTags: { 'sagemaker-teams:team': 'team2' },
        })
      ).allowed,
      false,
    )
    // Only with the tool's team tag in the request (#24).
    assert.equal(
      (await asProd('sagemaker:CreateUserProfile', profile('d-prodaaaaaaaa', 'team2-u'))).allowed,
      false,
    )
    assert.equal(
      (
        await asProd('iam:PutRolePolicy', PRESIGN, {
          context: { 'iam:PermissionsBoundary': `arn:aws:iam::${PROD}:policy/sagemaker-teams-acs-boundary` },
        })
      ).allowed,
      true,
    )
    // Not with the team roles' boundary: the presign role carries the ACS's.
    assert.equal(
      (
        await asProd('iam:PutRolePolicy', PRESIGN, {
          context: { 'iam:PermissionsBoundary': `arn:aws:iam::${PROD}:policy/sagemaker-teams-boundary` },
        })
      ).allowed,
      false,
    )
  })
})
