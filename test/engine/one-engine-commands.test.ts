/**
 * A one-domain file is the one-account case (#25) for `policy`, `setup` and `access report`: the same
 * teams written with `domain:` and as `accounts:`/`domains:` in the caller's own account give the same
 * result (one path over the topology: no command asks which form the file is in).
 */
import assert from 'node:assert/strict'
import type { AccountPolicy } from '../../src/lib/account-policies.js'
import { AwsClients } from '../../src/lib/aws/clients.js'
import { loadTeamsFileOrThrow } from '../../src/lib/config/load.js'
import type { PolicyDocument } from '../../src/lib/plan/types.js'
import { planSetup, setupBoundaries } from '../../src/lib/setup.js'
import { useDemoAccount } from '../helpers/emulator.js'
import { evaluate } from '../helpers/iam-policy-check.js'
import { runInProcess } from '../helpers/in-process.js'
import { withEnv } from '../helpers/organization.js'
import { type ExampleTeamsFile, workspace } from '../helpers/workspace.js'

const CALLER = '123456789012'
const DOMAIN = 'd-abcdefghijkl'

/** The example's teams (with the ACS) in the one-domain form. */
const oneDomain = (change?: (c: ExampleTeamsFile) => void) => workspace(change)

/** The same teams as `accounts:`/`domains:`: the caller's own account named (`named`), or a domain without `account:`. */
const accountsForm = (named: boolean, change?: (c: ExampleTeamsFile) => void) =>
  oneDomain((c) => {
    delete (c as { domain?: unknown }).domain
    if (named) c.accounts = { me: { id: CALLER } }
    c.domains = { main: { ...(named ? { account: 'me' } : {}), id: DOMAIN } }
    for (const t of Object.values(c.teams)) t.domain = 'main'
    change?.(c)
  })

type PolicyOutput = PolicyDocument | PolicyDocument[] | AccountPolicy[]

async function policyJson(file: string, purpose: string): Promise<PolicyOutput> {
  const r = await runInProcess(['policy', '-f', file, '--account-id', CALLER, '--for', purpose, '--json'])
  assert.equal(r.code, 0, r.stderr)
  return JSON.parse(r.stdout) as PolicyOutput
}

describe('one engine: policy in both forms', function () {
  this.timeout(60_000)

  for (const purpose of ['apply', 'plan', 'setup'])
    it(`policy --for ${purpose}: the same documents for a one-domain file and the same teams in the caller's account`, async () => {
      const one = await policyJson(oneDomain(), purpose)
      assert.ok(!Array.isArray(one) || !('document' in one[0]), 'one principal: the document as IAM takes it')
      assert.deepEqual(await policyJson(accountsForm(true), purpose), one, 'accounts: naming the caller')
      assert.deepEqual(await policyJson(accountsForm(false), purpose), one, 'domains: without account:')
    })

  it("a role named for the caller's own account is assumed: its permissions and trust are printed", async () => {
    const docs = (await policyJson(
      accountsForm(true, (c) => {
        c.accounts!.me = {
          id: CALLER,
          role: 'sagemaker-teams-admin',
          trustedPrincipals: [`arn:aws:iam::${CALLER}:role/ci`],
        }
      }),
      'apply',
    )) as AccountPolicy[]
    assert.deepEqual(
      [...new Set(docs.map((d) => `${d.account} ${d.purpose}`))],
      ['identity-center cli', 'me permissions', 'me trust'],
    )
  })

  it('identityCenter.roleArn: the CLI may assume it in every form (a one-domain file too)', async () => {
    const roleArn = 'arn:aws:iam::111111111111:role/sagemaker-teams-identity-center'
    const withRole = (c: ExampleTeamsFile) => {
      c.identityCenter = { ...c.identityCenter, roleArn }
    }
    const one = (await policyJson(oneDomain(withRole), 'apply')) as PolicyDocument | PolicyDocument[]
    const statements = [one].flat().flatMap((d) => d.Statement)
    const decision = await evaluate(
      {
        roleArn: `arn:aws:iam::${CALLER}:role/ci`,
        policies: { cli: { Version: '2012-10-17', Statement: statements } },
      },
      { action: 'sts:AssumeRole', resource: roleArn },
    )
    assert.equal(decision.decision, 'Allowed')
    assert.deepEqual(await policyJson(accountsForm(true, withRole), 'apply'), one)
  })
})

describe('one engine: setup in both forms', function () {
  this.timeout(120_000)
  const emu = useDemoAccount()
  const cli = (args: string[]) => runInProcess(args, { env: emu().env() })
  const preview = async (file: string) =>
    (
      await withEnv(emu().env(), async () =>
        planSetup(new AwsClients({ region: 'us-east-1' }), await loadTeamsFileOrThrow(file)),
      )
    ).plan.changes

  it('previews the same boundary changes, and after setup of one form the other has nothing to write', async () => {
    const one = await preview(oneDomain())
    assert.deepEqual(one.map((c) => `${c.action} ${c.key}`).sort(), [
      'create sagemaker-teams-acs-boundary',
      'create sagemaker-teams-boundary',
    ])
    assert.deepEqual(await preview(accountsForm(true)), one, 'accounts: naming the caller')
    assert.deepEqual(await preview(accountsForm(false)), one, 'domains: without account:')
    const r = await cli(['setup', '-f', accountsForm(true), '--yes', '--json'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(await preview(oneDomain()), [])
  })

  it('identityCenter.roleArn: the ACS is in the Identity Center account, as apply places it, in both forms', async () => {
    const icRole = 'arn:aws:iam::111111111111:role/sagemaker-teams-identity-center'
    const withRole = (c: ExampleTeamsFile) => {
      c.identityCenter = { ...c.identityCenter, roleArn: icRole }
    }
    const boundaries = async (file: string, accountId: string) =>
      setupBoundaries(
        (await loadTeamsFileOrThrow(file)).config,
        { accountId, region: 'us-east-1', partition: 'aws' },
        CALLER,
      )
    for (const accountId of [CALLER, '111111111111'])
      assert.deepEqual(
        await boundaries(oneDomain(withRole), accountId),
        await boundaries(accountsForm(false, withRole), accountId),
        accountId,
      )
    // In the caller's account the ACS boundary is a presign role's: the ACS's table is not here.
    const acs = (await boundaries(oneDomain(withRole), CALLER)).find(
      (b) => b.policyName === 'sagemaker-teams-acs-boundary',
    )!
    const table = `arn:aws:dynamodb:us-east-1:${CALLER}:table/sagemaker-teams-acs-state`
    const put = await evaluate(
      {
        roleArn: `arn:aws:iam::${CALLER}:role/sagemaker-teams-acs-presign`,
        policies: {
          all: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
        },
        permissionsBoundary: acs.document,
      },
      { action: 'dynamodb:PutItem', resource: table },
    )
    assert.equal(put.decision, 'ImplicitlyDenied')
  })
})
