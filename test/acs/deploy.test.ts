/** The ACS deployment by apply, and the built bundle running as the Lambda would run it. */
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { unzipSync } from 'fflate'
import type { Plan } from '../../src/lib/plan/types.js'
import { type Emulator, startEmulator } from '../../tools/emulator/index.js'
import { formBody, idpMetadata, signedResponse } from '../../tools/idp/idp.js'
import { ROOT } from '../helpers/cli.js'
import { runInProcess } from '../helpers/in-process.js'
import { rewrite, workspace } from '../helpers/workspace.js'

const SEED = path.join(ROOT, 'examples', 'demo-account.yaml')
const USER1 = '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'

describe('ACS deployment (apply, acs build, acs deploy)', function () {
  this.timeout(120_000)
  let emu: Emulator
  let file: string
  const cli = (args: string[]) => runInProcess(args, { env: emu.env() })

  before(async () => {
    emu = await startEmulator({ seed: SEED, profileReadyMs: 20 })
    file = workspace()
    mkdirSync(path.join(path.dirname(file), 'metadata'))
    for (const team of ['team1', 'team2'])
      writeFileSync(path.join(path.dirname(file), 'metadata', `${team}.xml`), idpMetadata())
  })
  after(() => emu.close())

  it('apply deploys the function, its role, table and URL; a second apply changes nothing', async () => {
    const r = await cli(['apply', '-f', file, '--yes'])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const fn = emu.state.functions.find((f) => f.FunctionName === 'sagemaker-teams-acs')!
    assert.ok(fn.Url?.FunctionUrl, 'function URL')
    assert.equal(fn.Url?.AuthType, 'NONE')
    assert.equal(fn.Runtime, 'nodejs22.x')
    assert.equal(fn.Tags['sagemaker-teams:managed'], 'true')
    // Public through the URL only: InvokeFunction holds only for calls through the function URL.
    assert.deepEqual(fn.Policy.map((p) => [p.Action, p.Principal, JSON.stringify(p.Condition)]).sort(), [
      ['lambda:InvokeFunction', '*', '{"Bool":{"lambda:InvokedViaFunctionUrl":"true"}}'],
      ['lambda:InvokeFunctionUrl', '*', '{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}'],
    ])
    assert.equal(
      emu.state.roles.find((x) => x.RoleName === 'sagemaker-teams-acs-role')?.PermissionsBoundary,
      'arn:aws:iam::123456789012:policy/sagemaker-teams-acs-boundary',
    )
    const role = emu.state.roles.find((x) => x.RoleName === 'sagemaker-teams-acs-role')!
    const policy = JSON.parse(role.InlinePolicies['sagemaker-teams-acs'])
    const pass = policy.Statement.find((s: { Sid: string }) => s.Sid === 'PassTeamRoles')
    assert.deepEqual(pass.Resource, [
      'arn:aws:iam::123456789012:role/sagemaker-teams-team1',
      'arn:aws:iam::123456789012:role/sagemaker-teams-team2',
    ])
    const profiles = policy.Statement.find((s: { Sid: string }) => s.Sid === 'ManagedProfiles')
    assert.equal(profiles.Resource, 'arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abcdefghijkl/*')
    const ddb = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: emu.url,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    })
    assert.equal(
      (await ddb.send(new DescribeTableCommand({ TableName: 'sagemaker-teams-acs-state' }))).Table
        ?.BillingModeSummary?.BillingMode,
      'PAY_PER_REQUEST',
    )
    assert.equal(
      (await ddb.send(new DescribeTimeToLiveCommand({ TableName: 'sagemaker-teams-acs-state' })))
        .TimeToLiveDescription?.TimeToLiveStatus,
      'ENABLED',
    )
    emu.resetCounters()
    const again = await cli(['apply', '-f', file, '--yes'])
    assert.equal(again.code, 0)
    // The apply lock's item (put, then deleted) is not a write to the ACS.
    const writes = Object.keys(emu.counters()).filter(
      (k) => /:(Create|Update|Put|Add|Tag)/.test(k) && k !== 'dynamodb:PutItem',
    )
    assert.deepEqual(writes, [])
    const deploy = await cli(['acs', 'deploy', '-f', file])
    assert.match(deploy.stdout, /ACS up to date: https:\/\/[a-f0-9]+\.lambda-url\.us-east-1\.on\.aws/)
    assert.match(
      deploy.stdout,
      /team1: ACS URL https:\/\/\S+\/saml\/acs\/team1 {2}audience urn:sagemaker-teams:acs:team1/,
    )
  })

  it('the built bundle runs as the Lambda: a signed login through the function URL event redirects, and the login is recorded', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'acs-build-'))
    const r = await cli(['acs', 'build', '-f', file, '--out', out, '--json'])
    assert.equal(r.code, 0, r.stderr)
    const built = JSON.parse(r.stdout)
    assert.ok(built.zipBytes < 2 * 1024 * 1024, `bundle ${built.zipBytes} bytes`)
    const dir = mkdtempSync(path.join(tmpdir(), 'acs-run-'))
    for (const [name, bytes] of Object.entries(unzipSync(readFileSync(built.zipPath))))
      writeFileSync(path.join(dir, name), bytes)
    const config = JSON.parse(readFileSync(path.join(dir, 'acs-config.json'), 'utf8'))
    assert.equal(config.members[USER1], 'user1@example.com', 'apply bakes the resolved members in')
    Object.assign(process.env, emu.env())
    const { handler } = await import(pathToFileURL(path.join(dir, 'index.mjs')).href)
    assert.ok(config.functionUrl, 'acs build bakes in the deployed function URL')
    const domainName = new URL(config.functionUrl).host
    const apiId = domainName.split('.')[0]
    const acsUrl = `https://${domainName}/saml/acs/team1`
    const body = formBody(
      signedResponse({ acsUrl, audience: 'urn:sagemaker-teams:acs:team1', userId: USER1, teamId: 'team1' })
        .base64,
    )
    const event = {
      version: '2.0',
      rawPath: '/saml/acs/team1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
      requestContext: { apiId, domainName, http: { method: 'POST', sourceIp: '10.100.10.7' } },
    }
    // The function logs to stdout (CloudWatch): capture it, to check what a login leaves there.
    const logged: string[] = []
    const write = process.stdout.write
    process.stdout.write = ((chunk: string | Uint8Array) => logged.push(String(chunk)) > 0) as typeof write
    let res: { statusCode: number; headers: Record<string, string>; body: string }
    let replay: typeof res
    try {
      res = await handler(event)
      replay = await handler(event)
    } finally {
      process.stdout.write = write
    }
    assert.equal(res.statusCode, 302, res.body)
    assert.match(
      res.headers.Location,
      /^https:\/\/d-abcdefghijkl\.studio\.us-east-1\.sagemaker\.aws\/auth\?token=/,
    )
    assert.equal(replay.statusCode, 403)
    const lines = logged
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    assert.deepEqual(
      lines.map((l) => [l.outcome, l.status, l.reason]),
      [
        ['redirect', 302, undefined],
        ['refused', 403, 'replay'],
      ],
    )
    const text = logged.join('')
    const saml = new URLSearchParams(body).get('SAMLResponse')!
    for (const secret of [saml.slice(0, 40), 'token=', res.headers.Location, 'Signature'])
      assert.ok(!text.includes(secret), `the log must not contain ${secret.slice(0, 20)}…`)
    // The verified login shows in plan (team1's console step is done) and in sso checklist.
    const plan = JSON.parse((await cli(['plan', '-f', file, '--json'])).stdout) as Plan
    assert.deepEqual(
      plan.changes.filter((c) => c.kind === 'console').map((c) => c.team),
      ['team2'],
    )
    const checklist = JSON.parse((await cli(['sso', 'checklist', '-f', file, '--json'])).stdout)
    assert.equal(checklist.teams[0].verified.count, 1)
  })

  it("changing a team's role updates the ACS configuration and nothing else of the ACS", async () => {
    emu.seed({ roles: [{ name: 'byo-team1' }] })
    rewrite(file, (c) => {
      c.teams.team1.executionRole = { arn: 'arn:aws:iam::123456789012:role/byo-team1' }
    })
    const plan = JSON.parse((await cli(['plan', '-f', file, '--json'])).stdout) as Plan
    // The function's configuration and the role's policy (the new role to pass), each its own part.
    const acs = plan.changes.filter((c) => c.kind.startsWith('acs-'))
    assert.deepEqual(
      acs.map((c) => `${c.action} ${c.kind} ${c.reason}`),
      ['update acs-role role policy', 'update acs-function configuration (1 change)'],
    )
    assert.deepEqual(
      (acs[1].after as { configChanges?: { text: string }[] }).configChanges?.map((x) => x.text),
      ['team1: profiles the ACS creates get role byo-team1 (was sagemaker-teams-team1)'],
    )
    // The ACS's boundary must admit passing byo-team1: shown blocked, written by the set-up step.
    const blocked = plan.changes.find((c) => c.kind === 'boundary')
    assert.equal(`${blocked?.action} ${blocked?.key}`, 'blocked sagemaker-teams-acs-boundary')
    assert.equal((await cli(['setup', '-f', file, '--yes'])).code, 0)
    emu.resetCounters()
    assert.equal((await cli(['apply', '-f', file, '--yes'])).code, 0)
    const c = emu.counters()
    assert.equal(c['lambda:UpdateFunctionCode'], 1)
    for (const op of [
      'lambda:CreateFunction',
      'lambda:CreateFunctionUrlConfig',
      'dynamodb:CreateTable',
      'iam:CreateRole',
    ])
      assert.equal(c[op] ?? 0, 0, op)
  })
  it('the function gets a reserved concurrency: 10 by default, acs.reservedConcurrency changes it, the plan shows it', async () => {
    const fn = () => emu.state.functions.find((f) => f.FunctionName === 'sagemaker-teams-acs')!
    assert.equal(fn().ReservedConcurrentExecutions, 10, 'the default, set by the first apply')
    rewrite(file, (c) => {
      c.acs!.reservedConcurrency = 25
    })
    const plan = await cli(['plan', '-f', file])
    assert.match(plan.stdout, /reserved concurrency 10 → 25/)
    assert.equal((await cli(['apply', '-f', file, '--yes'])).code, 0)
    assert.equal(fn().ReservedConcurrentExecutions, 25)
    const empty = await cli(['plan', '-f', file, '--detailed-exitcode'])
    assert.equal(empty.code, 0, empty.stdout)
    // Lambda keeps 100 of the account's 1,000 unreserved: the apply fails with AWS's error.
    rewrite(file, (c) => {
      c.acs!.reservedConcurrency = 950
    })
    const refused = await cli(['apply', '-f', file, '--yes'])
    assert.equal(refused.code, 1)
    assert.match(refused.stdout + refused.stderr, /InvalidParameterValueException/)
    assert.equal(fn().ReservedConcurrentExecutions, 25)
  })
})
