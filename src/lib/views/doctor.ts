/** `doctor`: one line per check with its hint, and the count of failures and warnings. */
import type { Check } from '../doctor.js'
import type { View } from './view.js'

export interface DoctorResult {
  ok: boolean
  checks: Check[]
}

export const doctorView: View<DoctorResult> = {
  formats: ['text', 'json'],
  async text({ checks }) {
    const { renderChecks } = await import('../doctor.js')
    return renderChecks(checks)
  },
}
