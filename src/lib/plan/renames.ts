/**
 * What a team rename (`movedFrom`) moves and what it re-creates, in the access review's words: the
 * application moves in place (re-tagged) with its assignments and SAML set-up; the role, its grants
 * and the profiles, named after the team, are re-created (IAM and SageMaker cannot rename them).
 */
import type { ApplicationPayload, Change, KeptItem } from './types.js'

export function renameMoves(changes: Change[], kept: KeptItem[]): string[] {
  const lines: string[] = []
  for (const c of changes) {
    const from = (c.after as ApplicationPayload | undefined)?.movedFrom
    if (c.kind !== 'application' || c.action !== 'update' || !from) continue
    const team = c.team!
    const count = (kind: string) =>
      changes.filter((x) => x.team === team && x.kind === kind && x.action === 'create').length
    const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`
    const recreated = [
      count('role') ? `role sagemaker-teams-${team}` : '',
      count('lf-grant') ? plural(count('lf-grant'), 'LF grant') : '',
      count('profile') ? plural(count('profile'), 'profile') : '',
      count('workgroup') ? 'its workgroup' : '',
    ].filter(Boolean)
    const old = kept.filter((k) => k.team === from).length
    lines.push(
      `${team} moves from ${from} (movedFrom): application ${c.summary.replace(/ \(moves from .*\)$/, '')} re-tagged in place with its assignments and SAML set-up (logins keep ${from}'s ACS URL)${recreated.length ? `; re-created under the new id (IAM and SageMaker cannot rename): ${recreated.join(', ')}` : ''}${old ? `; ${plural(old, 'resource')} of ${from} kept until --prune` : ''}`,
    )
  }
  return lines
}
