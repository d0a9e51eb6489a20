/** A user or group assigned to a team's application. */

import type { KindDefinition } from './contract.js'
import { noDetails } from './details.js'

export const assignmentKind = {
  kind: 'assignment',
  scope: 'identity-center',
  accountWide: false,
  dependsOn: ['application'],
  details: noDetails,
  teamScope: 'its-team',
} satisfies KindDefinition<'assignment'>
