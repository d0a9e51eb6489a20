import assert from 'node:assert/strict'
import type { PolicyDocument, PolicyStatement } from '../../src/lib/plan/types.js'
import { normalizePolicy, policiesEqual, policyAtoms, policyDelta } from '../../src/lib/policies/normalize.js'
import {
  baselinePolicy,
  developerPolicy,
  guardrailPolicy,
  printPolicy,
  teamInlinePolicies,
  trustPolicy,
} from '../../src/lib/policies/team-role.js'
import { assertSnapshot } from '../helpers/snapshot.js'

const INPUT = {
  teamId: 'team1',
  roleArn: 'arn:aws:iam::123456789012:role/sagemaker-teams-team1',
  partition: 'aws',
  region: 'us-east-1',
  accountId: '123456789012',
  domainId: 'd-abcdefghijkl',
}

const statement = (doc: PolicyDocument, sid: string): PolicyStatement => {
  const s = doc.Statement.find((x) => x.Sid === sid)
  assert.ok(s, `statement ${sid}`)
  return s
}
const actions = (s: PolicyStatement) => (Array.isArray(s.Action) ? s.Action : [s.Action])

describe('team role policies', () => {
  it('every generated document matches its snapshot (deterministic pretty print)', () => {
    assertSnapshot('policy-trust', printPolicy(trustPolicy()))
    for (const [name, doc] of Object.entries(teamInlinePolicies(INPUT)))
      assertSnapshot(`policy-${name}`, printPolicy(doc))
  })

  it('parses back and carries the ABAC conditions on the Team tag', () => {
    const dev = JSON.parse(printPolicy(developerPolicy(INPUT))) as PolicyDocument
    const create = statement(dev, 'CreateWithOwnTeamTag')
    assert.deepEqual(actions(create), ['sagemaker:Create*'])
    assert.equal(create.Condition?.StringEquals?.['aws:RequestTag/Team'], '${aws:PrincipalTag/Team}')
    const change = statement(dev, 'ChangeOwnTeamResources')
    for (const a of [
      'sagemaker:Delete*',
      'sagemaker:Stop*',
      'sagemaker:Update*',
      'sagemaker:Start*',
      'sagemaker:AssociateTrialComponent',
      'sagemaker:BatchPutMetrics',
    ]) {
      assert.ok(actions(change).includes(a), a)
    }
    assert.equal(change.Condition?.StringEquals?.['sagemaker:ResourceTag/Team'], '${aws:PrincipalTag/Team}')
    const pass = statement(dev, 'PassOwnRoleToSageMaker')
    assert.equal(pass.Resource, INPUT.roleArn)
  })

  it('allows app actions only on the team own apps (unlike the seed)', () => {
    const base = baselinePolicy(INPUT)
    for (const s of base.Statement.filter((x) => x.Effect === 'Allow')) {
      for (const a of actions(s)) {
        if (/App$/.test(a as string)) assert.ok(s.Condition, `${a} must carry a Team condition`)
      }
    }
    assert.equal(
      statement(base, 'OwnTeamAppsManage').Condition?.StringEquals?.['sagemaker:ResourceTag/Team'],
      '${aws:PrincipalTag/Team}',
    )
    assert.equal(
      statement(base, 'OwnTeamAppsCreate').Condition?.StringEquals?.['aws:RequestTag/Team'],
      '${aws:PrincipalTag/Team}',
    )
  })

  it('denies domain and profile changes and presigned URLs for other teams', () => {
    const deny = guardrailPolicy(INPUT)
    assert.ok(deny.Statement.every((s) => s.Effect === 'Deny'))
    const noProfiles = actions(statement(deny, 'NoDomainOrProfileChanges'))
    for (const a of [
      'sagemaker:CreateDomain',
      'sagemaker:UpdateDomain',
      'sagemaker:DeleteDomain',
      'sagemaker:CreateUserProfile',
      'sagemaker:UpdateUserProfile',
      'sagemaker:DeleteUserProfile',
    ])
      assert.ok(noProfiles.includes(a), a)
    const presign = statement(deny, 'NoPresignedUrlsForOtherTeams')
    assert.equal(
      presign.Condition?.StringNotEquals?.['sagemaker:ResourceTag/Team'],
      '${aws:PrincipalTag/Team}',
    )
  })
})

describe('semantic policy comparison', () => {
  const doc: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: 'arn:aws:s3:::b/*',
        Condition: { StringEquals: { 'aws:PrincipalTag/Team': 'A', 'aws:RequestTag/Team': 'A' } },
      },
    ],
  }

  it('ignores key order, string vs list, statement order and case of actions', () => {
    const reordered: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        {
          Condition: { StringEquals: { 'aws:RequestTag/Team': 'A', 'aws:PrincipalTag/Team': ['A'] } },
          Resource: ['arn:aws:s3:::b/*'],
          Action: ['S3:PutObject', 's3:GetObject'],
          Effect: 'Allow',
        },
      ],
    }
    assert.ok(policiesEqual(doc, reordered))
    assert.ok(policiesEqual(doc, encodeURIComponent(JSON.stringify(doc))))
  })

  it('a statement split in two equivalent ones is the same policy and widens nothing', () => {
    const split: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { ...doc.Statement[0], Action: 's3:GetObject' },
        { ...doc.Statement[0], Action: 's3:PutObject', Sid: 'second' },
      ],
    }
    assert.ok(policiesEqual(doc, split))
    const d = policyDelta(doc, split)
    assert.equal(d.allowsGained.length + d.allowsLost.length, 0)
  })

  it('a real difference is one: an action, a resource, a condition value', () => {
    const more = normalizePolicy(doc)
    more.Statement[0].Action = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']
    assert.ok(!policiesEqual(doc, more))
    assert.deepEqual(
      policyDelta(doc, more).allowsGained.map((a) => a.action),
      ['s3:DeleteObject'],
    )
    const other = normalizePolicy(doc)
    other.Statement[0].Condition = {
      StringEquals: { 'aws:PrincipalTag/Team': 'B', 'aws:RequestTag/Team': 'A' },
    }
    assert.ok(!policiesEqual(doc, other))
  })

  it('a wildcard covers specific actions: narrowing Get* to GetObject loses, adding GetObject under Get* gains nothing', () => {
    const wide: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }],
    }
    const both: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:GetObject'], Resource: '*' }],
    }
    assert.equal(policyDelta(wide, both).allowsGained.length, 0)
    assert.equal(policyAtoms(both).length, 2)
  })
})
