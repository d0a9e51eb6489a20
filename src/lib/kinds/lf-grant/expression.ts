import type { LfExpressionTerm } from '../../plan/types.js'

/** An LF-tag expression in one order (keys sorted, values sorted and unique), as the file or AWS writes it. */
export function normaliseExpression(
  expression: { TagKey?: string; TagValues?: string[] }[] | Record<string, string[]>,
): LfExpressionTerm[] {
  const terms = Array.isArray(expression)
    ? expression.map((t) => [t.TagKey ?? '', t.TagValues ?? []] as const)
    : Object.entries(expression)
  return terms
    .map(([TagKey, TagValues]) => ({ TagKey, TagValues: [...new Set(TagValues)].sort() }))
    .sort((a, b) => a.TagKey.localeCompare(b.TagKey))
}
