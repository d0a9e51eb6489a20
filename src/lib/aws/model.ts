/**
 * AWS's own request constraints (required members, lengths, counts, ranges, patterns, enums) from
 * the service models vendored under schema/aws-model (scripts/gen-aws-model.mjs). One source for
 * `validate` (the teams file), the apply preflight (every request of a plan) and the emulator.
 * Patterns are matched as AWS's services match them: the whole value.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export interface ShapeRef {
  shape: string
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode'
  locationName?: string
  idempotencyToken?: boolean
}

export interface Shape {
  type: string
  required?: string[]
  min?: number
  max?: number
  pattern?: string
  enum?: string[]
  member?: string
  key?: string
  value?: string
  members?: Record<string, ShapeRef>
  /** A free-form document (identitystore AttributeValue): any JSON value. */
  document?: boolean
}

export interface OperationModel {
  http: { method: string; requestUri: string }
  input?: string
  errors: string[]
}

export interface ServiceModel {
  source: string
  service: string
  protocol: string
  targetPrefix?: string
  signingName: string
  operations: Record<string, OperationModel>
  shapes: Record<string, Shape>
}

export type Constraint = 'required' | 'length' | 'range' | 'pattern' | 'enum' | 'type' | 'unknown'

/** One value AWS would refuse, with the message AWS's services give for it. */
export interface Violation {
  /** Member names and list indexes from the request root. */
  path: (string | number)[]
  constraint: Constraint
  /** "Member must have length less than or equal to 100", as AWS words it. */
  rule: string
  value: unknown
}

export interface ValidateOptions {
  /** awsQuery sends every scalar as text: accept "12" for an integer and "true" for a boolean. */
  textScalars?: boolean
  /** Report members the shape does not have (the teams file); requests ignore them, as AWS does. */
  unknownMembers?: boolean
}

/** The vendored models: <root>/schema/aws-model from dist/lib/aws or src/lib/aws. */
const MODEL_DIR = (() => {
  const here = path.dirname(fileURLToPath(import.meta.url))
  return path.resolve(here, '..', '..', '..', 'schema', 'aws-model')
})()

/** The same models laid out by `npm run build` to be read in part (scripts/lazy-aws-model.mjs): dist/aws-model. */
const LAZY_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'aws-model')

const models = new Map<string, ServiceModel | undefined>()

/**
 * A record of a partly-read model (scripts/lazy-aws-model.mjs): the lines `<tag> <name> <json>` of
 * `text`, each parsed when first read. Its names are found in one pass over the text, at the first read.
 */
function lazyRecord<T>(text: string, tag: 'O' | 'S'): Record<string, T> {
  let at: Map<string, number> | undefined
  const parsed = new Map<string, T | undefined>()
  const index = () => {
    if (!at) {
      at = new Map()
      const marker = `\n${tag} `
      for (let i = text.indexOf(marker); i !== -1; i = text.indexOf(marker, i + 1)) {
        const nameStart = i + marker.length
        const nameEnd = text.indexOf(' ', nameStart)
        at.set(text.slice(nameStart, nameEnd), nameEnd + 1)
      }
    }
    return at
  }
  const read = (name: string): T | undefined => {
    if (!parsed.has(name)) {
      const start = index().get(name)
      parsed.set(
        name,
        start === undefined ? undefined : (JSON.parse(text.slice(start, text.indexOf('\n', start))) as T),
      )
    }
    return parsed.get(name)
  }
  return new Proxy({} as Record<string, T>, {
    get: (_, name) => (typeof name === 'string' ? read(name) : undefined),
    has: (_, name) => typeof name === 'string' && index().has(name),
    ownKeys: () => [...index().keys()],
    getOwnPropertyDescriptor: (_, name) =>
      typeof name === 'string' && index().has(name)
        ? { value: read(name), enumerable: true, configurable: true, writable: false }
        : undefined,
  })
}

/** A model from its partly-read layout (scripts/lazy-aws-model.mjs, dist/aws-model). */
export function lazyServiceModel(text: string): ServiceModel {
  const header = JSON.parse(text.slice(0, text.indexOf('\n'))) as Omit<ServiceModel, 'operations' | 'shapes'>
  return {
    ...header,
    operations: lazyRecord<OperationModel>(text, 'O'),
    shapes: lazyRecord<Shape>(text, 'S'),
  }
}

