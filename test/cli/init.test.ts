/**
 * init checks every answer before it writes: each bad input leaves no file; Ctrl-C exits 130. The
 * command in process, real processes and terminals for the wizard, Ctrl-C and a silent endpoint.
 */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import { BIN, runCli } from '../helpers/cli.js'
import { useDemoAccount } from '../helpers/emulator.js'
import { runInProcess } from '../helpers/in-process.js'

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
      const r = await runInProcess(['init', '-f', file, ...args])
      assert.equal(r.code, 1, r.stdout)
      assert.match(r.stderr, message)
      assert.equal(existsSync(file), false)
    })
  }

  it('accepts commas in display names (escaped or quoted)', async () => {
    const file = target()
    const r = await runInProcess([
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
    assert.equal((await runInProcess(['init', '-f', file, ...good, '--team', 'id=t1'])).code, 0)
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
      assert.equal((await runInProcess(['init', '-f', file, ...good, '--team', 'id=t1'])).code, 0)
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

describe('init with the account (emulator)', function () {
  this.timeout(60_000)
  const account = useDemoAccount()
  const run = async (args: string[], env?: Record<string, string | undefined>, runner = runInProcess) => {
    const file = target()
    const r = await runner(['init', '-f', file, ...args], { env: env ?? account().env() })
    return { ...r, written: existsSync(file), file }
  }

  it('a domain in IAM mode and members the identity store has: written, no warning', async () => {
    const r = await run([
      ...good,
      '--team',
      'id=t1,users=user1@example.com|USER2@example.com,groups=ds-team1',
    ])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stderr, '')
    assert.ok(r.written)
  })

  it('a --domain-id the account does not have: exit 1, the IAM-mode domains named, nothing written', async () => {
    const r = await run(['--region', 'us-east-1', '--domain-id', 'd-nosuchdomain1', '--team', 'id=t1'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /--domain-id d-nosuchdomain1: no SageMaker domain of this id in us-east-1/)
    assert.match(r.stderr, /IAM-mode domains in us-east-1: d-abcdefghijkl \(demo-domain\)/)
    assert.doesNotMatch(r.stderr, /d-ssomode0001/, 'an SSO-mode domain is not offered')
    assert.equal(r.written, false)
  })

  it('a domain in SSO (IAM Identity Center) mode: exit 1 saying IAM mode is needed, nothing written', async () => {
    const r = await run(['--region', 'us-east-1', '--domain-id', 'd-ssomode0001', '--team', 'id=t1'])
    assert.equal(r.code, 1)
    assert.match(
      r.stderr,
      /domain sso-mode-domain uses SSO authentication; sagemaker-teams needs a domain in IAM mode/,
    )
    assert.match(r.stderr, /CreatePresignedDomainUrl/)
    assert.equal(r.written, false)
  })

  it('members the identity store does not have: exit 1 listing each, nothing written', async () => {
    const r = await run([
      ...good,
      '--team',
      'id=t1,users=user1@example.com|nobody@example.com',
      '--team',
      'id=t2,users=user2@example.com,groups=ds-team1|ds-nope',
    ])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /2 members not found in identity store d-9067c1a2b3/)
    assert.match(r.stderr, /\n {2}team t1: user nobody@example\.com\n {2}team t2: group ds-nope\n/)
    assert.doesNotMatch(r.stderr, /user1@example\.com|user2@example\.com|group ds-team1/)
    assert.equal(r.written, false)
  })

  it('AWS unreachable: a short warning and the file is written offline', async () => {
    const r = await run([...good, '--team', 'id=t1,users=anyone@example.com'], {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'y',
    })
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /^Warning: cannot read the account \(.*ECONNREFUSED.*\); init goes on offline/)
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr)
    assert.ok(r.written)
  })

  it('no credentials: a short warning and the file is written offline', async () => {
    const empty = path.join(mkdtempSync(path.join(tmpdir(), 'smt-nocreds-')), 'none')
    const r = await run([...good, '--team', 'id=t1'], {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_CONFIG_FILE: empty,
      AWS_SHARED_CREDENTIALS_FILE: empty,
      AWS_EC2_METADATA_DISABLED: 'true',
    })
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /^Warning: no AWS credentials found; init goes on offline/)
    assert.ok(r.written)
  })

  it('an endpoint that never answers: init does not hang, it warns and writes', async () => {
    const sockets: Socket[] = []
    const silent = createServer((s) => sockets.push(s))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const { port } = silent.address() as { port: number }
    try {
      // A real process: "does not hang" includes the process ending (no handle left open).
      const r = await run(
        [...good, '--team', 'id=t1'],
        { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' },
        runCli,
      )
      assert.equal(r.code, 0, r.stderr)
      assert.match(
        r.stderr,
        /^Warning: (AWS did not answer within \d+ s|cannot read the account \(EndpointTimeout)/,
      )
      assert.ok(r.written)
    } finally {
      for (const s of sockets) s.destroy()
      silent.close()
    }
  })

  it('the wizard offers the IAM-mode domains to choose from; Ctrl-C there still exits 130, nothing written', async function () {
    if (spawnSync('script', ['--version']).status !== 0) this.skip()
    const file = target()
    const command = [process.execPath, BIN, 'init', '-f', file].map((a) => `'${a}'`).join(' ')
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn('script', ['-qfec', `stty cols 120 rows 40; ${command}`, '/dev/null'], {
        env: { ...process.env, ...account().env(), AWS_REGION: 'us-east-1', NO_COLOR: '1' },
        stdio: ['pipe', 'pipe', 'pipe'],
      })
      let out = ''
      let step = 0
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d
        if (step === 0 && /AWS region/.test(out)) {
          step = 1
          child.stdin.write('\r')
        } else if (step === 1 && /Another domain id/.test(out)) {
          step = 2
          child.stdin.write('\u0003')
        }
      })
      child.on('error', reject)
      child.on('close', (code) => resolve({ code, out }))
    })
    assert.equal(code, 130, out)
    assert.match(out, /SageMaker domain \(IAM auth mode\)/)
    assert.match(out, /d-abcdefghijkl {2}demo-domain \(InService\)/)
    assert.doesNotMatch(out, /d-ssomode0001/)
    assert.match(out, /Cancelled; nothing was written/)
    assert.equal(existsSync(file), false)
  })

  it('the wizard, to the end: the chosen IAM-mode domain, a member the store lacks refused at the prompt', async function () {
    if (spawnSync('script', ['--version']).status !== 0) this.skip()
    const file = target()
    const command = [process.execPath, BIN, 'init', '-f', file].map((a) => `'${a}'`).join(' ')
    // Each prompt (matched in what came since the last answer) and the keys that answer it.
    const script: [RegExp, string][] = [
      [/AWS region/, '\r'],
      [/Another domain id/, '\r'],
      [/ACS Lambda function name/, '\r'],
      [/Team id/, 't1\r'],
      [/Display name/, '\r'],
      [/Users \(identity store/, 'nobody@example.com\r'],
      [
        /not in identity store d-9067c1a2b3: user nobody@example\.com/,
        `${'\u007f'.repeat(18)}user1@example.com\r`,
      ],
      [/Groups \(display names/, '\r'],
      [/Add another team\?/, '\r'],
    ]
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn('script', ['-qfec', `stty cols 200 rows 40; ${command}`, '/dev/null'], {
        env: { ...process.env, ...account().env(), AWS_REGION: 'us-east-1', NO_COLOR: '1' },
        stdio: ['pipe', 'pipe', 'pipe'],
      })
      // A prompt that never comes (the member accepted) ends the run, and the test fails with its output.
      const stuck = setTimeout(() => child.kill('SIGKILL'), 30_000)
      let out = ''
      let since = 0
      let step = 0
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d
        if (step < script.length && script[step][0].test(out.slice(since))) {
          since = out.length
          child.stdin.write(script[step++][1])
        }
      })
      child.on('error', reject)
      child.on('close', (code) => {
        clearTimeout(stuck)
        resolve({ code, out })
      })
    })
    assert.equal(code, 0, out)
    const config = parse(readFileSync(file, 'utf8'))
    assert.equal(config.domain.id, 'd-abcdefghijkl')
    assert.deepEqual(config.teams.t1.members.users, ['user1@example.com'])
  })
})
