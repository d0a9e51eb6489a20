/**
 * The emulator's IAM simulator decisions shared between processes (tools/emulator/simulate-cache.ts):
 * a decision is found by the digest of its whole input, and nothing but a decision is believed.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { decisionKey, shareDecision, sharedDecision } from '../../tools/emulator/simulate-cache.js'

describe('emulator simulator decisions shared through files', () => {
  const saved = process.env.EMULATOR_SIMULATE_CACHE
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sim-cache-'))
    process.env.EMULATOR_SIMULATE_CACHE = dir
  })
  after(() => {
    process.env.EMULATOR_SIMULATE_CACHE = saved
  })

  const input = { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { a: '1' } }

  it('finds a decision by its whole input, and only by it', () => {
    assert.equal(sharedDecision(decisionKey(input)), undefined)
    shareDecision(decisionKey(input), 'ExplicitlyDenied')
    assert.equal(sharedDecision(decisionKey({ ...input })), 'ExplicitlyDenied')
    assert.equal(sharedDecision(decisionKey({ ...input, context: { a: '2' } })), undefined)
  })

  it('a garbled or half-written file is not believed; nothing is shared without the folder', () => {
    const key = decisionKey(input)
    shareDecision(key, 'Allowed')
    const [sub] = readdirSync(dir)
    writeFileSync(path.join(dir, sub, key), 'Allow')
    assert.equal(sharedDecision(key), undefined)
    delete process.env.EMULATOR_SIMULATE_CACHE
    shareDecision(key, 'Allowed')
    assert.equal(sharedDecision(key), undefined)
  })
})
