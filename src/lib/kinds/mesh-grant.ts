/** Data mesh: a team role's grant in the governance catalog. */
import type { KindDefinition } from './contract.js'

export const meshGrantKind = {
  kind: 'mesh-grant',
  scope: 'mesh-consumer',
  accountWide: false,
  dependsOn: ['role'],
} satisfies KindDefinition<'mesh-grant'>
