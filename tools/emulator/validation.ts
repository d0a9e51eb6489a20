/**
 * One validation layer for every operation the emulator answers: the request is checked against
 * the same vendored AWS model the CLI's validate and preflight use (src/lib/aws/model.ts), keyed
 * by service and operation, before any handler runs. An operation the data lacks passes through.
 */
import type { IncomingMessage } from 'node:http'
import {
  awsValidationMessage,
  operationModel,
  serviceModel,
  validateRequest,
} from '../../src/lib/aws/model.js'
import { AwsError, type Input } from './core.js'

/**
 * The error code each service answers a constraint violation with: the awsQuery services (IAM,
 * STS) say ValidationError, Lake Formation and Athena the client error their models list
 * (InvalidInputException, InvalidRequestException), the others ValidationException.
 */
export const VALIDATION_CODE: Record<string, string> = {
  iam: 'ValidationError',
  sts: 'ValidationError',
  lakeformation: 'InvalidInputException',
  athena: 'InvalidRequestException',
}

export function validationCode(service: string): string {
  return VALIDATION_CODE[service] ?? 'ValidationException'
}

/** Throws the service's validation error when the request breaks a constraint of its model. */
export function enforceModel(service: string, operation: string, input: Input): void {
  const violations = validateRequest(service, operation, input, {
    textScalars: serviceModel(service)?.protocol === 'query',
  })
  if (violations && violations.length > 0)
    throw new AwsError(validationCode(service), awsValidationMessage(violations), 400)
}

/**
 * An awsQuery request sends an empty list as the bare member (`ProvidedContexts=`, as the AWS SDK
 * serialises []): where the model says a member is a list, an empty string is an empty list.
 */
export function queryInput(service: string, operation: string, input: Input): Input {
  const model = serviceModel(service)
  const op = operationModel(service, operation)
  if (!model || !op?.input) return input
  const walk = (value: Input, shapeName: string, depth: number) => {
    const shape = model.shapes[shapeName]
    if (shape?.type !== 'structure' || depth > 8 || !value || typeof value !== 'object') return
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      const target = model.shapes[ref.shape]
      if (target?.type === 'list' && value[name] === '') value[name] = []
      else if (target?.type === 'structure') walk(value[name], ref.shape, depth + 1)
      else if (target?.type === 'list' && Array.isArray(value[name]))
        for (const item of value[name]) walk(item, target.member!, depth + 1)
    }
  }
  walk(input, op.input, 0)
  return input
}

/**
 * The whole input of a restJson1 request: its body plus the members the model binds to the URI
 * path, the query string and headers (Lambda's `/functions/{FunctionName}/url`).
 */
export function restJsonInput(service: string, operation: string, req: IncomingMessage, body: Input): Input {
  const model = serviceModel(service)
  const op = operationModel(service, operation)
  if (!model || !op?.input) return body
  const input: Input = { ...body }
  const url = new URL(req.url ?? '/', 'http://emulator')
  const labels = uriLabels(op.http.requestUri, url.pathname)
  for (const [name, ref] of Object.entries(model.shapes[op.input].members ?? {})) {
    const wire = ref.locationName ?? name
    if (ref.location === 'uri' && labels[wire] !== undefined) input[name] = labels[wire]
    else if (ref.location === 'querystring' && url.searchParams.has(wire)) {
      const type = model.shapes[ref.shape]?.type
      const raw = url.searchParams.get(wire)!
      input[name] =
        type === 'integer' || type === 'long' ? Number(raw) : type === 'boolean' ? raw === 'true' : raw
    } else if (ref.location === 'header' && req.headers[wire.toLowerCase()] !== undefined)
      input[name] = String(req.headers[wire.toLowerCase()])
  }
  return input
}

function uriLabels(template: string, path: string): Record<string, string> {
  const names: string[] = []
  const source = template
    .split('?')[0]
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\{([^}]+?)(\+?)\}/g, (_, name: string, greedy: string) => {
      names.push(name)
      return greedy ? '(.+)' : '([^/]+)'
    })
  const m = new RegExp(`^${source}/?$`).exec(path)
  if (!m) return {}
  return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])]))
}
