/** init checks every answer before it writes: each bad input leaves no file; Ctrl-C exits 130. */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import { BIN, runCli } from '../helpers/cli.js'

const good = ['--region', 'us-east-1', '--domain-id', 'd-abcdefghijkl']
const target = () => path.join(mkdtempSync(path.join(tmpdir(), 'smt-init-')), 'teams.yaml')

describe('init input checks', () => {
  const bad: [string, string[], RegExp][] = [
    [
      'bad --region',
      ['--region', 'us-east-9x', '--domain-id', 'd-abcdefghijkl', '--team', 'id=t1'],
      /--region "us-east-9x"/,
    ],
    [
      'bad --domain-id',
      ['--region', 'us-east-1', '--domain-id', 'D-Bad', '--team', 'id=t1'],
      /--domain-id "D-Bad"/,
    ],
    [
      'duplicate --team',
      [...good, '--team', 'id=t1', '--team', 'id=t1,name=Other'],
      /id=t1 is given more than once/,
    ],
    [
      'unknown --team key',
      [...good, '--team', 'id=t1,nmae=Team'],
      /unknown key "nmae" \(did you mean "name"\?\)/,
    ],
    ['bad team id', [...good, '--team', 'id=Team_1'], /id "Team_1"/],
    ['unclosed quote', [...good, '--team', 'id=t1,name="Studio'], /double quote is not closed/],
    [
      'bad ACS function name',
      [...good, '--team', 'id=t1', '--acs-function-name', 'no spaces'],
      /acs\.functionName/,
    ],
  ]
  for (const [name, args, message] of bad) {
    it(`${name}: exit 1, nothing written`, async () => {
      const file = target()
      const r = await runCli(['init', '-f', file, ...args])
      assert.equal(r.code, 1, r.stdout)
      assert.match(r.stderr, message)
      assert.equal(existsSync(file), false)
    })
  }

  it('accepts commas in display names (escaped or quoted)', async () => {
    const file = target()
    const r = await runCli([
      'init',
      '-f',
      file,
      ...good,
      '--team',
      'id=t1,name=Studio\\, Research,users=a@example.com',
      '--team',
      'id=t2,name="Risk, Fraud & Co",groups=ds-risk',
    ])
    assert.equal(r.code, 0, r.stderr)
    const config = parse(readFileSync(file, 'utf8'))
    assert.equal(config.teams.t1.displayName, 'Studio, Research')
    assert.equal(config.teams.t2.displayName, 'Risk, Fraud & Co')
    assert.deepEqual(config.teams.t1.members.users, ['a@example.com'])
  })

  it('points $schema at the published URL, never into the install folder', async () => {
    const file = target()
    assert.equal((await runCli(['init', '-f', file, ...good, '--team', 'id=t1'])).code, 0)
    const first = readFileSync(file, 'utf8').split('\n')[0]
    assert.match(
      first,
      /^# yaml-language-server: \$schema=https:\/\/unpkg\.com\/sagemaker-teams@\d+\.\d+\.\d+\/schema\/teams\.schema\.json$/,
    )
  })

  it('points $schema at a relative path when the schema is below the file', async () => {
    const { ROOT } = await import('../helpers/cli.js')
    const file = path.join(ROOT, `init-test-${process.pid}.yaml`)
    try {
      assert.equal((await runCli(['init', '-f', file, ...good, '--team', 'id=t1'])).code, 0)
      assert.match(
        readFileSync(file, 'utf8'),
        /^# yaml-language-server: \$schema=schema\/teams\.schema\.json\n/,
      )
    } finally {
      spawnSync('rm', ['-f', file])
    }
  })
})

describe('init wizard', function () {
  this.timeout(30_000)
  before(function () {
    if (spawnSync('script', ['--version']).status !== 0) this.skip()
  })

  it('Ctrl-C exits 130 quietly and writes nothing', async () => {
    const file = target()
    const command = [process.execPath, BIN, 'init', '-f', file].map((a) => `'${a}'`).join(' ')
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn('script', ['-qfec', `stty cols 120 rows 40; ${command}`, '/dev/null'], {
        env: { ...process.env, NO_COLOR: '1' },
        stdio: ['pipe', 'pipe', 'pipe'],
      })
      let out = ''
      let sent = false
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d
        if (!sent && /AWS region/.test(out)) {
          sent = true
          child.stdin.write('\u0003')
        }
      })
      child.on('error', reject)
      child.on('close', (code) => resolve({ code, out }))
    })
    assert.equal(code, 130, out)
    assert.match(out, /Cancelled; nothing was written/)
    assert.doesNotMatch(out, /ExitPromptError|at .*\.js:\d+/)
    assert.equal(existsSync(file), false)
  })
})
