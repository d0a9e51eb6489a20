/** `access report`: build the report and write the chosen formats into one folder. */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { AwsClients } from '../aws/clients.js'
import type { LoadedTeams } from '../config/load.js'
import { buildAccessReport, type ReportOptions } from './build.js'
import { renderCsv, renderHtml } from './render.js'
import type { AccessReport } from './types.js'

export type ReportFormat = 'html' | 'csv' | 'json'
export const REPORT_FORMATS: ReportFormat[] = ['html', 'csv', 'json']

export async function writeAccessReport(
  aws: AwsClients,
  teams: LoadedTeams,
  options: ReportOptions & { out: string; formats: ReportFormat[] },
): Promise<{ report: AccessReport; written: string[] }> {
  const report = await buildAccessReport(aws, teams, options)
  mkdirSync(options.out, { recursive: true })
  const written: string[] = []
  const write = (name: string, text: string) => {
    const file = path.join(options.out, name)
    writeFileSync(file, text)
    written.push(file)
  }
  if (options.formats.includes('html')) write('access-report.html', renderHtml(report))
  if (options.formats.includes('json')) write('access-report.json', `${JSON.stringify(report, null, 2)}\n`)
  if (options.formats.includes('csv')) for (const [name, text] of renderCsv(report)) write(name, text)
  return { report, written }
}
