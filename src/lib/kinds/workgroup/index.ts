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
    { on: 'unscoped', access: 'read', actions: ['athena:ListWorkGroups'] },
    { on: 'team-workgroups', access: 'read', actions: ['athena:GetWorkGroup', 'athena:ListTagsForResource'] },
    {
      on: 'team-workgroups',
      access: 'write',
      actions: [
        'athena:CreateWorkGroup',
        'athena:DeleteWorkGroup',
        'athena:TagResource',
        'athena:UpdateWorkGroup',
      ],
    },
    { on: 'workspace-buckets', access: 'read', actions: ['s3:ListBucket'] },
  ],
} satisfies KindDefinition<'workgroup'>
