// `npm run build`, after tsc: the compiled CLI loads its CommonJS packages (the AWS SDK, yaml,
// xmldom, picocolors) with require() instead of ESM import. Node imports a CommonJS module into an
// ES module by compiling its source once more to tell its format (these package.json files have
// no "type") and scanning it for export names (cjs-module-lexer); the SDK clients' index files are
// up to 800 KB each, and that was a quarter of `plan`'s CPU. require() skips both and gives the same
// module.exports. The source keeps its imports (tsx and the type checker see them as written); only
// dist/ is rewritten, line for line, so the source maps still hold. It runs after
// scripts/build-acs.mjs: esbuild bundles the ACS Lambda from the modules as tsc compiled them.
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dist = path.join(root, 'dist')

/** The packages linked with require(): CommonJS, with the same exports either way. */
export const LINKED = /^(@aws-sdk\/.+|@smithy\/.+|yaml|@xmldom\/xmldom|picocolors)$/

const namedImport = /^import \{([^}]*)\} from '([^']+)';$/gm
const defaultImport = /^import ([\w$]+) from '([^']+)';$/gm
const dynamicImport = /\bimport\('([^']+)'\)/g
const HEADER =
  "import { createRequire as __createRequire } from 'node:module'; const __require = __createRequire(import.meta.url); "

/** The module's text with its imports of LINKED packages made require() calls; the same text when it has none. */
export function linkCjs(text) {
  let changed = false
  let out = text.replace(namedImport, (all, names, pkg) => {
    if (!LINKED.test(pkg)) return all
    changed = true
    // `a as b` → `a: b`; line breaks stay where they were.
    return `const {${names.replace(/([\w$]+)\s+as\s+([\w$]+)/g, '$1: $2')}} = __require('${pkg}');`
  })
  // A CommonJS module's default export is its module.exports.
  out = out.replace(defaultImport, (all, name, pkg) => {
    if (!LINKED.test(pkg)) return all
    changed = true
    return `const ${name} = __require('${pkg}');`
  })
  out = out.replace(dynamicImport, (all, pkg) => {
    if (!LINKED.test(pkg)) return all
    changed = true
    // Still lazy and still a promise: a module that cannot be loaded rejects it, as import() would.
    return `Promise.resolve().then(() => __require('${pkg}'))`
  })
  if (!changed) return text
  // On the first line, so that every other line keeps its number (and its source map entry).
  return `${HEADER}${out}`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let files = 0
  for (const f of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
    if (!f.endsWith('.js')) continue
    const file = path.join(dist, f)
    const text = readFileSync(file, 'utf8')
    const linked = linkCjs(text)
    if (linked === text) continue
    // Its time stays the compiler's: the ACS bundle (written before) is fresh while no module was
    // compiled after it (src/lib/acs/bundle.ts, prebuiltIsFresh).
    const { atime, mtime } = statSync(file)
    writeFileSync(file, linked)
    utimesSync(file, atime, mtime)
    files++
  }
  console.log(`CommonJS packages linked with require() in ${files} modules`)
}
