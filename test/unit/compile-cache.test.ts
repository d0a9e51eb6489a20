/**
 * The V8 code cache of the CommonJS modules (src/lib/compile-cache.ts, installed by bin/run.js):
 * a module comes from the cache only while its file is the one the cache was made from; a missing,
 * garbled or stale cache costs a compile, never a wrong module; modules with import() and ESM stay
 * Node's. Each run is a fresh Node process, as the CLI's runs are.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT, runCli } from '../helpers/cli.js'

const HOOK = pathToFileURL(path.join(ROOT, 'dist', 'lib', 'compile-cache.js')).href

interface Run {
  value: unknown
  stats: { cached: number; compiled: number; rejected: number }
}

/** A fresh Node process: the hook installed with `cache`, `entry` required, its export awaited, the cache saved. */
function run(cache: string, entry: string, nodeOptions: string[] = []): Run {
  const out = execFileSync(
    process.execPath,
    [
      ...nodeOptions,
      '--input-type=module',
      '-e',
      `const { installCompileCache } = await import(${JSON.stringify(HOOK)})
       const { createRequire } = await import('node:module')
       const hook = installCompileCache(${JSON.stringify(cache)})
       const value = await createRequire(import.meta.url)(${JSON.stringify(entry)})
       console.log(JSON.stringify({ value, stats: hook.stats }))`,
    ],
    { encoding: 'utf8', env: { ...process.env, SAGEMAKER_TEAMS_COMPILE_CACHE: '' } },
  )
  return JSON.parse(out) as Run
}

/** A package of three CommonJS files: main requires a sibling, resolves a path and uses __dirname. */
function fixture() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'compile-cache-'))
  const pkg = path.join(dir, 'node_modules', 'pkg')
  mkdirSync(pkg, { recursive: true })
  writeFileSync(path.join(pkg, 'package.json'), '{"name":"pkg","main":"main.js"}')
  writeFileSync(
    path.join(pkg, 'main.js'),
    `'use strict'
const { word } = require('./word.js')
module.exports = { word: word(), resolved: require.resolve('./word.js'), dir: __dirname, file: __filename, self: module.exports === exports }`,
  )
  writeFileSync(path.join(pkg, 'word.js'), "exports.word = () => 'alpha'\n")
  return { dir, pkg, cache: path.join(dir, 'cache', 'compile.bin'), main: path.join(pkg, 'main.js') }
}

