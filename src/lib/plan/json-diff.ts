/** A compact line diff of two JSON values: only the changed paths, `-` before and `+` after. */
export function jsonDiff(before: unknown, after: unknown, path = ''): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return []
  const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v)
  if (isObj(before) && isObj(after)) {
    const b = before as Record<string, unknown>
    const a = after as Record<string, unknown>
    return [...new Set([...Object.keys(b), ...Object.keys(a)])]
      .sort()
      .flatMap((k) => jsonDiff(b[k], a[k], path ? `${path}.${k}` : k))
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const bs = before.map((x) => JSON.stringify(x))
    const as = after.map((x) => JSON.stringify(x))
    return [
      ...bs.filter((x) => !as.includes(x)).map((x) => `- ${path}[]: ${x}`),
      ...as.filter((x) => !bs.includes(x)).map((x) => `+ ${path}[]: ${x}`),
    ]
  }
  const lines: string[] = []
  if (before !== undefined) lines.push(`- ${path}: ${JSON.stringify(before)}`)
  if (after !== undefined) lines.push(`+ ${path}: ${JSON.stringify(after)}`)
  return lines
}
