/** A team's Athena workgroup (its workspace). */

import type { KindDefinition } from '../contract.js'
import { updateDiff } from '../details.js'
import { noAccessChange } from '../review.js'

export const workgroupKind = {
  kind: 'workgroup',
  scope: 'account',
  accountWide: false,
  dependsOn: [],
  acsDeployment: false,
  engine: () => import('./engine.js').then((m) => m.workgroups),
  details: updateDiff,
  teamScope: 'its-team',
  review: noAccessChange,
  iamActions: [
    'athena:CreateWorkGroup',
    'athena:DeleteWorkGroup',
    'athena:GetWorkGroup',
    'athena:ListTagsForResource',
    'athena:ListWorkGroups',
    'athena:UpdateWorkGroup',
  ],
} satisfies KindDefinition<'workgroup'>
