/**
 * scripts/link-cjs.mjs (`npm run build`, after tsc): the built CLI loads the AWS SDK, yaml, xmldom
 * and picocolors with require(), never with an ESM import (which makes Node compile each CommonJS
 * file once more and scan it for exports); line numbers stay; the ACS Lambda is bundled from the
 * modules as compiled.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT } from '../helpers/cli.js'

const { linkCjs, LINKED } = (await import(
  pathToFileURL(path.join(ROOT, 'scripts', 'link-cjs.mjs')).href
)) as {
  linkCjs: (text: string) => string
  LINKED: RegExp
}
const DIST = path.join(ROOT, 'dist')

describe('CommonJS packages linked with require() in dist/', () => {
  it('rewrites named, aliased, multi-line, default and dynamic imports of those packages, line for line', () => {
    const compiled = [
      "import { ListUsersCommand, paginateListUsers as pages } from '@aws-sdk/client-identitystore';",
      'import {',
      '  parseDocument,',
      '  isMap',
      "} from 'yaml';",
      "import pc from 'picocolors';",
      "import { Flags } from '@oclif/core';",
      "import { readFile } from 'node:fs/promises';",
      'export async function f() {',
      "  const { GetItemCommand } = await import('@aws-sdk/client-dynamodb');",
      "  return (await import('./other.js')).x;",
      '}',
    ].join('\n')
    const linked = linkCjs(compiled)
    const lines = linked.split('\n')
    assert.equal(lines.length, compiled.split('\n').length)
    assert.match(lines[0], /const __require = __createRequire\(import\.meta\.url\); /)
    assert.match(
      lines[0],
      /const \{ ListUsersCommand, paginateListUsers: pages \} = __require\('@aws-sdk\/client-identitystore'\);$/,
    )
    assert.deepEqual(lines.slice(1, 5), ['const {', '  parseDocument,', '  isMap', "} = __require('yaml');"])
    assert.equal(lines[5], "const pc = __require('picocolors');")
    assert.equal(lines[6], "import { Flags } from '@oclif/core';", 'a package not listed stays imported')
    assert.equal(lines[7], "import { readFile } from 'node:fs/promises';")
    assert.equal(
      lines[9],
      "  const { GetItemCommand } = await Promise.resolve().then(() => __require('@aws-sdk/client-dynamodb'));",
    )
    assert.equal(lines[10], "  return (await import('./other.js')).x;")
    assert.equal(linkCjs("import { x } from './y.js';\n"), "import { x } from './y.js';\n", 'nothing to link')
  })

  it('after npm run build no compiled module imports them as ES modules, and the ACS Lambda bundle was made before', () => {
    const imported: string[] = []
    let linked = 0
    for (const f of readdirSync(DIST, { recursive: true, encoding: 'utf8' })) {
      if (!f.endsWith('.js')) continue
      const text = readFileSync(path.join(DIST, f), 'utf8')
      for (const m of text.matchAll(/(?:^import [^;]*? from |\bimport\()'([^']+)'/gm))
        if (LINKED.test(m[1])) imported.push(`${f}: ${m[1]}`)
      if (text.includes('__require(')) linked++
    }
    assert.deepEqual(imported, [])
    assert.ok(linked >= 20, `${linked} modules linked`)
    // esbuild bundled the SDK into the Lambda: it cannot follow a require made with createRequire,
    // which would leave calls naming the packages (minified: `x("@aws-sdk/client-dynamodb")`).
    const bundle = readFileSync(path.join(DIST, 'lib', 'acs', 'lambda-bundle.mjs'), 'utf8')
    assert.deepEqual(bundle.match(/[\w$]\("@aws-sdk\/client-[a-z-]+"\)/g), null)
  })
})
