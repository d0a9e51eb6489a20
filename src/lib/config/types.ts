/**
 * The teams file (`teams.yaml`): the desired state. `schema/teams.schema.json` is generated
 * from these types (`npm run schema`), so the doc comments here are what editors show.
 */

/** Root of a teams file. */
export interface TeamsFile {
  /** Format version of this file. */
  version: 1
  /**
   * AWS region of the domain, Identity Center instance and ACS (overridden by --region).
   * @pattern ^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$
   */
  region: string
  /** IAM Identity Center instance; both keys are discovered when the account has exactly one instance. */
  identityCenter?: IdentityCenterConfig
  /**
   * The existing SageMaker domain in the caller's account; it must be in IAM auth mode. Teams without
   * their own `domain:` use it. Optional when `domains:` names the domains.
   */
  domain?: DomainConfig
  /**
   * Member accounts of an AWS Organization, by name. The CLI assumes each account's role there
   * (sts:AssumeRole, once per run) for everything that lives in that account.
   */
  accounts?: Record<string, AccountConfig>
  /** SageMaker domains by name (the name is what a team's `domain:` refers to). */
  domains?: Record<string, NamedDomainConfig>
  /** The Assertion Consumer Service Lambda that the tool ships. */
  acs?: AcsConfig
  /** LF-tags the tool owns. */
  lakeFormation?: LakeFormationConfig
  /**
   * A data mesh across accounts: the LF-tags live in the governance account's Data Catalog, which
   * grants each consumer account what its teams use; each consumer account links the shared
   * databases (Glue resource links) and grants its team roles the governance catalog's LF-tag
   * expressions. Without it, each account's LF-tags and grants are its own, as before.
   */
  dataMesh?: DataMeshConfig
  /**
   * Default workspace of every team (each team still gets its own prefix and Athena workgroup);
   * a team's own `workspace` overrides it. Without either, teams get no workspace.
   */
  workspace?: WorkspaceDefaults
  /** Teams by id. The id is the value of the `teamid` SAML attribute. */
  teams: Record<string, TeamConfig>
  /**
   * Quota awareness: warn when the domain's profile count after apply would exceed this (default 500).
   * @asType integer
   * @minimum 1
   */
  profileQuota?: number
}

export interface IdentityCenterConfig {
  /**
   * Optional role the CLI assumes to reach IAM Identity Center (e.g. in the management or delegated
   * administrator account); without it, the CLI's own credentials are used.
   * @pattern ^arn:aws(-[a-z]+)*:iam::\d{12}:role/([\w+=,.@-]+/)*[\w+=,.@-]{1,64}$
   */
  roleArn?: string
  /**
   * e.g. arn:aws:sso:::instance/ssoins-1234567890abcdef
   * @pattern ^arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}$
   */
  instanceArn?: string
  /**
   * e.g. d-1234567890
   * @pattern ^d-[0-9a-f]{10}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$
   */
  identityStoreId?: string
}

export interface AccountConfig {
  /**
   * The 12-digit AWS account id.
   * @pattern ^\d{12}$
   */
  id: string
  /**
   * Name of the role the CLI assumes in this account (default `sagemaker-teams-admin`); its trust
   * policy must allow the CLI's own principal (see `sagemaker-teams policy`).
   */
  role?: string
  /**
   * Region of this account's domains (default: the file's `region`).
   * @pattern ^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$
   */
  region?: string
  /**
   * The IAM roles or users that may run the tool here: the account role's trust policy allows
   * sts:AssumeRole only when `aws:PrincipalArn` matches one of them (ArnLike: `*` allowed, e.g. an
   * IAM Identity Center permission set's `role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Admin_*`).
   * Default: the principal that runs `sagemaker-teams policy` (its role, with or without a path).
   * @minItems 1
   */
  trustedPrincipals?: TrustedPrincipal[]
}

/**
 * An IAM role or user ARN (never an account root: that would trust every principal of the account).
 * @pattern ^arn:aws(-[a-z]+)*:iam::\d{12}:(role|user)/[\w+=,.@/*?-]{1,512}$
 */
