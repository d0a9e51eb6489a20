import type { MatrixInput } from '../../src/lib/policies/team-matrix.js'
import type { TeamRoleInput } from '../../src/lib/policies/team-role.js'

const ACCOUNT = '123456789012'
const workspace = (team: string) => ({
  bucket: `sagemaker-us-east-1-${ACCOUNT}`,
  prefix: `teams/${team}/`,
  workGroup: `sagemaker-teams-${team}`,
})

export const TEAM1_ROLE_INPUT: TeamRoleInput = {
  teamId: 'team1',
  roleArn: `arn:aws:iam::${ACCOUNT}:role/sagemaker-teams-team1`,
  partition: 'aws',
  region: 'us-east-1',
  accountId: ACCOUNT,
  domainId: 'd-abcdefghijkl',
  workspace: workspace('team1'),
}

export const MATRIX_INPUT: MatrixInput = {
  partition: 'aws',
  region: 'us-east-1',
  accountId: ACCOUNT,
  domainId: 'd-abcdefghijkl',
  self: { teamId: 'team1', tag: 'Team1', roleArn: TEAM1_ROLE_INPUT.roleArn, workspace: workspace('team1') },
  other: {
    teamId: 'team2',
    tag: 'Team2',
    roleArn: `arn:aws:iam::${ACCOUNT}:role/sagemaker-teams-team2`,
    workspace: workspace('team2'),
  },
}