describe('compile cache of the CommonJS modules', function () {
  this.timeout(60_000)

  it('compiles and saves on the first run, loads from the cache on the next, and the modules behave as Node loads them', () => {
    const f = fixture()
    const first = run(f.cache, f.main)
    const expected = {
      word: 'alpha',
      resolved: path.join(f.pkg, 'word.js'),
      dir: f.pkg,
      file: f.main,
      self: true,
    }
    assert.deepEqual(first.value, expected)
    assert.deepEqual(first.stats, { cached: 0, compiled: 2, rejected: 0 })
    assert.ok(existsSync(f.cache), 'the cache is written at exit')
    const second = run(f.cache, f.main)
    assert.deepEqual(second.value, expected)
    assert.deepEqual(second.stats, { cached: 2, compiled: 0, rejected: 0 })
  })

  it("writing a cache removes the other installations' files not written for 30 days, and keeps the rest", () => {
    const f = fixture()
    const dir = path.dirname(f.cache)
    mkdirSync(dir, { recursive: true })
    const day = 24 * 60 * 60 * 1000
    const aged = (name: string, days: number) => {
      const file = path.join(dir, name)
      writeFileSync(file, 'x')
      const then = new Date(Date.now() - days * day)
      utimesSync(file, then, then)
      return name
    }
    const gone = aged('v18.0.0-x64-0000000000000000.bin', 40)
    const recent = aged('v20.0.0-x64-1111111111111111.bin', 10)
    const other = aged('notes.txt', 40)
    run(f.cache, f.main)
    const left = readdirSync(dir)
    assert.ok(!left.includes(gone), left.join(', '))
    for (const name of [recent, other, path.basename(f.cache)]) assert.ok(left.includes(name), name)
  })

  it('an edited file is compiled from its new text, even at the same length (V8 alone would take the old code)', () => {
    const f = fixture()
    run(f.cache, f.main)
    const word = path.join(f.pkg, 'word.js')
    writeFileSync(word, "exports.word = () => 'bravo'\n") // same length as 'alpha'
    const later = new Date(Date.now() + 5000)
    utimesSync(word, later, later)
    const edited = run(f.cache, f.main)
    assert.equal((edited.value as { word: string }).word, 'bravo')
    assert.deepEqual(edited.stats, { cached: 1, compiled: 1, rejected: 0 })
    // …and the cache now holds the new one.
    assert.deepEqual(run(f.cache, f.main).stats, { cached: 2, compiled: 0, rejected: 0 })
  })

  it('a garbled, truncated or foreign cache file is not believed: the modules compile and behave', () => {
    const f = fixture()
    run(f.cache, f.main)
    const good = readFileSync(f.cache)
    // The code bytes changed, the index intact: V8 would take them (it checks their header only).
    const flipped = Buffer.from(good)
    const indexLength = flipped.readUInt32LE(0)
    for (let i = 4 + indexLength + 64; i < flipped.length; i++) flipped[i] ^= 0x5a
    const bad = [flipped, good.subarray(0, good.length >> 1), Buffer.from('not a cache'), Buffer.alloc(0)]
    for (const [i, bytes] of bad.entries()) {
      writeFileSync(f.cache, bytes)
      const r = run(f.cache, f.main)
      assert.equal((r.value as { word: string }).word, 'alpha', `case ${i}`)
      assert.deepEqual(r.stats, { cached: 0, compiled: 2, rejected: 0 }, `case ${i}`)
    }
    // Code V8 made under other flags: V8 rejects it, and the run compiles.
    const flags = run(f.cache, f.main, ['--no-opt'])
    assert.equal((flags.value as { word: string }).word, 'alpha')
    assert.deepEqual(flags.stats, { cached: 0, compiled: 2, rejected: 2 })
  })

  it('leaves modules with import() to Node (their import() works), and a cache it cannot write is no error', () => {
    const f = fixture()
    writeFileSync(
      path.join(f.pkg, 'main.js'),
      "module.exports = import('node:os').then((os) => typeof os.platform)\n",
    )
    // The cache's directory is a file: nothing can be written under it.
    writeFileSync(path.join(f.dir, 'cache'), '')
    const r = run(f.cache, f.main)
    assert.equal(r.value, 'function')
    assert.deepEqual(r.stats, { cached: 0, compiled: 0, rejected: 0 })
  })

  it('each installation of the CLI has its own file (a run reads only its own modules)', async () => {
    const { compileCacheFile } = (await import(HOOK)) as typeof import('../../src/lib/compile-cache.js')
    assert.notEqual(compileCacheFile('/c', '/a/node_modules/sagemaker-teams'), compileCacheFile('/c', '/b'))
    assert.equal(compileCacheFile('/c', '/b'), compileCacheFile('/c', '/b/'))
  })

  it('the CLI writes its cache under the cache directory and runs from it, or from a garbled one', async () => {
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'compile-cache-cli-'))
    const env = { SAGEMAKER_TEAMS_CACHE_DIR: cacheDir, SAGEMAKER_TEAMS_COMPILE_CACHE: '' }
    const file = path.join(ROOT, 'teams.example.yaml')
    const first = await runCli(['validate', '-f', file], { env })
    // One file, this installation's for this Node.
    const files = readdirSync(path.join(cacheDir, 'compile-cache'))
    assert.equal(files.length, 1, first.stderr)
    assert.match(files[0], new RegExp(`^${process.version}-${process.arch}-[0-9a-f]{16}\\.bin$`))
    const cached = path.join(cacheDir, 'compile-cache', files[0])
    const bytes = readFileSync(cached)
    for (let i = bytes.length >> 1; i < bytes.length; i++) bytes[i] ^= 0xff
    writeFileSync(cached, bytes)
    const again = await runCli(['validate', '-f', file], { env })
    assert.equal(again.code, first.code)
    assert.equal(again.stdout, first.stdout)
  })
})
