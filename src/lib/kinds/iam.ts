/**
 * The IAM actions a kind needs, each with the class of resource it acts on and its access level.
 * The operator policy (src/lib/operator-policy.ts) is derived from them: one statement per class,
 * whose resources and conditions are in one table there; `--for plan` keeps the `read` ones.
 */

/**
 * What an action acts on, as the operator policy scopes it (its statement's Sid in brackets):
 * - `unscoped`: actions the Service Authorization Reference gives no resource type (NoResourceTypes,
 *   `"*"`); `unscoped-caller` is the one an account that holds only the ACS keeps too;
 *   `unscoped-identity-center` IAM Identity Center's (not in an account role's document);
 *   `unscoped-acs` the ACS's (not where the ACS is elsewhere);
 * - `identity-center-applications` (IdentityCenterApplications): the instance and its applications, read;
 * - `new-team-applications` (CreateTeamApplications): creating an application carrying the team tag;
 * - `adopted-applications` (TagTeamApplications): the team tag on a console-created application;
 * - `team-applications` (TeamApplicationWrites): applications that carry the team tag;
 * - `identity-store` (IdentityStoreReads): the identity store's users, groups and memberships;
 * - `domain-profiles` (SageMakerDomainProfiles): the file's domains, their profiles, apps and spaces;
 * - `new-team-profiles` (CreateTeamProfiles): creating a profile carrying the team tag;
 * - `managed-policies` (ManagedPolicyReads): any managed policy (the access review reads them);
 * - `team-workgroups` (TeamWorkgroups): the Athena workgroups sagemaker-teams-*;
 * - `workspace-buckets` (WorkspaceBuckets): the file's workspace buckets;
 * - `refresh-point` (RefreshPoint), `apply-lock` (ApplyLock): the tool's DynamoDB tables;
 * - `tool-roles` (RoleReads): the file's roles, the given ones and those of teams gone from the file;
 * - `data-mesh-grants` (DataMeshGrants): Lake Formation grants of a data mesh (`"*"`);
 * - `data-mesh-links` (DataMeshResourceLinks): a consumer account's Glue catalog;
 * - `own-policies` (SimulateOwnPolicies): the account's principals (doctor simulates the caller's);
 * - `bounded-team-roles` / `bounded-acs-roles` (BoundedRoleWrites / BoundedAcsRoleWrites): the
 *   file's team roles / ACS and presign roles, only while they carry their permissions boundary;
 * - `removable-team-roles` (RemoveBoundedRoles): roles of teams gone from the file, bounded;
 * - `retired-acs-role` / `retired-acs-role-removal` (RetiredAcsRoleReads / RetiredAcsRoleRemoval):
 *   the role of an ACS deployed earlier, carrying the tool's tag;
 * - `file-managed-policies` (AttachFileManagedPolicies): attaching the managed policies the file names;
 * - `tool-role-tags` (TagToolRoles): tags on the file's roles;
 * - `team-roles-to-sagemaker` / `acs-role-to-lambda` (PassTeamRolesToSageMaker / PassAcsRoleToLambda);
 * - `boundaries` (BoundaryPolicy): the boundary policies, read and created; `boundary-versions`:
 *   changing them, which only `setup` may (setupPolicy; apply is denied it);
 * - `acs-function`, `acs-table` (AcsFunction, AcsTable): the file's ACS;
 * - `retired-acs-function`, `retired-acs-table`: an ACS deployed earlier, carrying the tool's tag.
 */
export type IamResourceClass =
  | 'unscoped'
  | 'unscoped-caller'
  | 'unscoped-identity-center'
  | 'unscoped-acs'
  | 'identity-center-applications'
  | 'new-team-applications'
  | 'adopted-applications'
  | 'team-applications'
  | 'identity-store'
  | 'domain-profiles'
  | 'new-team-profiles'
  | 'managed-policies'
  | 'team-workgroups'
  | 'workspace-buckets'
  | 'refresh-point'
  | 'apply-lock'
  | 'tool-roles'
  | 'data-mesh-grants'
  | 'data-mesh-links'
  | 'own-policies'
  | 'bounded-team-roles'
  | 'bounded-acs-roles'
  | 'removable-team-roles'
  | 'retired-acs-role'
  | 'retired-acs-role-removal'
  | 'file-managed-policies'
  | 'tool-role-tags'
  | 'team-roles-to-sagemaker'
  | 'acs-role-to-lambda'
  | 'boundaries'
  | 'boundary-versions'
  | 'acs-function'
  | 'acs-table'
  | 'retired-acs-function'
  | 'retired-acs-table'

/** Actions on one class of resource: `read` (List and Read access levels, what `--for plan` keeps) or `write`. */
export interface IamNeed {
  on: IamResourceClass
  access: 'read' | 'write'
  actions: readonly string[]
}

/** The actions of these needs (of one access level when given), each once. */
export function actionsOf(needs: readonly IamNeed[], access?: IamNeed['access']): string[] {
  return [...new Set(needs.filter((n) => !access || n.access === access).flatMap((n) => n.actions))]
}
