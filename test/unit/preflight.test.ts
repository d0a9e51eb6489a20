import assert from 'node:assert/strict'
import { validateRequest } from '../../src/lib/aws/model.js'
import { preflight, preflightRefusals } from '../../src/lib/engine/preflight.js'
import type { EngineContext } from '../../src/lib/kinds/engine-contract.js'
import { engineOf, loadEngines } from '../../src/lib/kinds/engines.js'
import { createRequests, updateRequests } from '../../src/lib/kinds/lf-tag/engine.js'
import type { Change, Plan } from '../../src/lib/plan/types.js'
import { empty, everyKind } from '../plan/fixtures.js'

const ctx = {
  discovery: {
    accountId: '123456789012',
    region: 'us-east-1',
    partition: 'aws',
    instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
    identityStoreId: 'd-1234567890',
    domainId: 'd-abcdefghijkl',
    domainArn: 'arn:aws:sagemaker:us-east-1:123456789012:domain/d-abcdefghijkl',
  },
  options: { prune: false, force: false, refresh: 'existence' },
  warnings: [],
  teams: {
    config: {
      teams: { team1: {}, team2: {} },
      acs: {
        functionName: 'sagemaker-teams-acs',
        audience: 'urn:sagemaker-teams:acs',
        url: null,
        urlExpiresSeconds: 60,
        landingUri: 'studio::',
        provisioning: 'both',
      },
    },
  },
} as unknown as EngineContext

/** The fixture plan with an identity store group id of AWS's form (the fixture's "g-1" is not). */
function acceptedPlan(): Plan {
  const plan = everyKind()
  for (const c of plan.changes) {
    const a = (c.after ?? c.before) as { principalId?: string } | undefined
    if (a?.principalId === 'g-1') a.principalId = '906712345a-aa11bb22-cc33-4d44-8e55-ff6677889900'
  }
  return plan
}

const values = (n: number, prefix = 'v') => Array.from({ length: n }, (_, i) => `${prefix}${i}`)

describe('LF-tag requests in batches of 50', () => {
  it('creates with 50 values and adds the rest 50 at a time, every call within the model', () => {
    const requests = createRequests('big', values(120))
    assert.deepEqual(
      requests.map((r) => [r.operation, ((r.input.TagValues ?? r.input.TagValuesToAdd) as string[]).length]),
      [
        ['CreateLFTag', 50],
        ['UpdateLFTag', 50],
        ['UpdateLFTag', 20],
      ],
    )
    for (const r of requests) assert.deepEqual(validateRequest(r.service, r.operation, r.input), [])
    const added = requests.flatMap((r) => (r.input.TagValues ?? r.input.TagValuesToAdd) as string[])
    assert.deepEqual(added, values(120))
  })

  it('adds and removes at most 50 per call', () => {
    const requests = updateRequests('k', values(60, 'old'), values(70, 'new'))
    assert.equal(requests.length, 2)
    for (const r of requests) assert.deepEqual(validateRequest(r.service, r.operation, r.input), [])
  })
})

describe('preflight', () => {
  before(() => loadEngines())

  it('passes a plan whose every request AWS accepts', () => {
    assert.deepEqual(preflightRefusals(acceptedPlan(), ctx), [])
    assert.doesNotThrow(() => preflight(empty(), ctx))
  })

  it('refuses a plan with one request AWS would refuse, naming the change, the request and the limit', () => {
    const plan = acceptedPlan()
    const profile = plan.changes.find(
      (c) => c.kind === 'profile' && c.action === 'create',
    ) as Change<'profile'>
    profile.after = {
      ...profile.after!,
      userSettings: { JupyterLabAppSettings: { DefaultResourceSpec: { InstanceType: 'ml.nope' } } },
    }
    const refusals = preflightRefusals(plan as Plan, ctx)
    assert.equal(refusals.length, 1)
    assert.equal(refusals[0].request.operation, 'CreateUserProfile')
    assert.match(
      refusals[0].message,
      /Value 'ml\.nope' at 'userSettings\.jupyterLabAppSettings\.defaultResourceSpec\.instanceType' failed to satisfy constraint: Member must satisfy enum value set/,
    )
    assert.throws(() => preflight(plan, ctx), /apply refused before any change: AWS would refuse 1 request/)
  })
})

