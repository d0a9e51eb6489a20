/**
 * What team1's role may do with its own and with team2's resources, evaluated as IAM does
 * (src/lib/policies/team-matrix.ts lists the scenarios; the README's "What a team role can do"
 * is rendered from them). The guardrail rows must hold with an `Allow *:*` managed policy attached.
 */
import { teamScenarios } from '../../src/lib/policies/team-matrix.js'
import { teamInlinePolicies } from '../../src/lib/policies/team-role.js'
import { ALLOW_ALL, describeMatrix, type SimPrincipal } from '../helpers/iam-policy-check.js'
import { MATRIX_INPUT, TEAM1_ROLE_INPUT } from './fixtures.js'

const scenarios = teamScenarios(MATRIX_INPUT)
const team1: SimPrincipal = {
  roleArn: TEAM1_ROLE_INPUT.roleArn,
  principalTags: { Team: MATRIX_INPUT.self.tag },
  policies: teamInlinePolicies(TEAM1_ROLE_INPUT),
}

describe('team role scenario matrix', () => {
  describeMatrix("team1's role", team1, scenarios)
  describeMatrix(
    "team1's role with an Allow *:* managed policy attached (guardrails hold, own work still allowed)",
    { ...team1, policies: { ...team1.policies, 'AdministratorAccess (Allow *:*)': ALLOW_ALL } },
    scenarios.filter((s) => s.guardrail || s.expect === 'Allowed'),
  )
})
