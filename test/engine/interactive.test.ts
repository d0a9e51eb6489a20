/** apply at a terminal: the confirmation prompt and the live progress, under a pseudo-terminal (util-linux `script`). */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import type { Emulator } from '../../tools/emulator/index.js'
import { BIN } from '../helpers/cli.js'
import { useDemoAccount } from '../helpers/emulator.js'
import { rewrite, workspace } from '../helpers/workspace.js'

function inTerminal(emu: Emulator, args: string[], answer: string): Promise<string> {
  return inTerminalWithCode(emu, args, answer).then((r) => r.out)
}

/** The command's output at a terminal, and its exit code (`script -e` passes it on). */
function inTerminalWithCode(
  emu: Emulator,
  args: string[],
  answer: string,
): Promise<{ out: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ')
    const child = spawn('script', ['-qfec', `stty cols 120 rows 40; ${command}`, '/dev/null'], {
      env: { ...process.env, ...emu.env(), NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    let answered = false
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d
      if (!answered && /Apply it\?|Apply these changes\?/.test(out)) {
        answered = true
        child.stdin.write(answer)
      }
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ out, code }))
  })
}

describe('apply at a terminal', function () {
  this.timeout(60_000)
  const account = useDemoAccount()
  before(function () {
    if (spawnSync('script', ['--version']).status !== 0) this.skip() // util-linux `script` provides the pseudo-terminal
  })

  it('asks before widening access; "n" applies nothing and exits 1', async () => {
    const emu = account()
    const { out, code } = await inTerminalWithCode(emu, ['apply', '-f', workspace()], 'n\r')
    assert.equal(code, 1, out)
    assert.match(out, /This plan widens access \(\d+\)\. Apply it\?/)
    assert.match(out, /Nothing applied\./)
    assert.equal(emu.state.roles.length, 0)
  })

  it('"y" applies with live progress per kind', async () => {
    const emu = account()
    const out = await inTerminal(emu, ['apply', '-f', workspace()], 'y\r')
    assert.match(out, /profile: 3\/3/)
    assert.match(out, /Apply complete: \d+ done, 0 failed/)
    assert.equal(emu.state.profiles.length, 3)
  })

  it('apply --prune asks before deleting (the default --require-approval destructive); "n" deletes nothing', async () => {
    const emu = account()
    const file = workspace()
    const { runCli } = await import('../helpers/cli.js')
    assert.equal((await runCli(['apply', '-f', file, '--yes'], { env: emu.env() })).code, 0)
    rewrite(file, (c) => {
      c.teams.team2.members = { users: ['user1@example.com'] }
    })
    const out = await inTerminal(emu, ['apply', '-f', file, '--prune'], 'n\r')
    assert.match(out, /This plan deletes or revokes 2\. Apply it\?/)
    assert.match(out, /Nothing applied\./)
    assert.equal(emu.state.profiles.length, 3, 'no profile deleted')
    assert.equal(emu.state.assignments.length, 3, 'no assignment revoked')
  })
})
