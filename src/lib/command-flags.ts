/** Flags shared by `plan` and `apply`. */
import { Flags } from '@oclif/core'

export const reconcileFlags = {
  prune: Flags.boolean({
    summary:
      'Also delete managed resources that the file no longer lists (never resources the tool does not own).',
  }),
  force: Flags.boolean({
    summary: 'With --prune: delete user profiles that still have apps, deleting their apps first.',
    dependsOn: ['prune'],
  }),
  refresh: Flags.option({
    options: ['existence', 'full'] as const,
    default: 'existence' as const,
    summary:
      "existence: list pages and one profile per team (fast; sees changes of a team's role, tags, settings); full: also read each managed profile to see settings and tag drift.",
  })(),
}
