/** A plan (plan, show): text at a terminal, Markdown for a pull-request comment, the plan document as JSON. */
import type { Plan } from '../plan/types.js'
import type { View } from './view.js'

export interface PlanViewOptions {
  /** --details: every change's detail lines and each team's console steps in full. */
  details?: boolean
  /** Where the full plan is (plan --out), named when the Markdown must cut detail. */
  fullPlan?: string
}

export const planView: View<Plan, PlanViewOptions> = {
  formats: ['text', 'markdown', 'json'],
  async text(plan, opts) {
    const { renderPlan } = await import('../plan/render.js')
    return renderPlan(plan, 'text', { color: opts.colour, details: opts.details })
  },
  async markdown(plan, opts) {
    const { renderPlan } = await import('../plan/render.js')
    return renderPlan(plan, 'markdown', { color: false, details: opts.details, fullPlan: opts.fullPlan })
  },
}
