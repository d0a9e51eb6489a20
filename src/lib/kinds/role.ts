/** A team's execution role. */
import type { KindDefinition } from './contract.js'

export const roleKind = {
  kind: 'role',
  scope: 'account',
  accountWide: false,
  dependsOn: [],
} satisfies KindDefinition<'role'>
