/** `acs serve`: the ACS handler on a local HTTP server, for development, tests and the demo. */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { type AcsDeps, handleAcs, MAX_BODY_BYTES } from './handler.js'

export interface AcsServer {
  url: string
  close(): Promise<void>
}

export async function startAcsServer(
  deps: AcsDeps,
  opts: { host: string; port: number },
): Promise<AcsServer> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY_BYTES) tooLarge = true
      else chunks.push(c)
    })
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]),
      )
      const out = await handleAcs(
        {
          method: req.method ?? 'GET',
          path: url.pathname,
          headers: tooLarge ? { ...headers, 'content-length': String(size) } : headers,
          body: tooLarge ? Buffer.alloc(MAX_BODY_BYTES + 1) : Buffer.concat(chunks),
          sourceIp: req.socket.remoteAddress,
        },
        deps,
      )
      res.writeHead(out.status, out.headers)
      res.end(out.body)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.host, () => resolve())
  })
  const address = server.address() as AddressInfo
  return {
    url: `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
