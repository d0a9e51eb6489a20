/** `acs build` and `acs deploy`: what was built or deployed, and each team's ACS URL and audience. */
import type { AcsBuildResult, AcsDeployResult } from '../acs/deploy.js'
import type { View } from './view.js'

export const acsBuildView: View<AcsBuildResult> = {
  formats: ['text', 'json'],
  text: (r) =>
    `Wrote ${r.zipPath}: ${(r.zipBytes / 1024).toFixed(0)} KiB zipped (${(r.codeBytes / 1024 / 1024).toFixed(2)} MiB of JavaScript), ${r.teams} teams, CodeSha256 ${r.codeSha256}\n`,
}

export const acsDeployView: View<AcsDeployResult> = {
  formats: ['text', 'json'],
  text: (r) =>
    [
      r.changed ? `ACS deployed: ${r.functionUrl}` : `ACS up to date: ${r.functionUrl}`,
      ...r.teams.map((t) => `  ${t.team}: ACS URL ${t.acsUrl}  audience ${t.audience}`),
      '',
    ].join('\n'),
}
