/**
 * The ACS parts' diffs, as tables: what the file wants of the ACS's role, table, function, URL and
 * permissions, and what AWS has → the changes of that part alone.
 */
import assert from 'node:assert/strict'
import type { ObservedAcsFunction, ObservedAcsUrl } from '../../src/lib/acs/observed.js'
import type { RetiredAcs } from '../../src/lib/acs/retired.js'
import type { AcsFunctionPayload, AcsPermissionPayload, AcsRolePayload } from '../../src/lib/plan/types.js'
import { desireOf, diffKind, type TableContext, team, teamsFile } from '../helpers/kind-table.js'

const FN = 'sagemaker-teams-acs'
const URL = 'https://abc.lambda-url.us-east-1.on.aws/'
const config = teamsFile(
  { team1: team(['user1@example.com']) },
  { acs: { functionName: FN, audience: 'urn:sagemaker-teams:acs' } },
)
/** The function of the tool, the URL in place: what the other parts read. */
const owned: ObservedAcsFunction = {
  function: { tags: { 'sagemaker-teams:managed': 'true' } },
  foreign: false,
}
const foreign: ObservedAcsFunction = { function: { tags: {} }, foreign: true }
const withUrl: ObservedAcsUrl = { url: { functionName: FN, authType: 'NONE', url: URL } }
const ctx = (fn: ObservedAcsFunction = owned, url: ObservedAcsUrl = withUrl): TableContext => ({
  config,
  observations: { 'acs-function': fn, 'acs-url': url },
})

describe('acs-role diff (table)', () => {
  it('creates the role with the boundary and policy; in place is no change; a foreign function plans nothing', async () => {
    const r = await diffKind('acs-role', ctx(), {})
    assert.deepEqual(r.lines, ['create sagemaker-teams-acs-role'])
    const role = r.changes[0].after as AcsRolePayload
    assert.equal(role.permissionsBoundary, 'arn:aws:iam::123456789012:policy/sagemaker-teams-acs-boundary')
    assert.deepEqual((await diffKind('acs-role', ctx(), { role })).lines, [])
    assert.deepEqual((await diffKind('acs-role', ctx(foreign), {})).lines, [])
  })

  it('a policy or boundary that differs is an update of the role alone, naming what', async () => {
    const role = (await desireOf('acs-role', ctx())) as AcsRolePayload
    const narrower = { ...role, policy: { ...role.policy!, Statement: role.policy!.Statement.slice(1) } }
    const r = await diffKind('acs-role', ctx(), { role: narrower })
    assert.deepEqual(
      r.changes.map((c) => `${c.action} ${c.reason}`),
      ['update role policy'],
    )
    const unbounded = { ...role, permissionsBoundary: undefined }
    assert.equal(
      (await diffKind('acs-role', ctx(), { role: unbounded })).changes[0].reason,
      'role permissions boundary',
    )
  })
})

describe('acs-table diff (table)', () => {
  it('creates it with TTL; TTL off is an update; TTL enabling is no change, with a warning', async () => {
    assert.deepEqual((await diffKind('acs-table', ctx(), {})).lines, ['create sagemaker-teams-acs-state'])
    const table = { tableName: 'sagemaker-teams-acs-state', ttl: false }
    const off = await diffKind('acs-table', ctx(), { table })
    assert.deepEqual(
      off.changes.map((c) => `${c.action} ${c.reason}`),
      ['update TTL off'],
    )
    const enabling = await diffKind('acs-table', ctx(), {
      table: { ...table, ttl: true },
      ttlStatus: 'ENABLING',
    })
    assert.deepEqual(enabling.lines, [])
    assert.match(enabling.warnings.join('\n'), /TTL enabling on table sagemaker-teams-acs-state/)
  })
})

describe('acs-function diff (table)', () => {
  async function deployed(): Promise<ObservedAcsFunction> {
    const want = ((await desireOf('acs-function', ctx())) as { payload: AcsFunctionPayload }).payload
    return {
      function: {
        codeSha256: want.codeSha256,
        tags: want.tags!,
        reservedConcurrency: want.reservedConcurrency,
      },
      foreign: false,
    }
  }

  it('creates the function with its configuration and tags; as deployed is no change', async () => {
    const r = await diffKind('acs-function', ctx({ foreign: false }), { foreign: false })
    assert.deepEqual(r.lines, ['create sagemaker-teams-acs'])
    const after = r.changes[0].after!
    assert.equal((after.config as { functionUrl?: string }).functionUrl, URL)
    assert.equal(after.tags!['sagemaker-teams:config-sha256'], after.configSha256)
    const d = await deployed()
    assert.deepEqual((await diffKind('acs-function', ctx(d), d)).lines, [])
  })

  it('another code version alone is an update of the function naming it', async () => {
    const d = await deployed()
    d.function!.codeSha256 = 'b2xk'
    d.function!.tags = { ...d.function!.tags, 'sagemaker-teams:code-version': '0.0.1+00000000' }
    const r = await diffKind('acs-function', ctx(d), d)
    assert.deepEqual(r.lines, ['update sagemaker-teams-acs'])
    assert.match(r.changes[0].reason!, /^ACS code version 0\.0\.1\+00000000 → /)
  })

  it('a function of the name without the tool tag is blocked', async () => {
    const r = await diffKind('acs-function', ctx(foreign), foreign)
    assert.deepEqual(r.lines, ['blocked sagemaker-teams-acs'])
    assert.match(r.changes[0].reason!, /without the sagemaker-teams:managed tag/)
  })
})

