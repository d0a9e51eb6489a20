// Module hook for test processes: the built CLI (dist/) is loaded as it is, not through tsx.
// tsx rewrites every module containing `import(` and gives it a source map of its own, which
// replaces tsc's map to src/; commands run in process would then be counted by c8 as dist/
// files instead of the src/ lines they run.
import { readFile } from 'node:fs/promises'

const DIST = new URL('../dist/', import.meta.url).href

export async function load(url, context, nextLoad) {
  if (url.startsWith(DIST) && url.endsWith('.js'))
    return { format: 'module', source: await readFile(new URL(url), 'utf8'), shortCircuit: true }
  return nextLoad(url, context)
}
