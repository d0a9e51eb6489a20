/**
 * The access review of a data mesh's changes: which account may read (and re-grant) which of the
 * governance catalog's data, which team role gains or loses a resource link or an LF-tag policy of
 * that catalog — each item naming its account (mergePlans adds it) and team.
 */
import type { AccessItem, Change, LfSharePayload, LinkGrantPayload, MeshGrantPayload } from './types.js'

const shareText = (s: LfSharePayload) =>
  s.resourceType === 'LF_TAG'
    ? `LF-tag ${s.tagKey}=${(s.tagValues ?? []).join('|')}`
    : `${s.resourceType} where ${(s.expression ?? []).map((t) => `${t.TagKey}=${t.TagValues.join('|')}`).join(' and ')}`

const sameList = (a: string[], b: string[]) => [...a].sort().join(',') === [...b].sort().join(',')

const grantText = (s: LfSharePayload) =>
  sameList(s.permissions, s.grantable)
    ? `${s.permissions.join(', ')} (grantable)`
    : `${s.permissions.join(', ')}${s.grantable.length ? ` (grantable: ${s.grantable.join(', ')})` : ' (not grantable)'}`

export const describeShare = (s: LfSharePayload) =>
  `${grantText(s)} on ${shareText(s)} of catalog ${s.catalogId} to account ${s.accountName} (${s.accountId})`

/** What an update of a share adds and takes: permissions, grant options, tag values. */
export function shareDelta(before: LfSharePayload, after: LfSharePayload) {
  const minus = (a: string[] = [], b: string[] = []) => a.filter((x) => !b.includes(x))
  return {
    gained: minus(after.permissions, before.permissions),
    lost: minus(before.permissions, after.permissions),
    gainedGrantable: minus(after.grantable, before.grantable),
    lostGrantable: minus(before.grantable, after.grantable),
    gainedValues: minus(after.tagValues, before.tagValues),
    lostValues: minus(before.tagValues, after.tagValues),
  }
}

export const describeMeshGrant = (g: MeshGrantPayload) =>
  `${g.resourceType} where ${g.expression.map((t) => `${t.TagKey}=${t.TagValues.join('|')}`).join(' and ')} of catalog ${g.catalogId}`

type ItemFn = (c: Change, principal: string, description: string) => AccessItem

export function reviewDataMesh(c: Change, widened: AccessItem[], narrowed: AccessItem[], item: ItemFn): void {
  switch (c.kind) {
    case 'lf-share': {
      const before = c.before as LfSharePayload | undefined
      const after = c.after as LfSharePayload | undefined
      const s = (after ?? before)!
      const who = `account ${s.accountName} (${s.accountId})`
      const teams = s.teams?.length ? `, for ${s.teams.join(', ')}` : ''
      // An update widens only by what it adds and narrows only by what it takes (a grant option
      // lost alone is a narrowing, not a new share).
      const d = before && after ? shareDelta(before, after) : undefined
      const widens = !d || d.gained.length + d.gainedGrantable.length + d.gainedValues.length > 0
      const narrows = !d || d.lost.length + d.lostGrantable.length + d.lostValues.length > 0
      if (after && c.action !== 'delete' && widens)
        widened.push(item(c, who, `${who} may read and re-grant: ${describeShare(after)}${teams}`))
      if (before && c.action !== 'create' && narrows)
        narrowed.push(
          item(
            c,
            who,
            `${who} ${c.action === 'delete' ? 'loses' : 'no longer has as before'}: ${describeShare(before)}`,
          ),
        )
      break
    }
    case 'link-grant': {
      const g = (c.after ?? c.before) as LinkGrantPayload
      const who = `${c.team ?? g.roleName} role`
      if (c.action === 'create')
        widened.push(
          item(c, g.roleName, `${who} can see shared database ${g.link} (DESCRIBE on the resource link)`),
        )
      if (c.action === 'delete')
        narrowed.push(
          item(c, g.roleName, `${who} can no longer see shared database ${g.link} (resource link)`),
        )
      break
    }
    case 'mesh-grant': {
      const before = c.before as MeshGrantPayload | undefined
      const after = c.after as MeshGrantPayload | undefined
      const g = (after ?? before)!
      const who = `${c.team ?? g.roleName} role`
      const gained = after ? after.permissions.filter((p) => !(before?.permissions ?? []).includes(p)) : []
      const lost = before ? before.permissions.filter((p) => !(after?.permissions ?? []).includes(p)) : []
      if (gained.length)
        widened.push(
          item(c, g.roleName, `${who} gains ${gained.join(', ')} on ${describeMeshGrant(g)} (cross-account)`),
        )
      if (lost.length)
        narrowed.push(
          item(c, g.roleName, `${who} loses ${lost.join(', ')} on ${describeMeshGrant(g)} (cross-account)`),
        )
      break
    }
    default:
      break
  }
}
