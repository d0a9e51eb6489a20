/** The Lambda entry: a function URL event (payload 2.0) in, the handler's answer out. */
import type { AcsConfig } from './config.js'
import { type AcsDeps, handleAcs, MAX_BODY_BYTES } from './handler.js'
import { acsDeps } from './runtime.js'

export interface FunctionUrlEvent {
  version?: string
  rawPath?: string
  headers?: Record<string, string | undefined>
  body?: string
  isBase64Encoded?: boolean
  requestContext?: {
    apiId?: string
    domainName?: string
    domainPrefix?: string
    http?: { method?: string; path?: string; sourceIp?: string }
  }
}

export interface LambdaResult {
  statusCode: number
  headers: Record<string, string>
  body: string
}

const REFUSED = { 'Cache-Control': 'no-store', 'Content-Type': 'text/plain; charset=utf-8' }

/**
 * Why an event is not a request that came through this function's own URL, or undefined when it is.
 * The resource policy already lets only function URL requests invoke the function
 * (lambda:InvokedViaFunctionUrl); this is the second line: a direct `Invoke` by a principal
 * allowed some other way could otherwise choose the source address, the headers and the host the
 * ACS derives its expected URL from.
 */
export function eventRefusal(event: unknown, config: AcsConfig): string | undefined {
  const e = event as FunctionUrlEvent | null
  const ctx = e?.requestContext
  const http = ctx?.http
  // The shape of a function URL event (payload format 2.0).
  if (
    !e ||
    typeof e !== 'object' ||
    e.version !== '2.0' ||
    typeof e.rawPath !== 'string' ||
    typeof ctx !== 'object' ||
    typeof http?.method !== 'string' ||
    typeof http.sourceIp !== 'string' ||
    typeof ctx.domainName !== 'string' ||
    typeof ctx.apiId !== 'string'
  )
    return 'not_function_url_event'
  const host = ctx.domainName.toLowerCase()
  if (host !== `${ctx.apiId}.lambda-url.${config.region}.on.aws`.toLowerCase())
    return 'not_function_url_event'
  // Its own URL: known once apply has created it (baked in); without acs.url the expected
  // Destination is derived from this host, so an unknown one is never trusted.
  if (config.functionUrl) {
    if (host !== new URL(config.functionUrl).host.toLowerCase()) return 'foreign_function_url'
  } else if (!config.baseUrl) return 'function_url_unknown'
  return undefined
}

export function createLambdaHandler(config: AcsConfig, deps: AcsDeps = acsDeps(config)) {
  return async (event: FunctionUrlEvent): Promise<LambdaResult> => {
    const refusal = eventRefusal(event, config)
    if (refusal) {
      deps.log({ event: 'acs', outcome: 'refused', reason: refusal, status: 400, ms: 0 })
      return { statusCode: 400, headers: { ...REFUSED }, body: 'Bad request.\n' }
    }
    const raw = event.body ?? ''
    // Refuse oversized bodies before decoding them.
    const body =
      raw.length > MAX_BODY_BYTES * 2
        ? Buffer.alloc(MAX_BODY_BYTES + 1)
        : Buffer.from(raw, event.isBase64Encoded ? 'base64' : 'utf8')
    const domain = event.requestContext?.domainName
    const res = await handleAcs(
      {
        method: event.requestContext?.http?.method ?? 'GET',
        path: event.rawPath ?? '/',
        headers: Object.fromEntries(
          Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
        ),
        body,
        origin: domain ? `https://${domain}` : undefined,
        sourceIp: event.requestContext?.http?.sourceIp,
      },
      deps,
    )
    return { statusCode: res.status, headers: res.headers, body: res.body }
  }
}
