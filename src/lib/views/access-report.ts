/** `access report`: the findings and the files written (the report itself is the files, or --json). */
import type { AccessReport } from '../report/types.js'
import type { View } from './view.js'

export const accessReportView: View<AccessReport, { written: string[] }> = {
  formats: ['text', 'json'],
  async text(report, { written }) {
    const { renderSummary } = await import('../report/render.js')
    return renderSummary(report, written)
  },
}
