import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../lib/command.js'
import { isMultiDomain, primaryDomainId } from '../lib/config/domains.js'
import { UserError } from '../lib/errors.js'

export default class ForceUnlock extends BaseCommand<typeof ForceUnlock> {
  static override summary = 'Remove the apply lock left by an apply that died.'
  static override description =
    'Deletes the lock of the domain in the teams file if its ID is ID (the error of a blocked apply and `plan` print it). Only for a lock whose holder is gone: removing the lock of a running apply lets a second one race it. Asks for confirmation in a terminal; without one, pass --yes.'
  static override examples = ['<%= config.bin %> force-unlock 3f2b1c9e-0d4a-4c1e-9a7b-2f6e8d1c0b5a']

  static override args = {
    id: Args.string({ required: true, description: 'The lock ID to remove.' }),
  }

  static override flags = {
    yes: Flags.boolean({ char: 'y', summary: 'Do not ask for confirmation.' }),
  }

  async run(): Promise<{ removed: unknown }> {
    const { args } = await this.parse(ForceUnlock)
    const teams = await this.loadTeams()
    // Not account-aware yet: refuse rather than act on the first domain in the wrong account.
    if (isMultiDomain(teams.config))
      throw new UserError(
        'force-unlock does not support a teams file with accounts:/domains: yet',
        1,
        '`plan` and `apply` cover every account and domain of the file (apply deploys the ACS).',
      )
    const aws = await this.awsClients(teams.config.region)
    const { readLock, forceUnlock, describeLock } = await import('../lib/engine/lock.js')
    const domainId = primaryDomainId(teams.config)
    if (!this.flags.yes) {
      const held = await readLock(aws, domainId)
      if (!held) throw new UserError(`no apply holds the lock of domain ${domainId}; nothing to unlock`)
      if (!(process.stdin.isTTY && process.stdout.isTTY))
        throw new UserError(
          `force-unlock removes the lock held by ${describeLock(held)}; there is no terminal to confirm`,
          1,
          'Re-run with --yes if that process is gone.',
        )
      const { confirm } = await import('@inquirer/prompts')
      const ok = await confirm({
        message: `Remove the lock held by ${describeLock(held)}? Do this only if that process is gone.`,
        default: false,
      })
      if (!ok) {
        process.stdout.write('Lock kept.\n')
        return { removed: null }
      }
    }
    const removed = await forceUnlock(aws, domainId, args.id)
    if (!this.jsonEnabled()) process.stdout.write(`Removed the lock held by ${describeLock(removed)}.\n`)
    return { removed }
  }
}
