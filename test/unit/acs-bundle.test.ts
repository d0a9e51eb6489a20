import assert from 'node:assert/strict'
import { buildAcsBundle } from '../../src/lib/acs/bundle.js'
import type { AcsConfig } from '../../src/lib/acs/config.js'

describe('ACS package', function () {
  this.timeout(120_000)
  const zone = process.env.TZ

  afterEach(() => {
    if (zone === undefined) delete process.env.TZ
    else process.env.TZ = zone
  })

  it('has the same CodeSha256 in every time zone (a CI in UTC and a laptop elsewhere agree)', async () => {
    const config = { teams: {} } as unknown as AcsConfig
    const hashes = new Map<string, string>()
    for (const tz of ['UTC', 'America/New_York', 'Asia/Tokyo', 'Pacific/Chatham']) {
      process.env.TZ = tz
      hashes.set(tz, (await buildAcsBundle(config)).codeSha256)
    }
    assert.equal(new Set(hashes.values()).size, 1, JSON.stringify(Object.fromEntries(hashes), null, 1))
  })
})
