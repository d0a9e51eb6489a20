/**
 * The Plan: plain, versioned data. Every output (text, JSON, Markdown) renders it, and
 * `apply --plan plan.json` applies exactly what it lists.
 */

/**
 * 2: every change and kept item carries its address (account, and domain where it has one) and
 * `context.accounts` is always present (a one-domain file: the caller's account with one domain).
 * `apply --plan` refuses a plan of another version.
 */
export const PLAN_VERSION = 2 as const

export type Action = 'create' | 'update' | 'delete' | 'manual' | 'blocked'

/** Resource kinds in apply (dependency) order. */
export const KINDS = [
  'boundary',
  'role',
  'presign-role',
  'workgroup',
  'lf-tag',
  'lf-grant',
  'lf-share',
  'resource-link',
  'link-grant',
  'mesh-grant',
  'application',
  'assignment',
  'profile',
  'app',
  'acs-role',
  'acs-table',
  'acs-function',
  'acs-url',
  'acs-permission',
  'console',
] as const
export type Kind = (typeof KINDS)[number]

/** One change. `before` / `after` are the observed and desired payloads of the kind (see below). */
export interface Change<K extends Kind = Kind> {
  kind: K
  /** Unique within the kind and stable across runs, e.g. "team1", "team1/USER/<id>", "team1/<userId>". */
  key: string
  /** The team the change belongs to; absent for account-wide kinds (lf-tag, the ACS's). */
  team?: string
  action: Action
  /** One line for humans, e.g. "profile team1-<id> for user1@example.com". */
  summary: string
  before?: PayloadOf<K>
  after?: PayloadOf<K>
  /** Why (for update, manual, blocked). */
  reason?: string
  /**
   * Where the change is made — the account as the file names it (`identity-center` for the account
   * of the CLI's own credentials, where a one-domain file's changes are made); set on every change of
   * a plan (a kind's diff leaves it to the engine).
   */
  account?: string
  /** The domain of a domain's change (profiles, apps), as the file names it (`default` for `domain:`). */
  domain?: string
}

export interface Plan {
  planVersion: typeof PLAN_VERSION
  generatedAt: string
  /** sha256 of the observed state the plan was computed from; apply --plan refuses a different one. */
  fingerprint: string
  context: {
    region: string
    accountId: string
    domainId: string
    instanceArn: string
    identityStoreId: string
    configFile: string
    /** Every account the plan acts in, its domains, and any that failed (a one-domain file: one). */
    accounts: PlanAccount[]
  }
  options: {
    prune: boolean
    force: boolean
    refresh: 'existence' | 'full' | 'events'
    eventsDelaySeconds?: number
    /** --team: only these teams' changes (and the account-wide changes they need) are planned. */
    teams?: string[]
  }
  /** --refresh events: what the event history could not show yet ("not yet visible: …"), when anything. */
  notYetVisible?: string
  /**
   * --refresh existence (the default): the user profiles of the file that are there but whose tags
   * and settings were not read (`count` of the `of` present; two per team are), so the plan never
   * says the account matches about them.
   */
  unreadProfiles?: { count: number; of: number }
  changes: Change[]
  warnings: string[]
  summary: Record<Action, number>
  /**
   * Managed resources that hold data and stay although the file no longer calls for them (a removed
   * member's profile, a removed team's application, the ACS's login table): their access is revoked,
   * `--prune` (for the login table `--prune --force`) deletes them. Not changes: apply does nothing to them.
   */
  kept?: KeptItem[]
  /** What widens and what narrows access (issue #9). */
  accessReview?: AccessReview
  /**
   * What makes the run fail although the rest is planned (and applied): a member the identity store
   * does not have is an error of its team alone. Any error: plan and apply exit 1.
   */
  errors?: PlanError[]
}

export interface PlanError {
  /** The team the error holds back. */
  team?: string
  message: string
  hint?: string
}

