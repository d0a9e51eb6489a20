/** A user or group assigned to a team's application. */
import type { KindDefinition } from './contract.js'

export const assignmentKind = {
  kind: 'assignment',
  scope: 'identity-center',
  accountWide: false,
  dependsOn: ['application'],
} satisfies KindDefinition<'assignment'>
