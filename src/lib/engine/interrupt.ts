/**
 * Clean interrupts for apply: the first SIGINT/SIGTERM asks the run to stop starting new changes
 * (in-flight calls finish, the lock is released, a message says how far it got, exit 130); a second
 * one exits at once.
 */
export interface InterruptWatch {
  /** The first signal, once one arrived. */
  readonly signal: NodeJS.Signals | undefined
  /** Resolves at the first signal. */
  readonly requested: Promise<NodeJS.Signals>
  /** Removes the handlers (the default behaviour of the signals comes back). */
  stop(): void
}

export function watchInterrupts(onSecond: () => void = () => process.exit(130)): InterruptWatch {
  let signal: NodeJS.Signals | undefined
  let resolve!: (s: NodeJS.Signals) => void
  const requested = new Promise<NodeJS.Signals>((r) => {
    resolve = r
  })
  const handler = (s: NodeJS.Signals) => {
    if (signal) return onSecond()
    signal = s
    resolve(s)
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return {
    get signal() {
      return signal
    },
    requested,
    stop() {
      process.removeListener('SIGINT', handler)
      process.removeListener('SIGTERM', handler)
    },
  }
}

/** Exit code of a run stopped by a signal (128 + SIGINT's 2, as shells report it). */
export const INTERRUPTED_EXIT_CODE = 130

/** How long apply waits for in-flight calls after the first signal before it exits anyway. */
export const INTERRUPT_GRACE_MS = 30_000