export interface KeptItem {
  kind: Kind
  key: string
  team?: string
  /** e.g. "profile team1-<id> of user5@example.com". */
  summary: string
  /** e.g. "a removed member's profile (its EFS home directory); access revoked; --prune deletes it". */
  reason: string
  /** Where it is kept (as on a change). */
  account?: string
  domain?: string
}

export interface AccessItem {
  kind: Kind
  key: string
  team?: string
  /** user name, group name or role name */
  principal: string
  /** Reviewer words: "user2@example.com gains team1 (role sagemaker-teams-team1)". */
  description: string
  /** The account the access is in. */
  account?: string
}

export interface AccessReview {
  widened: AccessItem[]
  narrowed: AccessItem[]
  /** Teams that move to another domain: "team1 moves from dev to prod: 2 profiles re-created; …". */
  moves?: string[]
}

/** One account of the plan and what happened reading it. */
export interface PlanAccount {
  /** As the file names it; `identity-center` for the account of the CLI's own credentials. */
  name: string
  id: string
  /** The role the CLI assumed there (absent: its own credentials). */
  roleArn?: string
  domains: { name: string; id: string }[]
  /** Why nothing of this account could be planned (e.g. its role cannot be assumed). */
  error?: { code: string; message: string; hint?: string }
}

// ---- payloads per kind --------------------------------------------------------------------

export interface PolicyStatement {
  Sid?: string
  Effect: 'Allow' | 'Deny'
  Action?: string | string[]
  NotAction?: string | string[]
  Resource?: string | string[]
  NotResource?: string | string[]
  Principal?: unknown
  Condition?: Record<string, Record<string, string | string[] | boolean>>
}

export interface PolicyDocument {
  Version: '2012-10-17'
  Statement: PolicyStatement[]
}

/** The permissions boundary managed policy (sagemaker-teams-boundary): its default version's document. */
export interface BoundaryPayload {
  policyName: string
  policyArn: string
  document: PolicyDocument
}

export interface RolePayload {
  roleName: string
  roleArn?: string
  /** ARN of the role's permissions boundary (every role the tool creates carries sagemaker-teams-boundary). */
  permissionsBoundary?: string
  trustPolicy: PolicyDocument
  /** Inline policies by name. */
  inlinePolicies: Record<string, PolicyDocument>
  managedPolicyArns: string[]
  tags: Record<string, string>
}

export interface WorkgroupPayload {
  name: string
  /** The owning team (the `sagemaker-teams:team` tag); '' when the workgroup has none. */
  team: string
  bucket: string
  prefix: string
  /** `s3://<bucket>/<prefix>athena-results/` */
  outputLocation: string
  /** EnforceWorkGroupConfiguration: queries cannot override the result location. */
  enforced: boolean
  state: string
}

export interface LfTagPayload {
  tagKey: string
  values: string[]
}

export interface LfExpressionTerm {
  TagKey: string
  TagValues: string[]
}

export interface LfGrantPayload {
  principalArn: string
  roleName: string
  resourceType: 'DATABASE' | 'TABLE'
  /** Normalised: sorted by key, values sorted. */
  expression: LfExpressionTerm[]
  /** Sorted. */
  permissions: string[]
}

/**
 * Data mesh, governance account: a grant to a consumer account (its id is the principal) of DESCRIBE
 * on an LF-tag's values, or of an LF-tag policy, with the grant option cross-account cascading needs.
 */
export interface LfSharePayload {
  accountId: string
  accountName: string
  /** The governance catalog (account id). */
  catalogId: string
  resourceType: 'LF_TAG' | 'DATABASE' | 'TABLE'
  /** LF_TAG: the key and its values (sorted). */
  tagKey?: string
  tagValues?: string[]
  /** DATABASE/TABLE: the LF-tag policy's expression (normalised). */
  expression?: LfExpressionTerm[]
  /** Sorted. */
  permissions: string[]
  /** PermissionsWithGrantOption (sorted): what the consumer account may re-grant. */
  grantable: string[]
  /** The consumer account's teams that use it (for reviewers). */
  teams?: string[]
}

