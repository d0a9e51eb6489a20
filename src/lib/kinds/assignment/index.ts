/** A user or group assigned to a team's application. */

import type { Change } from '../../plan/types.js'
import type { AccessOut, KindDefinition } from '../contract.js'
import { noDetails } from '../details.js'

export const assignmentKind = {
  kind: 'assignment',
  scope: 'identity-center',
  accountWide: false,
  dependsOn: ['application'],
  acsDeployment: false,
  engine: () => import('./engine.js').then((m) => m.assignments),
  details: noDetails,
  teamScope: 'its-team',
  review,
  iamActions: [
    {
      on: 'identity-store',
      access: 'read',
      actions: ['identitystore:DescribeGroup', 'identitystore:DescribeUser'],
    },
    { on: 'identity-center-applications', access: 'read', actions: ['sso:ListApplicationAssignments'] },
    {
      on: 'team-applications',
      access: 'write',
      actions: ['sso:CreateApplicationAssignment', 'sso:DeleteApplicationAssignment'],
    },
  ],
} satisfies KindDefinition<'assignment'>

/** Its part of the access review. */
function review(c: Change<'assignment'>, { widened, narrowed, item }: AccessOut): void {
  const a = (c.after ?? c.before) as Change<'assignment'>['after'] & {}
  const who = a.principalType === 'GROUP' ? `group ${a.principalName}` : a.principalName
  if (c.action === 'create')
    widened.push(item(c, who, `${who} can open ${c.team}'s application in the access portal`))
  // A user still assigned through a group of the team loses nothing.
  else if (c.action === 'delete' && !a.stillAssignedThrough?.length)
    narrowed.push(item(c, who, `${who} can no longer open ${c.team}'s application`))
}
