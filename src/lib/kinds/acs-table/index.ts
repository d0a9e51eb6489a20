/** The ACS's DynamoDB table (`<function>-state`): replay ids and login records, TTL on. */

import type { Change } from '../../plan/types.js'
import { followFunction } from '../acs-shared/index.js'
import type { AccessOut, KindDefinition } from '../contract.js'
import { updateDiff } from '../details.js'

export const acsTableKind = {
  kind: 'acs-table',
  scope: 'acs',
  accountWide: true,
  acsDeployment: true,
  engine: () => import('./engine.js').then((m) => m.acsTableEngine),
  dependsOn: [],
  details: updateDiff,
  teamScope: followFunction,
  review,
  iamActions: [
    { on: 'acs-table', access: 'read', actions: ['dynamodb:DescribeTable', 'dynamodb:DescribeTimeToLive'] },
    {
      on: 'acs-table',
      access: 'write',
      // CreateTable with tags needs TagResource.
      actions: ['dynamodb:CreateTable', 'dynamodb:TagResource', 'dynamodb:UpdateTimeToLive'],
    },
    // A retired ACS's login table, deleted with --prune --force.
    { on: 'retired-acs-table', access: 'write', actions: ['dynamodb:DeleteTable'] },
  ],
} satisfies KindDefinition<'acs-table'>

/** The table gives nobody access; deleting it deletes the audit trail of who signed in. */
function review(c: Change<'acs-table'>, { narrowed, item }: AccessOut): void {
  if (c.action === 'delete')
    narrowed.push(
      item(c, 'ACS', `the ACS's login table ${c.key} is deleted (the record of who signed in goes with it)`),
    )
}
