/**
 * status for a teams file with accounts:/domains: (issue #17): account → domain → team, each account
 * read through its assumed role; an account that cannot be read is reported, the others shown.
 * In process against the three-account emulator; one CLI run for the exit code and --json.
 */
import assert from 'node:assert/strict'
import { loadTeamsFileOrThrow } from '../../src/lib/config/load.js'
import { readStatus, renderStatus, type StatusReport } from '../../src/lib/status.js'
import { runCli } from '../helpers/cli.js'
import {
  applyMany,
  callerClients,
  DEV,
  DOMAINS,
  organizationWorkspace,
  PROD,
  QA,
  useOrganization,
  withEnv,
} from '../helpers/organization.js'
import { rewrite } from '../helpers/workspace.js'

/** "account/domain/team present/expected extra" of every team shown. */
const rows = (r: StatusReport) =>
  r.accounts.flatMap((a) =>
    a.domains.flatMap((d) =>
      d.teams.map(
        (t) =>
          `${a.name}/${d.name}/${t.team} ${t.application.exists ? 'app' : 'no-app'} ${t.profiles.present}/${t.profiles.expected} +${t.profiles.extra} grants ${t.grants.inPlace}/${t.grants.expected}`,
      ),
    ),
  )

describe('status across accounts and domains', function () {
  this.timeout(120_000)
  const emu = useOrganization()
  const status = (file: string, only?: string[]) =>
    withEnv(emu().env(), async () => readStatus(callerClients(), await loadTeamsFileOrThrow(file), only))

  it('groups account → domain → team, read in each account; a moved team counts its old profiles as extra', async () => {
    // team5 in the caller's own domain (the Identity Center account, no role assumed).
    const file = organizationWorkspace((c) => {
      c.domains!.main = { id: 'd-abcdefghijkl' }
      c.teams.team5 = { ...c.teams.team3, domain: 'main', displayName: 'Team 5', tags: { Team: 'Team5' } }
    })
    await withEnv(emu().env(), () => applyMany(file))
    const after = await status(file)
    assert.deepEqual(
      after.accounts.map(
        (a) => `${a.name} ${a.id} ${a.roleArn} ${a.domains.map((d) => `${d.name}=${d.id}`)}`,
      ),
      [
        'identity-center 123456789012 undefined main=d-abcdefghijkl',
        `dev ${DEV} arn:aws:iam::${DEV}:role/sagemaker-teams-admin dev=${DOMAINS.dev}`,
        `prod ${PROD} arn:aws:iam::${PROD}:role/sagemaker-teams-admin prod-a=${DOMAINS.prodA},prod-b=${DOMAINS.prodB}`,
      ],
    )
    assert.deepEqual(rows(after), [
      'identity-center/main/team5 app 1/1 +0 grants 1/1',
      'dev/dev/team1 app 1/1 +0 grants 1/1',
      'prod/prod-a/team2 app 2/2 +0 grants 1/1',
      'prod/prod-a/team3 app 1/1 +0 grants 1/1',
      'prod/prod-b/team4 app 2/2 +0 grants 1/1',
    ])
    const text = renderStatus(after)
    assert.match(text, /^Identity Center account \(123456789012\) · domain main \(d-abcdefghijkl\)\n\nteam /)
    assert.match(
      text,
      new RegExp(`Account prod \\(${PROD}\\) as \\S+ · domain prod-b \\(${DOMAINS.prodB}\\)\\n\\nteam `),
    )
    assert.match(text, /\nteam4 {2}yes, assignment required {2}2 users, 0 groups {2}2\/2, 0 missing, 0 extra/)

    // team4 moves to prod-a in the file, not applied: its profiles in prod-b are extra, none in prod-a yet.
    rewrite(file, (c) => {
      c.teams.team4.domain = 'prod-a'
    })
    const moved = await status(file, ['team4'])
    assert.deepEqual(rows(moved), ['prod/prod-a/team4 app 0/2 +2 grants 1/1'])
  })

  it('an account whose role cannot be assumed: its error and hint, the other accounts shown (CLI: exit 1)', async () => {
    const file = organizationWorkspace((c) => {
      c.accounts!.qa = { id: QA }
      c.domains!.qa = { account: 'qa', id: DOMAINS.qa }
      c.teams.team4.domain = 'qa'
    })
    const report = await status(file)
    const qa = report.accounts.find((a) => a.name === 'qa')!
    assert.match(
      qa.error?.message ?? '',
      new RegExp(
        `^account qa \\(${QA}\\): cannot assume arn:aws:iam::${QA}:role/sagemaker-teams-admin: AccessDenied`,
      ),
    )
    assert.match(qa.error?.hint ?? '', /trust policy/)
    assert.deepEqual(qa.domains, [{ name: 'qa', id: DOMAINS.qa, teams: [] }])
    assert.deepEqual(rows(report), [
      'dev/dev/team1 no-app 0/1 +0 grants 0/1',
      'prod/prod-a/team2 no-app 0/2 +0 grants 0/1',
      'prod/prod-a/team3 no-app 0/1 +0 grants 0/1',
    ])
    assert.match(
      renderStatus(report),
      /Account qa \(444444444444\) as \S+: NOT READ\n {2}account qa .*cannot assume/,
    )
    // --team of another account leaves the failed account out.
    assert.deepEqual(
      (await status(file, ['team1'])).accounts.map((a) => a.name),
      ['dev'],
    )

    const r = await runCli(['status', '-f', file, '--json'], { env: emu().env() })
    assert.equal(r.code, 1, r.stdout + r.stderr)
    assert.deepEqual(rows(JSON.parse(r.stdout) as StatusReport), rows(report))
    assert.match(r.stderr, /Error: account qa \(444444444444\): cannot assume .*\nHint: .*trust policy/)
  })
})
