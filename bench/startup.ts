/** Section `startup`: the CLI's start-up time (`--help`, `validate`). */
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { BIN, ROOT, row, type Section } from './common.js'

function startup() {
  const median = (cmd: string[]) => {
    const times: number[] = []
    for (let i = 0; i < 10; i++) {
      const t = performance.now()
      execFileSync(process.execPath, [BIN, ...cmd], { stdio: 'ignore' })
      times.push(performance.now() - t)
    }
    return times.sort((a, b) => a - b)[5]
  }
  const help = median(['--help'])
  const validate = median(['validate', '-f', path.join(ROOT, 'teams.example.yaml')])
  row(
    'CLI start-up (median of 10)',
    `--help ${help.toFixed(0)} ms`,
    `validate ${validate.toFixed(0)} ms`,
    help <= 400 ? 'target ≤ 400 ms met' : 'over 400 ms',
    '',
  )
}

export default { label: /^CLI start-up/, run: startup } satisfies Section
