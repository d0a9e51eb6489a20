/** The permissions boundary policy every role the tool creates carries. */
import { acsCreatedForScope } from './acs.js'
import type { KindDefinition, TeamScope } from './contract.js'
import { updateDiff } from './details.js'

export const boundaryKind = {
  kind: 'boundary',
  scope: 'account',
  accountWide: true,
  dependsOn: [],
  details: updateDiff,
  // Roles the scope creates or changes carry the permissions boundary (so does the ACS role).
  teamScope: (c, s: TeamScope) =>
    c.action !== 'delete' &&
    (acsCreatedForScope(s) ||
      s.teamChanges.some((k) => (k.kind === 'role' || k.kind === 'presign-role') && k.action !== 'delete'))
      ? c
      : undefined,
} satisfies KindDefinition<'boundary'>
