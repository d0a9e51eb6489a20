/** The emulator's in-memory account, and the seed format that fills it. */
import { ACCOUNT, alnum, hex, uuid } from './core.js'

export interface User {
  IdentityStoreId: string
  UserId: string
  UserName: string
  DisplayName?: string
  Emails?: { Value: string; Type?: string; Primary?: boolean }[]
  Name?: { GivenName?: string; FamilyName?: string }
}
export interface Group {
  IdentityStoreId: string
  GroupId: string
  DisplayName: string
  Description?: string
}
export interface Membership {
  IdentityStoreId: string
  MembershipId: string
  GroupId: string
  UserId: string
}
export interface Instance {
  InstanceArn: string
  IdentityStoreId: string
  OwnerAccountId: string
  Name?: string
  Status: 'ACTIVE'
  CreatedDate: Date
}
export interface Application {
  ApplicationArn: string
  Name: string
  Description?: string
  ApplicationProviderArn: string
  InstanceArn: string
  ApplicationAccount: string
  Status: 'ENABLED' | 'DISABLED'
  PortalOptions: {
    Visibility?: 'ENABLED' | 'DISABLED'
    SignInOptions?: { Origin: string; ApplicationUrl?: string }
  }
  CreatedDate: Date
  AssignmentRequired: boolean
  Tags: Record<string, string>
}
export interface Assignment {
  ApplicationArn: string
  PrincipalId: string
  PrincipalType: 'USER' | 'GROUP'
}
export interface Domain {
  DomainId: string
  DomainArn: string
  DomainName: string
  AuthMode: 'IAM' | 'SSO'
  Status: 'InService'
  DefaultUserSettings: { ExecutionRole?: string }
  Url: string
  CreationTime: Date
  Tags: Record<string, string>
  /** Custom tag propagation (AWS default: DISABLED). */
  TagPropagation: 'ENABLED' | 'DISABLED'
  /** The execution role of shared spaces (DefaultSpaceSettings.ExecutionRole). */
  DefaultSpaceSettings?: { ExecutionRole?: string }
}
export interface Profile {
  DomainId: string
  UserProfileName: string
  UserProfileArn: string
  Status: 'Pending' | 'InService' | 'Updating' | 'Deleting' | 'Failed'
  CreationTime: Date
  LastModifiedTime: Date
  UserSettings: Record<string, unknown>
  Tags: Record<string, string>
  /** When a Pending profile becomes InService. */
  readyAt: number
}
export interface App {
  DomainId: string
  UserProfileName?: string
  SpaceName?: string
  AppType: string
  AppName: string
  Status: 'InService' | 'Pending' | 'Deleting' | 'Deleted' | 'Failed'
  CreationTime: Date
  /** DeleteApp is asynchronous: the app is Deleting until then (profileReadyMs later). */
  deletedAt?: number
  /** CreateApp is asynchronous too: the app is Pending until then (profileReadyMs later). */
  readyAt?: number
  AppArn?: string
}
export interface Space {
  DomainId: string
  SpaceName: string
  OwnerUserProfileName?: string
  /** A private space's apps run with its owner's role; a shared space's with the domain's space role. */
  SharingType?: 'Private' | 'Shared'
  Status: 'InService'
  CreationTime: Date
}
export interface Role {
  RoleName: string
  RoleId: string
  Arn: string
  Path: string
  AssumeRolePolicyDocument: string
  Description?: string
  MaxSessionDuration: number
  CreateDate: Date
  Tags: Record<string, string>
  InlinePolicies: Record<string, string>
  AttachedPolicies: string[]
  /** ARN of the managed policy set as the role's permissions boundary. */
  PermissionsBoundary?: string
}
export interface PolicyVersion {
  VersionId: string
  Document: string
  CreateDate: Date
}
/** A managed policy: customer managed (this account) or AWS managed (`arn:aws:iam::aws:policy/...`). */
export interface ManagedPolicy {
  PolicyName: string
  PolicyId: string
  Arn: string
  Path: string
  Description?: string
  DefaultVersionId: string
  /** Versions in creation order; IAM keeps at most five. */
  Versions: PolicyVersion[]
  /** The next version number (version ids are never reused). */
  nextVersion: number
  CreateDate: Date
  UpdateDate: Date
  Tags: Record<string, string>
}
export interface LfTag {
  CatalogId: string
  TagKey: string
  TagValues: string[]
}
export interface LfGrant {
  principal: string
  /** The Resource as granted (normalised JSON key in `resourceKey`). */
  resource: Record<string, unknown>
  resourceKey: string
  permissions: string[]
  grantable: string[]
}
/** A Glue Data Catalog database, or a resource link (TargetDatabase) to one in another catalog. */
export interface GlueDatabase {
  Name: string
  CatalogId: string
  Description?: string
  TargetDatabase?: { CatalogId: string; DatabaseName: string }
  CreateTime: Date
  Tags: Record<string, string>
  /** LF-tags assigned to the database (its tables inherit them; a table's own tag of a key wins). */
  lfTags: Record<string, string[]>
}
export interface GlueTable {
  DatabaseName: string
  Name: string
  CreateTime: Date
  lfTags: Record<string, string[]>
}
export interface LambdaFunction {
  FunctionName: string
  FunctionArn: string
  Runtime: string
  Role: string
  Handler: string
  CodeSha256: string
  CodeSize: number
  /** The deployment package (base64), served where GetFunction's Code.Location points. */
  ZipFile?: string
  Description: string
  Timeout: number
  MemorySize: number
  LastModified: string
  Version: string
  Architectures: string[]
  Environment?: { Variables: Record<string, string> }
  Tags: Record<string, string>
  /** PutFunctionConcurrency's reservation; absent: the function draws on the unreserved pool. */
  ReservedConcurrentExecutions?: number
  Url?: {
    FunctionUrl: string
    AuthType: string
    CreationTime: string
    LastModifiedTime: string
    Cors?: unknown
  }
  Policy: { Sid: string; [k: string]: unknown }[]
  RevisionId: string
}

