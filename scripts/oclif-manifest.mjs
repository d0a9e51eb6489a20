// `npm run build` (and so `npm pack`): writes oclif.manifest.json, the commands and their flags, so
// the CLI — installed, or this checkout — starts without looking for and importing every command
// module on each run (`--version`, `--help`, completion, and every command). What `oclif manifest`
// does, with @oclif/core's own Plugin loader. It describes dist/commands as the build compiled them:
// a command added or changed needs `npm run build` (tsc alone would leave the manifest stale).
// `--remove` deletes it.
import { renameSync, writeFileSync } from 'node:fs'
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
  // Whole or not at all: a CLI starting meanwhile reads the old file or the new one.
  const file = path.join(root, 'oclif.manifest.json')
  writeFileSync(`${file}.${process.pid}`, `${JSON.stringify(plugin.manifest)}\n`)
  renameSync(`${file}.${process.pid}`, file)
  console.log(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands`)
}
