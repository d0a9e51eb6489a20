import os from 'node:os'
import path from 'node:path'

/**
 * The cache directory: `$XDG_CACHE_HOME/sagemaker-teams` (default `~/.cache/sagemaker-teams`);
 * SAGEMAKER_TEAMS_CACHE_DIR names another. Everything in it can be deleted at any time.
 */
export function cacheDir(): string {
  return (
    process.env.SAGEMAKER_TEAMS_CACHE_DIR ||
    path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'sagemaker-teams')
  )
}
