/** A team role's LF-tag policy grant. */

import type { Change, LfGrantPayload, Plan } from '../../plan/types.js'
import type { AccessOut, KindDefinition } from '../contract.js'
import { updateDiff } from '../details.js'

export const lfGrantKind = {
  kind: 'lf-grant',
  scope: 'lake',
  accountWide: false,
  dependsOn: ['role', 'lf-tag'],
  acsDeployment: false,
  engine: () => import('./engine.js').then((m) => m.lfGrants),
  details: updateDiff,
  teamScope: 'its-team',
  review,
  iamActions: [
    { on: 'unscoped', access: 'read', actions: ['lakeformation:ListPermissions'] },
    {
      on: 'unscoped',
      access: 'write',
      actions: ['lakeformation:BatchGrantPermissions', 'lakeformation:BatchRevokePermissions'],
    },
  ],
} satisfies KindDefinition<'lf-grant'>

/** Its part of the access review. */
function review(
  c: Change<'lf-grant'>,
  { widened, narrowed, item }: AccessOut,
  plan: Pick<Plan, 'changes'>,
): void {
  const g = (c.after ?? c.before) as LfGrantPayload
  const before = c.before as LfGrantPayload | undefined
  const after = c.after as LfGrantPayload | undefined
  const who = `${c.team ?? g.roleName} role`
  // A grant re-made narrower (a value left its expression: a new key, so create + delete)
  // widens nothing: the grant deleted in the same apply covered it, and creates run first.
  if (c.action === 'create' && !coveredByDeletedGrant(g, plan.changes))
    widened.push(item(c, g.roleName, `${who} gains ${g.permissions.join(', ')} on ${describeGrant(g)}`))
  else if (c.action === 'delete')
    narrowed.push(item(c, g.roleName, `${who} loses ${g.permissions.join(', ')} on ${describeGrant(g)}`))
  else if (c.action === 'update' && before && after) {
    const gained = after.permissions.filter((p) => !before.permissions.includes(p))
    const lost = before.permissions.filter((p) => !after.permissions.includes(p))
    if (gained.length)
      widened.push(item(c, g.roleName, `${who} gains ${gained.join(', ')} on ${describeGrant(after)}`))
    if (lost.length)
      narrowed.push(item(c, g.roleName, `${who} loses ${lost.join(', ')} on ${describeGrant(after)}`))
  }
}

/** Whether a grant deleted in the same plan gave the same role at least this, on at least these resources. */
function coveredByDeletedGrant(g: LfGrantPayload, changes: Change[]): boolean {
  return changes.some((d) => {
    if (d.kind !== 'lf-grant' || d.action !== 'delete' || !d.before) return false
    const old = d.before as LfGrantPayload
    if (old.principalArn !== g.principalArn || old.resourceType !== g.resourceType) return false
    if (!g.permissions.every((p) => old.permissions.includes(p))) return false
    // An LF-tag expression matches a resource carrying every key with one of its values: the new one
    // matches no more than the old when it names each old key with a subset of its values.
    return old.expression.every((t) => {
      const mine = g.expression.find((x) => x.TagKey === t.TagKey)
      return !!mine?.TagValues.every((v) => t.TagValues.includes(v))
    })
  })
}

export function describeGrant(g: Pick<LfGrantPayload, 'resourceType' | 'expression'>): string {
  return `${g.resourceType} where ${g.expression.map((t) => `${t.TagKey}=${t.TagValues.join('|')}`).join(' and ')}`
}
