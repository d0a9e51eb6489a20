/**
 * Partial reads and applies across accounts (issue #29 items 6 and 9): a plan says "matches" only
 * about what it read, and the Identity Center side of a team whose account cannot be read is held
 * back. The CLI in process against the three-account emulator.
 */
import assert from 'node:assert/strict'
import type { Plan } from '../../src/lib/plan/types.js'
import { runInProcess } from '../helpers/in-process.js'
import { DEV, organizationWorkspace, QA, useOrganization } from '../helpers/organization.js'

describe('partial reads and applies across accounts', function () {
  this.timeout(180_000)
  const emu = useOrganization()
  const cli = (args: string[]) => runInProcess(args, { env: emu().env() })

  it('a plan with an account it could not read never says the account matches; it names the account, exit 1', async () => {
    const f = organizationWorkspace()
    const a = await cli(['apply', '-f', f, '--yes'])
    assert.equal(a.code, 0, a.stdout + a.stderr)
    // dev's account role now trusts only its own account: the CLI cannot assume it.
    const role = emu()
      .accountState(DEV)
      .roles.find((r) => r.RoleName === 'sagemaker-teams-admin')!
    role.AssumeRolePolicyDocument = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${DEV}:root` }, Action: 'sts:AssumeRole' },
      ],
    })
    const p = await cli(['plan', '-f', f])
    assert.equal(p.code, 1, p.stdout + p.stderr)
    assert.doesNotMatch(p.stdout, /The account matches/)
    assert.match(p.stdout, /No changes in what could be read; not read: account dev \(222222222222\)/)
    assert.match(p.stderr, /account dev \(222222222222\): cannot assume/)
  })

  it("an account that cannot be assumed holds back its teams' application and assignments; the summary counts it", async () => {
    const f = organizationWorkspace((c) => {
      c.accounts!.qa = { id: QA }
      c.domains!.qa = { account: 'qa', id: 'd-qadomain0001' }
      c.teams.team4.domain = 'qa'
    })
    const p = await cli(['plan', '-f', f, '--json'])
    assert.equal(p.code, 1, p.stderr)
    const plan = JSON.parse(p.stdout) as Plan
    const team4 = plan.changes
      .filter((c) => c.team === 'team4' && c.action !== 'manual')
      .map((c) => `${c.action} ${c.kind}`)
    assert.deepEqual(team4.sort(), ['blocked application', 'blocked assignment', 'blocked assignment'])
    assert.match(
      plan.changes.find((c) => c.team === 'team4' && c.kind === 'application')?.reason ?? '',
      /held back: account qa \(444444444444\) of team team4 could not be read/,
    )
    assert.ok(!plan.accessReview?.widened.some((i) => i.team === 'team4'), 'no widening of team4 is reviewed')
    const a = await cli(['apply', '-f', f, '--yes'])
    assert.equal(a.code, 1, a.stdout + a.stderr)
    assert.match(
      a.stdout,
      /^Apply finished with failures: \d+ done, 0 failed, 0 manual, 0 skipped, 3 blocked; 1 of 3 accounts failed\.$/m,
    )
    const apps = emu().state.applications.map((x) => x.Name)
    assert.ok(!apps.includes('Team 4'), `team4's application was created: ${apps.join(', ')}`)
    assert.ok(apps.includes('Team 3'), apps.join(', '))
    const json = await cli(['apply', '-f', f, '--yes', '--json'])
    assert.equal(json.code, 1)
    assert.equal(JSON.parse(json.stdout).summary.failedAccounts, 1)
  })

  it("an account read fine whose apply fails (its role creation): its teams' application and assignments are held back, the summary counts them; the next apply converges", async () => {
    const f = organizationWorkspace()
    emu().injectFaults({ operation: 'iam:CreateRole', kind: 'denied', rate: 1, account: DEV })
    const a = await cli(['apply', '-f', f, '--yes'])
    emu().clearFaults()
    assert.equal(a.code, 1, a.stdout + a.stderr)
    // team1 lives in dev: no tile that leads nowhere.
    assert.match(
      a.stdout,
      /^SKIPPED \[identity-center\] application .*: held back: role sagemaker-teams-team1 failed in account dev, so team team1's role and profiles may not exist/m,
    )
    assert.match(
      a.stdout,
      /^SKIPPED \[identity-center\] assignment .*held back: role sagemaker-teams-team1 failed in account dev/m,
    )
    assert.match(
      a.stdout,
      /^Apply finished with failures: \d+ done, 1 failed, \d+ manual, [1-9]\d* skipped, 0 blocked; 1 of \d+ accounts failed\.$/m,
    )
    const apps = () => emu().state.applications.map((x) => x.Tags['sagemaker-teams:team'])
    assert.ok(!apps().includes('team1'), `team1's application was created: ${apps().join(', ')}`)
    for (const t of ['team2', 'team3', 'team4']) assert.ok(apps().includes(t), `${t}: ${apps().join(', ')}`)
    const again = await cli(['apply', '-f', f, '--yes'])
    assert.equal(again.code, 0, again.stdout + again.stderr)
    assert.ok(apps().includes('team1'))
  })
})
