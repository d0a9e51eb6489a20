/** Data mesh: a grant to a consumer account in the governance catalog. */

import { reviewDataMesh } from '../../plan/data-mesh-review.js'
import type { Change } from '../../plan/types.js'
import type { KindDefinition, TeamScope } from '../contract.js'
import { updateDiffWithoutTeams } from '../details.js'

export const lfShareKind = {
  kind: 'lf-share',
  scope: 'mesh-governance',
  accountWide: true,
  dependsOn: [],
  acsDeployment: false,
  engine: () => import('./engine.js').then((m) => m.lfShares),
  details: updateDiffWithoutTeams,
  teamScope: (c, s: TeamScope) => (meshOfScope(c, s) ? c : undefined),
  review: (c, { widened, narrowed, item }) => reviewDataMesh(c, widened, narrowed, item),
  iamActions: [
    { on: 'unscoped', access: 'read', actions: ['lakeformation:ListPermissions'] },
    {
      on: 'data-mesh-grants',
      access: 'write',
      actions: ['lakeformation:GrantPermissions', 'lakeformation:RevokePermissions'],
    },
  ],
} satisfies KindDefinition<'lf-share'>

/**
 * Data mesh: the governance account's shares and the consumer's resource links the scope's teams
 * use (their payloads name the teams).
 */
export function meshOfScope(c: Change, s: Pick<TeamScope, 'teams'>): boolean {
  return (
    (c.kind === 'lf-share' || c.kind === 'resource-link') &&
    c.action !== 'delete' &&
    ((c.after as { teams?: string[] } | undefined)?.teams ?? []).some((t) => s.teams.has(t))
  )
}
