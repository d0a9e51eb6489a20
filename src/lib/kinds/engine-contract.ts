/**
 * The shape every resource kind shares: observe the account, compute the desired state from the
 * teams file, diff the two into changes, and apply one change. Adding a kind is adding a module
 * that implements this and registering it in `./index.ts`.
 */
import type { AwsClients } from '../aws/clients.js'
import type { MeshPart } from '../config/data-mesh.js'
import type { LoadedTeams } from '../config/load.js'
import type { Change, KeptItem, Kind } from '../plan/types.js'
import type { EventsRefresh } from '../refresh/run.js'

export interface ResolvedUser {
  userId: string
  userName: string
  /** The user's primary email in the identity store (the first one when none is marked primary). */
  email?: string
}

export interface ResolvedGroup {
  groupId: string
  displayName: string
  /** Member user ids (expanded with ListGroupMemberships). */
  memberIds: string[]
}

/** Identities of the teams file resolved against the identity store. */
export interface Identities {
  usersByName: Map<string, ResolvedUser>
  usersById: Map<string, ResolvedUser>
  groupsByName: Map<string, ResolvedGroup>
  /** team id → the users that get a profile (direct members plus group members), by user id. */
  teamUsers: Map<string, Map<string, ResolvedUser>>
  /** Members of the file the identity store does not have: errors of their teams alone. */
  missing?: MissingMember[]
}

/** A user (UserName) or group (DisplayName) of a team's members that the identity store does not have. */
export interface MissingMember {
  team: string
  kind: 'user' | 'group'
  name: string
  /** Its index in the team's members.users or members.groups (to locate it in the file). */
  index: number
}

export interface Discovery {
  accountId: string
  region: string
  partition: string
  instanceArn: string
  identityStoreId: string
  domainId: string
  domainArn: string
  /** The domain's default execution role (fallback for teams without a role). */
  defaultExecutionRole?: string
  /** Files with accounts:/domains: — the domain id of each team of this account (its role's patterns name it). */
  teamDomainIds?: Record<string, string>
  /** Files with accounts:/domains: and an ACS — the ACS function's role, which a domain account's presign role trusts. */
  acsRoleArn?: string
  /**
   * Files with accounts:/domains: — where each team's profiles live, for the ACS configuration: the
   * account, the domain, and the presign role the ACS assumes there (absent: the ACS's own account).
   */
  acsPlacement?: Record<string, { accountId: string; domainId: string; presignRoleArn?: string }>
  /**
   * Files with accounts:/domains: — the IAM Identity Center account, in the part of an ACS that lives
   * in another account (acs.account): the identity store is not this account's.
   */
  identityCenterAccountId?: string
  /** Files with dataMesh: — this part's share of the data mesh (the governance or a consumer account's). */
  dataMesh?: MeshPart
}

export interface PlanOptions {
  prune: boolean
  force: boolean
  refresh: RefreshMode
  /** --refresh events: the CloudTrail delivery delay assumed, in seconds (default 900). */
  eventsDelaySeconds?: number
  /** --team: plan only these teams (see plan/scope.ts). */
  teams?: string[]
}

export type RefreshMode = 'existence' | 'full' | 'events'

export interface EngineContext {
  aws: AwsClients
  teams: LoadedTeams
  discovery: Discovery
  identities: Identities
  options: PlanOptions
  /**
   * The kinds this context plans: the engine splits them between the Identity Center account, each
   * account and each domain (engine/scopes.ts), for every file.
   */
  kinds: Kind[]
  /**
   * An account's part of a file with accounts:/domains: — the parts of its domains, whose profiles
   * the account's kinds look at (the role module: which profiles still use a retired role).
   */
  domainParts?: EngineContext[]
  /**
   * The Identity Center part of a file whose ACS lives in another account (acs.account): that
   * account's clients (the console steps read the ACS's URL and login records there).
   */
  acsAws?: () => Promise<AwsClients>
  /** The profile observation's refresh run (refresh/events.ts), set when it reads with detection power. */
  eventsRefresh?: EventsRefresh
  /** Warnings to surface in the plan (quota, etc.). */
  warnings: string[]
  /** Data-holding resources kept although the file no longer calls for them (see Plan.kept). */
  kept: KeptItem[]
  /** The observation of another kind (observed once per plan; modules may depend on each other's reads). */
  observed<T>(kind: Kind): Promise<T>
}

/** Shared state during one apply, e.g. the ARN of an application created earlier in the run. */
export interface ApplyContext extends EngineContext {
  runtime: Map<string, unknown>
}

/** A change that AWS refused in a way that leaves a step for a person (e.g. SAML apps in some accounts). */
export class ManualStepError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ManualStepError'
  }
}

/** One AWS request as the SDK sends it: the input of `<operation>Command` of the service's client. */
export interface AwsRequest {
  /** The service as schema/aws-model names it: sagemaker, sso-admin, iam, lakeformation, lambda… */
  service: string
  operation: string
  input: Record<string, unknown>
}

/** A diff's result when it has more to say than its changes. */
export interface Diffed<K extends Kind = Kind> {
  changes: Change<K>[]
  /** Warnings for the plan (a grant to a role that will not exist, a quota). */
  warnings?: string[]
  /** Data-holding resources kept although the file no longer calls for them (see Plan.kept). */
  kept?: KeptItem[]
}

/** A diff's result in its full form. */
export function diffed<K extends Kind>(result: Change<K>[] | Diffed<K>): Required<Diffed<K>> {
  return Array.isArray(result)
    ? { changes: result, warnings: [], kept: [] }
    : { changes: result.changes, warnings: result.warnings ?? [], kept: result.kept ?? [] }
}

export interface ResourceModule<K extends Kind = Kind, Observed = unknown, Desired = unknown> {
  kind: K
  observe(ctx: EngineContext): Promise<Observed>
  desire(ctx: EngineContext): Desired | Promise<Desired>
  /**
   * The changes from what is to what the file wants. Pure: what it has to say beside the changes
   * (warnings, data-holding resources kept) it returns in a {@link Diffed}, never writes into `ctx`.
   */
  diff(desired: Desired, observed: Observed, ctx: EngineContext): Change<K>[] | Diffed<K>
  /**
   * The write requests `apply` sends for a change, built by the same code apply uses, so that the
   * preflight (engine/preflight.ts) checks them against AWS's constraints before the first write.
   * Requests whose inputs depend on answers of earlier calls carry placeholders of a valid form.
   * Required: a kind without it would be written unchecked.
   */
  requests(change: Change<K>, ctx: EngineContext): AwsRequest[]
  /** Applies one change; idempotent ("already exists" is read back and treated as done). */
  apply(change: Change<K>, ctx: ApplyContext): Promise<void>
  /**
   * Optional: applies up to `batchSize` changes in one call (e.g. BatchGrantPermissions) and
   * returns one outcome per change, in order: undefined when done, else its error.
   */
  applyBatch?(changes: Change<K>[], ctx: ApplyContext): Promise<(Error | undefined)[]>
  batchSize?: number
}
