/** A team's execution role. */

import type { KindDefinition } from './contract.js'
import { updateDiff } from './details.js'

export const roleKind = {
  kind: 'role',
  scope: 'account',
  accountWide: false,
  dependsOn: [],
  details: updateDiff,
  teamScope: 'its-team',
} satisfies KindDefinition<'role'>
