/**
 * A team's workspace: the S3 bucket and prefix its role may read and write, and its Athena
 * workgroup. Derived from the file alone (and the account and region it is in): the workgroup
 * kind, the team role's policy, the boundary, the operator policy and the file checks all use it.
 */
import type { TeamsFile } from '../config/types.js'

export interface TeamWorkspace {
  bucket: string
  /** Key prefix, ending in `/` (e.g. `teams/team1/`). */
  prefix: string
  workGroup: string
}

export const WORKGROUP_PREFIX = 'sagemaker-teams-'
export const workGroupName = (team: string) => `${WORKGROUP_PREFIX}${team}`
/** Where Athena writes query results, inside the team's prefix. */
export const resultsLocation = (w: TeamWorkspace) => `s3://${w.bucket}/${w.prefix}athena-results/`

/** The team's workspace (bucket, prefix, workgroup), or undefined when the file gives it none. */
export function teamWorkspace(
  config: Pick<TeamsFile, 'teams' | 'workspace'>,
  team: string,
  where: { region: string; accountId: string },
): TeamWorkspace | undefined {
  const own = config.teams[team]?.workspace
  const defaults = config.workspace
  if (!own && !defaults) return undefined
  return {
    bucket: own?.bucket ?? defaults?.bucket ?? `sagemaker-${where.region}-${where.accountId}`,
    prefix: own?.prefix ?? `${defaults?.prefix ?? 'teams/'}${team}/`,
    workGroup: workGroupName(team),
  }
}
