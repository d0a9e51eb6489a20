/**
 * `acs build`: one esbuild bundle for the nodejs22.x runtime plus the configuration file, in a
 * deterministic zip (fixed timestamps, stable order), so the same input gives the same CodeSha256
 * and an unchanged ACS is never redeployed.
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { cacheDir } from '../cache-dir.js'
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

/** Where `npm run build` (and so `npm pack`) writes the bundled handler, beside lambda-entry.js. */
const PREBUILT = new URL('./lambda-bundle.mjs', import.meta.url)

/** One minified ESM file for the nodejs22.x runtime. */
async function esbuildCode(): Promise<Uint8Array> {
  return (await esbuildBundle()).code
}

/** The bundle, and the compiled modules of dist/lib it was made of (relative to dist/lib). */
async function esbuildBundle(): Promise<{ code: Uint8Array; modules: string[] }> {
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
    metafile: true,
    legalComments: 'none',
    // ESM output still meets CommonJS dependencies that call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'silent',
  })
  const lib = fileURLToPath(new URL('../', import.meta.url))
  const modules = Object.keys(out.metafile?.inputs ?? {})
    .map((f) => path.relative(lib, path.resolve(f)))
    .filter((f) => !f.startsWith('..') && !path.isAbsolute(f))
  return { code: out.outputFiles[0].contents, modules }
}

/**
 * The handler code (cached per process: it does not depend on the configuration). The one
 * `npm run build` wrote when it is newer than every compiled module (esbuild takes seconds of
 * wall time; an installed CLI ships it, so every admin deploys the same bytes); otherwise — a
 * checkout compiled without it, or run from source — bundled now.
 */
export function bundleCode(): Promise<Uint8Array> {
  cachedCode ??= (async () => (prebuiltIsFresh() ? readFileSync(PREBUILT) : esbuildCode()))()
  return cachedCode
}

/** Beside the bundle: the compiled modules it was made of (`npm run build`). */
const PREBUILT_MODULES = new URL('./lambda-bundle.modules.json', import.meta.url)

/**
 * The prebuilt bundle exists and no compiled module it was made of is newer (a `tsc` alone after an
 * edit). Checked on every plan: the build lists those modules beside it, so this stats a dozen files,
 * not every module of dist/lib (which it still does for a bundle without the list).
 */
