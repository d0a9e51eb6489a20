/**
 * A data-mesh consumer team's role (examples/teams-data-mesh.yaml, the teams of `analytics`), proven
 * by evaluation: the policy checks (actions, condition keys and resource patterns against the
 * Service Authorization Reference) find nothing, and the IAM simulator allows a query through the
 * team's own resource link (the Glue reads on the link and its target, Lake Formation data access)
 * and denies the same reads through another team's link, or of a database of the account nobody
 * shared (the catalog reads are no longer every database of the account).
 */
import assert from 'node:assert/strict'
import { loadTeamsFileOrThrow } from '../../src/lib/config/load.js'
import { meshParts } from '../../src/lib/kinds/lf-share/mesh.js'
import type { PolicyDocument } from '../../src/lib/plan/types.js'
import { teamBoundaryPolicy } from '../../src/lib/policies/boundary.js'
import { teamScenarios } from '../../src/lib/policies/team-matrix.js'
import { teamInlinePolicies } from '../../src/lib/policies/team-role.js'
import { checkPolicy, evaluate, evaluateScenarios, formatFindings } from '../helpers/iam-policy-check.js'

const CENTRAL = '444444444444'
const ANALYTICS = '666666666666'
const glue = (account: string, what: string) => `arn:aws:glue:us-east-1:${account}:${what}`

/** The Glue and Lake Formation requests Athena makes for `SELECT … FROM "<link>"."<table>"`. */
const queryThrough = (link: string, target: string, table: string) => [
  { action: 'glue:GetDatabase', resource: glue(ANALYTICS, `database/${link}`) },
  { action: 'glue:GetTable', resource: glue(ANALYTICS, `table/${link}/${table}`) },
  { action: 'glue:GetDatabase', resource: glue(CENTRAL, `database/${target}`) },
  { action: 'glue:GetTable', resource: glue(CENTRAL, `table/${target}/${table}`) },
  { action: 'glue:GetPartitions', resource: glue(CENTRAL, `table/${target}/${table}`) },
  { action: 'lakeformation:GetDataAccess', resource: '*' },
]

describe('data mesh: a consumer team role reads through its own resource links only', function () {
  this.timeout(60_000)
  let roles: Record<
    string,
    { arn: string; policies: Record<string, PolicyDocument>; boundary: PolicyDocument }
  >

  before(async () => {
    const { config } = await loadTeamsFileOrThrow('examples/teams-data-mesh.yaml')
    const part = meshParts(config)!.forAccount('analytics')!
    roles = {}
    for (const team of ['risk', 'fraud']) {
      const arn = `arn:aws:iam::${ANALYTICS}:role/sagemaker-teams-${team}`
      roles[team] = {
        arn,
        policies: teamInlinePolicies({
          teamId: team,
          roleArn: arn,
          partition: 'aws',
          region: 'us-east-1',
          accountId: ANALYTICS,
          domainId: 'd-mlcoedomain01',
          dataMesh: { links: part.teamLinks![team] },
        }),
        boundary: teamBoundaryPolicy({ config, partition: 'aws', region: 'us-east-1', accountId: ANALYTICS }),
      }
    }
  })

  const allowed = async (team: string, request: { action: string; resource: string }) =>
    (
      await evaluate(
        {
          roleArn: roles[team].arn,
          principalTags: { Team: team },
          policies: roles[team].policies,
          permissionsBoundary: roles[team].boundary,
        },
        request,
      )
    ).allowed

  it('the generated documents pass the policy checks', async () => {
    for (const team of Object.keys(roles))
      for (const [name, doc] of Object.entries(roles[team].policies)) {
        const findings = await checkPolicy(doc, { name: `${team}/${name}` })
        assert.deepEqual(findings, [], formatFindings(findings))
      }
  })

  it('a query through the team’s own link is allowed: every Glue read on link and target, and GetDataAccess', async () => {
    for (const r of queryThrough('rl_credit_card', 'credit_card', 'credit_risk'))
      assert.equal(await allowed('risk', r), true, `risk: ${r.action} ${r.resource}`)
    for (const r of queryThrough('rl_transactions', 'transactions', 'payments'))
      assert.equal(await allowed('fraud', r), true, `fraud: ${r.action} ${r.resource}`)
  })

  it('the same query through another team’s link is denied, and so is a database nobody shared', async () => {
    for (const r of queryThrough('rl_transactions', 'transactions', 'payments').filter((x) =>
      x.action.startsWith('glue:'),
    ))
      assert.equal(await allowed('risk', r), false, `risk: ${r.action} ${r.resource}`)
    assert.equal(
      await allowed('fraud', {
        action: 'glue:GetTable',
        resource: glue(ANALYTICS, 'table/payroll/salaries'),
      }),
      false,
    )
  })

  it('the scenario matrix (what the access review evaluates) has the rows: through own link allowed, through another team’s denied', async () => {
    const { config } = await loadTeamsFileOrThrow('examples/teams-data-mesh.yaml')
    const links = meshParts(config)!.forAccount('analytics')!.teamLinks!
    const member = (team: string) => ({
      teamId: team,
      tag: team,
      roleArn: roles[team].arn,
      links: links[team],
    })
    const base = { partition: 'aws', region: 'us-east-1', accountId: ANALYTICS, domainId: 'd-mlcoedomain01' }
    const rows = async (self: string, other: string) =>
      (
        await evaluateScenarios(
          {
            roleArn: roles[self].arn,
            principalTags: { Team: self },
            policies: roles[self].policies,
            permissionsBoundary: roles[self].boundary,
          },
          teamScenarios({ ...base, self: member(self), other: member(other) }).filter((s) =>
            s.area.startsWith('Data mesh'),
          ),
        )
      ).map((o) => `${o.name}: ${o.actual} (expected ${o.expected})`)
    assert.deepEqual(await rows('risk', 'fraud'), [
      'query a shared table through own resource link rl_credit_card: Allowed (expected Allowed)',
      "query a shared table through another team's resource link rl_transactions: Denied (expected Denied)",
    ])
    assert.deepEqual(await rows('fraud', 'risk'), [
      'query a shared table through own resource link rl_credit_card: Allowed (expected Allowed)',
      'query a shared table through own resource link rl_transactions: Allowed (expected Allowed)',
    ])
  })
})
