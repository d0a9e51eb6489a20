/**
 * Every policy document the tool generates, checked against AWS's Service Authorization Reference
 * (test/helpers/iam-policy-check.ts): actions exist, wildcards match, condition keys apply to the
 * statement's actions, Resource patterns fit their resource types. A Deny with a wrong key or ARN
 * protects nothing, so a finding fails the build.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { acsRolePolicy } from '../../src/lib/acs/deployment.js'
import { loadTeamsFileOrThrow } from '../../src/lib/config/load.js'
import { operatorPolicy } from '../../src/lib/operator-policy.js'
import type { PolicyDocument } from '../../src/lib/plan/types.js'
import { teamInlinePolicies, trustPolicy } from '../../src/lib/policies/team-role.js'
import { checkPolicy, formatFindings } from '../helpers/iam-policy-check.js'
import { TEAM1_ROLE_INPUT } from './fixtures.js'

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

describe('generated policies are valid against the Service Authorization Reference', () => {
  it('team role policies (with a workspace) and the trust policy: no findings', async () => {
    const findings = []
    for (const [name, doc] of Object.entries(teamInlinePolicies(TEAM1_ROLE_INPUT)))
      findings.push(...(await checkPolicy(doc, { name })))
    findings.push(...(await checkPolicy(trustPolicy(), { name: 'trust', type: 'trust' })))
    assert.equal(formatFindings(findings), '')
  })

  it('team role policies without a workspace: no findings', async () => {
    const findings = []
    for (const [name, doc] of Object.entries(
      teamInlinePolicies({ ...TEAM1_ROLE_INPUT, workspace: undefined }),
    ))
      findings.push(...(await checkPolicy(doc, { name })))
    assert.equal(formatFindings(findings), '')
  })

  it('the ACS role policy and the operator policy (apply and plan): no findings', async () => {
    const teams = await loadTeamsFileOrThrow(path.join(ROOT, 'teams.example.yaml'))
    const discovery = {
      partition: 'aws',
      region: 'us-east-1',
      accountId: '123456789012',
      domainId: 'd-abcdefghijkl',
      identityStoreId: 'd-1234567890',
    }
    const docs: [string, PolicyDocument][] = [
      ['acs-role', acsRolePolicy(teams.config, discovery)],
      [
        'operator-apply',
        operatorPolicy(
          { config: teams.config, accountId: discovery.accountId, region: discovery.region },
          'apply',
        ),
      ],
      [
        'operator-plan',
        operatorPolicy(
          { config: teams.config, accountId: discovery.accountId, region: discovery.region },
          'plan',
        ),
      ],
    ]
    const found: string[] = []
    for (const [name, doc] of docs)
      found.push(
        ...formatFindings(await checkPolicy(doc, { name }))
          .split('\n')
          .filter(Boolean),
      )
    assert.deepEqual(found, [], 'findings in the ACS or operator policy')
  })
})
