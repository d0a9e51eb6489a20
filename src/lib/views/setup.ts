/** `setup`: the permissions boundaries written in the account, or that they were up to date. */
import type { View } from './view.js'

export interface SetupResult {
  /** The file's account name, or 'own' for the caller's account. */
  account: string
  accountId: string
  changes: { policyName: string; action: string }[]
}

export const setupView: View<SetupResult> = {
  formats: ['text', 'json'],
  text({ account, accountId, changes }) {
    const label = account === 'own' ? `account ${accountId}` : `account ${account} (${accountId})`
    return changes.length
      ? `Boundaries written in ${label}: ${changes.map((c) => `${c.action} ${c.policyName}`).join(', ')}.\n`
      : `Boundaries up to date in ${label}.\n`
  },
}
