import { Args, Flags } from '@oclif/core'
import { BaseCommand } from '../lib/command.js'
import { detailsFlag } from '../lib/command-flags.js'
import type { Plan } from '../lib/plan/types.js'

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

  static override flags = {
    format: Flags.option({
      options: ['text', 'json', 'markdown'] as const,
      default: 'text' as const,
      summary: 'Output format (--json is the same as --format json).',
    })(),
    details: detailsFlag,
  }

  async run(): Promise<Plan> {
    const { args } = await this.parse(Show)
    const [{ readPlanFile }, { renderPlan }] = await Promise.all([
      import('../lib/plan/saved.js'),
      import('../lib/plan/render.js'),
    ])
    const plan = await readPlanFile(args.file)
    if (!this.jsonEnabled()) {
      const format = this.flags.format
      process.stdout.write(
        renderPlan(plan, format, {
          color: format === 'text' && this.colour(),
          details: this.flags.details,
        }),
      )
    }
    return plan
  }
}
