import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { strFromU8, unzipSync } from 'fflate'
import {
  acsBundleOf,
  acsPackageHash,
  buildAcsBundle,
  bundleCode,
  configJson,
  packageZip,
} from '../../src/lib/acs/bundle.js'
import type { AcsConfig } from '../../src/lib/acs/config.js'
import { ROOT } from '../helpers/cli.js'

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64')

describe('ACS package', function () {
  this.timeout(120_000)
  const zone = process.env.TZ

  afterEach(() => {
    if (zone === undefined) delete process.env.TZ
    else process.env.TZ = zone
  })

  it('has the same CodeSha256 in every time zone (a CI in UTC and a laptop elsewhere agree)', async () => {
    const code = await bundleCode()
    const json = configJson({ teams: {} } as unknown as AcsConfig)
    const hashes = new Map<string, string>()
    for (const tz of ['UTC', 'America/New_York', 'Asia/Tokyo', 'Pacific/Chatham']) {
      process.env.TZ = tz
      // packageZip is never cached: each time zone zips again.
      hashes.set(tz, sha256(await packageZip(code, json)))
    }
    assert.equal(new Set(hashes.values()).size, 1, JSON.stringify(Object.fromEntries(hashes), null, 1))
  })

  it('a kept package is the one its code and configuration give: a changed configuration or code is zipped again', async () => {
    const config = (teams: string[]) =>
      ({ teams: Object.fromEntries(teams.map((t) => [t, { members: [] }])) }) as unknown as AcsConfig
    const codeA = new TextEncoder().encode('export const handler = () => 1\n')
    const codeB = new TextEncoder().encode('export const handler = () => 2\n')
    const check = async (code: Uint8Array, c: AcsConfig) => {
      const bundle = await acsBundleOf(code, c)
      const fresh = await packageZip(code, configJson(c))
      assert.equal(bundle.codeSha256, sha256(fresh), 'CodeSha256 is the hash of a fresh zip of this content')
      assert.deepEqual(bundle.zip, fresh)
      const files = unzipSync(bundle.zip)
      assert.deepEqual(files['index.mjs'], code)
      assert.deepEqual(JSON.parse(strFromU8(files['acs-config.json'])), JSON.parse(configJson(c)))
      return bundle.codeSha256
    }
    const first = await check(codeA, config(['team1']))
    assert.equal(await check(codeA, config(['team1'])), first)
    const otherConfig = await check(codeA, config(['team1', 'team2']))
    const otherCode = await check(codeB, config(['team1']))
    assert.equal(new Set([first, otherConfig, otherCode]).size, 3)
    // A code array changed in place is a changed bundle too (its digest is not remembered by identity).
    codeA[codeA.length - 2] = 0x32
    assert.equal(await check(codeA, config(['team1'])), otherCode)
    // The handler the CLI ships, through buildAcsBundle.
    const shipped = await buildAcsBundle(config(['team1']))
    assert.equal(
      shipped.codeSha256,
      sha256(await packageZip(await bundleCode(), configJson(config(['team1'])))),
    )
  })
})