export function prebuiltIsFresh(): boolean {
  try {
    const built = statSync(PREBUILT).mtimeMs
    const lib = fileURLToPath(new URL('../', import.meta.url))
    let modules: string[]
    try {
      modules = JSON.parse(readFileSync(PREBUILT_MODULES, 'utf8')) as string[]
      if (!Array.isArray(modules) || modules.length === 0) throw new Error('no modules listed')
    } catch {
      modules = readdirSync(lib, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'))
    }
    for (const f of modules) if (statSync(path.join(lib, f)).mtimeMs > built) return false
    return true
  } catch {
    return false
  }
}

/** `npm run build`: writes the handler bundle beside the compiled lambda-entry.js, and what it was made of. */
export async function writePrebuiltBundle(): Promise<number> {
  const { code, modules } = await esbuildBundle()
  writeFileSync(PREBUILT_MODULES, `${JSON.stringify(modules)}\n`)
  writeFileSync(PREBUILT, code)
  return code.length
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

/** What a plan needs of the package: its hashes, not its bytes. */
export type AcsPackageHash = Omit<AcsBundle, 'zip'>

/** The package hash of the shipped handler and this configuration (see acsPackageHash). */
export async function buildAcsPackageHash(config: AcsConfig): Promise<AcsPackageHash> {
  return acsPackageHash(await bundleCode(), config)
}

// Zipping the 1.5 MB handler at level 9 costs about half a second of CPU each time, and a process
// that plans the same teams file more than once (the engine tests run many commands in one process)
// would zip the same package again: the same code and configuration give the same bytes, so the
// last few packages are kept, keyed by their content.
const recentBundles = new Map<string, AcsBundle>()
const RECENT_BUNDLES = 16

let zipFormat: string | undefined
/** The zip writer and its settings: another writer version could give other bytes for the same files. */
function zipFormatOf(): string {
  const fflate = createRequire(import.meta.url)('fflate/package.json') as { version: string }
  zipFormat ??= `fflate ${fflate.version} level 9 mtime 2020-01-01 index.mjs acs-config.json`
  return zipFormat
}

/** The content key of a package: the code's digest, the canonical configuration, and how it is zipped. */
function packageKey(code: Uint8Array, json: string): string {
  // Digested each time (a few ms), never remembered by the array's identity.
  const codeDigest = createHash('sha256').update(code).digest('hex')
  return createHash('sha256').update(`${zipFormatOf()}\n${codeDigest}\n${json}`).digest('hex')
}

/** The package of this handler code and configuration (the same bytes as packageZip gives). */
export async function acsBundleOf(code: Uint8Array, config: AcsConfig): Promise<AcsBundle> {
  const json = configJson(config)
  const key = packageKey(code, json)
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
  // What apply zipped corrects what the cache said (it is only ever a copy of this).
  await rememberHash(key, bundle.codeSha256)
  return bundle
}

/**
 * The package's hashes without zipping it when this code and configuration were zipped before
 * (by any run on this machine): Lambda's CodeSha256 of a package is remembered in the cache
 * directory, keyed by a digest of the code, the canonical configuration and the zip format. A
 * missing, unreadable or corrupt entry only means zipping again; apply always zips (it uploads
 * the bytes) and corrects the entry.
 */
export async function acsPackageHash(code: Uint8Array, config: AcsConfig): Promise<AcsPackageHash> {
  const json = configJson(config)
  const key = packageKey(code, json)
  const known = recentBundles.get(key)?.codeSha256 ?? (await recalledHash(key))
  if (!known) {
    const { zip: _zip, ...hash } = await acsBundleOf(code, config)
    return hash
  }
  return {
    codeSha256: known,
    configSha256: createHash('sha256').update(json).digest('hex'),
    codeBytes: code.length,
    codeVersion: codeVersionOf(code),
  }
}

export { cacheDir }

const entryPath = (key: string) => path.join(cacheDir(), 'acs-package', `${key}.json`)
const CODE_SHA256 = /^[A-Za-z0-9+/]{43}=$/

/** Counts of zips made and hashes recalled in this process (tests see the cache work through them). */
export const packageHashStats = { zipped: 0, recalled: 0 }

async function recalledHash(key: string): Promise<string | undefined> {
  try {
    const entry = JSON.parse(await readFile(entryPath(key), 'utf8')) as {
      key?: unknown
      codeSha256?: unknown
    }
    // The entry names its own key: a truncated, garbled or misplaced file is not believed.
    if (entry.key !== key || typeof entry.codeSha256 !== 'string' || !CODE_SHA256.test(entry.codeSha256))
      return undefined
    packageHashStats.recalled++
    return entry.codeSha256
  } catch {
    return undefined
  }
}

async function rememberHash(key: string, codeSha256: string): Promise<void> {
  try {
    const file = entryPath(key)
    await mkdir(path.dirname(file), { recursive: true })
    // Written whole, then renamed: a concurrent reader sees the old entry or the new one.
    const tmp = `${file}.${process.pid}.tmp`
    await writeFile(tmp, `${JSON.stringify({ key, codeSha256 })}\n`)
    await rename(tmp, file)
  } catch {
    // A read-only or missing home: the next run zips again.
  }
}

/** The deployment package: the handler and its configuration file, zipped (never cached). */
export async function packageZip(code: Uint8Array, json: string): Promise<Uint8Array> {
  const { zipSync } = await import('fflate')
  packageHashStats.zipped++
  return zipSync(
    {
      'index.mjs': [code, { mtime: fixedTime() }],
      'acs-config.json': [new TextEncoder().encode(json), { mtime: fixedTime() }],
    },
    { level: 9 },
  )
}
