/** A running Studio app of a profile the file no longer calls for. */

import type { KindDefinition } from './contract.js'
import { noDetails } from './details.js'

export const appKind = {
  kind: 'app',
  scope: 'domain',
  accountWide: false,
  dependsOn: [],
  details: noDetails,
  teamScope: 'its-team',
} satisfies KindDefinition<'app'>
