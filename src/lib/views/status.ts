/** `status`: account → domain → team tables (a one-domain file: its domain's table). */
import type { StatusReport } from '../status.js'
import type { View } from './view.js'

export const statusView: View<StatusReport> = {
  formats: ['text', 'json'],
  async text(report) {
    const { renderStatus } = await import('../status.js')
    return renderStatus(report)
  },
}
