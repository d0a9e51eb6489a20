/** An LF-tag of the file, in the catalog that holds them. */

import type { LfGrantPayload, LfTagPayload } from '../../plan/types.js'
import type { KindDefinition, TeamScope } from '../contract.js'
import { updateDiff } from '../details.js'
import { meshOfScope } from '../lf-share/index.js'
import { noAccessChange } from '../review.js'

export const lfTagKind = {
  kind: 'lf-tag',
  scope: 'lake',
  accountWide: true,
  dependsOn: [],
  acsDeployment: false,
  engine: () => import('./engine.js').then((m) => m.lfTags),
  details: updateDiff,
  // An LF-tag a kept grant, or a share or resource link the scope's teams use, names.
  teamScope: (c, s: TeamScope) =>
    tagKeysOf(s).has(((c.after ?? c.before) as LfTagPayload).tagKey) ? c : undefined,
  review: noAccessChange,
  iamActions: [
    { on: 'unscoped', access: 'read', actions: ['lakeformation:GetLFTag', 'lakeformation:ListLFTags'] },
    { on: 'unscoped', access: 'write', actions: ['lakeformation:CreateLFTag', 'lakeformation:UpdateLFTag'] },
  ],
} satisfies KindDefinition<'lf-tag'>

/** The LF-tag keys the scope's grants name, and those of the data mesh's shares its teams use. */
function tagKeysOf(s: TeamScope): Set<string> {
  const keys = new Set(
    s.teamChanges
      .filter((c) => c.kind === 'lf-grant' && c.action !== 'delete')
      .flatMap((c) => ((c.after ?? c.before) as LfGrantPayload).expression.map((t) => t.TagKey)),
  )
  for (const c of s.changes.filter((c) => meshOfScope(c, s))) {
    const share = c.after as { tagKey?: string; expression?: { TagKey: string }[] }
    for (const k of [share.tagKey, ...(share.expression ?? []).map((t) => t.TagKey)]) if (k) keys.add(k)
  }
  return keys
}
