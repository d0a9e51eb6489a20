/**
 * Names shared by the CLI and the ACS. Both sides must derive the same profile name for the
 * same (team, identity store user id), or a user would get two profiles.
 */
import { createHash } from 'node:crypto'

/** Owned-marker and metadata tag keys. */
export const TAG_TEAM = 'sagemaker-teams:team'
export const TAG_USER_ID = 'sagemaker-teams:user-id'
export const TAG_USER_NAME = 'sagemaker-teams:user-name'
/** Tag key prefixes that belong to AWS and to this tool: never in the file, never deleted. */
export const RESERVED_TAG_PREFIXES = ['aws:', 'sagemaker-teams:']
/** The characters SageMaker and IAM allow in tag keys and values. */
const TAG_CHARACTERS = '\\p{L}\\p{Z}\\p{N}_.:/=+\\-@'
/** A non-empty tag key or value of only the allowed characters. */
export const TAG_TEXT = new RegExp(`^[${TAG_CHARACTERS}]+$`, 'u')
/** One character a tag may not hold. */
export const NOT_TAG_CHARACTER = new RegExp(`[^${TAG_CHARACTERS}]`, 'gu')
/** On a profile: the team-tag keys the tool set there (see profile-tags.ts), so that it can remove them. */
export const TAG_TAG_KEYS = 'sagemaker-teams:tag-keys'
export const TAG_MANAGED = 'sagemaker-teams:managed'
/** On a team role: the managed policies the tool attached (see kinds/role/engine.ts), so that it can detach them. */
export const TAG_MANAGED_POLICIES = 'sagemaker-teams:managed-policies'
/** On a profile: the userSettings keys the tool set (see profile-tags.ts), so that it can unset them. */
export const TAG_SETTINGS_KEYS = 'sagemaker-teams:settings-keys'
/** The ABAC tag key. */
export const ABAC_TAG = 'Team'

export const CUSTOM_SAML_PROVIDER_ARN = 'arn:aws:sso::aws:applicationProvider/custom-saml'

/** Team ids: the value of the `teamid` SAML attribute and a path segment of the ACS URL. */
export const TEAM_ID_PATTERN = /^[a-z0-9-]{1,20}$/
/** Identity store UserId: optional 10-hex prefix and a GUID (identitystore model). */
export const USER_ID_PATTERN =
  /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/
/** SageMaker UserProfileName (the model's pattern; it bounds the alphanumerics, not the hyphens). */
export const PROFILE_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/
/** SageMaker UserProfileName maximum length. */
export const PROFILE_NAME_MAX = 63
/** AWS region names (us-east-1, us-gov-west-1, …). */
export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/
/** SageMaker domain ids: `d-` and 1..61 lowercase alphanumerics (hyphens between). */
export const DOMAIN_ID_PATTERN = /^d-(-*[a-z0-9]){1,61}$/
/** IAM role names: 1..64 of [\w+=,.@-]. */
export const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'

/** Lowercase RFC 4648 base32 without padding. */
export function base32(bytes: Uint8Array): string {
  let out = ''
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31]
  return out
}

/**
 * User profile name for (team, identity store user id): `{team}-{userId}` lowercased (SageMaker
 * compares profile names case-insensitively) when it fits the SageMaker rule and 63 characters, else
 * `{team}-{first 24 chars of base32(sha256(userId))}`.
 */
export function profileName(teamId: string, userId: string): string {
  if (!TEAM_ID_PATTERN.test(teamId)) throw new Error(`invalid team id: ${JSON.stringify(teamId)}`)
  if (userId.length === 0) throw new Error('empty user id')
  const direct = `${teamId}-${userId}`.toLowerCase()
  if (direct.length <= PROFILE_NAME_MAX && PROFILE_NAME_PATTERN.test(direct)) return direct
  const h = base32(createHash('sha256').update(userId, 'utf8').digest()).slice(0, 24)
  return `${teamId}-${h}`
}

/** Name of the execution role the tool creates for a team (max 16 + 20 = 36 of IAM's 64). */
export function teamRoleName(teamId: string): string {
  return `sagemaker-teams-${teamId}`
}

/** The team's ACS URL: `<base>/saml/acs/<team>`. */
export function acsUrl(base: string, teamId: string): string {
  return `${base.replace(/\/+$/, '')}/saml/acs/${teamId}`
}

/** The team's SAML audience: `<audience>:<team>`. */
export function teamAudience(audience: string, teamId: string): string {
  return `${audience}:${teamId}`
}

/** The execution role ARN a team's profiles use: the given `arn`, or the role the tool creates. */
export function teamRoleArn(
  executionRole: { create?: boolean; arn?: string },
  teamId: string,
  accountId: string,
  partition = 'aws',
): string {
  return executionRole.arn ?? `arn:${partition}:iam::${accountId}:role/${teamRoleName(teamId)}`
}

/** The DynamoDB table where `--refresh events` keeps its refresh points (src/lib/refresh/point-store.ts). */
export const REFRESH_TABLE = 'sagemaker-teams-refresh'

/** The permissions boundary every team role the tool creates carries (a customer managed policy). */
export const BOUNDARY_POLICY_NAME = 'sagemaker-teams-boundary'

export function boundaryPolicyArn(accountId: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:policy/${BOUNDARY_POLICY_NAME}`
}

/** The permissions boundary of the ACS role and the presign roles (policies/boundary.ts). */
export const ACS_BOUNDARY_POLICY_NAME = 'sagemaker-teams-acs-boundary'

export function acsBoundaryPolicyArn(accountId: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:policy/${ACS_BOUNDARY_POLICY_NAME}`
}

/**
 * The id a team's SAML set-up carries (ACS URL path, audience, `teamid` attribute): a renamed team
 * (`movedFrom`) keeps its former id there, since those settings live in its application's console
 * page, which moved with it.
 */
export function samlTeamId(teams: Record<string, { movedFrom?: string }>, team: string): string {
  const from = teams[team]?.movedFrom
  return from && !Object.hasOwn(teams, from) ? from : team
}