export type TrustedPrincipal = string

export interface NamedDomainConfig {
  /** The name of an entry of `accounts:`; without it, the domain is in the caller's own account. */
  account?: string
  /**
   * SageMaker domain id, e.g. d-abcdefghijkl
   * @pattern ^d-(-*[a-z0-9]){1,61}$
   */
  id: string
  /**
   * Quota awareness: warn when this domain's profile count after apply would exceed this (default:
   * the file's `profileQuota`, else 500).
   * @asType integer
   * @minimum 1
   */
  profileQuota?: number
}

export interface DomainConfig {
  /**
   * SageMaker domain id, e.g. d-abcdefghijkl
   * @pattern ^d-(-*[a-z0-9]){1,61}$
   */
  id: string
}

export type Provisioning = 'pre' | 'on-login' | 'both'

export interface AcsConfig {
  /**
   * Lambda function name.
   * @pattern ^[a-zA-Z0-9-_]{1,64}$
   */
  functionName: string
  /**
   * SAML audience prefix; team X's audience is `<audience>:<X>`.
   * @minLength 1
   */
  audience: string
  /** Optional base URL (custom domain); default: the function URL. Team X posts to `<base>/saml/acs/<X>`. */
  url?: string | null
  /**
   * The account the ACS (function, URL, role, table) lives in: a name from `accounts:`. Default: the
   * IAM Identity Center account. The presign roles of the other accounts trust that account's ACS role.
   * @minLength 1
   */
  account?: string
  /**
   * CreatePresignedDomainUrl SessionExpirationDurationInSeconds (1800..43200).
   * @asType integer
   * @minimum 1800
   * @maximum 43200
   */
  sessionExpirationSeconds?: number
  /**
   * CreatePresignedDomainUrl ExpiresInSeconds (5..300).
   * @asType integer
   * @minimum 5
   * @maximum 300
   */
  urlExpiresSeconds?: number
  /**
   * Studio landing URI: "studio::" for new Studio, "app:JupyterServer:" for Studio classic.
   * @maxLength 1023
   */
  landingUri?: string
  /** The ACS accepts logins only from these source addresses (CIDRs, IPv4 or IPv6). */
  allowedSourceCidrs?: string[]
  /** pre: apply creates profiles; on-login: the ACS creates them; both. */
  provisioning?: Provisioning
  /**
   * The function's reserved concurrency (PutFunctionConcurrency), default 10: the most Lambda
   * concurrency a flood of posts can take from the account, and what logins keep when other
   * functions use the rest. A login takes 50–200 ms, so 10 serve 50–200 logins a second.
   * @asType integer
   * @minimum 1
   */
  reservedConcurrency?: number
}

export interface LakeFormationConfig {
  /** LF-tag key → the values that must exist. */
  tags: Record<string, string[]>
}

export interface TeamConfig {
  /**
   * The name of the team's SageMaker domain under `domains:` (default: the file's `domain:`, or the
   * only entry of `domains:`).
   */
  domain?: string
  /**
   * The team's former id, when the team was renamed (like Terraform's `moved`): its application,
   * assignments and SAML set-up move to this team in place (re-tagged), logins through the old ACS
   * URL keep working; its role, grants and profiles, named after the team, are re-created (IAM and
   * SageMaker cannot rename them) and the old ones kept until --prune. Must not be a team of the file.
   * @pattern ^[a-z0-9](?:[a-z0-9-]{0,18}[a-z0-9])?$
   */
  movedFrom?: string
  /**
   * The application's name in the access portal.
   * @minLength 1
   * @maxLength 255
   */
  displayName: string
  /** Exactly one of `create: true` or `arn`. */
  executionRole: ExecutionRoleConfig
  /** Tags on the team's profiles and role; `Team` drives ABAC. */
  tags?: Record<string, string>
  /** Passed through to CreateUserProfile UserSettings. */
  userSettings?: Record<string, unknown>
  members?: MembersConfig
  saml?: SamlConfig
  /** LF-tag grants to the team's execution role. */
  lakeFormation?: LfGrantConfig[]
  /**
   * The team's workspace: an S3 prefix its role may read and write, and an Athena workgroup
   * `sagemaker-teams-<team>` whose query results stay inside that prefix.
   */
  workspace?: TeamWorkspaceConfig
  /**
   * Data mesh: the resource links (names under `dataMesh.consumers.<its account>.sharedDatabases`)
   * the team queries through; its role gets DESCRIBE on each link and may read the link and its target.
   */
  sharedDatabases?: string[]
}

