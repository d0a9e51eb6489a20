/** The role the ACS assumes in a domain account to sign its teams' members in. */

import type { KindDefinition, TeamScope } from './contract.js'
import { updateDiff } from './details.js'

export const presignRoleKind = {
  kind: 'presign-role',
  scope: 'account',
  accountWide: true,
  dependsOn: [],
  details: updateDiff,
  // The presign role of an account where the scope's teams get roles (the ACS reaches them through it).
  teamScope: (c, s: TeamScope) =>
    c.action !== 'delete' && s.teamChanges.some((k) => k.kind === 'role') ? c : undefined,
} satisfies KindDefinition<'presign-role'>
