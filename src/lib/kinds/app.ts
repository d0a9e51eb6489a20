/** A running Studio app of a profile the file no longer calls for. */
import type { KindDefinition } from './contract.js'

export const appKind = {
  kind: 'app',
  scope: 'domain',
  accountWide: false,
  dependsOn: [],
} satisfies KindDefinition<'app'>