/** Data mesh, consumer account: a Glue resource link to a shared database. */
export interface ResourceLinkPayload {
  name: string
  targetCatalogId: string
  targetDatabase: string
  /** On `after`: the teams that use it. */
  teams?: string[]
}

/** Data mesh, consumer account: DESCRIBE on a resource link to a team's role. */
export interface LinkGrantPayload {
  principalArn: string
  roleName: string
  link: string
  permissions: string[]
}

/** Data mesh, consumer account: a team role's LF-tag policy grant in the governance catalog. */
export interface MeshGrantPayload extends LfGrantPayload {
  catalogId: string
}

export interface ApplicationPayload {
  name: string
  applicationArn?: string
  providerArn: string
  status: 'ENABLED' | 'DISABLED'
  portalVisible: boolean
  assignmentRequired: boolean
  /** True when the application exists but has no owner tag and will be adopted (tagged). */
  adopt?: boolean
  /** On a blocked create: the team whose application already has this name. */
  nameTakenBy?: string
  /** On an update: the team's former id (movedFrom) whose application moves to it, re-tagged in place. */
  movedFrom?: string
}

export interface AssignmentPayload {
  applicationArn?: string
  principalType: 'USER' | 'GROUP'
  principalId: string
  /** UserName or group DisplayName, for humans. */
  principalName: string
  /**
   * On the delete of a USER assignment: the team's groups (assignments that stay) through which the
   * user can still open the application, so the access review does not call it a loss.
   */
  stillAssignedThrough?: string[]
}

export interface ProfilePayload {
  profileName: string
  userId: string
  userName: string
  executionRole: string
  tags: Record<string, string>
  userSettings?: Record<string, unknown>
  /**
   * On `after` of an update: the userSettings keys the tool set that left the file, which the update
   * unsets (sent empty, see kinds/profile/engine.ts).
   */
  unsetSettings?: string[]
  /**
   * On `after` of an update: the other team of the file whose access the profile held (its role or
   * `Team` tag was that team's, set by hand); the update takes that access away from the person.
   */
  repairsAccessOf?: string
  /** On `after` of an update: each tag that changes, with its old and new value. */
  tagChanges?: TagChange[]
  /** Apps and spaces that block a delete. */
  apps?: string[]
  spaces?: string[]
}

/**
 * A running Studio app of a profile the file no longer calls for (a removed member, a removed team),
 * or of a private space that profile owns: deleted by a plain apply (an app holds no data; its space
 * and the home directory stay), so it stops running with the team's role.
 */
export interface AppPayload {
  profileName: string
  /** UserName (or user id) of the profile's person, for humans. */
  userName: string
  /** Set when the app runs in a space the profile owns (not in the profile itself). */
  spaceName?: string
  appType: string
  appName: string
  status: string
}

/** One tag of a resource changing: added (no `before`), changed, or removed (no `after`). */
export interface TagChange {
  key: string
  before?: string
  after?: string
}

/** The ACS function's execution role (`<function>-role`) and its one inline policy. */
export interface AcsRolePayload {
  roleName: string
  roleArn: string
  /** The ACS boundary (sagemaker-teams-acs-boundary); absent on a role read without one. */
  permissionsBoundary?: string
  /** The inline policy `sagemaker-teams-acs`; absent on a role read without it. */
  policy?: PolicyDocument
}

/** The ACS's DynamoDB table (`<function>-state`): replay ids and login records, TTL on `expiresAt`. */
export interface AcsTablePayload {
  tableName: string
  /** TTL is on or being turned on (ENABLED or ENABLING). */
  ttl: boolean
}

