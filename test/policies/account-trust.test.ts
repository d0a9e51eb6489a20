/**
 * An account role trusts only the principals that may run the tool (#24 item 4): the trust policy
 * `policy` prints for a member account, installed in the emulator (which decides sts:AssumeRole as
 * IAM does), lets the principal the file names assume the role and refuses another principal of the
 * same account, although that one's own policy allows sts:AssumeRole on every role.
 */
import assert from 'node:assert/strict'
import * as sts from '@aws-sdk/client-sts'
import { accountPolicies, principalsOfCaller } from '../../src/lib/account-policies.js'
import { loadTeamsFileOrThrow } from '../../src/lib/config/load.js'
import type { TeamsFile } from '../../src/lib/config/types.js'
import { ACCOUNT, type Credentials, type Emulator, startEmulator } from '../../tools/emulator/index.js'

const DEV = '222222222222'
const ADMIN = `arn:aws:iam::${DEV}:role/sagemaker-teams-admin`
const NAMED = `arn:aws:iam::${ACCOUNT}:role/platform-admin`
const OTHER = `arn:aws:iam::${ACCOUNT}:role/data-engineer`
const SSO_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_PlatformAdmin_0123456789abcdef`
const ASSUME_ANY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
}

function devTrust(config: TeamsFile, callerArn?: string) {
  const docs = accountPolicies(config, {
    callerAccountId: ACCOUNT,
    region: 'us-east-1',
    purpose: 'apply',
    ...(callerArn ? { callerArn } : {}),
  })
  return docs.find((d) => d.accountId === DEV && d.purpose === 'trust')!.document
}

describe('account role trust: only the principals that may run the tool', function () {
  this.timeout(60_000)
  let emu: Emulator
  let config: TeamsFile

  before(async () => {
    config = (await loadTeamsFileOrThrow('examples/teams-organization.yaml')).config
    emu = await startEmulator({ seed: 'examples/demo-account.yaml' })
    emu.addAccount(DEV)
  })
  after(() => emu.close())

  const assume = (as: string) =>
    new sts.STSClient({
      region: 'us-east-1',
      endpoint: emu.url,
      credentials: emu.credentialsFor(as) as Credentials,
      maxAttempts: 1,
    }).send(new sts.AssumeRoleCommand({ RoleArn: ADMIN, RoleSessionName: 'sagemaker-teams' }))

  /** The member account with its admin role trusting as `trust` says, and three principals of the caller's account. */
  const install = (trust: object) => {
    emu.reset()
    emu.seed({ roles: [{ name: 'sagemaker-teams-admin', trust: trust as Record<string, unknown> }] }, DEV)
    emu.seed({
      roles: [
        { name: 'platform-admin', policies: { assume: ASSUME_ANY } },
        { name: 'data-engineer', policies: { assume: ASSUME_ANY } },
        {
          name: 'AWSReservedSSO_PlatformAdmin_0123456789abcdef',
          path: '/aws-reserved/sso.amazonaws.com/eu-west-1/',
          policies: { assume: ASSUME_ANY },
        },
      ],
    })
  }

  it('trustedPrincipals: the named role assumes the account role; another role of the same account is refused', async () => {
    config.accounts!.dev.trustedPrincipals = [
      NAMED,
      `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_PlatformAdmin_*`,
    ]
    const trust = devTrust(config)
    assert.deepEqual(trust.Statement[0].Principal, { AWS: `arn:aws:iam::${ACCOUNT}:root` })
    install(trust)
    assert.ok((await assume(NAMED)).Credentials, 'the named role')
    assert.ok((await assume(SSO_ROLE)).Credentials, 'the permission set role, whatever its path and suffix')
    await assert.rejects(assume(OTHER), (err: Error) => err.name === 'AccessDenied')
  })

  it('without trustedPrincipals: the principal that ran `policy` (its role with or without a path), nobody else', async () => {
    delete config.accounts!.dev.trustedPrincipals
    const session = `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_PlatformAdmin_0123456789abcdef/alice@example.com`
    assert.deepEqual(principalsOfCaller(session), [
      `arn:aws:iam::${ACCOUNT}:role/AWSReservedSSO_PlatformAdmin_0123456789abcdef`,
      `arn:aws:iam::${ACCOUNT}:role/*/AWSReservedSSO_PlatformAdmin_0123456789abcdef`,
    ])
    install(devTrust(config, session))
    assert.ok((await assume(SSO_ROLE)).Credentials)
    await assert.rejects(assume(NAMED), (err: Error) => err.name === 'AccessDenied')
    await assert.rejects(assume(OTHER), (err: Error) => err.name === 'AccessDenied')
  })

  it('neither named nor readable (policy --account-id offline, or an account root): refused naming the key', () => {
    delete config.accounts!.dev.trustedPrincipals
    assert.throws(() => devTrust(config), /accounts\.dev\.trustedPrincipals/)
    assert.throws(() => devTrust(config, `arn:aws:iam::${ACCOUNT}:root`), /accounts\.dev\.trustedPrincipals/)
  })
})
