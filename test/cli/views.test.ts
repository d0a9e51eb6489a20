/**
 * Views (src/lib/views): every command with output shows it through the view it declares, and its
 * format flags are the view's formats — checked over every command of the built CLI's manifest. And
 * one command end to end: `show` of a saved plan prints through the plan view exactly what the plan
 * renderer's snapshots hold, in each format, `--format json` being --json.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { View } from '../../src/lib/views/view.js'
import { ROOT } from '../helpers/cli.js'
import { useDemoAccount } from '../helpers/emulator.js'
import { runInProcess } from '../helpers/in-process.js'
import { everyKind } from '../plan/fixtures.js'

/** Commands without a view, and why. */
const NO_VIEW: Record<string, string> = {
  'acs serve': 'a server: its output is one log line per request while it runs',
  autocomplete: "the autocomplete plugin's",
  help: "the help plugin's",
}

/** Commands whose --format is not about their output, and what it is. */
const OTHER_FORMAT: Record<string, string> = {
  'access report': 'the files it writes into --out (html, csv, json); its output is the summary (or --json)',
}

interface CommandClass {
  view?: View<never, never>
  enableJsonFlag?: boolean
  flags?: Record<string, { options?: readonly string[]; default?: unknown }>
}

/** Every command of the built CLI's manifest, with its class (from src/, as the tests load it). */
async function commands(): Promise<{ id: string; source: string; command: CommandClass }[]> {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8')) as {
    commands: Record<string, { pluginName?: string }>
  }
  const ids = Object.keys(manifest.commands).filter(
    (id) => manifest.commands[id].pluginName === 'sagemaker-teams',
  )
  return Promise.all(
    ids.map(async (id) => {
      const source = path.join(ROOT, 'src', 'commands', `${id.split(':').join('/')}.ts`)
      const command = (await import(pathToFileURL(source).href)).default as CommandClass
      return { id: id.split(':').join(' '), source, command }
    }),
  )
}

describe('views', function () {
  this.timeout(60_000)

  it('every command with output declares a view, and its format flags are the view formats', async () => {
    const all = await commands()
    assert.ok(all.length >= 15, `${all.length} commands in the manifest`)
    for (const { id, source, command } of all) {
      const format = command.flags?.format
      if (!command.view) {
        assert.ok(id in NO_VIEW, `${id} declares no view (static view) and is not listed as having none`)
        continue
      }
      const formats = command.view.formats
      assert.equal(
        command.enableJsonFlag,
        formats.includes('json'),
        `${id}: --json exactly when its view lists json`,
      )
      if (formats.filter((f) => f !== 'json').length > 1) {
        assert.deepEqual(format?.options, formats, `${id}: --format lists its view's formats`)
        assert.equal(format?.default, formats[0], `${id}: --format defaults to its view's first format`)
      } else if (!(id in OTHER_FORMAT))
        assert.equal(format, undefined, `${id}: one format besides JSON needs no --format`)
      // What it prints goes through its view: the command writes nothing to stdout itself.
      const code = readFileSync(source, 'utf8')
      assert.doesNotMatch(
        code,
        /process\.stdout\.write|this\.log\(/,
        `${id} writes to stdout beside its view`,
      )
    }
  })

  it('a command that shows through a view it does not declare fails instead of printing', async () => {
    const { BaseCommand } = await import('../../src/lib/command.js')
    const { planView } = await import('../../src/lib/views/plan.js')
    class Undeclared extends BaseCommand<typeof Undeclared> {
      async run() {
        return this.show(planView, everyKind(), {})
      }
    }
    const { Config } = await import('@oclif/core')
    await assert.rejects(
      new Undeclared([], await Config.load(ROOT)).run(),
      /shows a view it does not declare/,
    )
  })

  describe('show of a saved plan, through the plan view', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'views-'))
    const file = path.join(dir, 'plan.json')
    const snapshot = (name: string) =>
      readFileSync(path.join(ROOT, 'test', '__snapshots__', `plan-every-kind.${name}.snap`), 'utf8')
    before(() => writeFileSync(file, JSON.stringify(everyKind())))

    for (const [args, name] of [
      [[], 'txt'],
      [['--format', 'text'], 'txt'],
      [['--format', 'markdown'], 'md'],
      [['--format', 'json'], 'json'],
      [['--json'], 'json'],
    ] as const) {
      it(`show ${args.join(' ') || '(no flag)'} prints the ${name} rendering`, async () => {
        const r = await runInProcess(['show', file, ...args])
        assert.equal(r.code, 0, r.stderr)
        assert.equal(r.stdout, snapshot(name))
      })
    }

    it('--format json is --json: an error is a JSON document too', async () => {
      const r = await runInProcess(['show', path.join(dir, 'missing.json'), '--format', 'json'])
      assert.equal(r.code, 1)
      assert.deepEqual(Object.keys(JSON.parse(r.stdout)), ['error'])
    })
  })

  describe('doctor in Markdown (its view gained it, so doctor gained --format)', () => {
    const account = useDemoAccount()

    it('doctor --format markdown is a table of the checks, the hint where a check did not pass', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'views-'))
      const r = await runInProcess(['doctor', '-f', path.join(dir, 'missing.yaml'), '--format', 'markdown'], {
        env: { ...account().env(), AWS_REGION: 'us-east-1' },
      })
      assert.equal(r.code, 1, 'the teams file is missing: a failed check')
      const lines = r.stdout.split('\n')
      assert.equal(lines[0], '## sagemaker-teams doctor')
      assert.ok(lines.includes('| | Check | Detail | Hint |'), r.stdout)
      assert.match(r.stdout, /^\| ✓ pass \| credentials \| [^|]+ \| {2}\|$/m)
      assert.match(r.stdout, /^\| ✗ fail \| teams file \| .+ \| .+ \|$/m)
      assert.match(r.stdout, /^1 failed, \d+ warnings?\.$/m)
      const text = await runInProcess(['doctor', '-f', path.join(dir, 'missing.yaml')], {
        env: { ...account().env(), AWS_REGION: 'us-east-1' },
      })
      assert.match(text.stdout, /^✗ fail {2}teams file/m, 'text stays the default')
    })
  })
})
