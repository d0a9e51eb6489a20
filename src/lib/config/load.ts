/**
 * Loads and validates a teams file. Every problem is located at file:line:column (from the
 * `yaml` package's source ranges) with the key path, what was expected and what was found.
 * Schema checks come from the JSON Schema generated from ./types.ts; the checks a schema cannot
 * express (cross-references, ARNs, metadata files) follow in ./semantics.ts.
 */
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ErrorObject } from 'ajv'
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml'
import { UserError } from '../errors.js'
import { closest } from '../text.js'
import { checkAwsLimits } from './aws-limits.js'
import { formatProblem, Locator, type PathSegment, type Problem } from './problems.js'
import { checkSemantics } from './semantics.js'
import { ACS_DEFAULTS, type TeamsFile } from './types.js'

export { formatProblem, type Problem }

// The schema check, precompiled from schema/teams.schema.json (scripts/gen-validator.mjs): no ajv
// compile at run time. A CommonJS module, required: an ESM import would scan its 100 KB for exports.
const validate = createRequire(import.meta.url)(
  '../../../schema/teams.validate.cjs',
) as typeof import('../../../schema/teams.validate.cjs')

export interface LoadedTeams {
  /** Path as given. */
  file: string
  /** Directory of the file; relative paths in it (idpMetadata) resolve against this. */
  dir: string
  config: TeamsFile
  /** Problems that do not make the file invalid. */
  warnings?: Problem[]
}

export class ConfigError extends UserError {
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'))
    this.name = 'ConfigError'
  }
}

export type LoadResult = { ok: true; teams: LoadedTeams } | { ok: false; problems: Problem[] }

interface SchemaNode {
  properties?: Record<string, SchemaNode>
  $ref?: string
  additionalProperties?: boolean | SchemaNode
  type?: string | string[]
}

let schemaRoot: { definitions: Record<string, SchemaNode> } | undefined

/** The JSON Schema itself (read only when a file breaks it, to name the keys a mapping takes). */
function schemaDefinitions(): Record<string, SchemaNode> {
  if (!schemaRoot) {
    const here = path.dirname(fileURLToPath(import.meta.url))
    // dist/lib/config or src/lib/config → <root>/schema
    const file = path.resolve(here, '..', '..', '..', 'schema', 'teams.schema.json')
    schemaRoot = JSON.parse(readFileSync(file, 'utf8'))
  }
  return schemaRoot!.definitions
}

/** Reads, parses and validates a teams file, collecting every problem. */
export async function loadTeamsFile(file: string): Promise<LoadResult> {
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') {
      throw new UserError(
        `${file}: no such file`,
        1,
        'Create one with `sagemaker-teams init`, or pass -f FILE.',
      )
    }
    throw new UserError(`${file}: cannot read (${code ?? (err as Error).message})`)
  }
  return loadTeamsBytes(bytes, file)
}

/** Every problem of a teams file's text that is not written yet (`init` checks before writing). */
export function checkTeamsText(text: string, file: string): Problem[] {
  const result = loadTeamsBytes(Buffer.from(text, 'utf8'), file)
  return result.ok ? [] : result.problems
}

function loadTeamsBytes(bytes: Uint8Array, file: string): LoadResult {
  const at1 = (message: string): LoadResult => ({
    ok: false,
    problems: [{ file, line: 1, col: 1, path: '', message }],
  })
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return at1('not a text file: expected UTF-8 YAML')
  }
  if (text.includes('\u0000')) return at1('not a text file: expected UTF-8 YAML (found NUL bytes)')

  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0])
        if (e.code === 'DUPLICATE_KEY') {
          const at = duplicateKeyAt(doc.contents, e.pos[0])
          const first = at?.first === undefined ? '' : ` (first at line ${lines.linePos(at.first).line})`
          return {
            file,
            line,
            col,
            path: at?.path.join('.') ?? '',
            message: `duplicate key: each key may appear once${first}`,
          }
        }
        return { file, line, col, path: '', message: `YAML syntax error: ${firstLine(e.message)}` }
      }),
    }
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return at1(
      'the file is empty: expected a teams file (see teams.example.yaml or run `sagemaker-teams init`)',
    )
  }
  const locate = new Locator(file, doc, lines)
  if (!isMap(doc.contents)) {
    return {
      ok: false,
      problems: [
        locate.problem(
          [],
          `expected a mapping of keys (version, region, domain, teams, …), found ${kindOf(doc.toJS())}`,
        ),
      ],
    }
  }
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown
  const problems = schemaProblems(data, locate)
  const dir = path.dirname(path.resolve(file))
  problems.push(...checkSemantics(data as TeamsFile, locate, dir))
  problems.push(...checkAwsLimits(data as TeamsFile, locate))
  const errors = problems.filter((p) => p.severity !== 'warning')
  if (errors.length > 0) return { ok: false, problems: sortProblems(problems) }

  const config = data as TeamsFile
  if (config.acs) config.acs = { ...ACS_DEFAULTS, ...config.acs }
  return { ok: true, teams: { file, dir, config, warnings: sortProblems(problems) } }
}

