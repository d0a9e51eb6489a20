import assert from 'node:assert/strict'
import type { PolicyDocument } from '../../src/lib/plan/types.js'
import {
  ALLOW_ALL,
  checkPolicy,
  evaluate,
  evaluateScenarios,
  type SimPrincipal,
} from '../helpers/iam-policy-check.js'

const doc = (...Statement: PolicyDocument['Statement']): PolicyDocument => ({
  Version: '2012-10-17',
  Statement,
})
const codes = async (d: PolicyDocument) => (await checkPolicy(d)).map((f) => `${f.statement}:${f.code}`)
const ROLE = 'arn:aws:iam::123456789012:role/r'

describe('iam-policy-check helper (it must catch what IAM would ignore)', () => {
  it('accepts a valid document', async () => {
    const valid = doc(
      {
        Sid: 'Obj',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: 'arn:aws:s3:::b/teams/t1/*',
      },
      {
        Sid: 'List',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::b',
        Condition: { StringLike: { 's3:prefix': ['teams/t1/*'] } },
      },
      { Sid: 'Tok', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
      {
        Sid: 'Apps',
        Effect: 'Allow',
        Action: 'sagemaker:CreateApp',
        Resource: 'arn:aws:sagemaker:us-east-1:123456789012:app/d-1/*',
        Condition: {
          ArnLike: { 'sagemaker:OwnerUserProfileArn': 'arn:aws:sagemaker:*:*:user-profile/d-1/t1-*' },
        },
      },
      {
        Sid: 'Tags',
        Effect: 'Allow',
        Action: 'sagemaker:AddTags',
        Resource: '*',
        Condition: { StringLike: { 'sagemaker:TaggingAction': 'Create*', 'aws:RequestTag/Team': 'x' } },
      },
    )
    assert.deepEqual(await codes(valid), [])
  })

  it('finds missing actions, empty wildcards, unknown services', async () => {
    assert.deepEqual(
      await codes(
        doc({
          Sid: 'S',
          Effect: 'Allow',
          Action: ['sagemaker:UpdateApp', 'sagemaker:Frobnicate*', 'nosuchsvc:Get'],
          Resource: '*',
        }),
      ),
      ['S:unknown-action', 'S:wildcard-no-match', 'S:unknown-service'],
    )
  })

  it('finds condition keys no action of the statement supports, and unknown keys', async () => {
    const d = doc(
      {
        Sid: 'A',
        Effect: 'Allow',
        Action: 'sagemaker:GetRecord',
        Resource: '*',
        Condition: { StringEquals: { 'sagemaker:TaggingAction': 'x', 'aws:RequestTag/Team': 'y' } },
      },
      {
        Sid: 'B',
        Effect: 'Deny',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: { Null: { 'sagemaker:Nope': 'true' } },
      },
      // a global key that is not a tag key is exempt
      {
        Sid: 'C',
        Effect: 'Deny',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    )
    assert.deepEqual(await codes(d), [
      'A:condition-key-not-applicable',
      'A:condition-key-not-applicable',
      'B:unknown-condition-key',
    ])
  })

  it('finds Resource patterns that fit no resource type, and wildcard-only actions with an ARN', async () => {
    const d = doc(
      { Sid: 'Bucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b/teams/*' },
      {
        Sid: 'Token',
        Effect: 'Allow',
        Action: 'ecr:GetAuthorizationToken',
        Resource: 'arn:aws:ecr:us-east-1:1:repository/x',
      },
      {
        Sid: 'App',
        Effect: 'Allow',
        Action: 'sagemaker:CreateApp',
        Resource: 'arn:aws:sagemaker:us-east-1:1:space/d-1/*',
      },
    )
    assert.deepEqual(await codes(d), [
      'Bucket:resource-no-fit',
      'Bucket:action-no-resource',
      'Token:resource-no-fit',
      'Token:action-no-resource',
      'App:resource-no-fit',
      'App:action-no-resource',
    ])
  })

  it('evaluates with principal tags, resource tags, a permissions boundary and an attached Allow *:*', async () => {
    const abac = doc({
      Effect: 'Allow',
      Action: 'sagemaker:StopTrainingJob',
      Resource: '*',
      Condition: { StringEquals: { 'sagemaker:ResourceTag/Team': '${aws:PrincipalTag/Team}' } },
    })
    const p: SimPrincipal = { roleArn: ROLE, principalTags: { Team: 'T1' }, policies: { abac } }
    const job = (team: string) => ({
      action: 'sagemaker:StopTrainingJob',
      resource: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/j',
      resourceTags: { Team: team },
    })
    assert.equal((await evaluate(p, job('T1'))).decision, 'Allowed')
    assert.equal((await evaluate(p, job('T2'))).decision, 'ImplicitlyDenied')
    const boundary = doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' })
    assert.equal(
      (await evaluate({ ...p, permissionsBoundary: boundary }, job('T1'))).decision,
      'ImplicitlyDenied',
    )
    const guard = doc({ Effect: 'Deny', Action: 'iam:TagRole', Resource: ROLE })
    const all = { ...p, policies: { abac, guard, all: ALLOW_ALL } }
    assert.equal((await evaluate(all, job('T2'))).decision, 'Allowed')
    assert.equal(
      (await evaluate(all, { action: 'iam:TagRole', resource: ROLE })).decision,
      'ExplicitlyDenied',
    )
  })

  it('refuses a context key AWS never sends for the action', async () => {
    const p: SimPrincipal = { roleArn: ROLE, policies: { all: ALLOW_ALL } }
    await assert.rejects(
      evaluate(p, {
        action: 'sagemaker:GetRecord',
        resource: 'arn:aws:sagemaker:us-east-1:123456789012:feature-group/f',
        context: { 'sagemaker:TaggingAction': 'CreateApp' },
      }),
      /does not send sagemaker:TaggingAction/,
    )
  })

  it('a scenario is allowed only if every request is', async () => {
    const p: SimPrincipal = {
      roleArn: ROLE,
      policies: { p: doc({ Effect: 'Allow', Action: 'sagemaker:CreateModel', Resource: '*' }) },
    }
    const [o] = await evaluateScenarios(p, [
      {
        name: 'create a tagged model',
        area: 'test',
        expect: 'Allowed',
        requests: [
          { action: 'sagemaker:CreateModel', resource: 'arn:aws:sagemaker:us-east-1:123456789012:model/m' },
          {
            action: 'sagemaker:AddTags',
            resource: 'arn:aws:sagemaker:us-east-1:123456789012:model/m',
            requestTags: { Team: 'T1' },
            context: { 'sagemaker:TaggingAction': 'CreateModel' },
          },
        ],
      },
    ])
    assert.equal(o.actual, 'Denied')
    assert.deepEqual(
      o.requests.map((r) => r.decision),
      ['Allowed', 'ImplicitlyDenied'],
    )
  })
})
