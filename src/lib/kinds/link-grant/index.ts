/** Data mesh: DESCRIBE on a resource link to a team's role. */

import { reviewDataMesh } from '../../plan/data-mesh-review.js'
import type { KindDefinition } from '../contract.js'
import { updateDiffWithoutTeams } from '../details.js'

export const linkGrantKind = {
  kind: 'link-grant',
  scope: 'mesh-consumer',
  accountWide: false,
  dependsOn: ['role', 'resource-link'],
  acsDeployment: false,
  engine: () => import('./engine.js').then((m) => m.linkGrants),
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
} satisfies KindDefinition<'link-grant'>
