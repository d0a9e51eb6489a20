// The test files `npm test` runs, heaviest first. mocha --parallel hands files to its workers in
// the order it is given them (alphabetical from a glob), so a heavy file that comes last
// (test/workspace/, test/roles/) runs alone on one core while the other idles: longest first, the
// run ends with small files on both cores. HEAVIEST is from a measured run (CPU seconds per file,
// see the commit that changed it); a file missing from it runs after them, in name order.
import { readdirSync } from 'node:fs'
import path from 'node:path'

const HEAVIEST = [
  'test/engine/narrowing.test.ts',
  'test/ops/install.test.ts',
  'test/workspace/workspace.test.ts',
  'test/engine/edge-cases.test.ts',
  'test/engine/one-writer.test.ts',
  'test/unit/kind-pieces.test.ts',
  'test/engine/upgrade.test.ts',
  'test/engine/refresh-events.test.ts',
  'test/engine/reconcile.test.ts',
  'test/engine/accounts-apply.test.ts',
  'test/roles/roles-lakeformation.test.ts',
  'test/engine/profile-tags.test.ts',
  'test/ops/import-accounts.test.ts',
  'test/engine/one-engine.test.ts',
  'test/plan/compact.test.ts',
  'test/engine/revocation.test.ts',
  'test/cli/conventions.test.ts',
  'test/engine/interactive.test.ts',
  'test/engine/one-engine-commands.test.ts',
  'test/engine/one-engine-parity.test.ts',
]

const files = readdirSync('test', { recursive: true })
  .map((f) => path.join('test', String(f)).split(path.sep).join('/'))
  .filter((f) => f.endsWith('.test.ts'))
  .sort()
const first = HEAVIEST.filter((f) => files.includes(f))
console.log([...first, ...files.filter((f) => !first.includes(f))].join('\n'))
