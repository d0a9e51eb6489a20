import {
  NOT_TAG_CHARACTER,
  RESERVED_TAG_PREFIXES,
  TAG_SETTINGS_KEYS,
  TAG_TAG_KEYS,
  TAG_TEAM,
  TAG_USER_ID,
  TAG_USER_NAME,
} from './names.js'

/**
 * The tags of a managed user profile (DESIGN §3): the team's tags plus the tool's own, among them the
 * record of the team-tag keys set here ({@link encodeTagKeys}), which lets a later apply remove a key
 * that left the file ({@link staleTagKeys}). Shared by `apply` and the ACS.
 */
export function profileTags(
  team: string,
  teamTags: Record<string, string>,
  userId: string,
  userName: string,
  settingsKeys: string[] = [],
): Record<string, string> {
  return {
    ...teamTags,
    [TAG_TEAM]: team,
    [TAG_USER_ID]: userId,
    // A user name may hold characters a tag value may not (an apostrophe): those become "_".
    [TAG_USER_NAME]: userName.replace(NOT_TAG_CHARACTER, '_').slice(0, 256),
    [TAG_TAG_KEYS]: encodeTagKeys(Object.keys(teamTags)),
    // The userSettings keys set here, so that a key that leaves the file is unset (and a key set by
    // someone else is not); absent when the team sets none, so profiles without settings keep their tags.
    ...(settingsKeys.length > 0 ? { [TAG_SETTINGS_KEYS]: encodeTagKeys(settingsKeys) } : {}),
  }
}

/** SageMaker: a tag value has 0..256 characters. */
const TAG_VALUE_MAX = 256

/**
 * The value of the {@link TAG_TAG_KEYS} tag: the team-tag keys, sorted, joined by a space. A tag key
 * has the character set of a tag value ([\p{L}\p{Z}\p{N}_.:/=+\-@]), so it may itself contain a space:
 * each key is escaped, "+" as "++" and " " as "+_" (keys without either read as they are).
 *
 * A tag value has at most 256 characters: keys are added in sorted order while they fit, and a key that
 * does not fit is left out (a later, shorter one may still fit). A key left out of the record is never
 * deleted: when it leaves the file it stays on the profiles, like a tag someone else put there.
 */
export function encodeTagKeys(keys: string[]): string {
  let out = ''
  for (const key of [...new Set(keys)].sort()) {
    if (key === '') continue // not a valid tag key; SageMaker refuses it anyway
    const escaped = key.replace(/[+ ]/g, (c) => (c === '+' ? '++' : '+_'))
    const next = out === '' ? escaped : `${out} ${escaped}`
    if (next.length <= TAG_VALUE_MAX) out = next
  }
  return out
}

/** The team-tag keys recorded on a profile; none when the record is absent or malformed. */
export function recordedTagKeys(tags: Record<string, string> | undefined): string[] {
  return decodeKeys(tags?.[TAG_TAG_KEYS])
}

/** The userSettings keys recorded on a profile ({@link TAG_SETTINGS_KEYS}); none when absent or malformed. */
export function recordedSettingsKeys(tags: Record<string, string> | undefined): string[] {
  return decodeKeys(tags?.[TAG_SETTINGS_KEYS])
}

function decodeKeys(value: string | undefined): string[] {
  const keys = new Set<string>()
  for (const token of (value ?? '').split(' ')) {
    if (token === '') continue
    let key = ''
    for (let i = 0; i < token.length; i++) {
      if (token[i] !== '+') key += token[i]
      else if (token[i + 1] === '+' || token[i + 1] === '_') key += token[++i] === '+' ? '+' : ' '
      else return [] // not written by encodeTagKeys: trust none of it
    }
    keys.add(key)
  }
  return [...keys]
}

/**
 * The tag keys an update deletes from a profile: recorded in the observed tags (`before`), still on
 * the profile, and no longer among the desired tags (`after`). A key the tool never recorded (put
 * there by someone else, or left out of a full record) is never among them, nor an aws: or
 * sagemaker-teams: key.
 */
export function staleTagKeys(
  before: Record<string, string> | undefined,
  after: Record<string, string>,
): string[] {
  if (!before) return []
  return recordedTagKeys(before)
    .filter(
      (k) =>
        Object.hasOwn(before, k) &&
        !Object.hasOwn(after, k) &&
        !RESERVED_TAG_PREFIXES.some((p) => k.toLowerCase().startsWith(p)),
    )
    .sort()
}
