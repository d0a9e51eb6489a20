/** A team's execution role. */

import type { Change, RolePayload } from '../../plan/types.js'
import { policyDelta } from '../../policies/normalize.js'
import type { AccessOut, KindDefinition } from '../contract.js'
import { updateDiff } from '../details.js'
import { summarizeAtoms } from '../review.js'

export const roleKind = {
  kind: 'role',
  scope: 'account',
  accountWide: false,
  dependsOn: [],
  acsDeployment: false,
  engine: () => import('./engine.js').then((m) => m.roles),
  details: updateDiff,
  teamScope: 'its-team',
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
      on: 'bounded-team-roles',
      access: 'write',
      actions: [
        'iam:CreateRole',
        'iam:DeleteRolePolicy',
        'iam:DetachRolePolicy',
        'iam:PutRolePermissionsBoundary',
        'iam:PutRolePolicy',
        'iam:UpdateAssumeRolePolicy',
      ],
    },
    {
      on: 'removable-team-roles',
      access: 'write',
      actions: ['iam:DeleteRole', 'iam:DeleteRolePolicy', 'iam:DetachRolePolicy'],
    },
    { on: 'file-managed-policies', access: 'write', actions: ['iam:AttachRolePolicy'] },
    { on: 'tool-role-tags', access: 'write', actions: ['iam:TagRole'] },
  ],
} satisfies KindDefinition<'role'>

function review(c: Change<'role'>, { widened, narrowed, item }: AccessOut): void {
  const before = c.before as RolePayload | undefined
  const after = c.after as RolePayload | undefined
  const role = (after ?? before)!.roleName
  if (c.action === 'create' && after) {
    const delta = policyDelta(undefined, {
      Version: '2012-10-17',
      Statement: Object.values(after.inlinePolicies).flatMap((p) => p.Statement),
    })
    widened.push(
      item(
        c,
        role,
        `role ${role} is created with ${summarizeAtoms(delta.allowsGained)}${after.managedPolicyArns.length ? ` and ${after.managedPolicyArns.join(', ')}` : ''}`,
      ),
    )
    return
  }
  if (c.action === 'delete' && before) {
    narrowed.push(item(c, role, `role ${role} is deleted`))
    return
  }
  if (!before || !after) return
  if (after.permissionsBoundary && before.permissionsBoundary !== after.permissionsBoundary)
    narrowed.push(
      item(
        c,
        role,
        `role ${role} is bounded by ${after.permissionsBoundary.split('/').pop()} (permissions boundary)`,
      ),
    )
  const names = new Set([...Object.keys(before.inlinePolicies), ...Object.keys(after.inlinePolicies)])
  // Compare the union of inline policies: moving a statement between policies is no change.
  const all = (p: RolePayload) => ({
    Version: '2012-10-17' as const,
    Statement: [...names].flatMap((n) => p.inlinePolicies[n]?.Statement ?? []),
  })
  const delta = policyDelta(all(before), all(after))
  if (delta.allowsGained.length)
    widened.push(item(c, role, `role ${role} gains ${summarizeAtoms(delta.allowsGained)}`))
  if (delta.deniesLost.length)
    widened.push(item(c, role, `role ${role} loses the deny of ${summarizeAtoms(delta.deniesLost)}`))
  if (delta.allowsLost.length)
    narrowed.push(item(c, role, `role ${role} loses ${summarizeAtoms(delta.allowsLost)}`))
  if (delta.deniesGained.length)
    narrowed.push(item(c, role, `role ${role} gains a deny of ${summarizeAtoms(delta.deniesGained)}`))
  for (const arn of after.managedPolicyArns.filter((a) => !before.managedPolicyArns.includes(a)))
    widened.push(item(c, role, `role ${role} gains managed policy ${arn}`))
  for (const arn of before.managedPolicyArns.filter((a) => !after.managedPolicyArns.includes(a)))
    narrowed.push(item(c, role, `role ${role} loses managed policy ${arn}`))
  const trust = policyDelta(before.trustPolicy, after.trustPolicy)
  if (trust.allowsGained.length)
    widened.push(
      item(c, role, `role ${role} can be assumed by more principals: ${summarizeAtoms(trust.allowsGained)}`),
    )
}
