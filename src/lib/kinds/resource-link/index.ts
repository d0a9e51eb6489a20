/** Data mesh: a resource link to a shared database in a consumer account. */

import type { KindDefinition, TeamScope } from '../contract.js'
import { updateDiffWithoutTeams } from '../details.js'
import { meshOfScope } from '../lf-share/index.js'
import { noAccessChange } from '../review.js'

export const resourceLinkKind = {
  kind: 'resource-link',
  scope: 'mesh-consumer',
  accountWide: true,
  dependsOn: [],
  acsDeployment: false,
  engine: () => import('./engine.js').then((m) => m.resourceLinks),
  details: updateDiffWithoutTeams,
  teamScope: (c, s: TeamScope) => (meshOfScope(c, s) ? c : undefined),
  review: noAccessChange,
  iamActions: [
    { on: 'data-mesh-links', access: 'read', actions: ['glue:GetDatabases', 'glue:GetTags'] },
    {
      on: 'data-mesh-links',
      access: 'write',
      actions: ['glue:CreateDatabase', 'glue:DeleteDatabase', 'glue:TagResource'],
    },
  ],
} satisfies KindDefinition<'resource-link'>
