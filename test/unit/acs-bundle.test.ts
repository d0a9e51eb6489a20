import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { strFromU8, unzipSync } from 'fflate'
import { acsBundleOf, buildAcsBundle, bundleCode, configJson, packageZip } from '../../src/lib/acs/bundle.js'
import type { AcsConfig } from '../../src/lib/acs/config.js'

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
