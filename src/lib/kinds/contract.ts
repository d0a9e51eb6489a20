/**
 * What a resource kind is: one folder, src/lib/kinds/<kind>/, whose index.ts exports its definition
 * (this interface) and whose engine.ts holds its engine module (observe, desire, diff, requests,
 * apply; the only part that uses the AWS SDK). The definition names its engine lazily
 * (`engine: () => import('./engine.js')…`), so rendering and reviewing a saved plan load no client:
 * the engine loads the modules (./engines.ts), everything else reads the definitions.
 * The registry (./registry.ts) holds one per kind and is exhaustive: a kind missing from it, or a
 * definition missing a piece, does not compile.
 */
import type { AccessItem, Change, Kind, Plan } from '../plan/types.js'
import type { ResourceModule } from './engine-contract.js'
import type { IamNeed } from './iam.js'

/** A kind's engine module, whatever its observed and desired types. */
// biome-ignore lint/suspicious/noExplicitAny: engine modules differ in their observed/desired types
export type KindEngine<K extends Kind = Kind> = ResourceModule<K, any, any>

/**
 * Where a kind's resources live, which decides which part of a teams file's topology plans it:
 * - `identity-center`: the IAM Identity Center account (its applications, their assignments);
 * - `acs`: the ACS's account (acs.account, default the Identity Center account): its role, table,
 *   function, function URL and the URL's permissions;
 * - `account`: once per account that has domains, for the teams of its domains;
 * - `lake`: the account whose Lake Formation catalog holds the LF-tags: each account with domains
 *   when the file has no data mesh, the governance account when it has one;
 * - `mesh-governance`: the governance account of a data mesh (the shares to consumer accounts);
 * - `mesh-consumer`: a consumer account of a data mesh (its resource links and the team roles' grants);
 * - `domain`: once per domain (profiles and their apps).
 */
export type KindScope =
  | 'identity-center'
  | 'acs'
  | 'account'
  | 'lake'
  | 'mesh-governance'
  | 'mesh-consumer'
  | 'domain'

export interface KindDefinition<K extends Kind = Kind> {
  kind: K
  scope: KindScope
  /**
   * Whether its changes belong to no team (the boundary, the LF-tags, the ACS): an account without
   * domains plans only these.
   */
  accountWide: boolean
  /**
   * Kinds whose change for the same team (or account-wide) a create or update of this kind waits
   * for; a delete waits the other way round (the team's profiles go before its role).
   */
  dependsOn: readonly Kind[]
  /**
   * Whether `acs deploy` writes its creates and updates (apply writes them too): the ACS's own
   * resources, the roles it assumes to sign members in, and the permissions boundary they carry.
   */
  acsDeployment: boolean
  /**
   * Loads its engine module (./<kind>/engine.ts): a dynamic import, so that only the engine loads
   * the SDK (engines.ts awaits every kind's once per run).
   */
  engine(): Promise<KindEngine<K>>
  /**
   * The lines shown under one of its changes after the reason (plan text and Markdown): what
   * exactly differs. `updateDiff` for a JSON diff of an update's payloads, `noDetails` for none.
   */
  details(change: Change<K>): string[]
  /**
   * `--team`: `'its-team'` keeps a change when its team is named; a kind whose changes belong to no
   * team decides from the changes the named teams keep whether they need it (the boundary when
   * they create a role), and may keep it changed (the ACS shown blocked).
   */
  /**
   * Its part of the plan's access review (plan/access-review.ts): what a change widens and what it
   * narrows, in a reviewer's words; `noAccessChange` for a kind that changes nobody's access.
   */
  review(change: Change<K>, out: AccessOut, plan: Pick<Plan, 'changes'>): void
  /**
   * The IAM actions it needs (its engine module's calls, and what they imply: iam:PassRole, tagging
   * on create), each with the class of resource it acts on and its access level. The operator policy
   * is derived from these (src/lib/operator-policy.ts); test/unit/kind-registry.test.ts checks them
   * against the module's SDK calls.
   */
  iamActions: readonly IamNeed[]
  teamScope: 'its-team' | ((change: Change<K>, scope: TeamScope) => Change | undefined)
}

/** What `--team` knows when it decides on a change of no team (plan/scope.ts). */
export interface TeamScope {
  /** The named teams. */
  teams: ReadonlySet<string>
  /** The user names of their members. */
  teamMembers: ReadonlySet<string>
  /** Every team of the (part of the) file. */
  fileTeams: readonly string[]
  /** Every change of the plan. */
  changes: readonly Change[]
  /** The changes of the named teams (kept). */
  teamChanges: readonly Change[]
}

/** Where a kind's review puts what it finds. */
export interface AccessOut {
  widened: AccessItem[]
  narrowed: AccessItem[]
  /** One item of the change: who, and what happens to their access. */
  item(c: Change, principal: string, description: string): AccessItem
}
