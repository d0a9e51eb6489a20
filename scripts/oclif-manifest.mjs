// `npm pack` (prepack): writes oclif.manifest.json, the commands and their flags, so an installed
// CLI starts without importing every command module (`--version`, `--help`, completion). What
// `oclif manifest` does, with @oclif/core's own Plugin loader; postpack removes the file again
// (a stale manifest in a checkout would hide new commands and flags).
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Plugin } from '@oclif/core'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
if (process.argv[2] === '--remove') {
  const { rmSync } = await import('node:fs')
  rmSync(path.join(root, 'oclif.manifest.json'), { force: true })
} else {
  const plugin = new Plugin({
    root,
    type: 'core',
    isRoot: true,
    ignoreManifest: true,
    errorOnManifestCreate: true,
    respectNoCacheDefault: true,
  })
  await plugin.load()
  writeFileSync(path.join(root, 'oclif.manifest.json'), `${JSON.stringify(plugin.manifest)}\n`)
  console.log(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands`)
}
