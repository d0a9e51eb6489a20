/** The permissions boundaries the roles the tool creates carry (team roles', the ACS's). */

import { jsonDiff } from '../../plan/json-diff.js'
import type { Change } from '../../plan/types.js'
import { policyDelta } from '../../policies/normalize.js'
import { acsCreatedForScope } from '../acs-shared/index.js'
import type { AccessOut, KindDefinition, TeamScope } from '../contract.js'
import { updateDiff } from '../details.js'
import { summarizeAtoms } from '../review.js'

export const boundaryKind = {
  kind: 'boundary',
  scope: 'account',
  accountWide: true,
  dependsOn: [],
  acsDeployment: true,
  engine: () => import('./engine.js').then((m) => m.boundary),
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
  review,
  iamActions: [
    {
      on: 'boundaries',
      access: 'read',
      actions: ['iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:ListPolicyVersions'],
    },
    { on: 'boundaries', access: 'write', actions: ['iam:CreatePolicy', 'iam:TagPolicy'] },
    {
      on: 'boundary-versions',
      access: 'write',
      actions: ['iam:CreatePolicyVersion', 'iam:DeletePolicyVersion'],
    },
  ],
} satisfies KindDefinition<'boundary'>

/** Its part of the access review. */
function review(c: Change<'boundary'>, { widened, narrowed, item }: AccessOut): void {
  // The ceiling of every role the tool creates: what it gains, they may gain.
  const before = (c as Change<'boundary'>).before
  const after = (c as Change<'boundary'>).after
  if (c.action !== 'update' || !before || !after) return
  const delta = policyDelta(before.document, after.document)
  if (delta.allowsGained.length)
    widened.push(
      item(
        c,
        after.policyName,
        `the roles' permissions boundary allows ${summarizeAtoms(delta.allowsGained)}`,
      ),
    )
  if (delta.allowsLost.length)
    narrowed.push(
      item(
        c,
        after.policyName,
        `the roles' permissions boundary no longer allows ${summarizeAtoms(delta.allowsLost)}`,
      ),
    )
}
