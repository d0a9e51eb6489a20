/** A team's IAM Identity Center SAML application. */

import type { Change } from '../../plan/types.js'
import type { AccessOut, KindDefinition } from '../contract.js'
import { noDetails } from '../details.js'

export const applicationKind = {
  kind: 'application',
  scope: 'identity-center',
  accountWide: false,
  dependsOn: [],
  acsDeployment: false,
  engine: () => import('./engine.js').then((m) => m.applications),
  details: noDetails,
  teamScope: 'its-team',
  review,
  iamActions: [
    { on: 'unscoped-identity-center', access: 'read', actions: ['sso:ListApplications'] },
    {
      on: 'identity-center-applications',
      access: 'read',
      actions: ['sso:GetApplicationAssignmentConfiguration', 'sso:ListTagsForResource'],
    },
    { on: 'new-team-applications', access: 'write', actions: ['sso:CreateApplication'] },
    { on: 'adopted-applications', access: 'write', actions: ['sso:TagResource'] },
    {
      on: 'team-applications',
      access: 'write',
      actions: [
        'sso:DeleteApplication',
        'sso:PutApplicationAssignmentConfiguration',
        'sso:UpdateApplication',
      ],
    },
  ],
} satisfies KindDefinition<'application'>

/** Its part of the access review. */
function review(c: Change<'application'>, { narrowed, item }: AccessOut): void {
  if (c.action === 'delete')
    narrowed.push(item(c, `team ${c.team}`, `${c.team}'s application is deleted: nobody can sign in to it`))
}
