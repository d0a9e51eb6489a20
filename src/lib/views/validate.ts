/** `validate`: the file's summary when it is valid (its problems and warnings go to stderr as FILE:LINE:COL lines). */
import type { Problem } from '../config/load.js'
import { count } from '../text.js'
import type { View } from './view.js'

export interface ValidateResult {
  valid: boolean
  file: string
  problems: Problem[]
  summary?: { teams: number; users: number; groups: number; grants: number }
}

export const validateView: View<ValidateResult> = {
  formats: ['text', 'json'],
  text({ file, summary: s }) {
    if (!s) return ''
    return `${file} is valid: ${count(s.teams, 'team')}, ${count(s.users, 'user')}, ${count(s.groups, 'group')}, ${count(s.grants, 'LF grant')}.\n`
  },
}
