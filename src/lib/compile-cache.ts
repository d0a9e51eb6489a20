/**
 * A V8 code cache for the CommonJS modules the CLI requires (the AWS SDK above all: compiling its
 * files was the largest single cost of a `plan`). Node 20 has no module.enableCompileCache (22.1+),
 * and the require hooks on npm (v8-compile-cache, v8-compile-cache-lib) are unmaintained and break
 * here: they compile every module with vm.Script, whose dynamic import() fails in a module loaded
 * from the cache (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING, oclif's loader uses it), they hash every
 * file's text on each run, and they cache only what V8 compiled before the module ran.
 *
 * This hook compiles a module from its cached code when the file's path, size and modification time
 * are those the cache was made from, and otherwise as Node would. At exit, when anything was compiled
 * afresh, it writes the code of every module compiled this run, taken after the run so that it also
 * holds the functions V8 compiled lazily, to one file per installation of the CLI, Node version and
 * architecture (written whole and renamed: a concurrent reader sees the old file or the new one), so
 * a run reads only its own installation's modules. V8 checks the data it is given (its version and
 * flags) and rejects what does not fit, and each module's code carries a hash checked when it is
 * used: a missing, truncated or garbled cache file costs a compile, never a wrong module or a crash.
 * SAGEMAKER_TEAMS_COMPILE_CACHE=0 turns it off.
 */
import { createHash } from 'node:crypto'
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import Module from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import vm from 'node:vm'
import { cacheDir } from './cache-dir.js'

const FORMAT = 'sagemaker-teams compile cache 2'

/** A module's code in the cache: the file it was compiled from, where its bytes are, and their hash. */
interface Entry {
  size: number
  mtimeMs: number
  offset: number
  length: number
  sha1: string
}

type Source = Pick<Entry, 'size' | 'mtimeMs'>

const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex')

/** What the last run left: its index and the bytes the index points into. */
interface Stored {
  entries: Map<string, Entry>
  data: Buffer
}

/** This installation of the CLI (dist/lib → its root). */
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/**
 * The cache file of an installation for this Node (V8 accepts only code made by its own version):
 * `compile-cache/<node version>-<arch>-<digest of the installation's path>.bin`.
 */
export function compileCacheFile(dir = cacheDir(), root = ROOT): string {
  const where = sha1(Buffer.from(path.resolve(root))).slice(0, 16)
  return path.join(dir, 'compile-cache', `${process.version}-${process.arch}-${where}.bin`)
}

/** The stored cache, or an empty one when the file is missing or not one of ours. */
export function readCompileCache(file: string): Stored {
  const empty: Stored = { entries: new Map(), data: Buffer.alloc(0) }
  try {
    const bytes = readFileSync(file)
    // [uint32 index length][index JSON][code…]
    const indexLength = bytes.readUInt32LE(0)
    const index = JSON.parse(bytes.subarray(4, 4 + indexLength).toString('utf8')) as {
      format?: unknown
      entries?: unknown
    }
    if (index.format !== FORMAT || typeof index.entries !== 'object' || index.entries === null) return empty
    const data = bytes.subarray(4 + indexLength)
    const entries = new Map<string, Entry>()
    for (const [file, e] of Object.entries(index.entries as Record<string, Partial<Entry>>)) {
      const { size, mtimeMs, offset, length } = e
      if (
        [size, mtimeMs, offset, length].every((n) => typeof n === 'number' && n >= 0) &&
        typeof e.sha1 === 'string' &&
        (offset as number) + (length as number) <= data.length
      )
        entries.set(file, e as Entry)
    }
    return { entries, data }
  } catch {
    return empty
  }
}