/** The vendored model of a service ("sagemaker", "sso-admin", …), or undefined when there is none. */
export function serviceModel(service: string): ServiceModel | undefined {
  if (!models.has(service)) {
    const lazy = path.join(LAZY_DIR, `${service}.json`)
    const file = path.join(MODEL_DIR, `${service}.json`)
    models.set(
      service,
      existsSync(lazy)
        ? lazyServiceModel(readFileSync(lazy, 'utf8'))
        : existsSync(file)
          ? (JSON.parse(readFileSync(file, 'utf8')) as ServiceModel)
          : undefined,
    )
  }
  return models.get(service)
}

/** Input shape name of an operation, or undefined when the data does not have the operation. */
export function operationModel(service: string, operation: string): OperationModel | undefined {
  return serviceModel(service)?.operations[operation]
}

/**
 * The violations of one request; undefined when the vendored data does not have the operation
 * (it then passes unvalidated).
 */
export function validateRequest(
  service: string,
  operation: string,
  input: unknown,
  options: ValidateOptions = {},
): Violation[] | undefined {
  const model = serviceModel(service)
  const op = model?.operations[operation]
  if (!model || !op) return undefined
  if (!op.input) return []
  return validateShape(model, op.input, input ?? {}, [], options)
}

/**
 * The shape at a path from `root`: member names, list indexes, map keys. A member name met on a
 * list or map applies to its items (so `Entries.Resource` is the Resource of each entry).
 */
export function shapeAt(model: ServiceModel, root: string, path: (string | number)[]): Shape | undefined {
  const name = shapeNameAt(model, root, path)
  return name === undefined ? undefined : model.shapes[name]
}

/** The name of the shape at a path (see shapeAt). */
export function shapeNameAt(
  model: ServiceModel,
  root: string,
  path: (string | number)[],
): string | undefined {
  let name: string | undefined = root
  for (const p of path) {
    let shape: Shape | undefined = model.shapes[name!]
    if (!shape) return undefined
    if (shape.type === 'list') {
      name = shape.member
      if (typeof p === 'number') continue
    } else if (shape.type === 'map') {
      name = shape.value
      continue
    }
    shape = model.shapes[name!]
    if (shape?.type !== 'structure') return undefined
    name = shape.members?.[p]?.shape
  }
  return name
}

