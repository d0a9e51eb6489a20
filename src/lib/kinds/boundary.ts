/** The permissions boundary policy every role the tool creates carries. */
import type { KindDefinition } from './contract.js'

export const boundaryKind = {
  kind: 'boundary',
  scope: 'account',
  accountWide: true,
  dependsOn: [],
} satisfies KindDefinition<'boundary'>
