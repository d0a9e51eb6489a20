/** Data mesh: a resource link to a shared database in a consumer account. */
import type { KindDefinition } from './contract.js'

export const resourceLinkKind = {
  kind: 'resource-link',
  scope: 'mesh-consumer',
  accountWide: true,
  dependsOn: [],
} satisfies KindDefinition<'resource-link'>