describe('ACS package hash, remembered per content', function () {
  this.timeout(120_000)
  const saved = process.env.SAGEMAKER_TEAMS_CACHE_DIR
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'smt-cache-'))
    process.env.SAGEMAKER_TEAMS_CACHE_DIR = dir
  })
  afterEach(() => {
    if (saved === undefined) delete process.env.SAGEMAKER_TEAMS_CACHE_DIR
    else process.env.SAGEMAKER_TEAMS_CACHE_DIR = saved
    rmSync(dir, { recursive: true, force: true })
  })
  // Content no other test zips, so this process's own memory of recent packages never answers.
  const unique = () => new TextEncoder().encode(`export const handler = () => '${Math.random()}'\n`)
  const config = { teams: { team1: { members: [] } } } as unknown as AcsConfig
  const entries = () => readdirSync(path.join(dir, 'acs-package'))

  it('is zipped once per content on this machine: a later run reads its CodeSha256 from the cache directory', () => {
    // Two processes (the memory of one process does not count), the shipped handler from dist/.
    const run = (teams: string[]) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `const b = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist', 'lib', 'acs', 'bundle.js')).href)})
             const config = { teams: Object.fromEntries(${JSON.stringify(teams)}.map((t) => [t, { members: [] }])) }
             const h = await b.buildAcsPackageHash(config)
             const zip = await b.packageZip(await b.bundleCode(), b.configJson(config))
             const fresh = (await import('node:crypto')).createHash('sha256').update(zip).digest('base64')
             console.log(JSON.stringify({ hash: h.codeSha256, fresh, zipped: b.packageHashStats.zipped - 1, recalled: b.packageHashStats.recalled }))`,
          ],
          { env: { ...process.env, SAGEMAKER_TEAMS_CACHE_DIR: dir }, encoding: 'utf8' },
        ),
      ) as { hash: string; fresh: string; zipped: number; recalled: number }
    const first = run(['team1'])
    assert.deepEqual(
      { ...first, hash: first.hash === first.fresh },
      { ...first, hash: true, zipped: 1, recalled: 0 },
    )
    assert.equal(entries().length, 1)
    const second = run(['team1'])
    assert.deepEqual(second, { ...first, zipped: 0, recalled: 1 })
    // Another configuration is another package.
    const other = run(['team1', 'team2'])
    assert.equal(other.zipped, 1)
    assert.notEqual(other.hash, first.hash)
    assert.equal(entries().length, 2)
  })

  it('a corrupt, garbled or unwritable cache only means zipping again, with the right hash', async () => {
    const code = unique()
    const right = sha256(await packageZip(code, configJson(config)))
    await acsPackageHash(code, config)
    const [entry] = entries()
    const file = path.join(dir, 'acs-package', entry)
    for (const bad of [
      'not json',
      '{"key":"x","codeSha256":"KvyMUkCqTXMLHCoGl9ynykyMWGuxVGQJqpjElx3qxkU="}',
      JSON.stringify({ key: entry.replace('.json', ''), codeSha256: 'short' }),
    ]) {
      writeFileSync(file, bad)
      // A fresh process would not have it in memory: a new code array with the same bytes does not help,
      // the memory is keyed by content; so the check is on the hash and on the entry rewritten.
      const h = await acsPackageHash(code, config)
      assert.equal(h.codeSha256, right)
    }
    // The cache directory cannot be made (a file stands in its way): still the right hash.
    const blocked = path.join(dir, 'file')
    writeFileSync(blocked, '')
    process.env.SAGEMAKER_TEAMS_CACHE_DIR = path.join(blocked, 'cache')
    assert.equal((await acsPackageHash(unique(), config)).codeSha256.length, 44)
  })
})

describe('ACS handler bundled at build time', () => {
  it('`npm run build` wrote it and dist reads it while no compiled module is newer', async () => {
    const dist = (await import(path.join(ROOT, 'dist', 'lib', 'acs', 'bundle.js'))) as {
      bundleCode: () => Promise<Uint8Array>
      prebuiltIsFresh: () => boolean
    }
    const prebuilt = path.join(ROOT, 'dist', 'lib', 'acs', 'lambda-bundle.mjs')
    assert.ok(dist.prebuiltIsFresh(), 'fresh after npm run build')
    assert.ok(Buffer.from(await dist.bundleCode()).equals(readFileSync(prebuilt)), 'the prebuilt bytes')
    // `tsc` alone after an edit: a compiled module newer than the bundle makes it stale.
    const module = path.join(ROOT, 'dist', 'lib', 'acs', 'handler.js')
    const later = new Date(Date.now() + 60_000)
    utimesSync(module, later, later)
    try {
      assert.equal(dist.prebuiltIsFresh(), false)
    } finally {
      utimesSync(prebuilt, later, later)
    }
    assert.ok(dist.prebuiltIsFresh())
    // Only the modules the bundle is made of count (the build lists them beside it): a plan stats
    // those, not every module of dist/lib.
    const modules = JSON.parse(
      readFileSync(path.join(ROOT, 'dist', 'lib', 'acs', 'lambda-bundle.modules.json'), 'utf8'),
    ) as string[]
    assert.ok(modules.includes(path.join('acs', 'handler.js')), modules.join(', '))
    assert.ok(!modules.includes(path.join('engine', 'scopes.js')))
    const other = path.join(ROOT, 'dist', 'lib', 'engine', 'scopes.js')
    const later2 = new Date(Date.now() + 120_000)
    utimesSync(other, later2, later2)
    assert.ok(dist.prebuiltIsFresh(), 'a module outside the bundle changed: still fresh')
  })
})
