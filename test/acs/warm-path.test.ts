/**
 * The ACS after verification, in process against the emulator with dynalite behind it: presign
 * first, the replay claim beside the presign, the login record beside both and never in the way.
 */
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb'
import { CreateUserProfileCommand, SageMakerClient } from '@aws-sdk/client-sagemaker'
import { type AcsConfig, buildAcsConfig } from '../../src/lib/acs/config.js'
import { type AcsDeps, type AcsLogEntry, type AcsResponse, handleAcs } from '../../src/lib/acs/handler.js'
import { acsDeps } from '../../src/lib/acs/runtime.js'
import { loginKey } from '../../src/lib/acs/status.js'
import { DynamoStore } from '../../src/lib/acs/stores.js'
import { loadTeamsFileOrThrow } from '../../src/lib/config/load.js'
import { profileName } from '../../src/lib/model/names.js'
import { formBody, idpMetadata, signedResponse } from '../../tools/idp/idp.js'
import { useDemoAccount } from '../helpers/emulator.js'
import { workspace } from '../helpers/workspace.js'

const USER1 = '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'
const DOMAIN = 'd-abcdefghijkl'
const TABLE = 'acs-warm-path-state'
const BASE = 'https://acs.example.com'
const PROFILE1 = profileName('team1', USER1)

