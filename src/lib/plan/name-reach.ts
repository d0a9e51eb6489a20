/**
 * Names that cannot reach: a team's role reaches Studio profiles, apps and spaces by the name pattern
 * `<team>-*`, so a team id that is the `-`-prefix of another team the tool owns in the account (`ml`
 * while `ml-prod`'s profiles are kept, or live) would give its members that team's profiles. validate
 * refuses such a pair within the file; the plan refuses it against what it sees in the account.
 */
import { UserError } from '../errors.js'
import { TAG_TEAM } from '../model/names.js'

/**
 * Refuses the first file team whose id is the `-`-prefix of a tool-owned team seen in the account.
 * `seen`: team id → where it was seen (e.g. "profile ml-prod-… (kept)", "its application").
 */
export function refusePrefixReach(fileTeams: string[], seen: Map<string, string>): void {
  for (const team of fileTeams)
    for (const [other, where] of seen) {
      // Two teams of the file: validate says so, at the file's lines.
      if (other === team || fileTeams.includes(other) || !other.startsWith(`${team}-`)) continue
      throw new UserError(
        `team ${team}: its id is the "-"-prefix of team ${other}, which the tool still owns in the account (${where}): team ${team}'s role reaches profiles, apps and spaces named ${team}-*, so its members would reach team ${other}'s`,
        1,
        `Choose another team id, or delete team ${other}'s resources first (plan --prune).`,
      )
    }
}

/** The tool-owned teams of observed applications and profiles (read ones carry their tags). */
export function ownedTeamsSeen(
  applications: { name: string; tags: Record<string, string> }[] | undefined,
  profiles: Iterable<{ name: string; tags?: Record<string, string> }> | undefined,
): Map<string, string> {
  const seen = new Map<string, string>()
  for (const a of applications ?? []) {
    const team = a.tags[TAG_TEAM]
    if (team && !seen.has(team)) seen.set(team, `its application "${a.name}"`)
  }
  for (const p of profiles ?? []) {
    const team = p.tags?.[TAG_TEAM]
    if (team && !seen.has(team)) seen.set(team, `profile ${p.name}`)
  }
  return seen
}
