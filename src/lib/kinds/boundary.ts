/** The permissions boundaries the roles the tool creates carry (team roles', the ACS's). */

import { jsonDiff } from '../plan/json-diff.js'
import { acsCreatedForScope } from './acs.js'
import type { KindDefinition, TeamScope } from './contract.js'
import { updateDiff } from './details.js'

export const boundaryKind = {
  kind: 'boundary',
  scope: 'account',
  accountWide: true,
  dependsOn: [],
  // A boundary that must change is blocked (setup writes it): its diff is what to review.
  details: (c) =>
    c.action === 'blocked' && c.before && c.after ? jsonDiff(c.before, c.after) : updateDiff(c),
  // Roles the scope creates or changes carry the permissions boundary (so does the ACS role).
  teamScope: (c, s: TeamScope) =>
    c.action !== 'delete' &&
    (acsCreatedForScope(s) ||
      s.teamChanges.some((k) => (k.kind === 'role' || k.kind === 'presign-role') && k.action !== 'delete'))
      ? c
      : undefined,
} satisfies KindDefinition<'boundary'>
