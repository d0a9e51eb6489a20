/** `force-unlock`: whose lock was removed, or that it was kept. */
import type { LockInfo } from '../engine/lock.js'
import type { View } from './view.js'

export interface UnlockResult {
  /** The lock removed; null when the person asked kept it. */
  removed: LockInfo | null
}

export const unlockView: View<UnlockResult> = {
  formats: ['text', 'json'],
  async text({ removed }) {
    if (!removed) return 'Lock kept.\n'
    const { describeLock } = await import('../engine/lock.js')
    return `Removed the lock held by ${describeLock(removed)}.\n`
  },
}
