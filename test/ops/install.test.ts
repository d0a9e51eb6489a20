/**
 * The install the README and the CI example describe works on a machine without this checkout on
 * its path: `npm pack`, then `npm install --global ./sagemaker-teams-<v>.tgz` (here into a temporary
 * prefix), then the CLI runs from another folder. Dependencies come from npm's cache or registry.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { ROOT } from '../helpers/cli.js'

const run = promisify(execFile)

describe('install from a packed tarball', function () {
  this.timeout(300_000)

  it('npm pack → npm install --global ./tarball → sagemaker-teams --version and validate from another folder', async () => {
    const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string })
      .version
    const work = mkdtempSync(path.join(tmpdir(), 'smt-install-'))
    // `npm test` has built dist/ already; prepack would build it again (under the other tests' feet),
    // so the test runs prepack's other step itself, and postpack's.
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>
    }
    assert.match(pkg.scripts.prepack, /npm run build && node scripts\/oclif-manifest\.mjs$/)
    assert.equal(pkg.scripts.postpack, 'node scripts/oclif-manifest.mjs --remove')
    await run('node', ['scripts/oclif-manifest.mjs'], { cwd: ROOT })
    try {
      await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT })
    } finally {
      await run('npm', ['run', 'postpack'], { cwd: ROOT })
    }
    assert.ok(!existsSync(path.join(ROOT, 'oclif.manifest.json')), 'postpack removes the manifest')
    const tarball = path.join(work, `sagemaker-teams-${version}.tgz`)
    const prefix = path.join(work, 'prefix')
    await run(
      'npm',
      ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball],
      { cwd: work },
    )
    const elsewhere = path.join(work, 'admin')
    mkdirSync(elsewhere)
    copyFileSync(path.join(ROOT, 'teams.example.yaml'), path.join(elsewhere, 'teams.yaml'))
    const bin = path.join(prefix, 'bin', 'sagemaker-teams')
    const env = {
      ...process.env,
      NO_COLOR: '1',
      PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH}`,
    }
    const v = await run(bin, ['--version'], { cwd: elsewhere, env })
    assert.match(v.stdout, new RegExp(`^sagemaker-teams/${version.replaceAll('.', '\\.')} `))
    const ok = await run('sagemaker-teams', ['validate'], { cwd: elsewhere, env })
    assert.match(ok.stdout, /teams\.yaml is valid: 2 teams/)
    // The installed CLI is the packed one, not this checkout, with its commands' manifest (an
    // installed CLI without it looks for command files on every start) and the prebuilt ACS handler.
    const installed = path.join(prefix, 'lib', 'node_modules', 'sagemaker-teams')
    assert.ok(readFileSync(path.join(installed, 'package.json'), 'utf8'))
    const manifest = JSON.parse(readFileSync(path.join(installed, 'oclif.manifest.json'), 'utf8')) as {
      version: string
      commands: Record<string, unknown>
    }
    assert.equal(manifest.version, version)
    for (const id of ['plan', 'apply', 'validate', 'acs:deploy', 'sso:checklist'])
      assert.ok(manifest.commands[id], id)
    assert.ok(existsSync(path.join(installed, 'dist', 'lib', 'acs', 'lambda-bundle.mjs')))
  })
})