export interface WorkGroupState {
  Name: string
  State: 'ENABLED' | 'DISABLED'
  Description?: string
  Configuration: Record<string, unknown>
  CreationTime: Date
  Tags: Record<string, string>
}
export interface Bucket {
  Name: string
  /** The owning account (HeadBucket's ExpectedBucketOwner is checked against it). */
  Owner: string
  Region: string
}

export interface EmulatorState {
  account: string
  region: string
  users: User[]
  groups: Group[]
  memberships: Membership[]
  instances: Instance[]
  applications: Application[]
  assignments: Assignment[]
  domains: Domain[]
  profiles: Profile[]
  apps: App[]
  spaces: Space[]
  roles: Role[]
  policies: ManagedPolicy[]
  lfTags: LfTag[]
  lfGrants: LfGrant[]
  functions: LambdaFunction[]
  /** When true, CreateApplication refuses the custom-saml provider as AWS has done in some accounts. */
  samlProviderRefused: boolean
  /** Pending → InService delay of new user profiles. */
  profileReadyMs: number
  /** Lake Formation data lake admins (for GetDataLakeSettings). */
  dataLakeAdmins: string[]
  /** Athena workgroups; `primary` always exists, as in every account. */
  workGroups: WorkGroupState[]
  /** S3 buckets (only their existence and owner: the tool never reads or writes objects). */
  buckets: Bucket[]
  /** The Glue Data Catalog: databases (and resource links) and tables. */
  glueDatabases: GlueDatabase[]
  glueTables: GlueTable[]
}

/**
 * A clean account. The default account's administrator is its data lake administrator; a member
 * account has none until its seed names them (`dataLakeAdmins`).
 */
export function emptyState(region = 'us-east-1', profileReadyMs = 100, account = ACCOUNT): EmulatorState {
  return {
    account,
    region,
    users: [],
    groups: [],
    memberships: [],
    instances: [],
    applications: [],
    assignments: [],
    domains: [],
    profiles: [],
    apps: [],
    spaces: [],
    roles: [],
    policies: AWS_MANAGED_POLICIES.map(awsManagedPolicy),
    lfTags: [],
    lfGrants: [],
    functions: [],
    samlProviderRefused: false,
    profileReadyMs,
    dataLakeAdmins: account === ACCOUNT ? [`arn:aws:iam::${ACCOUNT}:user/emulator-admin`] : [],
    workGroups: [
      {
        Name: 'primary',
        State: 'ENABLED',
        Configuration: {},
        CreationTime: new Date('2024-01-01T00:00:00Z'),
        Tags: {},
      },
    ],
    buckets: [],
    glueDatabases: [],
    glueTables: [],
  }
}

/**
 * The AWS managed policies the emulator knows (AttachRolePolicy of any other policy ARN answers
 * NoSuchEntity, as IAM does). Documents are the policies' gist, enough for tests that read them.
 */
const AWS_MANAGED_POLICIES: [string, string[]][] = [
  ['AdministratorAccess', ['*']],
  ['PowerUserAccess', ['*']],
  ['ReadOnlyAccess', ['*:Get*', '*:List*', '*:Describe*']],
  ['AmazonS3ReadOnlyAccess', ['s3:Get*', 's3:List*']],
  ['AmazonAthenaFullAccess', ['athena:*', 'glue:Get*', 's3:GetObject']],
  ['AmazonSageMakerFullAccess', ['sagemaker:*']],
  ['AmazonSageMakerReadOnly', ['sagemaker:Describe*', 'sagemaker:List*']],
  ['CloudWatchLogsReadOnlyAccess', ['logs:Get*', 'logs:Describe*']],
]

