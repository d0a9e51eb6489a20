import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../lib/command.js'
import { UserError } from '../lib/errors.js'
import { type UnlockResult, unlockView } from '../lib/views/unlock.js'

export default class ForceUnlock extends BaseCommand<typeof ForceUnlock> {
  static override summary = 'Remove the apply lock left by an apply that died.'
  static override description =
    "Deletes the apply lock if its ID is ID (the error of a blocked apply and `plan` print it). A teams file has one lock per account apply writes in (the Identity Center account, `identity-center`, and each account with a domain), keyed by its first domain: a one-domain file has one, its domain's, and so do the same teams in the caller's account written as accounts:/domains:. With several, name it with --account; force-unlock acts in that account as apply does (its role, or the caller's own credentials in the caller's own account unless the file names a role there). Only for a lock whose holder is gone: removing the lock of a running apply lets a second one race it. Asks for confirmation in a terminal; without one, pass --yes."
  static override examples = [
    '<%= config.bin %> force-unlock 3f2b1c9e-0d4a-4c1e-9a7b-2f6e8d1c0b5a',
    '<%= config.bin %> force-unlock 3f2b1c9e-0d4a-4c1e-9a7b-2f6e8d1c0b5a --account prod',
  ]

  static override args = {
    id: Args.string({ required: true, description: 'The lock ID to remove.' }),
  }

  static override view = unlockView
  static override flags = {
    yes: Flags.boolean({ char: 'y', summary: 'Do not ask for confirmation.' }),
    account: Flags.string({
      summary:
        'The account whose lock to remove (as the file names it; identity-center for the Identity Center account). Required when the file has more than one.',
    }),
  }

  async run(): Promise<UnlockResult> {
    const { args } = await this.parse(ForceUnlock)
    const teams = await this.loadTeams()
    const aws = await this.awsClients(teams.config.region)
    const [{ readLock, forceUnlock, describeLock }, { lockPlace }] = await Promise.all([
      import('../lib/engine/lock.js'),
      import('../lib/engine/unlock.js'),
    ])
    const place = await lockPlace(aws, teams.config, this.flags.account)
    if (!this.flags.yes) {
      const held = await readLock(place.aws, place.domainId)
      if (!held) throw new UserError(`no apply holds the lock of ${place.label}; nothing to unlock`)
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
      if (!ok) return this.show(unlockView, { removed: null })
    }
    return this.show(unlockView, {
      removed: await forceUnlock(place.aws, place.domainId, args.id, place.label),
    })
  }
}
