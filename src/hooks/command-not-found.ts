/**
 * An unknown command or a stray argument (`plna`, `plan teams.yaml`): one line naming the problem,
 * a "did you mean" when a command is close, and exit 1. oclif's default exits 2, which
 * `plan --detailed-exitcode` means "changes present"; with --json the error is one JSON document.
 */
import type { Hook } from '@oclif/core'
import { closest } from '../lib/text.js'

const hook: Hook.CommandNotFound = async function (opts) {
  const ids = opts.config.commands.filter((c) => !c.hidden).map((c) => c.id)
  const shown = (id: string) => id.replaceAll(':', ' ')
  const parts = opts.id.split(':')
  // The longest prefix that is a command: what follows it is an argument the command does not take.
  let message: string
  let hint: string | undefined
  const prefix = [...parts.keys()]
    .map((i) => parts.slice(0, parts.length - i).join(':'))
    .find((id) => ids.includes(id))
  if (prefix) {
    const extra = opts.id.slice(prefix.length + 1).split(':')
    message = `${shown(prefix)} takes no argument "${extra[0]}"`
    hint = /\.ya?ml$/i.test(extra[0])
      ? `Name the teams file with -f: ${opts.config.bin} ${shown(prefix)} -f ${extra[0]}`
      : `See ${opts.config.bin} ${shown(prefix)} --help`
  } else {
    const guess = closest(opts.id, ids) ?? closest(parts[0], ids)
    message = `"${shown(opts.id)}" is not a ${opts.config.bin} command`
    hint = guess
      ? `Did you mean "${shown(guess)}"? See ${opts.config.bin} --help`
      : `See ${opts.config.bin} --help`
  }
  if (opts.argv?.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ error: { name: 'UsageError', message, hint } }, null, 2)}\n`)
  } else {
    process.stderr.write(`Error: ${message}\nHint: ${hint}\n`)
  }
  this.exit(1)
}

export default hook
