/** apply at a terminal: the confirmation prompt and the live progress, under a pseudo-terminal (util-linux `script`). */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import type { Emulator } from '../emulator/index.js'
import { BIN } from '../helpers/cli.js'
import { useDemoAccount } from '../helpers/emulator.js'
import { workspace } from '../helpers/workspace.js'

function inTerminal(emu: Emulator, args: string[], answer: string): Promise<string> {
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
    child.on('close', () => resolve(out))
  })
}

describe('apply at a terminal', function () {
  this.timeout(60_000)
  const account = useDemoAccount()
  before(function () {
    if (spawnSync('script', ['--version']).status !== 0) this.skip() // util-linux `script` provides the pseudo-terminal
  })

  it('asks before widening access; "n" applies nothing', async () => {
    const emu = account()
    const out = await inTerminal(emu, ['apply', '-f', workspace()], 'n\r')
    assert.match(out, /This plan widens access \(\d+\)\. Apply it\?/)
    assert.match(out, /Nothing applied\./)
    assert.equal(emu.state.roles.length, 0)
  })

  it('"y" applies with live progress per kind', async () => {
    const emu = account()
    const out = await inTerminal(emu, ['apply', '-f', workspace()], 'y\r')
    assert.match(out, /profile: 3\/3/)
    assert.match(out, /Apply complete: 15 done, 0 failed/)
    assert.equal(emu.state.profiles.length, 3)
  })
})
