/**
 * The IAM simulator's results shared between test processes (src/lib/policies/simulate-cache.ts):
 * a result is found by the digest of its whole input, and nothing but a result of that key is believed.
 */
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { resultKey, sharedResult, shareResult } from '../../src/lib/policies/simulate-cache.js'

describe('IAM simulator results shared through files', () => {
  const saved = process.env.IAM_SIMULATE_CACHE
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sim-cache-'))
    process.env.IAM_SIMULATE_CACHE = dir
  })
  after(() => {
    process.env.IAM_SIMULATE_CACHE = saved
  })

  const input = { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { a: '1' } }

  it('finds a result by its whole input, and only by it', () => {
    assert.equal(sharedResult(resultKey(input)), undefined)
    shareResult(resultKey(input), { decision: 'ExplicitlyDenied', ignored: ['s3:prefix'] })
    assert.deepEqual(sharedResult(resultKey({ ...input })), {
      decision: 'ExplicitlyDenied',
      ignored: ['s3:prefix'],
    })
    assert.equal(sharedResult(resultKey({ ...input, context: { a: '2' } })), undefined)
  })

  it("a garbled file or another key's is not believed; nothing is shared without the folder", () => {
    const key = resultKey(input)
    const other = resultKey({ ...input, action: 's3:PutObject' })
    shareResult(other, { decision: 'Allowed', ignored: [] })
    const fileOf = (k: string) => path.join(dir, k.slice(0, 2), k)
    assert.deepEqual(readdirSync(path.dirname(fileOf(other))), [other])
    writeFileSync(fileOf(other), '{"decision":"Allow","ignored":[]')
    assert.equal(sharedResult(other), undefined)
    // Another key's file under this key's name.
    mkdirSync(path.dirname(fileOf(key)), { recursive: true })
    writeFileSync(fileOf(key), JSON.stringify({ key: other, decision: 'Allowed', ignored: [] }))
    assert.equal(sharedResult(key), undefined)
    writeFileSync(fileOf(key), JSON.stringify({ key, decision: 'Allowed', ignored: [] }))
    assert.deepEqual(sharedResult(key), { decision: 'Allowed', ignored: [] })
    delete process.env.IAM_SIMULATE_CACHE
    shareResult(key, { decision: 'Allowed', ignored: [] })
    assert.equal(sharedResult(key), undefined)
  })
})
