/**
 * CLI conventions: exit codes and error documents for usage errors, NO_COLOR / FORCE_COLOR (real
 * processes and terminals); commands that must not hide problems (in process).
 */
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { runCli } from '../helpers/cli.js'
import { useDemoAccount } from '../helpers/emulator.js'
import { runInProcess } from '../helpers/in-process.js'
import { hasScript, inTerminal } from '../helpers/terminal.js'
import { workspace } from '../helpers/workspace.js'

const ESC = '\u001b['

describe('usage errors', () => {
  it('an unknown command exits 1 with "did you mean"', async () => {
    const r = await runCli(['plna'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /"plna" is not a sagemaker-teams command/)
    assert.match(r.stderr, /Did you mean "plan"\?/)
    const topic = await runCli(['sso', 'chcklist'])
    assert.equal(topic.code, 1)
    assert.match(topic.stderr, /Did you mean "sso checklist"\?/)
  })

  it('a misplaced argument exits 1 and says how to name the file', async () => {
    const r = await runCli(['plan', 'teams.yaml', '--detailed-exitcode'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /plan takes no argument "teams\.yaml"/)
    assert.match(r.stderr, /plan -f teams\.yaml/)
  })

  it('with --json each usage error is one small JSON document on stdout', async () => {
    for (const args of [
      ['plna', '--json'],
      ['plan', 'teams.yaml', '--json'],
      ['plan', '--json', '--bogus'],
      ['plan', '--json', '--format', 'yaml'],
    ]) {
      const r = await runCli(args)
      assert.equal(r.code, 1, args.join(' '))
      const doc = JSON.parse(r.stdout) as { error: { name: string; message: string } }
      assert.deepEqual(Object.keys(doc), ['error'], args.join(' '))
      assert.equal(doc.error.name, 'UsageError', args.join(' '))
      assert.ok(r.stdout.length < 600, `${args.join(' ')}: ${r.stdout.length} bytes`)
      assert.doesNotMatch(r.stdout, /package\.json|"commands"|\/root|\/home/)
    }
    const bad = JSON.parse((await runCli(['plan', '--json', '--bogus'])).stdout)
    assert.match(bad.error.message, /--bogus/)
  })

  it('a bad flag without --json exits 1 (not 2, which --detailed-exitcode means "changes")', async () => {
    const r = await runCli(['plan', '--bogus', '--detailed-exitcode'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /--bogus/)
  })
})

describe('colour', function () {
  this.timeout(60_000)
  const account = useDemoAccount()
  before(function () {
    if (!hasScript()) this.skip()
  })

  it('plan in a terminal is coloured, and not with NO_COLOR or --no-color', async () => {
    const file = workspace()
    const coloured = await inTerminal(['plan', '-f', file], account().env())
    assert.ok(coloured.includes(ESC), 'a terminal gets colour by default')
    const noColor = await inTerminal(['plan', '-f', file], { ...account().env(), NO_COLOR: '1' })
    assert.match(noColor, /Plan: \d+ to create/)
    assert.ok(
      !noColor.includes(ESC),
      `NO_COLOR output has escape codes: ${JSON.stringify(noColor.slice(0, 200))}`,
    )
    const flag = await inTerminal(['plan', '-f', file, '--no-color'], account().env())
    assert.ok(!flag.includes(ESC))
  })

  it('FORCE_COLOR colours plan output that is piped', async () => {
    const emu = account()
    const file = workspace()
    const piped = await runCli(['plan', '-f', file], {
      env: { ...emu.env(), NO_COLOR: undefined, FORCE_COLOR: undefined },
    })
    assert.ok(!piped.stdout.includes(ESC))
    const forced = await runCli(['plan', '-f', file], {
      env: { ...emu.env(), NO_COLOR: undefined, FORCE_COLOR: '1' },
    })
    assert.equal(forced.code, 0)
    assert.ok(forced.stdout.includes(ESC))
  })
})

describe('commands that must not hide problems', function () {
  this.timeout(60_000)
  const account = useDemoAccount()
  const unreachable = {
    AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'y',
    AWS_MAX_ATTEMPTS: '1',
  }

  it('validate reports a wrong version once', async () => {
    const file = workspace()
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^version: 1$/m, 'version: "1"'))
    const r = await runInProcess(['validate', '-f', file, '--json'])
    assert.equal(r.code, 1)
    const problems = (JSON.parse(r.stdout) as { problems: { path: string; message: string }[] }).problems
    assert.deepEqual(
      problems.map((p) => `${p.path}: ${p.message}`),
      ['version: expected 1, found "1"'],
    )
  })

  it('sso checklist fails with the AWS error when AWS is unreachable, and links the --region console', async () => {
    const file = workspace()
    const down = await runInProcess(['sso', 'checklist', '-f', file], { env: unreachable })
    assert.equal(down.code, 1)
    assert.match(down.stderr, /ECONNREFUSED/)
    assert.equal(down.stdout, '')
    const r = await runInProcess(['sso', 'checklist', '-f', file, '--region', 'eu-west-1'], {
      env: account().env(),
    })
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /https:\/\/eu-west-1\.console\.aws\.amazon\.com\/singlesignon\/.*region=eu-west-1/)
    assert.doesNotMatch(r.stdout, /us-east-1\.console/)
  })

  it('doctor without a teams file still checks credentials, region and Identity Center', async () => {
    const dir = path.dirname(workspace())
    const r = await runInProcess(['doctor', '-f', path.join(dir, 'missing.yaml'), '--json'], {
      env: { ...account().env(), AWS_REGION: 'us-east-1' },
    })
    assert.equal(r.code, 1)
    const checks = (JSON.parse(r.stdout) as { checks: { name: string; status: string }[] }).checks
    const status = Object.fromEntries(checks.map((c) => [c.name, c.status]))
    assert.equal(status['teams file'], 'fail')
    assert.equal(status.credentials, 'pass')
    assert.equal(status.region, 'pass')
    assert.equal(status['identity center'], 'pass')
  })
})
