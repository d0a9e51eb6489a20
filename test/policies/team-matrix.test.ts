/**
 * What team1's role may do with its own and with team2's resources, evaluated as IAM does
 * (src/lib/policies/team-matrix.ts lists the scenarios; the README's "What a team role can do"
 * is rendered from them). The guardrail rows must hold with an `Allow *:*` managed policy attached.
 */
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  README_MATRIX_END,
  README_MATRIX_START,
  renderMatrixMarkdown,
  teamScenarios,
} from '../../src/lib/policies/team-matrix.js'
import { teamInlinePolicies } from '../../src/lib/policies/team-role.js'
import { ROOT } from '../helpers/cli.js'
import {
  ALLOW_ALL,
  describeMatrix,
  evaluateScenarios,
  type SimPrincipal,
} from '../helpers/iam-policy-check.js'
import { MATRIX_INPUT, TEAM1_ROLE_INPUT } from './fixtures.js'

const scenarios = teamScenarios(MATRIX_INPUT)
const team1: SimPrincipal = {
  roleArn: TEAM1_ROLE_INPUT.roleArn,
  principalTags: { Team: MATRIX_INPUT.self.tag },
  policies: teamInlinePolicies(TEAM1_ROLE_INPUT),
}
const team1WithAllowAll: SimPrincipal = {
  ...team1,
  policies: { ...team1.policies, 'AdministratorAccess (Allow *:*)': ALLOW_ALL },
}

describe('team role scenario matrix', () => {
  describeMatrix("team1's role", team1, scenarios)
  describeMatrix(
    "team1's role with an Allow *:* managed policy attached (guardrails hold, own work still allowed)",
    team1WithAllowAll,
    scenarios.filter((s) => s.guardrail || s.expect === 'Allowed'),
  )

  it('README "What a team role can do" is the evaluated matrix (UPDATE_SNAPSHOTS=1 rewrites it)', async () => {
    const table = renderMatrixMarkdown(
      await evaluateScenarios(team1, scenarios),
      await evaluateScenarios(team1WithAllowAll, scenarios),
    )
    const file = path.join(ROOT, 'README.md')
    const readme = readFileSync(file, 'utf8')
    const start = readme.indexOf(README_MATRIX_START)
    const end = readme.indexOf(README_MATRIX_END)
    assert.ok(start >= 0 && end > start, 'README.md has the team-role-matrix markers')
    const current = readme.slice(start, end + README_MATRIX_END.length)
    if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(file, readme.replace(current, table))
    else assert.equal(current, table, 'README.md is stale: run this test with UPDATE_SNAPSHOTS=1')
  })
})
