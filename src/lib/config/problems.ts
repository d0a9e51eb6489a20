/**
 * A problem in a teams file and where it is: file:line:column from the parsed document's source
 * ranges, with the key path. Shared by the schema checks (load.ts), the semantic checks
 * (semantics.ts), the request-limit checks (aws-limits.ts) and the data-mesh checks.
 */
import { isMap, isScalar, type LineCounter, type Node, type parseDocument } from 'yaml'

/** One problem in a teams file, located at file:line:col with the key path. */
export interface Problem {
  file: string
  line: number
  col: number
  /** Dotted key path, e.g. teams.team1.executionRole.arn */
  path: string
  message: string
  /** A warning does not make the file invalid (e.g. a certificate that expires within 30 days). */
  severity?: 'warning'
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}  ${p.path || '(root)'}  ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`
}

export type PathSegment = string | number

/** Locates key paths of one parsed document; shared with the semantic checks. */
export class Locator {
  constructor(
    private readonly file: string,
    private readonly doc: ReturnType<typeof parseDocument>,
    private readonly lines: LineCounter,
  ) {}

  /** A problem at the value of `segments` (or its nearest existing parent); `atKey` points at the key instead. */
  problem(segments: PathSegment[], message: string, atKey = false): Problem {
    const offset = (atKey ? this.keyOffset(segments) : undefined) ?? this.valueOffset(segments)
    const { line, col } = this.lines.linePos(offset)
    return { file: this.file, line, col, path: segments.join('.'), message }
  }

  private valueOffset(segments: PathSegment[]): number {
    for (let n = segments.length; n >= 0; n--) {
      const node =
        n === 0 ? this.doc.contents : (this.doc.getIn(segments.slice(0, n), true) as Node | undefined)
      if (node && (node as Node).range) return (node as Node).range![0]
      if (n > 0) {
        const key = this.keyOffset(segments.slice(0, n))
        if (key !== undefined) return key
      }
    }
    return 0
  }

  private keyOffset(segments: PathSegment[]): number | undefined {
    const parent = segments.length === 1 ? this.doc.contents : this.doc.getIn(segments.slice(0, -1), true)
    if (!isMap(parent)) return undefined
    const name = segments[segments.length - 1]
    const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(name))
    return pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined
  }
}
