/**
 * The access certification report (`access report`): who can reach which team, since when, and what
 * needs a reviewer's attention. Its JSON form is versioned (`reportVersion: 1`) and published as
 * schema/access-report.schema.json (generated from these types by `npm run schema`).
 */

/** A team member: a user of the file's `members.users`, or of one of its groups. */
export interface ReportMember {
  userId: string
  userName: string
  email?: string
  /** How the user is a member: `direct`, and/or `group:<DisplayName>` for each group of the team that holds them. */
  via: string[]
  /** The member's profile in the team's domain (absent: not created yet). */
  profile?: string
  /** ISO time of the member's last sign-in through the ACS (absent: never, or before sign-ins were recorded per member). */
  lastSignIn?: string
  /** Sign-ins recorded for the member through the ACS. */
  signIns: number
  /** No sign-in within --stale-days (including never). */
  stale: boolean
}

/** A user profile of the team that the tool created (tag sagemaker-teams:team). */
export interface ReportProfile {
  name: string
  userId?: string
  userName?: string
  status?: string
  /** The user is a member of the team now; false for a profile kept after its member left. */
  member: boolean
  lastSignIn?: string
}

/** One row of the scenario matrix for the team's role, evaluated by IAM's simulator. */
export interface ReportReach {
  area: string
  /** What a reviewer reads: "read and write objects under own prefix". */
  scenario: string
  outcome: 'Allowed' | 'Denied'
  /** What the tool's policies intend; a differing outcome is a finding. */
  expected: 'Allowed' | 'Denied'
}

export interface ReportLfGrant {
  resourceType: string
  /** LF-tag expression, e.g. `domain=consumer-banking; sensitivity=public|confidential`. */
  expression: string
  permissions: string[]
  /** A data mesh's governance catalog the grant is in (absent: the team's own account's catalog). */
  catalogId?: string
}

export interface ReportTeam {
  team: string
  displayName?: string
  /** The account of the team's role and profiles. */
  accountId: string
  /** The team's SageMaker domain. */
  domainId: string
  roleArn: string
  members: ReportMember[]
  profiles: ReportProfile[]
  /** The team's data: its workspace (S3 prefix, Athena workgroup) and its Lake Formation LF-tag grants in place. */
  data: {
    workspace?: { bucket: string; prefix: string; workGroup: string }
    lakeFormation: ReportLfGrant[]
  }
  /** What the role can reach, evaluated (empty when not evaluated: see `evaluation`). */
  reach: ReportReach[]
  evaluation: { evaluated: boolean; reason?: string }
  /** The console steps (ACS URL, audience, attribute mappings) count as verified once the ACS accepted a signed login for the team. */
  consoleSteps: { verified: boolean; firstLogin?: string; lastLogin?: string }
}

export type FindingKind =
  | 'stale-member'
  | 'kept-profile'
  | 'cross-team-access'
  | 'console-not-verified'
  | 'unexpected-reach'
  | 'not-evaluated'

export interface ReportFinding {
  kind: FindingKind
  team: string
  /** The user, profile, other team or scenario the finding is about. */
  subject: string
  message: string
}

/** Something one team's role can do to another team's resources (expected: none). */
export interface ReportCrossTeam {
  team: string
  otherTeam: string
  scenario: string
  outcome: 'Allowed' | 'Denied'
}

export interface AccessReport {
  reportVersion: 1
  generatedAt: string
  staleDays: number
  accountId: string
  region: string
  domainId: string
  teams: ReportTeam[]
  /** Every scenario of one team's role against another team's resources, evaluated. */
  crossTeam: ReportCrossTeam[]
  findings: ReportFinding[]
}
