/**
 * The emulator enforces AWS's model constraints on every operation it implements: for each
 * constrained member (lengths, counts, ranges, patterns, enums, down to nested structures) of each
 * implemented operation, one request with an out-of-bounds value, generated from the model and
 * sent on the wire in the service's protocol, must be refused with the service's validation error
 * naming that member.
 */
import assert from 'node:assert/strict'
import http from 'node:http'
import {
  awsPath,
  operationModel,
  patternRegExp,
  type ServiceModel,
  type Shape,
  serviceModel,
} from '../../src/lib/aws/model.js'
import { type Emulator, implementedOperations, startEmulator } from '../../tools/emulator/index.js'
import { validationCode } from '../../tools/emulator/validation.js'

type Path = (string | number)[]
interface Case {
  path: Path
  /** The input holding the one bad value. */
  input: Record<string, unknown>
  constraint: string
}

const BAD_TEXT = ['\u0000', '\n', ' ', '!', '#', '&', '<', '~', 'A', 'a']

/** A string that breaks the pattern but keeps within the length bounds, or undefined. */
function patternBreaker(shape: Shape): string | undefined {
  const re = patternRegExp(shape.pattern!)
  if (!re) return undefined
  const len = Math.max(1, shape.min ?? 1)
  if (shape.max !== undefined && len > shape.max) return undefined
  for (const c of BAD_TEXT) {
    const v = c.repeat(len)
    if (!re.test(v)) return v
  }
  return undefined
}

/** A value of the shape within its bounds (for list items and URI labels). */
function validValue(model: ServiceModel, name: string): unknown {
  const shape = model.shapes[name]
  switch (shape.type) {
    case 'string': {
      if (shape.enum) return shape.enum[0]
      const len = Math.max(1, shape.min ?? 1)
      for (const c of ['a', 'f', '1', 'A']) {
        const v = c.repeat(len)
        if (!shape.pattern || patternRegExp(shape.pattern)?.test(v)) return v
      }
      return undefined
    }
    case 'integer':
    case 'long':
      return shape.min ?? 1
    case 'boolean':
      return true
    case 'structure': {
      // Its required members (or else its first one), so that the item shows on every wire format.
      const members = Object.entries(shape.members ?? {}).filter(([, r]) => !r.location)
      const chosen = members.filter(([m]) => shape.required?.includes(m))
      const out: Record<string, unknown> = {}
      for (const [m, r] of chosen.length ? chosen : members.slice(0, 1)) out[m] = validValue(model, r.shape)
      return out
    }
    case 'list':
      return []
    default:
      return undefined
  }
}

/** One bad value per constraint of the shape; undefined when the model leaves nothing to break. */
function badValues(model: ServiceModel, name: string): { value: unknown; constraint: string }[] {
  const shape = model.shapes[name]
  const out: { value: unknown; constraint: string }[] = []
  if (shape.type === 'string') {
    if (shape.enum) out.push({ value: 'NOT_A_MODEL_ENUM_VALUE', constraint: 'enum' })
    if (shape.max !== undefined && shape.max < 20_000 && !shape.enum)
      out.push({ value: 'a'.repeat(shape.max + 1), constraint: 'length' })
    if (shape.min !== undefined && shape.min > 0 && !shape.enum) out.push({ value: '', constraint: 'length' })
    if (shape.pattern && !shape.enum) {
      const v = patternBreaker(shape)
      if (v !== undefined) out.push({ value: v, constraint: 'pattern' })
    }
  } else if (shape.type === 'integer' || shape.type === 'long') {
    if (shape.max !== undefined) out.push({ value: shape.max + 1, constraint: 'range' })
    if (shape.min !== undefined) out.push({ value: shape.min - 1, constraint: 'range' })
  } else if (shape.type === 'list') {
    const item = validValue(model, shape.member!)
    if (shape.max !== undefined && shape.max <= 1000 && item !== undefined)
      out.push({ value: Array.from({ length: shape.max + 1 }, () => item), constraint: 'length' })
    if (shape.min !== undefined && shape.min > 0) out.push({ value: [], constraint: 'length' })
  }
  return out
}

