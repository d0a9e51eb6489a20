/** `sso checklist`: per team, the console steps with their values and whether a login proved them. */
import type { ChecklistTeam } from '../acs/checklist.js'
import type { View } from './view.js'

export interface ChecklistResult {
  teams: ChecklistTeam[]
}

export const checklistView: View<ChecklistResult> = {
  formats: ['text', 'json'],
  async text({ teams }) {
    const { renderChecklist } = await import('../acs/checklist.js')
    return renderChecklist(teams)
  },
}
