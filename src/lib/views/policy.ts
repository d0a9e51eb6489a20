/**
 * `policy`: the documents as JSON to paste into IAM — one document; its parts when it is over IAM's
 * managed-policy size, each headed; or, when more than the CLI's own is needed (an assumed account
 * role), one document per principal, each headed.
 */
import type { AccountPolicy } from '../account-policies.js'
import type { PolicyDocument } from '../plan/types.js'
import type { View } from './view.js'

/** What `policy --json` prints: the document, its parts, or the account documents. */
export type PolicyResult = PolicyDocument | PolicyDocument[] | AccountPolicy[]

const isAccountPolicies = (r: PolicyResult): r is AccountPolicy[] =>
  Array.isArray(r) && r.some((p) => 'document' in p)

export const policyView: View<PolicyResult> = {
  formats: ['text', 'json'],
  async text(result) {
    if (isAccountPolicies(result)) {
      const { renderAccountPolicies } = await import('../account-policies.js')
      return renderAccountPolicies(result)
    }
    if (!Array.isArray(result)) return `${JSON.stringify(result, null, 2)}\n`
    return result
      .map((p, n) => `# Part ${n + 1} of ${result.length}\n${JSON.stringify(p, null, 2)}\n`)
      .join('\n')
  },
}
