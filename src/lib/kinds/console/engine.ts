/**
 * The console-only SAML settings of each team's application (ACS URL, audience, attribute
 * mappings, metadata download). No public API sets or reads them, so they are `manual` changes
 * with the exact values, until the ACS has accepted a signed login for the team.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { acsUrl, samlTeamId, teamAudience } from '../../model/names.js'
import type { Change, ConsolePayload } from '../../plan/types.js'
import type { EngineContext, ResourceModule } from '../engine-contract.js'

/** The SAML attribute mappings each team's application needs (see `sso checklist`). */
export function attributeMappings(team: string): Record<string, string> {
  return {
    Subject: '${user:email} (format: emailAddress)',
    ssouserid: '${user:AD_GUID} (must yield the IAM Identity Center user id; see sso checklist)',
    teamid: team,
  }
}

export const FUNCTION_URL_PLACEHOLDER = '<ACS function URL>'

export interface ConsoleObserved {
  /** team → a verified login was recorded by the ACS. */
  verified: Set<string>
  /** Base URL of the ACS when known (acs.url or the deployed function URL). */
  baseUrl?: string
}

/** The values to enter in the console for one team. */
export function consoleSettings(
  ctx: Pick<EngineContext, 'teams'>,
  team: string,
  baseUrl?: string,
): ConsolePayload {
  const config = ctx.teams.config
  const t = config.teams[team]
  const base = config.acs?.url ?? baseUrl ?? FUNCTION_URL_PLACEHOLDER
  const metadata = t.saml?.idpMetadata ?? `metadata/${team}.xml`
  const saml = samlTeamId(config.teams, team)
  return {
    applicationName: t.displayName,
    acsUrl: acsUrl(base, saml),
    audience: teamAudience(config.acs?.audience ?? 'urn:sagemaker-teams:acs', saml),
    attributeMappings: attributeMappings(saml),
    metadataPath: metadata,
    verified: false,
  }
}

export const consoleSteps: ResourceModule<'console', ConsoleObserved, Map<string, ConsolePayload>> = {
  kind: 'console',

  async observe(ctx) {
    const verified = new Set<string>()
    let baseUrl: string | undefined
    const acs = ctx.teams.config.acs
    if (acs) {
      try {
        const { readAcsStatus } = await import('../../acs/status.js')
        // The ACS's own account (acs.account) when it is not this part's.
        const status = await readAcsStatus({
          aws: ctx.acsAws ? await ctx.acsAws() : ctx.aws,
          teams: ctx.teams,
        })
        baseUrl = status.functionUrl
        for (const team of status.verifiedTeams) verified.add(team)
      } catch {
        // No ACS deployed yet (or no ACS module): every team's console steps are pending.
      }
    }
    return { verified, baseUrl }
  },

  desire(ctx) {
    const desired = new Map<string, ConsolePayload>()
    for (const team of Object.keys(ctx.teams.config.teams)) desired.set(team, consoleSettings(ctx, team))
    return desired
  },

  diff(desired, observed, ctx) {
    const changes: Change<'console'>[] = []
    for (const [team] of desired) {
      // Logins are recorded under the id the SAML set-up carries (a renamed team's former id).
      if (observed.verified.has(samlTeamId(ctx.teams.config.teams, team))) continue
      const after = consoleSettings(ctx, team, observed.baseUrl)
      const metadataFile = path.resolve(ctx.teams.dir, after.metadataPath)
      changes.push({
        kind: 'console',
        key: team,
        team,
        action: 'manual',
        summary: `SAML settings of "${after.applicationName}" in the IAM Identity Center console`,
        after,
        reason: existsSync(metadataFile)
          ? 'not yet verified by a signed login through the ACS'
          : `not yet verified; download the application's SAML metadata to ${after.metadataPath}`,
      })
    }
    return changes
  },

  requests() {
    return [] // a manual step: the tool sends nothing
  },

  async apply() {
    // Manual: nothing the API can do. `sso checklist` prints the steps.
  },
}
