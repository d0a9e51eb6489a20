/** Data mesh: DESCRIBE on a resource link to a team's role. */

import type { KindDefinition } from './contract.js'
import { updateDiffWithoutTeams } from './details.js'

export const linkGrantKind = {
  kind: 'link-grant',
  scope: 'mesh-consumer',
  accountWide: false,
  dependsOn: ['role', 'resource-link'],
  details: updateDiffWithoutTeams,
  teamScope: 'its-team',
} satisfies KindDefinition<'link-grant'>
