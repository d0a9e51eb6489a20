/** A team role's LF-tag policy grant. */

import type { KindDefinition } from './contract.js'
import { updateDiff } from './details.js'

export const lfGrantKind = {
  kind: 'lf-grant',
  scope: 'lake',
  accountWide: false,
  dependsOn: ['role', 'lf-tag'],
  details: updateDiff,
  teamScope: 'its-team',
} satisfies KindDefinition<'lf-grant'>
