/** The ACS function's execution role (`<function>-role`), bounded by sagemaker-teams-acs-boundary. */

import type { AcsRolePayload, Change } from '../../plan/types.js'
import { policyDelta } from '../../policies/normalize.js'
import { followFunction } from '../acs-shared/index.js'
import type { AccessOut, KindDefinition } from '../contract.js'
import { updateDiff } from '../details.js'
import { summarizeAtoms } from '../review.js'

export const acsRoleKind = {
  kind: 'acs-role',
  scope: 'acs',
  accountWide: true,
  acsDeployment: true,
  engine: () => import('./engine.js').then((m) => m.acsRoleEngine),
  dependsOn: [],
  details: updateDiff,
  teamScope: followFunction,
  review,
  iamActions: [
    {
      on: 'tool-roles',
      access: 'read',
      actions: [
        'iam:GetRole',
        'iam:GetRolePolicy',
        'iam:ListAttachedRolePolicies',
        'iam:ListRolePolicies',
        'iam:ListRoleTags',
      ],
    },
    {
      on: 'bounded-acs-roles',
      access: 'write',
      actions: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary', 'iam:PutRolePolicy'],
    },
    // CreateRole with tags.
    { on: 'tool-role-tags', access: 'write', actions: ['iam:TagRole'] },
    // A retired ACS's role (the file has no acs section), removed with --prune.
    { on: 'retired-acs-role-removal', access: 'write', actions: ['iam:DeleteRole', 'iam:DeleteRolePolicy'] },
    { on: 'retired-acs-role', access: 'read', actions: ['iam:ListRolePolicies'] },
  ],
} satisfies KindDefinition<'acs-role'>

/** What the role's policy change lets the ACS do, and its boundary. */
function review(c: Change<'acs-role'>, { widened, narrowed, item }: AccessOut): void {
  const before = c.before as AcsRolePayload | undefined
  const after = c.after as AcsRolePayload | undefined
  const role = (after ?? before)!.roleName
  if (c.action === 'delete') {
    narrowed.push(item(c, role, `the ACS role ${role} is deleted`))
    return
  }
  if (!after) return
  if (after.permissionsBoundary && before?.permissionsBoundary !== after.permissionsBoundary && before)
    narrowed.push(
      item(
        c,
        role,
        `the ACS role is bounded by ${after.permissionsBoundary.split('/').pop()} (permissions boundary)`,
      ),
    )
  const delta = policyDelta(before?.policy, after.policy ?? { Version: '2012-10-17', Statement: [] })
  if (c.action === 'create') {
    widened.push(item(c, role, `the ACS role ${role} is created with ${summarizeAtoms(delta.allowsGained)}`))
    return
  }
  if (delta.allowsGained.length)
    widened.push(item(c, role, `the ACS role ${role} gains ${summarizeAtoms(delta.allowsGained)}`))
  if (delta.deniesLost.length)
    widened.push(item(c, role, `the ACS role ${role} loses the deny of ${summarizeAtoms(delta.deniesLost)}`))
  if (delta.allowsLost.length)
    narrowed.push(item(c, role, `the ACS role ${role} loses ${summarizeAtoms(delta.allowsLost)}`))
  if (delta.deniesGained.length)
    narrowed.push(item(c, role, `the ACS role ${role} gains a deny of ${summarizeAtoms(delta.deniesGained)}`))
}