/** Checks `value` against shape `name`, recursively. */
export function validateShape(
  model: ServiceModel,
  name: string,
  value: unknown,
  at: (string | number)[] = [],
  options: ValidateOptions = {},
): Violation[] {
  const shape = model.shapes[name]
  if (!shape || shape.document || value === undefined || value === null) return []
  const out: Violation[] = []
  const fail = (constraint: Constraint, rule: string, path = at, v: unknown = value) =>
    out.push({ path, constraint, rule, value: v })
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) {
        fail('type', 'Member must be a structure')
        break
      }
      const obj = value as Record<string, unknown>
      for (const r of shape.required ?? []) {
        if (obj[r] === undefined || obj[r] === null)
          fail('required', 'Member must not be null', [...at, r], null)
      }
      for (const [k, v] of Object.entries(obj)) {
        const ref = shape.members?.[k]
        if (!ref) {
          if (options.unknownMembers) fail('unknown', 'Member is not defined', [...at, k], v)
          continue
        }
        out.push(...validateShape(model, ref.shape, v, [...at, k], options))
      }
      break
    }
    case 'list': {
      if (!Array.isArray(value)) {
        fail('type', 'Member must be a list')
        break
      }
      checkSize(shape, value.length, fail)
      value.forEach((item, i) => {
        out.push(...validateShape(model, shape.member!, item, [...at, i], options))
      })
      break
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) {
        fail('type', 'Member must be a map')
        break
      }
      const entries = Object.entries(value as Record<string, unknown>)
      checkSize(shape, entries.length, fail)
      for (const [k, v] of entries) {
        if (shape.key) {
          for (const kv of validateShape(model, shape.key, k, [...at, k], options))
            out.push({ ...kv, rule: kv.rule.replace(/^Member/, 'Map key') })
        }
        out.push(...validateShape(model, shape.value!, v, [...at, k], options))
      }
      break
    }
    case 'string': {
      if (typeof value !== 'string') {
        fail('type', 'Member must be a string')
        break
      }
      checkSize(shape, value.length, fail)
      if (shape.enum && !shape.enum.includes(value))
        fail('enum', `Member must satisfy enum value set: [${shape.enum.join(', ')}]`)
      if (shape.pattern) {
        const re = patternRegExp(shape.pattern)
        if (re && !re.test(value))
          fail('pattern', `Member must satisfy regular expression pattern: ${shape.pattern}`)
      }
      break
    }
    case 'integer':
    case 'long':
    case 'float':
    case 'double': {
      const n =
        typeof value === 'string' && options.textScalars && value.trim() !== '' ? Number(value) : value
      if (typeof n !== 'number' || Number.isNaN(n)) {
        fail('type', 'Member must be a number')
        break
      }
      if ((shape.type === 'integer' || shape.type === 'long') && !Number.isInteger(n))
        fail('type', 'Member must be an integer')
      else if (shape.min !== undefined && n < shape.min)
        fail('range', `Member must have value greater than or equal to ${shape.min}`)
      else if (shape.max !== undefined && n > shape.max)
        fail('range', `Member must have value less than or equal to ${shape.max}`)
      break
    }
    case 'boolean':
      if (typeof value !== 'boolean' && !(options.textScalars && (value === 'true' || value === 'false')))
        fail('type', 'Member must be a boolean')
      break
    default:
      // blob, timestamp, document: the wire format decides; nothing the model bounds here.
      break
  }
  return out
}

function checkSize(shape: Shape, size: number, fail: (constraint: Constraint, rule: string) => void): void {
  if (shape.min !== undefined && size < shape.min)
    fail('length', `Member must have length greater than or equal to ${shape.min}`)
  if (shape.max !== undefined && size > shape.max)
    fail('length', `Member must have length less than or equal to ${shape.max}`)
}

const patterns = new Map<string, RegExp | null>()

/**
 * The model's (Java) pattern as a whole-value JavaScript RegExp, or null for the few constructs
 * JavaScript cannot express (those values pass unchecked; test/unit/aws-model.test.ts counts them).
 */
export function patternRegExp(pattern: string): RegExp | null {
  if (!patterns.has(pattern)) {
    const dotAll = pattern.startsWith('(?s)')
    const source = (dotAll ? pattern.slice(4) : pattern)
      .replace(/\\A/g, '^')
      .replace(/\\[Zz]/g, '$')
      .replace(/\\_/g, '_')
    let re: RegExp | null = null
    // Unicode mode where it parses (\p{L} needs it); else plain mode, unless it uses \p.
    for (const flags of source.includes('\\p') ? ['u'] : ['u', '']) {
      try {
        re = new RegExp(`^(?:${source})$`, flags + (dotAll ? 's' : ''))
        break
      } catch {}
    }
    patterns.set(pattern, re)
  }
  return patterns.get(pattern) ?? null
}

/** A request path as AWS's validation messages write it: `userSettings.tags.1.member.key`. */
export function awsPath(path: (string | number)[]): string {
  return path
    .map((p) =>
      typeof p === 'number' ? `${p + 1}.member` : p.length > 0 ? p[0].toLowerCase() + p.slice(1) : p,
    )
    .join('.')
}

/** The message AWS's services answer a refused request with ("2 validation errors detected: …"). */
export function awsValidationMessage(violations: Violation[]): string {
  const parts = violations.map(
    (v) => `Value ${showValue(v.value)} at '${awsPath(v.path)}' failed to satisfy constraint: ${v.rule}`,
  )
  return `${violations.length} validation error${violations.length === 1 ? '' : 's'} detected: ${parts.join('; ')}`
}

function showValue(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (Array.isArray(v))
    return `'[${v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ')}]'`
  if (typeof v === 'object') return `'${JSON.stringify(v)}'`
  return `'${String(v)}'`
}
