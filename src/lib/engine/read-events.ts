/**
 * What the engine reports while it reads the account, for a progress display: the steps before the
 * resource kinds (account and domain, identity store), each kind's observation starting and ending,
 * and every AWS call answered on the way (from the client instrumentation, so pages are real pages).
 */
import type { Kind } from '../plan/types.js'

export type ReadEvent =
  | { type: 'step-start' | 'step-done'; step: 'discovery' | 'identities' }
  | { type: 'kind-start' | 'kind-done'; kind: Kind }
  | { type: 'call'; service: string; operation: string; items: number }

export type ReadListener = (event: ReadEvent) => void