describe('requests of the kinds the preflight used to skip (boundary, presign-role, workgroup)', () => {
  before(() => loadEngines())

  const policy = {
    Version: '2012-10-17' as const,
    Statement: [{ Effect: 'Allow' as const, Action: 's3:GetObject', Resource: '*' }],
  }
  const workgroup = {
    name: 'sagemaker-teams-team1',
    team: 'team1',
    bucket: 'bucket1',
    prefix: 'teams/team1/',
    outputLocation: 's3://bucket1/teams/team1/athena-results/',
    enforced: true,
    state: 'ENABLED',
  }
  const presign = {
    roleName: 'sagemaker-teams-acs-presign',
    roleArn: 'arn:aws:iam::123456789012:role/sagemaker-teams-acs-presign',
    trustPolicy: policy,
    policy,
  }
  const boundary = {
    policyName: 'sagemaker-teams-boundary',
    policyArn: 'arn:aws:iam::123456789012:policy/sagemaker-teams-boundary',
    document: policy,
  }
  const change = (kind: string, action: string, payload: object) =>
    ({
      kind,
      key:
        (payload as { name?: string; roleName?: string; policyName?: string }).name ??
        (payload as { roleName?: string }).roleName ??
        (payload as { policyName: string }).policyName,
      action,
      summary: kind,
      ...(action === 'delete'
        ? { before: payload }
        : action === 'update'
          ? { before: payload, after: payload }
          : { after: payload }),
    }) as unknown as Change
  const table: [Change, string[]][] = [
    [change('boundary', 'create', boundary), ['CreatePolicy']],
    [change('boundary', 'update', boundary), ['CreatePolicyVersion']],
    [change('presign-role', 'create', presign), ['CreateRole', 'PutRolePolicy']],
    // A presign role made before the boundaries were split gets the ACS's first; one carrying it does not.
    [
      change('presign-role', 'update', presign),
      ['PutRolePermissionsBoundary', 'UpdateAssumeRolePolicy', 'PutRolePolicy'],
    ],
    [
      change('presign-role', 'update', {
        ...presign,
        permissionsBoundary: 'arn:aws:iam::123456789012:policy/sagemaker-teams-acs-boundary',
      }),
      ['UpdateAssumeRolePolicy', 'PutRolePolicy'],
    ],
    [change('presign-role', 'delete', presign), ['DeleteRolePolicy', 'DeleteRole']],
    [change('workgroup', 'create', workgroup), ['CreateWorkGroup']],
    [change('workgroup', 'update', workgroup), ['UpdateWorkGroup']],
    [change('workgroup', 'delete', workgroup), ['DeleteWorkGroup']],
  ]
  for (const [c, operations] of table)
    it(`${c.action} ${c.kind}: ${operations.join(', ')}, each an operation of the AWS model that accepts it`, () => {
      const requests = engineOf(c.kind).requests(c as never, ctx)
      assert.deepEqual(
        requests.map((r) => r.operation),
        operations,
      )
      for (const r of requests)
        assert.deepEqual(validateRequest(r.service, r.operation, r.input), [], r.operation)
    })

  it('refuses a workgroup name Athena would refuse before any write', () => {
    const long = { ...workgroup, name: `sagemaker-teams-${'x'.repeat(120)}` }
    const plan = { ...empty(), changes: [change('workgroup', 'create', long)] }
    const refusals = preflightRefusals(plan as Plan, ctx)
    assert.deepEqual(
      refusals.map((r) => r.request.operation),
      ['CreateWorkGroup'],
    )
    assert.match(refusals[0].message, /failed to satisfy constraint/)
  })
})
