/** Runs the built CLI in a pseudo-terminal (util-linux `script`), as a person at a terminal would. */
import { spawn, spawnSync } from 'node:child_process'
import { BIN } from './cli.js'

/** Whether `script` is there to make a pseudo-terminal (tests skip without it). */
export function hasScript(): boolean {
  return spawnSync('script', ['--version']).status === 0
}

/**
 * Returns what the terminal showed. NO_COLOR and FORCE_COLOR of the test process are dropped
 * (`env` sets them). With `stdoutTo`, the command's stdout goes to that file instead, so the
 * terminal shows stderr alone (stderr a terminal, stdout not).
 */
export function inTerminal(
  args: string[],
  env: Record<string, string | undefined>,
  options: { stdoutTo?: string } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`
    const command =
      [process.execPath, BIN, ...args].map(quote).join(' ') +
      (options.stdoutTo ? ` > ${quote(options.stdoutTo)}` : '')
    const base: Record<string, string | undefined> = { ...process.env }
    delete base.NO_COLOR
    delete base.FORCE_COLOR
    const child = spawn('script', ['-qfec', `stty cols 120 rows 40; ${command}`, '/dev/null'], {
      env: { ...base, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.on('error', reject)
    child.on('close', () => resolve(out))
    child.stdin.end()
  })
}