/** The ACS function: the handler code and its baked configuration (one package), tags and concurrency. */
export interface AcsFunctionPayload {
  functionName: string
  functionArn?: string
  /** The execution role it runs as. */
  roleArn?: string
  /** sha256 (base64) of the deployment zip. */
  codeSha256?: string
  /** sha256 of the baked configuration. */
  configSha256?: string
  allowedSourceCidrs?: string[]
  sessionExpirationSeconds?: number
  /** "<package version>+<sha256 of the handler code, 8 hex>": what code runs, independent of the configuration. */
  codeVersion?: string
  /** The function's reserved concurrency (acs.reservedConcurrency); absent: none reserved. */
  reservedConcurrency?: number
  /** On `after` of an update: how the deployed configuration changes, item by item. */
  configChanges?: AcsConfigChange[]
  /**
   * On `after` of a create or update: the configuration apply bakes into the package
   * (acs-config.json, src/lib/acs/config.ts), exactly as planned.
   */
  config?: { [key: string]: unknown }
  /** On `after` of a create or update: the tags apply writes (what `import` and the next plan read back). */
  tags?: Record<string, string>
}

/** The ACS function's URL configuration (browsers post to it). */
export interface AcsUrlPayload {
  functionName: string
  /** NONE: anyone may post to it; the ACS verifies every SAML response. */
  authType: 'NONE' | 'AWS_IAM'
  url?: string
  /**
   * On `after` of a create: the planned function configuration, into which apply bakes the new URL
   * (it exists only once created; the Lambda then refuses events of other hosts).
   */
  config?: { [key: string]: unknown }
}

/** One statement of the ACS function's resource policy (AddPermission). */
export interface AcsPermissionPayload {
  functionName: string
  statementId: string
  action: string
  /** `*`: anyone (the function URL is public; the condition limits how). */
  principal: string
  /** lambda:FunctionUrlAuthType the statement requires. */
  functionUrlAuthType?: 'NONE' | 'AWS_IAM'
  /** lambda:InvokedViaFunctionUrl: only calls through the function URL. */
  invokedViaFunctionUrl?: boolean
}

/** One change of the ACS configuration, in reviewer words. */
export interface AcsConfigChange {
  /** The team it concerns; absent for settings of every team. */
  team?: string
  /** The user name of a member added to or removed from the ACS member map. */
  member?: string
  /** Whether it changes who can sign in: widens, narrows, or neither. */
  effect: 'widens' | 'narrows' | 'neutral'
  text: string
}

/** The console-only SAML settings of a team (manual; verified by the ACS's first login). */
export interface ConsolePayload {
  applicationName: string
  acsUrl: string
  audience: string
  attributeMappings: Record<string, string>
  metadataPath: string
  verified: boolean
}

/** The ACS presign role of a domain account (files with accounts:/domains:). */
export interface PresignRolePayload {
  roleName: string
  roleArn: string
  /** The ACS boundary (sagemaker-teams-acs-boundary); absent on a role read without one. */
  permissionsBoundary?: string
  trustPolicy: PolicyDocument
  policy: PolicyDocument
}

export type PayloadOf<K extends Kind> = K extends 'boundary'
  ? BoundaryPayload
  : K extends 'role'
    ? RolePayload
    : K extends 'presign-role'
      ? PresignRolePayload
      : K extends 'workgroup'
        ? WorkgroupPayload
        : K extends 'lf-tag'
          ? LfTagPayload
          : K extends 'lf-grant'
            ? LfGrantPayload
            : K extends 'lf-share'
              ? LfSharePayload
              : K extends 'resource-link'
                ? ResourceLinkPayload
                : K extends 'link-grant'
                  ? LinkGrantPayload
                  : K extends 'mesh-grant'
                    ? MeshGrantPayload
                    : K extends 'application'
                      ? ApplicationPayload
                      : K extends 'assignment'
                        ? AssignmentPayload
                        : K extends 'profile'
                          ? ProfilePayload
                          : K extends 'app'
                            ? AppPayload
                            : K extends 'acs-role'
                              ? AcsRolePayload
                              : K extends 'acs-table'
                                ? AcsTablePayload
                                : K extends 'acs-function'
                                  ? AcsFunctionPayload
                                  : K extends 'acs-url'
                                    ? AcsUrlPayload
                                    : K extends 'acs-permission'
                                      ? AcsPermissionPayload
                                      : K extends 'console'
                                        ? ConsolePayload
                                        : never