export interface DataMeshConfig {
  /** The central governance account: its Data Catalog owns the LF-tags (`lakeFormation.tags`). */
  governance: DataMeshGovernanceConfig
  /** Consumer accounts by their name under `accounts:`: the shared databases each one links. */
  consumers?: Record<string, DataMeshConsumerConfig>
}

export interface DataMeshGovernanceConfig {
  /**
   * The name of the governance account under `accounts:`.
   * @minLength 1
   */
  account: string
  /**
   * The role the CLI assumes in the governance account (a Lake Formation data lake administrator
   * there); default: that account's `role`.
   */
  role?: string
}

export interface DataMeshConsumerConfig {
  /** Resource link name (a database in this account) → the shared database it links to. */
  sharedDatabases: Record<string, SharedDatabaseConfig>
}

export interface SharedDatabaseConfig {
  /**
   * The target database's name in the catalog that owns it.
   * @minLength 1
   */
  database: string
  /**
   * The Data Catalog that owns the target database: a name under `accounts:` or a 12-digit account
   * id (default: the governance account).
   */
  catalog?: string
}

export interface WorkspaceDefaults {
  /**
   * Existing S3 bucket (never created or deleted by the tool); default: SageMaker's default bucket
   * `sagemaker-<region>-<account>`.
   * @pattern ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$
   */
  bucket?: string
  /**
   * Parent prefix: each team's prefix is `<prefix><team>/` (default `teams/`).
   * @pattern ^([a-zA-Z0-9!_.'()-]+/)+$
   * @maxLength 200
   */
  prefix?: string
}

export interface TeamWorkspaceConfig {
  /**
   * Existing S3 bucket (never created or deleted by the tool); default: the file-level
   * `workspace.bucket`, else `sagemaker-<region>-<account>`.
   * @pattern ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$
   */
  bucket?: string
  /**
   * The team's own key prefix, ending in `/` (default `<file-level prefix or teams/><team>/`).
   * No `*`, `?` or `$`: it is written into IAM policies.
   * @pattern ^([a-zA-Z0-9!_.'()-]+/)+$
   * @maxLength 256
   */
  prefix?: string
}

export interface ExecutionRoleConfig {
  /** Create and own the role `sagemaker-teams-<team>`. */
  create?: boolean
  /** Use this existing role; it is never modified. */
  arn?: string
  /** Managed policies attached to the created role. */
  managedPolicyArns?: string[]
}

export interface MembersConfig {
  /** Identity store UserNames. */
  users?: string[]
  /** Identity store group DisplayNames; expanded to users for profiles. */
  groups?: string[]
}

export interface SamlConfig {
  /** Path (relative to the teams file) of the app's IAM Identity Center SAML metadata. */
  idpMetadata?: string
}

export type LfResourceType = 'DATABASE' | 'TABLE'

export interface LfGrantConfig {
  resourceType: LfResourceType
  /** LF-tag key → values; every key and value must be declared under lakeFormation.tags. */
  expression: Record<string, string[]>
  /** @minItems 1 */
  permissions: string[]
}

/** Defaults applied after validation. */
export const ACS_DEFAULTS = {
  sessionExpirationSeconds: 43200,
  urlExpiresSeconds: 60,
  landingUri: 'studio::',
  provisioning: 'both' as Provisioning,
  reservedConcurrency: 10,
}

export const DEFAULT_PROFILE_QUOTA = 500

/** The role the CLI assumes in each account of `accounts:` unless the account names another. */
export const DEFAULT_ACCOUNT_ROLE = 'sagemaker-teams-admin'

/** The name under which the file's own `domain:` appears among the domains. */
export const DEFAULT_DOMAIN_NAME = 'default'
