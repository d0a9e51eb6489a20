/**
 * The ACS configuration: everything the handler needs, derived from the teams file (plus the
 * account, the domain and the resolved members). The Lambda reads it from its bundle, never from
 * environment variables, so what runs is exactly what `acs build` produced.
 */

import { existsSync } from 'node:fs'
import path from 'node:path'
import type { LoadedTeams } from '../config/load.js'
import { readIdpMetadata } from '../config/metadata.js'
import { ACS_DEFAULTS, type Provisioning } from '../config/types.js'
import type { Identities } from '../kinds/engine-contract.js'
import { acsUrl, samlTeamId, teamAudience, teamRoleArn } from '../model/names.js'
import { primaryDomainId } from '../model/topology.js'
import { acsTableName } from './status.js'

export const ACS_CONFIG_VERSION = 1

export interface AcsTeamConfig {
  audience: string
  /** Expected Destination and Recipient; absent when the base URL comes from the request (function URL). */
  acsUrl?: string
  roleArn: string
  tags: Record<string, string>
  userSettings?: Record<string, unknown>
  /** Files with accounts:/domains: — the team's domain, when it is not the configuration's domainId. */
  domainId?: string
  /** Files with accounts:/domains: — the role the ACS assumes to reach the team's domain in another account. */
  presignRoleArn?: string
  /**
   * A renamed team (movedFrom) is served under its former id, which its application's SAML set-up
   * carries: the team whose profiles, role and tags a login opens.
   */
  profileTeam?: string
  /** From the team's IdP metadata; null until the admin saves the metadata file. */
  idp: { entityId: string; certificates: string[] } | null
  /** saml.idpMetadata as the file names it (not used by the handler; `import` writes it back). */
  metadataPath?: string
  /**
   * Identity store user ids of the team's members (direct and through groups) as `apply` resolved
   * them: the ACS refuses anyone else, so a removed member cannot sign in even if the removal of
   * their assignment failed. Absent when built without resolved members (`acs serve`).
   */
  members?: string[]
}

export interface AcsConfig {
  version: typeof ACS_CONFIG_VERSION
  region: string
  accountId: string
  partition: string
  domainId: string
  identityStoreId?: string
  /** Base URL of the ACS (acs.url); when absent the Lambda uses its function URL's domain. */
  baseUrl?: string
  /**
   * The function's own URL (https://<url-id>.lambda-url.<region>.on.aws/), baked in once it exists:
   * the Lambda refuses events that did not come through it.
   */
  functionUrl?: string
  provisioning: Provisioning
  sessionExpirationSeconds: number
  urlExpiresSeconds: number
  landingUri: string
  /** acs.allowedSourceCidrs: the ACS accepts logins only from these source addresses. */
  allowedSourceCidrs?: string[]
  /** DynamoDB table for replay ids and login records; absent: in-memory (acs serve only). */
  tableName?: string
  teams: Record<string, AcsTeamConfig>
  /** Identity store user id → user name, of every member `apply` resolved (the ACS confirms ids with it). */
  members: Record<string, string>
  /**
   * Identity store user id → primary email, of the members that have one: with the UserName, the
   * signed NameID the ACS accepts for that member (nameid.ts).
   */
  memberEmails?: Record<string, string>
}

export interface AcsConfigInput {
  teams: LoadedTeams
  accountId: string
  partition?: string
  region: string
  domainId?: string
  identityStoreId?: string
  baseUrl?: string
  identities?: Identities
  /** Use a DynamoDB table (default: the function's table). Pass null for the in-memory store. */
  tableName?: string | null
  /** The function URL, once created (see AcsConfig.functionUrl). */
  functionUrl?: string
  /** Files with accounts:/domains: — each team's account, domain and presign role (see Discovery.acsPlacement). */
  placement?: Record<string, { accountId: string; domainId: string; presignRoleArn?: string }>
}

export async function buildAcsConfig(input: AcsConfigInput): Promise<AcsConfig> {
  const config = input.teams.config
  const acs = { ...ACS_DEFAULTS, ...config.acs }
  const baseUrl = input.baseUrl ?? config.acs?.url ?? undefined
  const teams: Record<string, AcsTeamConfig> = {}
  for (const [team, t] of Object.entries(config.teams)) {
    let idp: AcsTeamConfig['idp'] = null
    const file = t.saml?.idpMetadata ? path.resolve(input.teams.dir, t.saml.idpMetadata) : undefined
    if (file && existsSync(file)) {
      const m = await readIdpMetadata(file)
      // Sorted: which certificate comes first in the metadata does not change what is accepted.
      idp = { entityId: m.entityId, certificates: [...m.certificates].sort() }
    }
    const place = input.placement?.[team]
    // Keyed by the id the team's SAML set-up carries (a renamed team's former id).
    const saml = samlTeamId(config.teams, team)
    teams[saml] = {
      ...(saml !== team ? { profileTeam: team } : {}),
      audience: teamAudience(acs.audience ?? 'urn:sagemaker-teams:acs', saml),
      ...(baseUrl ? { acsUrl: acsUrl(baseUrl, saml) } : {}),
      roleArn: teamRoleArn(
        t.executionRole,
        team,
        place?.accountId ?? input.accountId,
        input.partition ?? 'aws',
      ),
      ...(place && place.domainId !== (input.domainId ?? primaryDomainId(config))
        ? { domainId: place.domainId }
        : {}),
      ...(place?.presignRoleArn ? { presignRoleArn: place.presignRoleArn } : {}),
      tags: t.tags ?? {},
      ...(t.userSettings && Object.keys(t.userSettings).length ? { userSettings: t.userSettings } : {}),
      idp,
      ...(t.saml?.idpMetadata ? { metadataPath: t.saml.idpMetadata } : {}),
      ...(input.identities
        ? { members: [...(input.identities.teamUsers.get(team)?.keys() ?? [])].sort() }
        : {}),
    }
  }
  const members: Record<string, string> = {}
  const memberEmails: Record<string, string> = {}
  for (const users of input.identities?.teamUsers.values() ?? [])
    for (const u of users.values()) {
      members[u.userId] = u.userName
      if (u.email) memberEmails[u.userId] = u.email
    }
  const sorted = (o: Record<string, string>) =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)))
  const tableName =
    input.tableName === null
      ? undefined
      : (input.tableName ?? (config.acs ? acsTableName(config.acs.functionName) : undefined))
  return {
    version: ACS_CONFIG_VERSION,
    region: input.region,
    accountId: input.accountId,
    partition: input.partition ?? 'aws',
    domainId: input.domainId ?? primaryDomainId(config),
    ...(input.identityStoreId ? { identityStoreId: input.identityStoreId } : {}),
    ...(baseUrl ? { baseUrl: baseUrl.replace(/\/+$/, '') } : {}),
    ...(input.functionUrl ? { functionUrl: input.functionUrl } : {}),
    provisioning: acs.provisioning ?? 'both',
    sessionExpirationSeconds: acs.sessionExpirationSeconds ?? 43200,
    urlExpiresSeconds: acs.urlExpiresSeconds ?? 60,
    landingUri: acs.landingUri ?? 'studio::',
    ...(acs.allowedSourceCidrs?.length ? { allowedSourceCidrs: [...acs.allowedSourceCidrs].sort() } : {}),
    ...(tableName ? { tableName } : {}),
    teams,
    members: sorted(members),
    ...(Object.keys(memberEmails).length ? { memberEmails: sorted(memberEmails) } : {}),
  }
}
