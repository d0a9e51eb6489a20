/**
 * `sso checklist`: per team, the console steps no public API can do, with the exact values, and
 * whether the ACS has accepted a signed login for the team (which proves the steps were done).
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { AwsClients } from '../aws/clients.js'
import type { LoadedTeams } from '../config/load.js'
import type { TeamsFile } from '../config/types.js'
import { consoleSettings } from '../kinds/console/engine.js'
import { fileAccounts } from '../model/topology.js'
import { readAcsStatus, type TeamLogins } from './status.js'

/**
 * Which console mapping yields the identity store UserId: AWS's solution (the post this tool grew
 * from) maps `ssouserid` to `${user:AD_GUID}` and states that it carries the IAM Identity Center
 * user id. AWS documents no attribute that is the identity store UserId for every identity source
 * (Active Directory, external IdPs), so the ACS never trusts the mapping: it confirms the id (the
 * member map `apply` bakes in, else identitystore DescribeUser) and refuses with a 403 that names
 * this mapping when the value is not a user id.
 */
export const USER_ID_MAPPING_NOTE =
  "AWS's solution maps ${user:AD_GUID}, which carries the IAM Identity Center user id (e.g. 906712345a-…-GUID, the value of each profile's sagemaker-teams:user-id tag). With an Active Directory or external IdP identity source, confirm with one test login: a value that is not an identity store user id is refused (403, reason unknown_user or ssouserid_malformed in the ACS log), and this checklist shows the team as verified once a login succeeds."

export interface ChecklistTeam {
  team: string
  applicationName: string
  consoleUrl: string
  steps: { setting: string; value: string; note?: string }[]
  metadataPath: string
  metadataPresent: boolean
  verified: TeamLogins | null
}

export async function buildChecklist(
  aws: AwsClients | undefined,
  teams: LoadedTeams,
  only?: string,
): Promise<ChecklistTeam[]> {
  // --region wins over the file's region, for the console link as for every call.
  const region = aws?.region ?? teams.config.region
  // An AWS failure is the caller's to report: placeholders would look like a finished checklist.
  const status = aws ? await readAcsStatus({ aws: await acsClients(aws, teams.config), teams }) : undefined
  return Object.keys(teams.config.teams)
    .filter((t) => !only || t === only)
    .map((team) => {
      const s = consoleSettings({ teams }, team, status?.functionUrl)
      return {
        team,
        applicationName: s.applicationName,
        consoleUrl: `https://${region}.console.aws.amazon.com/singlesignon/applications/home?region=${region}#/instances`,
        steps: [
          { setting: 'Application ACS URL', value: s.acsUrl },
          { setting: 'Application SAML audience', value: s.audience },
          { setting: 'Subject (attribute mapping)', value: '${user:email}', note: 'format emailAddress' },
          { setting: 'ssouserid (attribute mapping)', value: '${user:AD_GUID}', note: USER_ID_MAPPING_NOTE },
          { setting: 'teamid (attribute mapping)', value: team, note: 'a literal string: the team id' },
          { setting: 'Download the IAM Identity Center SAML metadata file to', value: s.metadataPath },
        ],
        metadataPath: s.metadataPath,
        metadataPresent: existsSync(path.resolve(teams.dir, s.metadataPath)),
        verified: status?.logins.get(team) ?? null,
      }
    })
}

export function renderChecklist(items: ChecklistTeam[]): string {
  const out: string[] = []
  for (const t of items) {
    out.push(
      `Team ${t.team}: application "${t.applicationName}"  ${t.verified ? `✓ verified (first login ${t.verified.first}, last ${t.verified.last}, ${t.verified.count} logins)` : '✗ not verified yet'}`,
    )
    out.push(
      `  In the IAM Identity Center console (${t.consoleUrl}), open the application, then Actions → Edit configuration / Edit attribute mappings:`,
    )
    for (const s of t.steps) out.push(`  - ${s.setting}: ${s.value}${s.note ? `\n      (${s.note})` : ''}`)
    out.push(`  Metadata file ${t.metadataPath}: ${t.metadataPresent ? 'present' : 'missing'}`, '')
  }
  return `${out.join('\n')}\n`
}

/**
 * The clients of the account the ACS lives in, as plan reads it there: acs.account's (its role, or
 * the caller's own credentials in the caller's own account), else the Identity Center account's
 * (identityCenter.roleArn assumed, or the caller's).
 */
async function acsClients(aws: AwsClients, config: TeamsFile): Promise<AwsClients> {
  const [{ accountClients, IDENTITY_CENTER }, { partitionOf }] = await Promise.all([
    import('../engine/scopes.js'),
    import('../engine/discovery.js'),
  ])
  const icRole = config.identityCenter?.roleArn
  const ic = icRole ? await aws.assumeRole(icRole, { accountName: IDENTITY_CENTER }) : aws
  const account = config.acs?.account
    ? fileAccounts(config).find((a) => a.name === config.acs!.account)
    : undefined
  return account ? accountClients(aws, ic, account, partitionOf(aws.region)) : ic
}
