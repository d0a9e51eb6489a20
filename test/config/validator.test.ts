/**
 * schema/teams.validate.cjs, the precompiled schema check the CLI loads instead of compiling the
 * schema with ajv on every run: it is what the committed schema compiles to (its text, and the same
 * verdict and errors as ajv's run-time compile on every fixture).
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { Ajv } from 'ajv'
import { parse } from 'yaml'
import { ROOT } from '../helpers/cli.js'

const require = createRequire(import.meta.url)
const SCHEMA = path.join(ROOT, 'schema', 'teams.schema.json')

/** Every teams file the repository holds: the examples and the broken and valid fixtures. */
function teamsFiles(): string[] {
  const dirs = ['test/fixtures/invalid', 'test/fixtures', 'examples']
  const files = ['teams.example.yaml']
  for (const dir of dirs)
    for (const f of readdirSync(path.join(ROOT, dir)))
      if (/\.ya?ml$/.test(f) && f !== 'demo-account.yaml') files.push(path.join(dir, f))
  return files
}

describe('the precompiled teams file schema check', () => {
  it('is the standalone code of the committed schema (npm run schema / npm run build regenerate it)', async () => {
    const { validatorCode } = await import(
      pathToFileURL(path.join(ROOT, 'scripts', 'gen-validator.mjs')).href
    )
    assert.equal(
      readFileSync(path.join(ROOT, 'schema', 'teams.validate.cjs'), 'utf8'),
      validatorCode(readFileSync(SCHEMA, 'utf8')),
      'schema/teams.validate.cjs is stale: run npm run schema',
    )
  })

  it("gives ajv's run-time compile's verdict and errors on every teams file of the repository", async () => {
    const { AJV_OPTIONS } = await import(pathToFileURL(path.join(ROOT, 'scripts', 'gen-validator.mjs')).href)
    const compiled = new Ajv(AJV_OPTIONS).compile(JSON.parse(readFileSync(SCHEMA, 'utf8')))
    const standalone = require(path.join(ROOT, 'schema', 'teams.validate.cjs')) as typeof compiled
    let checked = 0
    let invalid = 0
    for (const file of teamsFiles()) {
      let data: unknown
      try {
        data = parse(readFileSync(path.join(ROOT, file), 'utf8'))
      } catch {
        continue // not YAML: the loader stops before the schema
      }
      const verdict = compiled(data)
      assert.equal(standalone(data), verdict, file)
      assert.deepEqual(standalone.errors ?? null, compiled.errors ?? null, file)
      checked++
      if (!verdict) invalid++
    }
    assert.ok(checked >= 50 && invalid >= 15, `${checked} files checked, ${invalid} invalid`)
  })
})