/** Every constrained member reachable from the input shape (each shape explored once, depth ≤ 4). */
function cases(model: ServiceModel, input: string): Case[] {
  const out: Case[] = []
  const seen = new Set<string>()
  const walk = (name: string, path: Path, wrap: (v: unknown) => Record<string, unknown>, depth: number) => {
    const shape = model.shapes[name]
    if (shape?.type !== 'structure' || depth > 4 || seen.has(name)) return
    seen.add(name)
    for (const [member, ref] of Object.entries(shape.members ?? {})) {
      if (ref.location === 'header' || ref.location === 'headers' || ref.idempotencyToken) continue
      const at = [...path, member]
      const put = (v: unknown) => wrap({ [member]: v })
      for (const bad of badValues(model, ref.shape)) {
        if (ref.location === 'uri' && bad.value === '') continue // an empty label is another route
        out.push({ path: at, input: put(bad.value), constraint: bad.constraint })
      }
      const target = model.shapes[ref.shape]
      if (target?.type === 'structure') walk(ref.shape, at, put, depth + 1)
      else if (target?.type === 'list' && model.shapes[target.member!]?.type === 'structure')
        walk(target.member!, [...at, 0], (v) => put([v]), depth + 1)
    }
  }
  walk(input, [], (v) => v as Record<string, unknown>, 0)
  return out
}

/** Sends `input` as the service's protocol puts it on the wire; resolves with status and body. */
function send(
  emu: Emulator,
  service: string,
  operation: string,
  input: Record<string, unknown>,
): Promise<{ status: number; body: string; errorType?: string }> {
  const model = serviceModel(service)!
  const op = operationModel(service, operation)!
  const inputShape = op.input ? model.shapes[op.input] : undefined
  const url = new URL(emu.url)
  const headers: Record<string, string> = {
    authorization: `AWS4-HMAC-SHA256 Credential=AKIAEMULATOR00000000/20260101/us-east-1/${model.signingName}/aws4_request, SignedHeaders=host, Signature=0`,
  }
  let method = 'POST'
  let path = '/'
  let body = ''
  if (model.protocol === 'json') {
    headers['x-amz-target'] = `${model.targetPrefix}.${operation}`
    headers['content-type'] = 'application/x-amz-json-1.1'
    body = JSON.stringify(input)
  } else if (model.protocol === 'query') {
    headers['content-type'] = 'application/x-www-form-urlencoded'
    const form = new URLSearchParams({ Action: operation, Version: '2010-05-08' })
    const flatten = (prefix: string, v: unknown) => {
      // An empty list goes on the wire as the bare member, as the AWS SDK sends it.
      if (Array.isArray(v) && v.length === 0) form.append(prefix, '')
      else if (Array.isArray(v)) v.forEach((x, i) => flatten(`${prefix}.member.${i + 1}`, x))
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) flatten(`${prefix}.${k}`, x)
      else form.append(prefix, String(v))
    }
    for (const [k, v] of Object.entries(input)) flatten(k, v)
    body = form.toString()
  } else {
    // restJson1: labels into the path, querystring members into the query, the rest as the body.
    method = op.http.method
    const rest: Record<string, unknown> = {}
    const query = new URLSearchParams()
    const labels: Record<string, string> = {}
    for (const [name, ref] of Object.entries(inputShape?.members ?? {})) {
      const wire = ref.locationName ?? name
      if (ref.location === 'uri') labels[wire] = String(input[name] ?? validValue(model, ref.shape) ?? 'a')
      else if (input[name] === undefined) continue
      else if (ref.location === 'querystring') query.set(wire, String(input[name]))
      else if (!ref.location) rest[name] = input[name]
    }
    path = op.http.requestUri
      .split('?')[0]
      .replace(/\{([^}+]+)\+?\}/g, (_, n: string) => encodeURIComponent(labels[n] ?? 'a'))
    if ([...query].length) path += `?${query}`
    headers['content-type'] = 'application/json'
    body = method === 'GET' || method === 'DELETE' || method === 'HEAD' ? '' : JSON.stringify(rest)
  }
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method, path, headers, agent: keepAlive },
      (res) => {
        let text = ''
        res.setEncoding('utf8').on('data', (d) => (text += d))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: text,
            errorType: res.headers['x-amzn-errortype'] as string | undefined,
          }),
        )
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 8 })

