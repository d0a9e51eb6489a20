/**
 * Revocations whose replacement is blocked are held back: when a team of the file cannot get its
 * application because a team gone from the file still holds that name (a rename without
 * `movedFrom`), the old team is what its members use until the new one exists. Its deletes (the
 * assignments a plain apply would revoke; with --prune its application, role, grants and profiles)
 * and an ACS update that would drop it are shown blocked instead, naming the blocked replacement.
 */
import type { ApplicationPayload, Change, KeptItem } from './types.js'

/** Marks the held-back changes blocked (and says so on the old team's kept items), in place; returns whether any was. */
export function holdBackReplaced(changes: Change[], fileTeams: Set<string>, kept: KeptItem[] = []): boolean {
  const replacedBy = new Map<string, string>()
  for (const c of changes) {
    const holder = (c.after as ApplicationPayload | undefined)?.nameTakenBy
    if (c.kind === 'application' && c.action === 'blocked' && holder && !fileTeams.has(holder))
      replacedBy.set(holder, c.team!)
  }
  if (replacedBy.size === 0) return false
  const heldBack = (old: string) =>
    `held back: team ${replacedBy.get(old)} replaces ${old} and is blocked (see its application); ${old}'s members keep their access until it exists`
  for (const c of changes) {
    if (c.action === 'delete' && c.team !== undefined && replacedBy.has(c.team)) {
      c.action = 'blocked'
      c.reason = heldBack(c.team)
    }
    if (c.kind === 'acs' && c.action === 'update') {
      const dropped = (c as Change<'acs'>).after?.configChanges?.find(
        (x) => x.team !== undefined && replacedBy.has(x.team),
      )
      if (dropped) {
        c.action = 'blocked'
        c.reason = `${heldBack(dropped.team!)} (the ACS update would refuse its logins)`
      }
    }
  }
  for (const k of kept) if (k.team !== undefined && replacedBy.has(k.team)) k.reason = heldBack(k.team)
  return true
}

/**
 * Files with accounts:/domains: — the Identity Center side of a team whose account could not be
 * read (its role cannot be assumed…) is held back: an application and assignments would give its
 * members a tile to a role and profiles that cannot be made. Revocations still run.
 */
export function holdBackUnreadAccounts(
  changes: Change[],
  unread: { name: string; id: string }[],
  teamAccount: Record<string, string>,
): void {
  for (const c of changes) {
    if (c.team === undefined || (c.kind !== 'application' && c.kind !== 'assignment')) continue
    if (c.action !== 'create' && c.action !== 'update') continue
    const account = unread.find((a) => a.name === teamAccount[c.team as string])
    if (!account) continue
    c.action = 'blocked'
    c.reason = `held back: account ${account.name}${account.id ? ` (${account.id})` : ''} of team ${c.team} could not be read, so its role and profiles cannot be made`
  }
}
