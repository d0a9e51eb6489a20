/** `init` and `import`: the teams file written, and what to run next. */
import type { TeamsFile } from '../config/types.js'
import { count } from '../text.js'
import type { View } from './view.js'

export interface InitResult {
  file: string
  teams: number
}

export const initView: View<InitResult> = {
  formats: ['text', 'json'],
  text: ({ file, teams }) =>
    `Wrote ${file} with ${count(teams, 'team')}. Next: sagemaker-teams plan -f ${file}\n`,
}

export interface ImportResult {
  file: string
  config: TeamsFile
}

export const importView: View<ImportResult> = {
  formats: ['text', 'json'],
  text: ({ file, config }) =>
    `Wrote ${file}: ${Object.keys(config.teams).length} teams. Next: sagemaker-teams plan -f ${file}\n`,
}