describe('acs-url diff (table)', () => {
  it('a missing URL is created carrying the configuration to bake it into; auth AWS_IAM is put back to NONE', async () => {
    const r = await diffKind('acs-url', ctx(owned, {}), {})
    assert.deepEqual(r.lines, ['create sagemaker-teams-acs'])
    assert.equal((r.changes[0].after!.config as { functionUrl?: string }).functionUrl, undefined)
    const iam = { url: { ...withUrl.url!, authType: 'AWS_IAM' as const } }
    const u = await diffKind('acs-url', ctx(owned, iam), iam)
    assert.deepEqual(
      u.changes.map((c) => `${c.action} ${c.reason}`),
      ['update auth AWS_IAM → NONE'],
    )
    assert.deepEqual((await diffKind('acs-url', ctx(), withUrl)).lines, [])
    assert.deepEqual((await diffKind('acs-url', ctx(foreign, {}), {})).lines, [])
  })
})

describe('acs-permission diff (table)', () => {
  const want = async () => (await desireOf('acs-permission', ctx())) as AcsPermissionPayload[]

  it('adds the two statements of the URL; in place is no change', async () => {
    assert.deepEqual((await diffKind('acs-permission', ctx(), { permissions: [] })).lines, [
      `create ${FN}/FunctionURLAllowPublicAccess`,
      `create ${FN}/FunctionURLAllowInvokeViaUrl`,
    ])
    assert.deepEqual((await diffKind('acs-permission', ctx(), { permissions: await want() })).lines, [])
  })

  it("an earlier version's unconditioned InvokeFunction goes (after the new one is added); a changed statement is replaced", async () => {
    const [access] = await want()
    const old: AcsPermissionPayload = {
      functionName: FN,
      statementId: 'FunctionURLAllowPublicInvoke',
      action: 'lambda:InvokeFunction',
      principal: '*',
    }
    const r = await diffKind('acs-permission', ctx(), { permissions: [access, old] })
    assert.deepEqual(r.lines, [
      `create ${FN}/FunctionURLAllowInvokeViaUrl`,
      `delete ${FN}/FunctionURLAllowPublicInvoke`,
    ])
    const widened = { ...access, functionUrlAuthType: undefined }
    const u = await diffKind('acs-permission', ctx(), { permissions: [widened, (await want())[1]] })
    assert.deepEqual(u.lines, [`update ${FN}/FunctionURLAllowPublicAccess`])
  })
})

describe('a retired ACS (no acs section), part by part', () => {
  const retired: RetiredAcs[] = [
    {
      functionName: FN,
      functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${FN}`,
      url: URL,
      permissions: ['FunctionURLAllowPublicAccess'],
      roleName: 'sagemaker-teams-acs-role',
      tableName: 'sagemaker-teams-acs-state',
    },
  ]
  const none = teamsFile({ team1: team(['user1@example.com']) })
  const t = (options = {}): TableContext => ({
    config: none,
    options,
    observations: { 'acs-function': { foreign: false, retired } },
  })
  const all = async (options = {}) => {
    const out: string[] = []
    const kept: string[] = []
    for (const kind of ['acs-role', 'acs-table', 'acs-function', 'acs-url', 'acs-permission'] as const) {
      const r = await diffKind(
        kind,
        t(options),
        kind === 'acs-function' ? { foreign: false, retired } : { retired },
      )
      out.push(...r.changes.map((c) => `${c.action} ${c.kind} ${c.key}`))
      kept.push(...r.kept.map((k) => `${k.kind} ${k.key}`))
    }
    return { out, kept }
  }

  it('is kept without --prune; --prune deletes each part, the table only with --force', async () => {
    assert.deepEqual(await all(), { out: [], kept: [`acs-function ${FN}`] })
    assert.deepEqual(await all({ prune: true }), {
      out: [
        'delete acs-role sagemaker-teams-acs-role',
        `delete acs-function ${FN}`,
        `delete acs-url ${FN}`,
        `delete acs-permission ${FN}/FunctionURLAllowPublicAccess`,
      ],
      kept: ['acs-table sagemaker-teams-acs-state'],
    })
    assert.deepEqual(
      (await all({ prune: true, force: true })).out[1],
      'delete acs-table sagemaker-teams-acs-state',
    )
  })
})
