/**
 * Protocol plumbing of the local AWS emulator: errors, pagination tokens, ids, and the wire
 * formats the AWS SDK for JavaScript v3 speaks (awsJson1_1, awsQuery with XML, restJson1).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'

export const ACCOUNT = '123456789012'

/** An AWS error as the service would return it. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message)
  }
}

export const notFound = (code: string, what: string) =>
  new AwsError(code, `${what} not found`, code === 'NoSuchEntity' ? 404 : 400)

// biome-ignore lint/suspicious/noExplicitAny: request shapes are checked by each operation
export type Input = Record<string, any>
// biome-ignore lint/suspicious/noExplicitAny: output shapes are whatever the API returns
export type Output = Record<string, any>
export type Operation = (input: Input, ctx: OpContext) => Output | Promise<Output>

/** Who signed a request: an IAM user, or a role session (see accounts.ts). */
export interface Principal {
  account: string
  /** The caller ARN GetCallerIdentity answers: an IAM user, or an sts assumed-role session. */
  arn: string
  /** GetCallerIdentity's UserId: AIDA… for a user, "<RoleId>:<session>" for a role session. */
  userId: string
  /** The IAM role behind a session (`arn:aws:iam::<acct>:role/<path><name>`). */
  roleArn?: string
  sessionName?: string
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  /** Epoch ms after which the session's credentials are refused as expired. */
  expiresAt?: number
  /** Whether the session came from a role session assuming a role (role chaining: at most 1 hour). */
  chained?: boolean
}

export interface OpContext {
  region: string
  service: string
  operation: string
  /** Who signed the request (its account is the partition the request landed in). */
  caller?: Principal
}

/** Opaque page tokens bound to the listing they came from; a foreign or mangled token is refused. */
export function paginate<T>(
  items: T[],
  input: Input,
  opts: {
    max: number
    default?: number
    scope: string
    errorCode?: string
    tokenField?: string
    maxField?: string
  },
): { page: T[]; nextToken?: string } {
  const maxField = opts.maxField ?? 'MaxResults'
  const tokenField = opts.tokenField ?? 'NextToken'
  const requested = input[maxField]
  const errorCode = opts.errorCode ?? 'ValidationException'
  if (requested !== undefined && (typeof requested !== 'number' || requested < 1 || requested > opts.max)) {
    throw new AwsError(
      errorCode,
      `1 validation error detected: Value '${requested}' at '${lowerFirst(maxField)}' failed to satisfy constraint: Member must have value less than or equal to ${opts.max}`,
    )
  }
  const size = requested ?? opts.default ?? opts.max
  let offset = 0
  const token = input[tokenField]
  if (token !== undefined && token !== null && token !== '') {
    try {
      const decoded = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as {
        o: number
        s: string
        h: string
      }
      if (
        decoded.s !== opts.scope ||
        decoded.h !== sign(decoded.o, decoded.s) ||
        !Number.isInteger(decoded.o)
      )
        throw new Error('foreign')
      offset = decoded.o
    } catch {
      throw new AwsError(errorCode, 'The pagination token is invalid.')
    }
  }
  const page = items.slice(offset, offset + size)
  const next = offset + size
  return {
    page,
    nextToken:
      next < items.length
        ? Buffer.from(JSON.stringify({ o: next, s: opts.scope, h: sign(next, opts.scope) })).toString(
            'base64url',
          )
        : undefined,
  }
}

const TOKEN_KEY = randomBytes(16)
function sign(offset: number, scope: string): string {
  return createHash('sha256').update(TOKEN_KEY).update(`${offset}|${scope}`).digest('base64url').slice(0, 16)
}

function lowerFirst(s: string): string {
  return s[0].toLowerCase() + s.slice(1)
}

export function hex(n: number): string {
  return randomBytes(Math.ceil(n / 2))
    .toString('hex')
    .slice(0, n)
}

export function uuid(): string {
  return randomUUID()
}

export function alnum(n: number): string {
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789'
  return Array.from(randomBytes(n), (b) => chars[b % chars.length]).join('')
}

export function required(input: Input, ...names: string[]): void {
  const missing = names.filter((n) => input[n] === undefined || input[n] === null)
  if (missing.length > 0) {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value null at '${lowerFirst(missing[0])}' failed to satisfy constraint: Member must not be null`,
    )
  }
}

export function matches(
  value: unknown,
  pattern: RegExp,
  field: string,
  code = 'ValidationException',
  maxLength?: number,
): void {
  if (
    typeof value !== 'string' ||
    !pattern.test(value) ||
    (maxLength !== undefined && value.length > maxLength)
  ) {
    throw new AwsError(
      code,
      `1 validation error detected: Value '${String(value)}' at '${lowerFirst(field)}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern.source}${maxLength ? ` and length <= ${maxLength}` : ''}`,
    )
  }
}

export function inRange(
  value: unknown,
  min: number,
  max: number,
  field: string,
  code = 'ValidationException',
): void {
  if (value === undefined) return
  if (typeof value !== 'number' || value < min || value > max) {
    throw new AwsError(
      code,
      `1 validation error detected: Value '${String(value)}' at '${lowerFirst(field)}' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
    )
  }
}

export function oneOf(value: unknown, allowed: string[], field: string, code = 'ValidationException'): void {
  if (value === undefined) return
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new AwsError(
      code,
      `1 validation error detected: Value '${String(value)}' at '${lowerFirst(field)}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
    )
  }
}

/** Epoch seconds, as awsJson services return timestamps. */
export function epoch(d: Date): number {
  return d.getTime() / 1000
}

// ---- awsQuery XML ---------------------------------------------------------------------------

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** Serialises a value the way awsQuery responses nest it: objects as elements, arrays as <member>. */
export function toXml(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join('')
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('')
  }
  return xmlEscape(String(value))
}

/** Decodes awsQuery form parameters (`Tags.member.1.Key=…`) into nested objects and arrays. */
export function parseQuery(body: string): Input {
  const params = new URLSearchParams(body)
  const out: Input = {}
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') {
      out[key] = value
      continue
    }
    const parts = key.split('.')
    let node: Input = out
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]
      const last = i === parts.length - 1
      if (part === 'member' || part === 'entry') continue
      const next = parts[i + 1]
      if (last) {
        node[part] = value
      } else {
        const isList = next === 'member' || next === 'entry' || /^\d+$/.test(next)
        node[part] ??= isList ? [] : {}
        node = node[part]
      }
    }
  }
  return compactLists(out)
}

function compactLists(v: unknown): Input {
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(compactLists)
  if (v && typeof v === 'object') {
    const o = v as Input
    for (const k of Object.keys(o)) o[k] = compactLists(o[k])
    return o
  }
  return v as Input
}
