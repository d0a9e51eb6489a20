/** Data mesh: a team role's grant in the governance catalog. */

import { reviewDataMesh } from '../../plan/data-mesh-review.js'
import type { KindDefinition } from '../contract.js'
import { updateDiffWithoutTeams } from '../details.js'

export const meshGrantKind = {
  kind: 'mesh-grant',
  scope: 'mesh-consumer',
  accountWide: false,
  dependsOn: ['role'],
  acsDeployment: false,
  engine: () => import('./engine.js').then((m) => m.meshGrants),
  details: updateDiffWithoutTeams,
  teamScope: 'its-team',
  review: (c, { widened, narrowed, item }) => reviewDataMesh(c, widened, narrowed, item),
  iamActions: [
    { on: 'unscoped', access: 'read', actions: ['lakeformation:ListPermissions'] },
    {
      on: 'data-mesh-grants',
      access: 'write',
      actions: ['lakeformation:GrantPermissions', 'lakeformation:RevokePermissions'],
    },
  ],
} satisfies KindDefinition<'mesh-grant'>
