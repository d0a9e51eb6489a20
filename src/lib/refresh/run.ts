/** What one `--refresh events` (or full) profile observation found: kept on the plan's context for the plan and the next point. */
export interface EventsRefresh {
  /** When the profile observation started (ms). */
  startedAt: number
  delayMs: number
  /** The desired profiles at the observation (key → payload): the next point's bucket digests. */
  desired: Map<string, unknown>
  /** Set when the refresh read every profile instead, and why. */
  fallback?: string
  /** The "not yet visible" notice of the undelivered window. */
  notYetVisible?: string
  /** Profile → why it was read in full. */
  reads: Map<string, string>
  lookups: number
  events: number
}
