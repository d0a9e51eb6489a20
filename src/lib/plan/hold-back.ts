/**
 * Revocations whose replacement is blocked are held back: when a team of the file cannot get its
 * application because a team gone from the file still holds that name (a rename without
 * `movedFrom`), the old team is what its members use until the new one exists. Its deletes (the
 * assignments a plain apply would revoke; with --prune its application, role, grants and profiles)
 * and an ACS update that would drop it are shown blocked instead, naming the blocked replacement.
 */
import type { AccessReview, ApplicationPayload, Change, KeptItem } from './types.js'

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
    if (c.kind === 'acs-function' && c.action === 'update') {
      const dropped = (c as Change<'acs-function'>).after?.configChanges?.find(
        (x) => x.team !== undefined && replacedBy.has(x.team),
      )
      if (dropped) {
        c.action = 'blocked'
        c.reason = `${heldBack(dropped.team!)} (the ACS update would refuse its logins)`
        // The ACS role's policy update would take away its profiles too.
        for (const r of changes)
          if (r.kind === 'acs-role' && r.action === 'update') {
            r.action = 'blocked'
            r.reason = `${heldBack(dropped.team!)} (the ACS role's update would refuse its logins)`
          }
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

/**
 * A member the identity store does not have is an error of its team alone: that team's changes
 * that create or widen (creates, and updates the access review counts as widening) are held back
 * until the file or the store is fixed, and their review items go with them. Its revocations and
 * narrowing updates still run, and so does every other team. Returns the changes held back.
 */
export function holdBackMissingMembers(
  changes: Change[],
  review: AccessReview | undefined,
  missing: { team: string; kind: string; name: string }[],
): Change[] {
  const teams = new Map<string, string[]>()
  for (const m of missing) teams.set(m.team, [...(teams.get(m.team) ?? []), `${m.kind} ${m.name}`])
  const widens = (c: Change) => review?.widened.some((i) => i.kind === c.kind && i.key === c.key)
  const held: Change[] = []
  for (const c of changes) {
    const names = c.team === undefined ? undefined : teams.get(c.team)
    if (!names) continue
    if (c.action !== 'create' && !(c.action === 'update' && widens(c))) continue
    c.action = 'blocked'
    c.reason = `held back: ${names.join(', ')} of team ${c.team} ${names.length === 1 ? 'is' : 'are'} not in the identity store (see the error below); the team's revocations still run`
    held.push(c)
  }
  if (review && held.length > 0) {
    const isHeld = (i: { kind: string; key: string }) =>
      held.some((c) => c.kind === i.kind && c.key === i.key)
    review.widened = review.widened.filter((i) => !isHeld(i))
    review.narrowed = review.narrowed.filter((i) => !isHeld(i))
  }
  return held
}

/**
 * Files with accounts:/domains: — during apply, the Identity Center side of a team whose account was
 * read but whose changes failed there (its role, its profiles, or an account-wide change such as the
 * boundary) is held back: an application or assignment created now would be a tile that leads
 * nowhere. Revocations still run. Returns why `change` is held back, or undefined.
 */
export function heldBackAfterFailure(
  change: Pick<Change, 'kind' | 'action' | 'team'>,
  teamAccount: Record<string, string>,
  failed: { teams: Map<string, string>; accounts: Map<string, string> },
): string | undefined {
  if (change.team === undefined || (change.kind !== 'application' && change.kind !== 'assignment')) return
  if (change.action !== 'create' && change.action !== 'update') return
  const account = teamAccount[change.team]
  const why =
    failed.teams.get(change.team) ?? (account === undefined ? undefined : failed.accounts.get(account))
  return (
    why &&
    `held back: ${why}, so team ${change.team}'s role and profiles may not exist; apply again once it succeeds`
  )
}
