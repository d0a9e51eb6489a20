/**
 * `acs build`: one esbuild bundle for the nodejs22.x runtime plus the configuration file, in a
 * deterministic zip (fixed timestamps, stable order), so the same input gives the same CodeSha256
 * and an unchanged ACS is never redeployed.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { AcsConfig } from './config.js'

export const ACS_RUNTIME = 'nodejs22.x'
export const ACS_HANDLER = 'index.handler'

export interface AcsBundle {
  zip: Uint8Array
  /** Base64 SHA-256 of the zip, as Lambda reports CodeSha256. */
  codeSha256: string
  configSha256: string
  /** Bytes of the bundled JavaScript. */
  codeBytes: number
  /** "<package version>+<8 hex of the handler code's sha256>", independent of the configuration. */
  codeVersion: string
}

// Zip entries carry MS-DOS local date/time fields, which the zip writer fills from the Date's
// local-time getters: a date built from local parts gives the same fields (and CodeSha256) in every
// time zone; a UTC instant would not (CI in UTC and a laptop elsewhere would redeploy each other's ACS).
const fixedTime = (): Date => new Date(2020, 0, 1)
let cachedCode: Promise<Uint8Array> | undefined

/** The handler code (cached per process: it does not depend on the configuration). */
export function bundleCode(): Promise<Uint8Array> {
  cachedCode ??= (async () => {
    const { build } = await import('esbuild')
    const js = fileURLToPath(new URL('./lambda-entry.js', import.meta.url))
    const entry = existsSync(js) ? js : fileURLToPath(new URL('./lambda-entry.ts', import.meta.url))
    const out = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      minify: true,
      write: false,
      legalComments: 'none',
      // ESM output still meets CommonJS dependencies that call require() for Node built-ins.
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
      logLevel: 'silent',
    })
    return out.outputFiles[0].contents
  })()
  return cachedCode
}

/**
 * The configuration file in canonical form (keys sorted at every level), so that the same
 * configuration gives the same bytes and hash whatever the order of the teams file.
 */
export function configJson(config: AcsConfig): string {
  return `${JSON.stringify(sortKeys(config), null, 2)}\n`
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    )
  return v
}

let packageVersion: string | undefined
/** The handler's code version: the package version and a digest of the bundled code. */
export function codeVersionOf(code: Uint8Array): string {
  packageVersion ??= (
    JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as {
      version: string
    }
  ).version
  return `${packageVersion}+${createHash('sha256').update(code).digest('hex').slice(0, 8)}`
}

export async function buildAcsBundle(config: AcsConfig): Promise<AcsBundle> {
  return acsBundleOf(await bundleCode(), config)
}

// Zipping the 1.5 MB handler at level 9 costs about half a second of CPU each time, and a process
// that plans the same teams file more than once (the engine tests run many commands in one process)
// would zip the same package again: the same code and configuration give the same bytes, so the
// last few packages are kept, keyed by their content.
const recentBundles = new Map<string, AcsBundle>()
const RECENT_BUNDLES = 16

/** The package of this handler code and configuration (the same bytes as packageZip gives). */
export async function acsBundleOf(code: Uint8Array, config: AcsConfig): Promise<AcsBundle> {
  const json = configJson(config)
  // Digested each time (a few ms), never remembered by the array's identity.
  const codeDigest = createHash('sha256').update(code).digest('hex')
  const key = `${codeDigest}\n${json}`
  const recent = recentBundles.get(key)
  if (recent) {
    recentBundles.delete(key)
    recentBundles.set(key, recent)
    return recent
  }
  const zip = await packageZip(code, json)
  const bundle: AcsBundle = {
    zip,
    codeSha256: createHash('sha256').update(zip).digest('base64'),
    configSha256: createHash('sha256').update(json).digest('hex'),
    codeBytes: code.length,
    codeVersion: codeVersionOf(code),
  }
  recentBundles.set(key, bundle)
  if (recentBundles.size > RECENT_BUNDLES) recentBundles.delete(recentBundles.keys().next().value!)
  return bundle
}

/** The deployment package: the handler and its configuration file, zipped (never cached). */
export async function packageZip(code: Uint8Array, json: string): Promise<Uint8Array> {
  const { zipSync } = await import('fflate')
  return zipSync(
    {
      'index.mjs': [code, { mtime: fixedTime() }],
      'acs-config.json': [new TextEncoder().encode(json), { mtime: fixedTime() }],
    },
    { level: 9 },
  )
}
