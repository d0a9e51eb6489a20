import { Args } from '@oclif/core'
import { BaseCommand } from '../lib/command.js'
import { detailsFlag } from '../lib/command-flags.js'
import type { Plan } from '../lib/plan/types.js'
import { formatFlag } from '../lib/views/flags.js'
import { planView } from '../lib/views/plan.js'

export default class Show extends BaseCommand<typeof Show> {
  static override summary = 'Render a saved plan (from `plan --out`) without touching AWS.'
  static override description =
    'Prints the saved plan as `plan` prints it: the changes, the kept resources, the summary and the access review (both recomputed from the changes in the file, never read from it).'
  static override examples = [
    '<%= config.bin %> show plan.json',
    '<%= config.bin %> show plan.json --format markdown > plan.md',
  ]

  static override args = {
    file: Args.string({ required: true, description: 'A JSON plan written by `plan --out`.' }),
  }

  static override view = planView
  static override flags = {
    format: formatFlag(planView),
    details: detailsFlag,
  }

  async run(): Promise<Plan> {
    const { args } = await this.parse(Show)
    const { readPlanFile } = await import('../lib/plan/saved.js')
    return this.show(planView, await readPlanFile(args.file), { details: this.flags.details })
  }
}