describe('emulator: AWS model constraints on every implemented operation', function () {
  this.timeout(120_000)
  let emu: Emulator
  before(async () => {
    emu = await startEmulator({ dynamo: false })
  })
  after(async () => {
    keepAlive.destroy()
    await emu.close()
  })

  const implemented = implementedOperations()

  it('covers every implemented operation of every service the model data has', () => {
    const missing: string[] = []
    for (const [service, ops] of Object.entries(implemented)) {
      if (!serviceModel(service)) continue // another service: passes unvalidated until it is vendored
      for (const op of ops) if (!operationModel(service, op)) missing.push(`${service}:${op}`)
    }
    assert.deepEqual(missing, [])
    assert.ok(Object.values(implemented).flat().length > 40)
  })

  it('refuses one out-of-bounds value per constrained member, with the service validation error', async () => {
    const failures: string[] = []
    let sent = 0
    const byService: Record<string, number> = {}
    for (const [service, ops] of Object.entries(implemented)) {
      const model = serviceModel(service)
      if (!model) continue
      for (const operation of ops) {
        const input = operationModel(service, operation)?.input
        if (!input) continue
        const list = cases(model, input)
        // Bounded concurrency: a handful of requests in flight.
        for (let i = 0; i < list.length; i += 8) {
          await Promise.all(
            list.slice(i, i + 8).map(async (c) => {
              let r = await send(emu, service, operation, c.input)
              // The emulator keeps AWS's documented rate limits (LookupEvents: 2 calls/s): wait.
              for (let t = 0; t < 20 && /Throttling|Rate exceeded/.test(r.body); t++) {
                await new Promise((resolve) => setTimeout(resolve, 300))
                r = await send(emu, service, operation, c.input)
              }
              sent++
              byService[service] = (byService[service] ?? 0) + 1
              const code = validationCode(service)
              const at = `at '${awsPath(c.path)}'`
              const codeSeen = r.body.includes(code) || r.errorType === code
              if (r.status !== 400 || !codeSeen || !r.body.includes(at))
                failures.push(
                  `${service}:${operation} ${awsPath(c.path)} (${c.constraint}): ${r.status} ${r.body.slice(0, 200)}`,
                )
            }),
          )
        }
      }
    }
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${sent} not refused as AWS would`)
    assert.ok(sent > 300, `${sent} requests (${JSON.stringify(byService)})`)
    console.log(`      ${sent} out-of-bounds requests: ${JSON.stringify(byService)}`)
  })

  it('answers TTL ENABLING for the configured window, refusing another update in it', async () => {
    emu.setTtlSettleMs(60_000)
    const table = { TableName: 'sagemaker-teams-acs-logins' }
    const dynamo = (operation: string, input: Record<string, unknown>) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const url = new URL(emu.url)
        const req = http.request(
          {
            host: url.hostname,
            port: url.port,
            method: 'POST',
            path: '/',
            headers: {
              'x-amz-target': `DynamoDB_20120810.${operation}`,
              'content-type': 'application/x-amz-json-1.0',
              authorization:
                'AWS4-HMAC-SHA256 Credential=AKIAEMULATOR00000000/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
            },
          },
          (res) => {
            let text = ''
            res.setEncoding('utf8').on('data', (d) => (text += d))
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
          },
        )
        req.on('error', reject)
        req.end(JSON.stringify(input))
      })
    const spec = { AttributeName: 'expiresAt', Enabled: true }
    assert.equal((await dynamo('UpdateTimeToLive', { ...table, TimeToLiveSpecification: spec })).status, 200)
    assert.match((await dynamo('DescribeTimeToLive', table)).body, /"TimeToLiveStatus":"ENABLING"/)
    const again = await dynamo('UpdateTimeToLive', { ...table, TimeToLiveSpecification: spec })
    assert.equal(again.status, 400)
    assert.match(again.body, /ValidationException/)
    emu.setTtlSettleMs(0)
  })
})
