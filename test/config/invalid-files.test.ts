import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT, runCli } from '../helpers/cli.js'

const DIR = path.join(ROOT, 'test', 'fixtures', 'invalid')
const expected = JSON.parse(readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as Record<
  string,
  { line: number; col: number; message: string }
>

describe('validate: broken teams files', function () {
  // One CLI process per fixture, four at a time: slow on a loaded machine.
  this.timeout(300_000)
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'))

  it('has at least 25 fixtures, each with an expectation', () => {
    assert.ok(files.length >= 25, `${files.length} fixtures`)
    assert.deepEqual(files.sort(), Object.keys(expected).sort())
  })

  // Through the real CLI, a few at a time: exit 1, the right file:line:col and message, no stack trace.
  const results = new Map<string, Awaited<ReturnType<typeof runCli>>>()
  before(async () => {
    const queue = [...files]
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let f = queue.shift(); f; f = queue.shift()) {
          results.set(f, await runCli(['validate', '-f', path.join('test', 'fixtures', 'invalid', f)]))
        }
      }),
    )
  })

  for (const file of Object.keys(expected).sort()) {
    it(`${file}: ${expected[file].message}`, () => {
      const r = results.get(file)!
      const e = expected[file]
      assert.equal(r.code, 1, r.stderr)
      assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace')
      const location = `test/fixtures/invalid/${file}:${e.line}:${e.col}  `
      const line = r.stderr.split('\n').find((l) => l.startsWith(location))
      assert.ok(line, `expected a problem at ${location}, got:\n${r.stderr}`)
      assert.ok(line.includes(e.message), `expected "${e.message}" in: ${line}`)
    })
  }
})
