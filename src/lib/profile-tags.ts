import { TAG_TEAM, TAG_USER_ID, TAG_USER_NAME } from './names.js'

/** The tags of a managed user profile (DESIGN §3): the team's tags plus the tool's own. Shared by `apply` and the ACS. */
export function profileTags(
  team: string,
  teamTags: Record<string, string>,
  userId: string,
  userName: string,
): Record<string, string> {
  return { ...teamTags, [TAG_TEAM]: team, [TAG_USER_ID]: userId, [TAG_USER_NAME]: userName.slice(0, 256) }
}
