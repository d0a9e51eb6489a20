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
    options: ['existence', 'full', 'events'] as const,
    default: 'existence' as const,
    summary:
      "existence: list pages and one profile per team (fast; sees changes of a team's role, tags, settings); full: also read each managed profile to see settings and tag drift; events: read the profiles CloudTrail's event history names as changed since the last plan or apply (drift of single profiles at the cost of list pages).",
  })(),
  'events-delay': Flags.integer({
    min: 0,
    max: 86_400,
    summary:
      'With --refresh events: how long CloudTrail may take to deliver an event, in seconds; changes this recent are reported as not yet visible.',
    default: 900,
  }),
  team: Flags.string({
    multiple: true,
    summary:
      "Only this team's changes (repeatable); LF-tags and the ACS only when that team's changes need them.",
  }),
}

/** plan and show: the full listing instead of the compact one. */
export const detailsFlag = Flags.boolean({
  summary:
    "List every change with its detail lines and each team's console steps in full (default: teams whose only change is a pending console step on one line, a console step as one line naming `sso checklist`).",
})
