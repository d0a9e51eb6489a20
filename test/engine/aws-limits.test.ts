/** AWS's per-call limits, its asynchronous TTL, the plan-time preflight and client timeouts, through the CLI. */
import assert from 'node:assert/strict'
import net from 'node:net'
import { runCli } from '../helpers/cli.js'
import { useReconcile } from '../helpers/reconcile.js'
import { workspace } from '../helpers/workspace.js'

const WRITES = /:(Create|Put|Update|Delete|Tag|Attach|Detach|BatchGrant|BatchRevoke|Add)/

describe('AWS limits and behaviours (CLI against the emulator)', function () {
  // Several CLI runs per test: slow on a loaded machine.
  this.timeout(300_000)
  const { emu, cli, plan, applied } = useReconcile()
  const writes = () =>
    Object.entries(emu().counters())
      .filter(([k]) => WRITES.test(k))
      .reduce((n, [, v]) => n + v, 0)

  it('a connection the endpoint resets is retried, not reported as an unanswered call', async () => {
    const file = workspace()
    // As a keep-alive connection the server closes just as the client reuses it: ECONNRESET.
    emu().injectFaults({ operation: 'sagemaker:DescribeDomain', kind: 'reset', next: 1 })
    const r = await cli(['plan', '-f', file])
    assert.equal(emu().faultCounters()['sagemaker:DescribeDomain'], 1, 'the connection was reset once')
    assert.equal(r.code, 0, r.stderr)
    assert.doesNotMatch(r.stderr, /no answer from/)
  })

  it('an LF-tag with 120 values is created with 50 and extended 50 at a time; the next plan is empty', async () => {
    const values = Array.from({ length: 120 }, (_, i) => `v${String(i).padStart(3, '0')}`)
    const file = workspace((c) => {
      c.lakeFormation!.tags.big = values
    })
    await applied(file)
    const counts = emu().counters()
    // Two more LF-tags in the example file; the emulator refuses more than 50 values per call.
    assert.equal(counts['lakeformation:CreateLFTag'], 3)
    assert.equal(counts['lakeformation:UpdateLFTag'], 2)
    assert.deepEqual(
      emu()
        .state.lfTags.find((t: { TagKey: string }) => t.TagKey === 'big')
        ?.TagValues.slice()
        .sort(),
      values,
    )
    const next = await plan(file)
    assert.deepEqual(
      next.changes.filter((c) => c.action !== 'manual'),
      [],
    )
  })

  it('TTL ENABLING is converging: no drift, no second UpdateTimeToLive, empty once enabled', async () => {
    // A window longer than the test: it ends when the test says (settleTtlNow), not by the clock.
    emu().setTtlSettleMs(600_000)
    const file = workspace()
    await applied(file)
    const first = await plan(file)
    assert.deepEqual(
      first.changes.filter((c) => c.kind.startsWith('acs-')),
      [],
    )
    assert.ok(
      first.warnings.some((w) => /TTL enabling/.test(w)),
      first.warnings.join('\n'),
    )
    await applied(file)
    assert.equal(emu().counters()['dynamodb:UpdateTimeToLive'], 1)
    emu().settleTtlNow()
    const settled = await plan(file)
    assert.deepEqual(
      settled.changes.filter((c) => c.action !== 'manual'),
      [],
    )
    assert.ok(!settled.warnings.some((w) => /TTL/.test(w)), settled.warnings.join('\n'))
  })

  it('the preflight refuses a plan AWS would refuse before any write (zero writes)', async () => {
    // A user id in the ARN form the identitystore model allows but sso-admin's PrincipalId does
    // not: CreateApplicationAssignment would refuse it after roles and applications were made.
    const userId = 'arn:aws:identitystore:::user/906712345a-9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a'
    emu().seed({ users: [{ userName: 'odd@example.com', displayName: 'Odd', userId }] })
    const file = workspace((c) => {
      c.teams.team1.members!.users!.push('odd@example.com')
    })
    emu().resetCounters()
    const r = await cli(['apply', '-f', file, '--yes'])
    assert.equal(r.code, 1, r.stdout + r.stderr)
    assert.match(r.stderr, /apply refused before any change: AWS would refuse 1 request of this plan/)
    assert.match(
      r.stderr,
      /create assignment .*sso-admin CreateApplicationAssignment: 2 validation errors detected: Value 'arn:aws:identitystore:::user\/906712345a-[0-9a-f-]+' at 'principalId' failed to satisfy constraint/,
    )
    // The apply lock is taken before the plan is computed (one writer), so its table and item are
    // the only writes: one CreateTable (the lock table; the ACS table would be a second), one
    // PutItem and its DeleteItem. Nothing of the plan was written.
    const counters = emu().counters()
    const lock: Record<string, number> = {
      'dynamodb:CreateTable': 1,
      'dynamodb:PutItem': 1,
      'dynamodb:DeleteItem': 1,
    }
    for (const [op, n] of Object.entries(lock)) assert.equal(counters[op] ?? 0, n, op)
    assert.equal(writes() - 3, 0, JSON.stringify(counters))
  })
})

describe('client timeouts', function () {
  this.timeout(60_000)
  let server: net.Server
  const sockets: net.Socket[] = []
  before(async () => {
    // Accepts every connection and never answers.
    server = net.createServer((s) => sockets.push(s))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  })
  after(async () => {
    for (const s of sockets) s.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('a silent endpoint ends plan with exit 1 and a message naming the service and the endpoint', async () => {
    const { port } = server.address() as net.AddressInfo
    const endpoint = `http://127.0.0.1:${port}`
    const r = await runCli(['plan', '-f', workspace()], {
      env: {
        AWS_ENDPOINT_URL: endpoint,
        AWS_ACCESS_KEY_ID: 'AKIAEMULATOR00000000',
        AWS_SECRET_ACCESS_KEY: 'emulator-secret-not-a-real-key',
        AWS_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_PROFILE: '',
        AWS_REQUEST_TIMEOUT_MS: '1500',
        // A guard only: the CLI must end by itself long before this.
      },
      killAfterMs: 45_000,
    })
    assert.equal(r.signal, null, 'the CLI ended by itself')
    assert.equal(r.code, 1, r.stdout + r.stderr)
    assert.match(
      r.stderr,
      new RegExp(
        `(sts|sso-admin|sagemaker|identitystore) \\w+: no answer from ${endpoint.replace(/\./g, '\\.')} within 1500 ms \\(AWS_REQUEST_TIMEOUT_MS\\)`,
      ),
    )
    assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace')
  })
})