function awsManagedPolicy([name, actions]: [string, string[]]): ManagedPolicy {
  const created = new Date('2015-02-06T18:39:46Z')
  return {
    PolicyName: name,
    PolicyId: `ANPA${alnum(17).toUpperCase()}`,
    Arn: `arn:aws:iam::aws:policy/${name}`,
    Path: '/',
    DefaultVersionId: 'v1',
    Versions: [
      {
        VersionId: 'v1',
        Document: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }],
        }),
        CreateDate: created,
      },
    ],
    nextVersion: 2,
    CreateDate: created,
    UpdateDate: created,
    Tags: {},
  }
}

// ---- seed -----------------------------------------------------------------------------------

export interface SeedData {
  region?: string
  identityCenter?:
    | { instanceArn?: string; identityStoreId?: string; name?: string }[]
    | { instanceArn?: string; identityStoreId?: string; name?: string }
  users?: { userName: string; userId?: string; displayName?: string; email?: string }[]
  groups?: { displayName: string; groupId?: string; members?: string[] }[]
  domains?: {
    id: string
    name?: string
    authMode?: 'IAM' | 'SSO'
    defaultExecutionRole?: string
    tagPropagation?: 'ENABLED' | 'DISABLED'
    defaultSpaceRole?: string
  }[]
  profiles?: {
    domainId: string
    name: string
    tags?: Record<string, string>
    executionRole?: string
    apps?: string[]
  }[]
  applications?: { name: string; tags?: Record<string, string>; providerArn?: string }[]
  /**
   * IAM roles. The trust policy trusts `trustService` (default sagemaker.amazonaws.com), or, when
   * given, `trust`: a whole trust policy document (for roles other accounts assume).
   */
  roles?: {
    name: string
    tags?: Record<string, string>
    trustService?: string
    trust?: Record<string, unknown>
    path?: string
    maxSessionDuration?: number
    /** Inline policies by name (documents as objects). */
    policies?: Record<string, Record<string, unknown>>
  }[]
  /** Lake Formation data lake administrators (principal ARNs); replaces the account's default. */
  dataLakeAdmins?: string[]
  lfTags?: Record<string, string[]>
  samlProviderRefused?: boolean
  /** S3 buckets by name, or with another owner account. */
  buckets?: (string | { name: string; owner?: string })[]
  /** Glue databases with their tables, each with the LF-tags assigned to it (key → values). */
  glue?: {
    databases: {
      name: string
      lfTags?: Record<string, string[]>
      tables?: { name: string; lfTags?: Record<string, string[]> }[]
    }[]
  }
}

export const CUSTOM_SAML = 'arn:aws:sso::aws:applicationProvider/custom-saml'

export function userIdFor(storeId: string): string {
  return storeId.startsWith('d-') ? `${hex(10)}-${uuid()}` : uuid()
}

