/** The Lambda entry: a function URL event (payload 2.0) in, the handler's answer out. */
import type { AcsConfig } from './config.js'
import { type AcsDeps, handleAcs, MAX_BODY_BYTES } from './handler.js'
import { acsDeps } from './runtime.js'

export interface FunctionUrlEvent {
  rawPath?: string
  headers?: Record<string, string | undefined>
  body?: string
  isBase64Encoded?: boolean
  requestContext?: { domainName?: string; http?: { method?: string; sourceIp?: string } }
}

export function createLambdaHandler(config: AcsConfig, deps: AcsDeps = acsDeps(config)) {
  return async (event: FunctionUrlEvent) => {
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
