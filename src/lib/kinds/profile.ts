/** A member's SageMaker user profile. */

import type { KindDefinition } from './contract.js'
import { noDetails } from './details.js'

export const profileKind = {
  kind: 'profile',
  scope: 'domain',
  accountWide: false,
  dependsOn: ['role'],
  details: noDetails,
  teamScope: 'its-team',
} satisfies KindDefinition<'profile'>
