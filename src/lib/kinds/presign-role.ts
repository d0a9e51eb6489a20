/** The role the ACS assumes in a domain account to sign its teams' members in. */
import type { KindDefinition } from './contract.js'

export const presignRoleKind = {
  kind: 'presign-role',
  scope: 'account',
  accountWide: true,
  dependsOn: [],
} satisfies KindDefinition<'presign-role'>
