import assert from 'node:assert/strict'
import type { PolicyDocument, PolicyStatement } from '../../src/lib/plan/types.js'
import { normalizePolicy, policiesEqual, policyAtoms, policyDelta } from '../../src/lib/policies/normalize.js'
import {
  developerPolicy,
  guardrailPolicy,
  printPolicy,
  teamInlinePolicies,
  teamRoleAllowedActions,
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
    const tagOnCreate = statement(dev, 'TagOnCreateWithOwnTeam')
    // The key holds the create operation's name: only a pattern operator matches "Create*".
    assert.equal(tagOnCreate.Condition?.StringLike?.['sagemaker:TaggingAction'], 'Create*')
    const pass = statement(dev, 'PassOwnRoleToSageMaker')
    assert.equal(pass.Resource, INPUT.roleArn)
  })

  it('stays within IAM inline policy size (10,240 characters per role, whitespace not counted) for the largest allowed file', () => {
    // The longest names the file and AWS allow: team id 20, domain id 63, bucket 63, prefix 256, GovCloud partition.
    const team = 'a'.repeat(20)
    const largest = {
      teamId: team,
      roleArn: `arn:aws-us-gov:iam::123456789012:role/sagemaker-teams-${team}`,
      partition: 'aws-us-gov',
      region: 'us-gov-west-1',
      accountId: '123456789012',
      domainId: `d-${'a'.repeat(61)}`,
      workspace: {
        bucket: 'b'.repeat(63),
        prefix: `${'p'.repeat(255)}/`,
        workGroup: `sagemaker-teams-${team}`,
      },
    }
    const total = Object.values(teamInlinePolicies(largest)).reduce((n, d) => n + JSON.stringify(d).length, 0)
    assert.ok(total <= 10240, `inline policies total ${total} characters`)
    assert.ok(
      total > 8000,
      `the largest file should come near the limit, got ${total}: is the fixture still the largest?`,
    )
  })

  it('is deterministic: the same input gives byte-identical policies', () => {
    assert.equal(JSON.stringify(teamInlinePolicies(INPUT)), JSON.stringify(teamInlinePolicies({ ...INPUT })))
  })

  it('lists every action a team role may be allowed (for the permissions boundary)', () => {
    const all = teamRoleAllowedActions()
    for (const a of [
      'sagemaker:CreateApp',
      'sagemaker:Create*',
      'athena:*QueryExecution*',
      's3:PutObject',
      'iam:PassRole',
    ])
      assert.ok(all.includes(a), a)
    assert.ok(!all.some((a) => a.startsWith('sts:')), 'a team role never needs sts')
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
    const presign = statement(deny, 'NoSessionsOfOtherTeams')
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