/** The key path of the duplicate key at `offset`, and where the first occurrence of that key starts. */
function duplicateKeyAt(
  node: unknown,
  offset: number,
  path: string[] = [],
): { path: string[]; first?: number } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = pair.key as Node | null
      const name = isScalar(key) ? String(key.value) : ''
      if (key?.range?.[0] === offset) {
        const first = node.items.find((p) => isScalar(p.key) && String(p.key.value) === name)
        return { path: [...path, name], first: (first?.key as Node | undefined)?.range?.[0] }
      }
      const value = pair.value as Node | null
      if (value?.range && offset >= value.range[0] && offset < value.range[2])
        return duplicateKeyAt(value, offset, [...path, name])
    }
  } else if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) {
      const range = (item as Node | null)?.range
      if (range && offset >= range[0] && offset < range[2])
        return duplicateKeyAt(item, offset, [...path, String(i)])
    }
  }
  return undefined
}

/** Loads and validates, throwing a ConfigError with every problem. */
export async function loadTeamsFileOrThrow(file: string): Promise<LoadedTeams> {
  const result = await loadTeamsFile(file)
  if (!result.ok) throw new ConfigError(result.problems)
  return result.teams
}

function schemaProblems(data: unknown, locate: Locator): Problem[] {
  if (validate(data)) return []
  const seen = new Set<string>()
  const problems: Problem[] = []
  // One problem per value: `version: "1"` breaks both `type` and `const`; the more specific says it all.
  const byValue = new Map<string, { problem: Problem; keyword: string }>()
  for (const e of validate.errors ?? []) {
    const segments = pointerSegments(e.instancePath)
    const p = describeSchemaError(e, segments, data, locate)
    if (!p) continue
    const id = `${p.line}:${p.col}:${p.message}`
    if (seen.has(id)) continue
    seen.add(id)
    if (e.keyword === 'additionalProperties' || e.keyword === 'required') {
      problems.push(p)
      continue
    }
    const at = `${p.line}:${p.col}:${p.path}`
    const earlier = byValue.get(at)
    if (!earlier) {
      byValue.set(at, { problem: p, keyword: e.keyword })
      problems.push(p)
    } else if (earlier.keyword === 'type' && e.keyword !== 'type') {
      problems[problems.indexOf(earlier.problem)] = p
      byValue.set(at, { problem: p, keyword: e.keyword })
    }
  }
  return problems
}

function describeSchemaError(
  e: ErrorObject,
  segments: PathSegment[],
  data: unknown,
  locate: Locator,
): Problem | undefined {
  const found = valueAt(data, segments)
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty)
      const known = Object.keys(resolveSchema(e.parentSchema as SchemaNode).properties ?? {})
      const guess = closest(key, known)
      return locate.problem(
        [...segments, key],
        `unknown key "${key}"${guess ? ` (did you mean "${guess}"?)` : ''}; expected one of: ${known.join(', ')}`,
        true,
      )
    }
    case 'required': {
      const key = (e.params as { missingProperty: string }).missingProperty
      return locate.problem(segments, `missing required key "${key}"`, true)
    }
    case 'type':
      return locate.problem(
        segments,
        `expected ${(e.params as { type: string }).type}, found ${kindOf(found)}`,
      )
    case 'const':
      return locate.problem(
        segments,
        `expected ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}, found ${show(found)}`,
      )
    case 'enum':
      return locate.problem(
        segments,
        `expected one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}, found ${show(found)}`,
      )
    case 'minimum':
    case 'maximum': {
      const range = rangeOf(e.parentSchema as { minimum?: number; maximum?: number })
      return locate.problem(segments, `expected a number ${range}, found ${show(found)}`)
    }
    case 'pattern':
      return locate.problem(
        segments,
        `expected a value matching ${(e.params as { pattern: string }).pattern}, found ${show(found)}`,
      )
    case 'minLength':
    case 'maxLength':
      return locate.problem(segments, `${e.message ?? 'invalid length'}, found ${show(found)}`)
    case 'minItems':
      return locate.problem(
        segments,
        `expected at least ${(e.params as { limit: number }).limit} item(s), found ${show(found)}`,
      )
    default:
      return locate.problem(segments, `${e.message ?? 'invalid value'}, found ${show(found)}`)
  }
}

function resolveSchema(node: SchemaNode): SchemaNode {
  let current = node
  for (let i = 0; current?.$ref && i < 10; i++) {
    current = schemaDefinitions()[current.$ref.replace('#/definitions/', '')]
  }
  return current ?? {}
}

function rangeOf(s: { minimum?: number; maximum?: number }): string {
  if (s.minimum !== undefined && s.maximum !== undefined) return `from ${s.minimum} to ${s.maximum}`
  if (s.minimum !== undefined) return `of at least ${s.minimum}`
  return `of at most ${s.maximum}`
}

function pointerSegments(pointer: string): PathSegment[] {
  if (!pointer) return []
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
}

function valueAt(data: unknown, segments: PathSegment[]): unknown {
  let v = data
  for (const s of segments)
    v = v && typeof v === 'object' ? (v as Record<string, unknown>)[s as string] : undefined
  return v
}

export function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'nothing (null)'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'a mapping'
  if (typeof v === 'string') return `a string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`
  return `${typeof v === 'number' ? 'a number' : `a ${typeof v}`} ${String(v)}`
}

function show(v: unknown): string {
  if (v !== null && typeof v === 'object') return kindOf(v)
  return JSON.stringify(v) ?? 'nothing'
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim()
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => a.line - b.line || a.col - b.col || a.message.localeCompare(b.message))
}
