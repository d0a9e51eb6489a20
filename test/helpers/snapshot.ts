/**
 * File snapshots: `assertSnapshot('name', text)` compares with test/__snapshots__/name.snap;
 * run with UPDATE_SNAPSHOTS=1 to (re)write them. A missing snapshot fails unless updating.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '__snapshots__')

export function assertSnapshot(name: string, actual: string): void {
  const file = path.join(DIR, `${name}.snap`)
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, actual)
    return
  }
  assert.ok(existsSync(file), `snapshot ${name} is missing; run with UPDATE_SNAPSHOTS=1 and review it`)
  assert.equal(actual, readFileSync(file, 'utf8'), `snapshot ${name} differs`)
}