describe('ACS warm path: presign first, claim beside it, login record off the path', function () {
  this.timeout(60_000)
  const account = useDemoAccount({ profileReadyMs: 0 })
  let saved: NodeJS.ProcessEnv
  let config: AcsConfig
  let deps: AcsDeps
  let logs: AcsLogEntry[]
  /** Every URL CreatePresignedDomainUrl returned to the handler, answered or not. */
  let minted: string[]
  const ddb = () =>
    new DynamoDBClient({
      region: 'us-east-1',
      endpoint: account().url,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    })

  beforeEach(async () => {
    // The shared emulator hook drops every table before each test: the replay table is made anew.
    await ddb().send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    )
    saved = { ...process.env }
    Object.assign(process.env, account().env())
    const file = workspace()
    mkdirSync(path.join(path.dirname(file), 'metadata'))
    writeFileSync(path.join(path.dirname(file), 'metadata', 'team1.xml'), idpMetadata())
    config = await buildAcsConfig({
      teams: await loadTeamsFileOrThrow(file),
      accountId: '123456789012',
      region: 'us-east-1',
      baseUrl: BASE,
      identityStoreId: 'd-9067c1a2b3',
      tableName: TABLE,
    })
    config.members[USER1] = 'user1@example.com'
    logs = []
    minted = []
    deps = acsDeps(config, {
      log: (e) => logs.push({ ...e }),
      profileWait: { timeoutMs: 5_000, intervalMs: 20 },
    })
    deps.sagemaker.middlewareStack.add(
      // biome-ignore lint/suspicious/noExplicitAny: smithy middleware signature
      (next: any) => async (args: any) => {
        const out = await next(args)
        if (out.output?.AuthorizedUrl) minted.push(out.output.AuthorizedUrl)
        return out
      },
      { step: 'initialize', name: 'testMintedUrls' },
    )
  })
  afterEach(() => {
    process.env = saved
  })

  const seedProfile = () =>
    account().seed({
      profiles: [{ domainId: DOMAIN, name: PROFILE1, tags: { 'sagemaker-teams:team': 'team1' } }],
    })
  const response = () =>
    formBody(
      signedResponse({
        acsUrl: `${BASE}/saml/acs/team1`,
        audience: 'urn:sagemaker-teams:acs:team1',
        userId: USER1,
        teamId: 'team1',
      }).base64,
    )
  const post = (body: string) =>
    handleAcs(
      {
        method: 'POST',
        path: '/saml/acs/team1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.from(body),
      },
      deps,
    )
  const calls = () => account().counters()
  const loginCount = async () => {
    const out = await ddb().send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: loginKey('team1') } } }),
    )
    return Number(out.Item?.loginCount?.N ?? 0)
  }
  const requestLines = () => logs.filter((l) => l.event === 'acs')
  /** Nothing the handler answered or logged contains a URL it was not meant to give out. */
  const leaked = (answers: AcsResponse[], url: string) =>
    answers.some((a) => JSON.stringify(a).includes(url)) || JSON.stringify(logs).includes(url)

  it('an existing profile: one presign and one claim side by side, the login record beside them, nothing else', async () => {
    seedProfile()
    account().resetCounters()
    const r = await post(response())
    assert.equal(r.status, 302, JSON.stringify(logs))
    assert.match(
      r.headers.Location,
      /^https:\/\/d-abcdefghijkl\.studio\.us-east-1\.sagemaker\.aws\/auth\?token=/,
    )
    // The login record is two writes side by side: the team's (console steps verified) and the
    // member's own (last sign-in, `access report`).
    assert.deepEqual(calls(), {
      'dynamodb:PutItem': 1,
      'dynamodb:UpdateItem': 2,
      'sagemaker:CreatePresignedDomainUrl': 1,
    })
    const line = requestLines()[0]
    assert.equal(line.outcome, 'redirect')
    assert.equal(line.createdProfile, false)
    assert.ok((await loginCount()) >= 1, 'the login record was written')
  })

  it('a replay arriving while the first login is presigning is refused; its URL is never answered nor logged', async () => {
    seedProfile()
    // Hold the first login's presign until the replay has been answered.
    let release!: () => void
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    let presignInFlight!: () => void
    const firstPresignSent = new Promise<void>((resolve) => {
      presignInFlight = resolve
    })
    let presigns = 0
    deps.sagemaker.middlewareStack.add(
      // biome-ignore lint/suspicious/noExplicitAny: smithy middleware signature
      (next: any, context: any) => async (args: any) => {
        if (context.commandName === 'CreatePresignedDomainUrlCommand' && presigns++ === 0) {
          presignInFlight()
          await held
        }
        return next(args)
      },
      { step: 'initialize', name: 'testHoldFirstPresign', priority: 'high' },
    )
    const claims: boolean[] = []
    const claim = deps.store.claim.bind(deps.store)
    let firstClaimed!: () => void
    const firstClaimDone = new Promise<void>((resolve) => {
      firstClaimed = resolve
    })
    deps.store.claim = async (id, until) => {
      const ok = await claim(id, until)
      claims.push(ok)
      if (claims.length === 1) firstClaimed()
      return ok
    }
    const before = await loginCount()
    account().resetCounters()
    const body = response()
    const first = post(body)
    await Promise.all([firstPresignSent, firstClaimDone])
    const replay = await post(body)
    assert.equal(replay.status, 403)
    assert.equal(replay.headers.Location, undefined)
    assert.equal(requestLines().at(-1)?.reason, 'replay')
    assert.equal(minted.length, 1, 'the replay was presigned beside its claim')
    const replayUrl = minted[0]
    release()
    const answer = await first
    assert.equal(answer.status, 302)
    assert.equal(minted.length, 2)
    assert.equal(answer.headers.Location, minted[1])
    assert.ok(!leaked([replay, answer], replayUrl), "the replay's URL appears in no answer and no log line")
    assert.deepEqual(claims, [true, false])
    assert.equal(await loginCount(), before + 1, 'one login recorded: the replay is not counted')
    assert.equal(calls()['dynamodb:PutItem'], 2)
    assert.equal(calls()['sagemaker:CreateUserProfile'] ?? 0, 0)
    // The replay's log line is the same as before the claim and presign ran together.
    assert.deepEqual(Object.keys(requestLines()[0]).sort(), [
      'assertionId',
      'event',
      'ms',
      'nameIdHash',
      'outcome',
      'reason',
      'status',
      'team',
      'userId',
    ])
  })

  it("a new user's first login creates the profile (the presign's ResourceNotFound), waits for it and presigns again", async () => {
    account().resetCounters()
    const r = await post(response())
    assert.equal(r.status, 302, JSON.stringify(logs))
    assert.equal(r.headers.Location, minted.at(-1))
    const c = calls()
    assert.equal(c['sagemaker:CreateUserProfile'], 1)
    assert.equal(c['sagemaker:CreatePresignedDomainUrl'], 2)
    assert.equal(c['dynamodb:PutItem'], 1, 'one claim, whatever the path')
    const profile = account().state.profiles.find((p) => p.UserProfileName === PROFILE1)!
    assert.equal(profile.UserSettings.ExecutionRole, 'arn:aws:iam::123456789012:role/sagemaker-teams-team1')
    assert.equal(profile.Tags['sagemaker-teams:user-name'], 'user1@example.com')
    assert.equal(requestLines()[0].createdProfile, true)
  })

  it('a replay of a first login creates nothing', async () => {
    const body = response()
    assert.equal((await post(body)).status, 302)
    account().state.profiles.splice(0) // as if the profile were gone again
    account().resetCounters()
    const r = await post(body)
    assert.equal(r.status, 403)
    assert.equal(requestLines().at(-1)?.reason, 'replay')
    assert.equal(calls()['sagemaker:CreateUserProfile'] ?? 0, 0)
  })

  it('with provisioning "pre" a missing profile is refused (not_provisioned), nothing created', async () => {
    config.provisioning = 'pre'
    account().resetCounters()
    const r = await post(response())
    assert.equal(r.status, 403)
    assert.equal(requestLines()[0].reason, 'not_provisioned')
    assert.equal(calls()['sagemaker:CreateUserProfile'] ?? 0, 0)
    assert.equal(minted.length, 0)
  })

  it('a profile apply has just created (not InService yet) is waited for, not created again', async () => {
    const body = response()
    const sm = new SageMakerClient({ region: 'us-east-1' })
    account().state.profileReadyMs = 1_500
    await sm.send(
      new CreateUserProfileCommand({
        DomainId: DOMAIN,
        UserProfileName: PROFILE1,
        UserSettings: { ExecutionRole: 'arn:aws:iam::123456789012:role/sagemaker-teams-team1' },
      }),
    )
    account().resetCounters()
    const r = await post(body)
    assert.equal(r.status, 302, JSON.stringify(logs))
    const c = calls()
    assert.equal(c['sagemaker:CreateUserProfile'] ?? 0, 0)
    assert.ok(c['sagemaker:DescribeUserProfile'] >= 1, JSON.stringify(c))
    assert.equal(c['sagemaker:CreatePresignedDomainUrl'], 2)
    assert.equal(requestLines()[0].createdProfile, false)
  })

  it('a presign throttled once is retried by the SDK, with one claim', async () => {
    seedProfile()
    account().resetCounters()
    account().injectFaults({ operation: 'sagemaker:CreatePresignedDomainUrl', kind: 'throttle', next: 1 })
    const r = await post(response())
    assert.equal(r.status, 302, JSON.stringify(logs))
    assert.deepEqual(account().faultCounters(), { 'sagemaker:CreatePresignedDomainUrl': 1 })
    assert.equal(calls()['sagemaker:CreatePresignedDomainUrl'], 2)
    assert.equal(calls()['dynamodb:PutItem'], 1)
    assert.equal(calls()['sagemaker:DescribeUserProfile'] ?? 0, 0)
  })

  it('a presign that keeps failing with a claimed assertion is a 502 (presign_failed), no URL', async () => {
    seedProfile()
    account().resetCounters()
    account().injectFaults({ operation: 'sagemaker:CreatePresignedDomainUrl', kind: '5xx', next: 10 })
    const r = await post(response())
    assert.equal(r.status, 502)
    assert.equal(r.headers.Location, undefined)
    assert.equal(requestLines()[0].reason, 'presign_failed')
    assert.equal(calls()['sagemaker:DescribeUserProfile'] ?? 0, 0, 'a 5xx is not a profile that is not ready')
  })

  it('a presign refused for an InService profile (a domain not in IAM mode) is a 502 after one look and one retry', async () => {
    config.domainId = 'd-ssomode0001'
    account().seed({
      profiles: [{ domainId: 'd-ssomode0001', name: PROFILE1, tags: { 'sagemaker-teams:team': 'team1' } }],
    })
    account().resetCounters()
    const r = await post(response())
    assert.equal(r.status, 502)
    assert.equal(requestLines()[0].reason, 'presign_failed')
    assert.equal(calls()['sagemaker:DescribeUserProfile'], 1)
    assert.equal(calls()['sagemaker:CreatePresignedDomainUrl'], 2)
    assert.equal(calls()['sagemaker:CreateUserProfile'] ?? 0, 0)
  })

  it('a failing replay store is a 502 (upstream_error): the presigned URL is not answered', async () => {
    seedProfile()
    account().injectFaults({ operation: 'dynamodb:PutItem', kind: '5xx', next: 10 })
    const r = await post(response())
    assert.equal(r.status, 502)
    assert.equal(r.headers.Location, undefined)
    assert.equal(requestLines()[0].reason, 'upstream_error')
    assert.equal(minted.length, 1)
    assert.ok(!leaked([r], minted[0]))
  })

  it('a failing login record is logged with its reason code and changes nothing in the answer', async () => {
    seedProfile()
    const normal = await post(response())
    account().injectFaults({ operation: 'dynamodb:UpdateItem', kind: '5xx', next: 10 })
    const failed = await post(response())
    assert.equal(failed.status, 302)
    assert.equal(failed.body, normal.body)
    assert.deepEqual({ ...failed.headers, Location: undefined }, { ...normal.headers, Location: undefined })
    const lines = requestLines()
    assert.deepEqual(Object.keys(lines[1]).sort(), Object.keys(lines[0]).sort())
    assert.equal(lines[1].outcome, 'redirect')
    const recordLine = logs.find((l) => l.event === 'acs_login_record')
    assert.equal(recordLine?.reason, 'login_record_failed')
    assert.match(recordLine?.code ?? '', /InternalFailure|ServiceUnavailable/)
  })

  it('a login record that hangs is abandoned after its timeout; the answer is unchanged', async () => {
    seedProfile()
    deps.loginRecordTimeoutMs = 50
    let aborted = false
    deps.store = Object.assign(Object.create(DynamoStore.prototype), deps.store, {
      recordLogin: (_team: string, _id: string, _at: Date, signal?: AbortSignal) =>
        new Promise<void>((_, reject) =>
          signal?.addEventListener('abort', () => {
            aborted = true
            reject(new Error('aborted'))
          }),
        ),
    })
    const r = await post(response())
    assert.equal(r.status, 302)
    assert.ok(aborted, 'the write was aborted, not left in flight')
    assert.equal(logs.find((l) => l.event === 'acs_login_record')?.reason, 'login_record_timeout')
    assert.equal(requestLines()[0].outcome, 'redirect')
  })
})
