/**
 * IAM's size limits on policy documents (IAM and STS quotas): characters counted without whitespace.
 * A managed policy holds at most 6,144; the inline policies of one role together 10,240. A document
 * over the managed limit is split into parts that each fit, statement by statement, so every part
 * can be created as its own managed policy and attached beside the others (their union is the
 * document).
 */
import type { PolicyDocument } from '../plan/types.js'

export const MANAGED_POLICY_MAX = 6144
export const ROLE_INLINE_POLICIES_MAX = 10240

/** The size IAM counts: the JSON without whitespace outside strings. */
export function policySize(doc: PolicyDocument): number {
  return JSON.stringify(doc).length
}

/**
 * Parts of `doc` that each fit `max` (one part when the whole fits), statements kept in order and
 * whole. A single statement larger than `max` is a part on its own, still too large (the caller warns).
 */
export function splitPolicy(doc: PolicyDocument, max = MANAGED_POLICY_MAX): PolicyDocument[] {
  if (policySize(doc) <= max) return [doc]
  const parts: PolicyDocument[] = []
  let current: PolicyDocument = { Version: doc.Version, Statement: [] }
  for (const s of doc.Statement) {
    const next = { ...current, Statement: [...current.Statement, s] }
    if (current.Statement.length > 0 && policySize(next) > max) {
      parts.push(current)
      current = { Version: doc.Version, Statement: [s] }
    } else current = next
  }
  if (current.Statement.length > 0) parts.push(current)
  return parts
}
