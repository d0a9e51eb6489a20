/** The assertion consumer service (its role, table, function and URL). */
import type { KindDefinition } from './contract.js'

export const acsKind = {
  kind: 'acs',
  scope: 'identity-center',
  accountWide: true,
  dependsOn: [],
} satisfies KindDefinition<'acs'>
