import { stableStringify } from '../canonical.js'

/**
 * A compact line diff of two JSON values: only the changed paths, `-` before and `+` after. Key
 * order is not a difference (an IAM policy read back from AWS orders its keys its own way).
 */
export function jsonDiff(before: unknown, after: unknown, path = ''): string[] {
  if (stableStringify(before) === stableStringify(after)) return []
  const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v)
  if (isObj(before) && isObj(after)) {
    const b = before as Record<string, unknown>
    const a = after as Record<string, unknown>
    return [...new Set([...Object.keys(b), ...Object.keys(a)])]
      .sort()
      .flatMap((k) => jsonDiff(b[k], a[k], path ? `${path}.${k}` : k))
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    // Compared in canonical form, printed as written (IAM's Effect, Action, Resource order reads best).
    const bs = new Set(before.map(stableStringify))
    const as = new Set(after.map(stableStringify))
    return [
      ...before.filter((x) => !as.has(stableStringify(x))).map((x) => `- ${path}[]: ${JSON.stringify(x)}`),
      ...after.filter((x) => !bs.has(stableStringify(x))).map((x) => `+ ${path}[]: ${JSON.stringify(x)}`),
    ]
  }
  const lines: string[] = []
  if (before !== undefined) lines.push(`- ${path}: ${JSON.stringify(before)}`)
  if (after !== undefined) lines.push(`+ ${path}: ${JSON.stringify(after)}`)
  return lines
}
