import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { formatProblem, loadTeamsFile } from '../../src/lib/config/load.js'
import { ROOT, runCli } from '../helpers/cli.js'

const DIR = path.join(ROOT, 'test', 'fixtures', 'invalid')
const expected = JSON.parse(readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as Record<
  string,
  { line: number; col: number; message: string }
>
const fixture = (file: string) => path.join('test', 'fixtures', 'invalid', file)

/** The lines `validate` prints for a file, computed in process with the command's own loader. */
async function problemLines(file: string): Promise<string[]> {
  const result = await loadTeamsFile(fixture(file))
  assert.ok(!result.ok, `${file} loaded without a problem`)
  return result.problems.map(formatProblem)
}

describe('validate: broken teams files', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'))

  it('has at least 25 fixtures, each with an expectation', () => {
    assert.ok(files.length >= 25, `${files.length} fixtures`)
    assert.deepEqual(files.sort(), Object.keys(expected).sort())
  })

  // Every fixture through the loader `validate` runs: the right file:line:col and message.
  for (const file of Object.keys(expected).sort()) {
    it(`${file}: ${expected[file].message}`, async () => {
      const e = expected[file]
      const lines = await problemLines(file)
      const location = `${fixture(file)}:${e.line}:${e.col}  `
      const line = lines.find((l) => l.startsWith(location))
      assert.ok(line, `expected a problem at ${location}, got:\n${lines.join('\n')}`)
      assert.ok(line.includes(e.message), `expected "${e.message}" in: ${line}`)
    })
  }

  // A few through the real CLI (one process each costs ~0.7 s): exit 1, exactly the loader's lines
  // and a count, no stack trace.
  for (const file of files.sort().filter((_, i) => i % 20 === 0)) {
    it(`the CLI prints ${file}'s problems and exits 1`, async () => {
      const r = await runCli(['validate', '-f', fixture(file)])
      assert.equal(r.code, 1, r.stderr)
      assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace')
      const lines = await problemLines(file)
      const count = `${lines.length} problem${lines.length === 1 ? '' : 's'} in ${fixture(file)}`
      assert.equal(r.stderr, `${[...lines, count].join('\n')}\n`)
    })
  }
})