/** Writes the cache whole, then renames it into place. */
export function writeCompileCache(file: string, modules: Map<string, { stat: Source; code: Buffer }>) {
  const entries: Record<string, Entry> = {}
  const chunks: Buffer[] = []
  let offset = 0
  for (const [name, m] of modules) {
    entries[name] = { ...m.stat, offset, length: m.code.length, sha1: sha1(m.code) }
    chunks.push(m.code)
    offset += m.code.length
  }
  const data = Buffer.concat(chunks)
  const index = Buffer.from(JSON.stringify({ format: FORMAT, entries }), 'utf8')
  const head = Buffer.alloc(4)
  head.writeUInt32LE(index.length, 0)
  mkdirSync(path.dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.tmp`
  try {
    writeFileSync(tmp, Buffer.concat([head, index, data]))
    renameSync(tmp, file)
  } catch (e) {
    try {
      unlinkSync(tmp)
    } catch {}
    throw e
  }
  pruneCompileCaches(path.dirname(file))
}

/** A cache file not written for this long belongs to an installation (or Node) that is gone. */
export const COMPILE_CACHE_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000

/**
 * Each installation path and Node version gets its own file (a few MB), and upgrades and `npx`
 * leave old ones behind: writing a cache removes its siblings not written for 30 days. A file
 * still in use is merely rewritten on its next run.
 */
export function pruneCompileCaches(dir: string, now = Date.now()): void {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return
  }
  for (const name of names) {
    if (!name.endsWith('.bin')) continue
    const file = path.join(dir, name)
    try {
      if (now - statSync(file).mtimeMs > COMPILE_CACHE_MAX_AGE_MS) unlinkSync(file)
    } catch {} // another process removed or replaced it: nothing to do
  }
}

/** The hook installed: its counts (tests see the cache work through them), and what the exit does. */
export interface CompileCache {
  stats: { cached: number; compiled: number; rejected: number }
  /** Writes the cache when anything was compiled afresh (done at exit). */
  save(): void
  /** Gives Node back its own compile and require. */
  uninstall(): void
}

interface CjsModule {
  exports: unknown
  require(id: string): unknown
  constructor: CjsStatics
}
interface CjsStatics {
  _resolveFilename(request: string, parent: CjsModule, isMain: boolean, options?: unknown): string
  _resolveLookupPaths(request: string, parent: CjsModule): string[] | null
  _extensions: unknown
  _cache: unknown
  wrap(source: string): string
}
type Compile = (this: CjsModule, content: string, filename: string, format?: string) => unknown

/** Node's own require for a module (lib/internal/modules/helpers.js makeRequireFunction). */
function makeRequire(mod: CjsModule) {
  const M = mod.constructor
  const require = (id: string) => mod.require(id)
  const resolve = (request: string, options?: unknown) => M._resolveFilename(request, mod, false, options)
  resolve.paths = (request: string) => M._resolveLookupPaths(request, mod)
  return Object.assign(require, {
    resolve,
    main: process.mainModule,
    extensions: M._extensions,
    cache: M._cache,
  })
}

/**
 * Installs the hook for the rest of the process, cache at `file`. Modules this hook leaves to Node:
 * the ones required from ES modules at the top (Node's own compile then keeps its cache of file
 * lookups for the whole tree they require), those with import() (V8 loses the callback it needs in
 * cached code on Node 20), with a #! line, not CommonJS, or that V8 will not compile as a script.
 */
export function installCompileCache(file = compileCacheFile()): CompileCache | undefined {
  if (process.env.SAGEMAKER_TEAMS_COMPILE_CACHE === '0') return undefined
  const stats = { cached: 0, compiled: 0, rejected: 0 }
  const proto = (Module as unknown as { prototype: { _compile: Compile; require: (id: string) => unknown } })
    .prototype
  const nodeCompile = proto._compile
  const nodeRequire = proto.require
  let stored: Stored | undefined
  const compiledNow = new Map<string, { stat: Source; script: vm.Script; fresh: boolean }>()
  let depth = 0

  proto.require = function require(this: CjsModule, id: string) {
    depth++
    try {
      return nodeRequire.call(this, id)
    } finally {
      depth--
    }
  }
  proto._compile = function compile(this: CjsModule, content: string, filename: string, format?: string) {
    if (depth === 0 || format === 'module' || content.startsWith('#!') || content.includes('import('))
      return nodeCompile.call(this, content, filename, format)
    let stat: Source
    try {
      const s = statSync(filename)
      stat = { size: s.size, mtimeMs: s.mtimeMs }
    } catch {
      return nodeCompile.call(this, content, filename, format)
    }
    stored ??= readCompileCache(file)
    const entry = stored.entries.get(filename)
    let cachedData =
      entry && entry.size === stat.size && entry.mtimeMs === stat.mtimeMs
        ? stored.data.subarray(entry.offset, entry.offset + entry.length)
        : undefined
    // V8 checks the header of the code it is given, not the rest (its checksum is on in debug builds
    // only): garbled bytes could crash the process.
    if (cachedData && sha1(cachedData) !== entry!.sha1) cachedData = undefined
    let script: vm.Script
    try {
      script = new vm.Script(this.constructor.wrap(content), { filename, cachedData })
    } catch {
      // A syntax error, or ES module syntax in a .js file: Node says which, as it always has.
      return nodeCompile.call(this, content, filename, format)
    }
    const fresh = !cachedData || script.cachedDataRejected === true
    if (cachedData && script.cachedDataRejected) stats.rejected++
    if (fresh) stats.compiled++
    else stats.cached++
    compiledNow.set(filename, { stat, script, fresh })
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown
    return wrapper.call(this.exports, this.exports, makeRequire(this), this, filename, path.dirname(filename))
  }

  const atExit = () => {
    uninstall()
    save()
  }
  const uninstall = () => {
    proto._compile = nodeCompile
    proto.require = nodeRequire
    process.removeListener('exit', atExit)
  }
  const save = () => {
    if (![...compiledNow.values()].some((m) => m.fresh)) return
    try {
      // This run's modules, then the others the cache held whose files are unchanged (other commands').
      const modules = new Map<string, { stat: Source; code: Buffer }>()
      for (const [name, m] of compiledNow)
        modules.set(name, { stat: m.stat, code: m.script.createCachedData() })
      for (const [name, e] of stored?.entries ?? []) {
        if (modules.has(name)) continue
        try {
          const s = statSync(name)
          const code = (stored as Stored).data.subarray(e.offset, e.offset + e.length)
          // Kept while its file is unchanged and its bytes are the ones written.
          if (s.size === e.size && s.mtimeMs === e.mtimeMs && sha1(code) === e.sha1)
            modules.set(name, { stat: { size: e.size, mtimeMs: e.mtimeMs }, code: Buffer.from(code) })
        } catch {
          // Its file is gone: so is its entry.
        }
      }
      writeCompileCache(file, modules)
    } catch {
      // A read-only or full disk: the next run compiles again.
    }
  }
  process.once('exit', atExit)
  return { stats, save, uninstall }
}
