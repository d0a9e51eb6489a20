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
})
