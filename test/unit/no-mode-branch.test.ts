/**
 * One engine (#25): nothing in src/ asks "is this an accounts file?" outside reading the file's
 * topology (src/lib/model/topology.ts; the file's loading and validation in src/lib/config/), and no
 * module tests which mode it runs in (an engine context always names its kinds). A cheap text scan,
 * so that a mode branch does not creep back in.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from '../helpers/cli.js'

/** Reading the topology: the only places that may look at how the file is written. */
const TOPOLOGY_READERS = [
  path.join('src', 'lib', 'model', 'topology.ts'),
  path.join('src', 'lib', 'config') + path.sep,
]

const MODE_CHECKS: [string, RegExp][] = [
  [
    'a mode predicate',
    /\b(isMultiDomain|isMultiAccount|isAccountsFile|isOneDomain|isSingleDomain|multiDomain)\b/,
  ],
  [
    'accounts:/domains: tested for presence',
    /\bconfig\.(accounts|domains)\s*(\|\||&&)\s*[\w.]*\bconfig\.(accounts|domains)\b/,
  ],
  [
    'accounts:/domains: as a condition',
    /(\bif\s*\(\s*!?|\bBoolean\(\s*|!\s*)[\w.]*\bconfig\.(accounts|domains)\s*(\)|\?(?!\.)|&&|\|\|)/,
  ],
  ['a context asked for its mode', /(!\s*[\w.]*\bkinds\b(?!\.)|\bkinds\?\.|\bkinds\s*\?(?!\.))/],
]

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const file = path.join(dir, f)
    return statSync(file).isDirectory() ? sources(file) : file.endsWith('.ts') ? [file] : []
  })
}

/** Every line of src/ (outside the topology's readers) that matches a mode check. */
function modeBranches(root: string): string[] {
  const found: string[] = []
  for (const file of sources(path.join(root, 'src'))) {
    const rel = path.relative(root, file)
    if (TOPOLOGY_READERS.some((r) => rel === r || rel.startsWith(r))) continue
    for (const [n, line] of readFileSync(file, 'utf8').split('\n').entries())
      for (const [what, re] of MODE_CHECKS)
        if (re.test(line)) found.push(`${rel}:${n + 1}: ${what}: ${line.trim()}`)
  }
  return found
}

describe('one engine: no mode branch in src/', () => {
  it('nothing outside the topology asks which form the teams file is in, and no module asks its mode', () => {
    assert.deepEqual(modeBranches(ROOT), [])
  })

  it('the checks find each kind of mode branch', () => {
    for (const line of [
      'if (isMultiDomain(config)) {',
      'const many = Boolean(config.accounts || config.domains)',
      'if (!teams.config.accounts) return one()',
      'const modules = MODULES.filter((m) => !ctx.kinds || ctx.kinds.includes(m.kind))',
      "if (!ctx.kinds?.includes('mesh-grant')) return undefined",
    ])
      assert.ok(
        MODE_CHECKS.some(([, re]) => re.test(line)),
        line,
      )
    for (const line of [
      "if (!ctx.kinds.includes('assignment')) return",
      'const accounts = config.accounts?.[name]?.trustedPrincipals',
      'for (const [name, a] of Object.entries(config.accounts ?? {}))',
    ])
      assert.ok(!MODE_CHECKS.some(([, re]) => re.test(line)), line)
  })
})
