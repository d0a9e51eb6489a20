/** Render details shared by kinds (KindDefinition.details). */
import { jsonDiff } from '../plan/json-diff.js'
import type { Change } from '../plan/types.js'

/** No lines beyond the reason. */
export const noDetails = (): string[] => []

/** An update's JSON diff, `-` before and `+` after, of every changed path. */
export function updateDiff(c: Change): string[] {
  return c.action === 'update' && c.before && c.after ? jsonDiff(c.before, c.after) : []
}

/** The data mesh's payloads: `teams` (who uses it, on `after` only) is for the review, not a difference. */
export function updateDiffWithoutTeams(c: Change): string[] {
  const withoutTeams = (p: object) => Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'teams'))
  return c.action === 'update' && c.before && c.after
    ? jsonDiff(withoutTeams(c.before), withoutTeams(c.after))
    : []
}