/** Fills the state from seed data (appending; call reset first for a clean account). */
export function applySeed(state: EmulatorState, seed: SeedData): void {
  if (seed.region) state.region = seed.region
  const region = state.region
  const instances = seed.identityCenter
    ? Array.isArray(seed.identityCenter)
      ? seed.identityCenter
      : [seed.identityCenter]
    : []
  for (const ic of instances) {
    state.instances.push({
      InstanceArn: ic.instanceArn ?? `arn:aws:sso:::instance/ssoins-${hex(16)}`,
      IdentityStoreId: ic.identityStoreId ?? `d-${hex(10)}`,
      OwnerAccountId: state.account,
      Name: ic.name,
      Status: 'ACTIVE',
      CreatedDate: new Date('2024-01-01T00:00:00Z'),
    })
  }
  const store = state.instances[0]?.IdentityStoreId ?? `d-${hex(10)}`
  for (const u of seed.users ?? []) {
    state.users.push({
      IdentityStoreId: store,
      UserId: u.userId ?? userIdFor(store),
      UserName: u.userName,
      DisplayName: u.displayName ?? u.userName,
      Emails: [{ Value: u.email ?? u.userName, Type: 'work', Primary: true }],
    })
  }
  for (const g of seed.groups ?? []) {
    const group: Group = {
      IdentityStoreId: store,
      GroupId: g.groupId ?? userIdFor(store),
      DisplayName: g.displayName,
    }
    state.groups.push(group)
    for (const member of g.members ?? []) {
      const user = state.users.find((u) => u.UserName === member)
      if (!user) throw new Error(`seed: group ${g.displayName} names unknown user ${member}`)
      state.memberships.push({
        IdentityStoreId: store,
        MembershipId: userIdFor(store),
        GroupId: group.GroupId,
        UserId: user.UserId,
      })
    }
  }
  for (const d of seed.domains ?? []) {
    state.domains.push({
      DomainId: d.id,
      DomainArn: `arn:aws:sagemaker:${region}:${state.account}:domain/${d.id}`,
      DomainName: d.name ?? d.id,
      AuthMode: d.authMode ?? 'IAM',
      Status: 'InService',
      DefaultUserSettings: {
        ExecutionRole:
          d.defaultExecutionRole ?? `arn:aws:iam::${state.account}:role/SageMakerDefaultExecution`,
      },
      Url: `https://${d.id}.studio.${region}.sagemaker.aws`,
      CreationTime: new Date('2024-01-01T00:00:00Z'),
      Tags: {},
      TagPropagation: d.tagPropagation ?? 'DISABLED',
      ...(d.defaultSpaceRole ? { DefaultSpaceSettings: { ExecutionRole: d.defaultSpaceRole } } : {}),
    })
  }
  for (const p of seed.profiles ?? []) {
    const now = new Date()
    state.profiles.push({
      DomainId: p.domainId,
      UserProfileName: p.name,
      UserProfileArn: `arn:aws:sagemaker:${region}:${state.account}:user-profile/${p.domainId}/${p.name}`,
      Status: 'InService',
      CreationTime: now,
      LastModifiedTime: now,
      UserSettings: p.executionRole ? { ExecutionRole: p.executionRole } : {},
      Tags: p.tags ?? {},
      readyAt: 0,
    })
    for (const app of p.apps ?? []) {
      state.apps.push({
        DomainId: p.domainId,
        UserProfileName: p.name,
        AppType: 'JupyterServer',
        AppName: app,
        Status: 'InService',
        CreationTime: now,
      })
    }
  }
  const instance = state.instances[0]
  for (const a of seed.applications ?? []) {
    if (!instance) throw new Error('seed: applications need an Identity Center instance')
    state.applications.push({
      ApplicationArn: `arn:aws:sso::${state.account}:application/${instance.InstanceArn.split('/').pop()}/apl-${hex(16)}`,
      Name: a.name,
      ApplicationProviderArn: a.providerArn ?? CUSTOM_SAML,
      InstanceArn: instance.InstanceArn,
      ApplicationAccount: state.account,
      Status: 'ENABLED',
      PortalOptions: { Visibility: 'ENABLED', SignInOptions: { Origin: 'IDENTITY_CENTER' } },
      CreatedDate: new Date(),
      AssignmentRequired: true,
      Tags: a.tags ?? {},
    })
  }
  for (const b of seed.buckets ?? []) {
    const name = typeof b === 'string' ? b : b.name
    const owner = typeof b === 'string' ? state.account : (b.owner ?? state.account)
    state.buckets.push({ Name: name, Owner: owner, Region: region })
  }
  for (const r of seed.roles ?? []) {
    const rolePath = r.path ?? '/'
    state.roles.push({
      RoleName: r.name,
      RoleId: `AROA${alnum(17).toUpperCase()}`,
      Arn: `arn:aws:iam::${state.account}:role${rolePath}${r.name}`,
      Path: rolePath,
      AssumeRolePolicyDocument: JSON.stringify(
        r.trust ?? {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: r.trustService ?? 'sagemaker.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
          ],
        },
      ),
      MaxSessionDuration: r.maxSessionDuration ?? 3600,
      CreateDate: new Date(),
      Tags: r.tags ?? {},
      InlinePolicies: Object.fromEntries(
        Object.entries(r.policies ?? {}).map(([name, doc]) => [name, JSON.stringify(doc)]),
      ),
      AttachedPolicies: [],
    })
  }
  if (seed.dataLakeAdmins) state.dataLakeAdmins = [...seed.dataLakeAdmins]
  for (const [key, values] of Object.entries(seed.lfTags ?? {})) {
    state.lfTags.push({ CatalogId: state.account, TagKey: key, TagValues: [...values] })
  }
  for (const d of seed.glue?.databases ?? []) {
    const created = new Date('2024-01-01T00:00:00Z')
    state.glueDatabases.push({
      Name: d.name,
      CatalogId: state.account,
      CreateTime: created,
      Tags: {},
      lfTags: d.lfTags ?? {},
    })
    for (const t of d.tables ?? [])
      state.glueTables.push({
        DatabaseName: d.name,
        Name: t.name,
        CreateTime: created,
        lfTags: t.lfTags ?? {},
      })
  }
  if (seed.samlProviderRefused !== undefined) state.samlProviderRefused = seed.samlProviderRefused
}
