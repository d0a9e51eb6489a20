/**
 * A one-domain file is the one-account case (#25): the same teams written with `domain:` and as
 * `accounts:`/`domains:` in the caller's own account plan, apply, report and prune alike.
 */
import assert from 'node:assert/strict'
import { AwsClients } from '../../src/lib/aws/clients.js'
import { acquireLock } from '../../src/lib/engine/lock.js'
import type { Plan } from '../../src/lib/plan/types.js'
import type { StatusReport } from '../../src/lib/status.js'
import { DEMO_ACCOUNT } from '../helpers/emulator.js'
import { accountsForm, CALLER, DOMAIN, oneDomain } from '../helpers/forms.js'
import { withEnv } from '../helpers/organization.js'
import { useReconcile } from '../helpers/reconcile.js'
import type { ExampleTeamsFile } from '../helpers/workspace.js'

describe('one engine: a one-domain file and the same teams as accounts:/domains:', function () {
  this.timeout(120_000)
  const { emu, cli, plan, applied } = useReconcile()
  /** What a plan would do, without the console steps and where each change is. */
  const changes = (p: Plan) =>
    p.changes
      .filter((c) => c.action !== 'manual')
      .map((c) => `${c.action} ${c.kind} ${c.key}`)
      .sort()

  it("never assumes a role in the caller's own account unless the file names one", async () => {
    const p = await plan(accountsForm(true))
    assert.deepEqual(
      (p.context.accounts ?? []).filter((a) => a.error),
      [],
      'no account failed',
    )
    assert.deepEqual(changes(p), changes(await plan(oneDomain())))
    // A role named for the caller's own account is assumed (and here refused: the demo account has none).
    const withRole = await cli([
      'plan',
      '-f',
      accountsForm(true, (c) => {
        c.accounts!.me.role = 'sagemaker-teams-admin'
      }),
      '--json',
    ])
    const named = JSON.parse(withRole.stdout) as Plan
    assert.match(named.context.accounts?.find((a) => a.name === 'me')?.error?.message ?? '', /cannot assume/)
  })

  for (const [first, then] of [
    ['one-domain', 'accounts'],
    ['accounts', 'one-domain'],
    ['domains', 'one-domain'],
    ['one-domain', 'domains'],
  ] as const)
    it(`after apply of the ${first} form, the ${then} form plans nothing`, async () => {
      const form = {
        'one-domain': oneDomain,
        accounts: () => accountsForm(true),
        domains: () => accountsForm(false),
      }
      await applied(form[first]())
      assert.deepEqual(changes(await plan(form[then]())), [])
    })

  it('plan and apply --team <removed team> --prune: the same changes in both forms, and it is gone', async () => {
    const byForm: Record<string, string[]> = {}
    for (const [name, make] of [
      ['one-domain', oneDomain],
      ['accounts', (change?: (c: ExampleTeamsFile) => void) => accountsForm(true, change)],
    ] as const) {
      emu().reset()
      await emu().dropTables()
      await emu().seedFile(DEMO_ACCOUNT)
      await applied(make())
      const without = make((c) => {
        delete c.teams.team2
      })
      const p = await plan(without, '--team', 'team2', '--prune')
      byForm[name] = changes(p)
      assert.ok(
        byForm[name].some((c) => c === 'delete role sagemaker-teams-team2'),
        `${name}: ${byForm[name].join(', ')}`,
      )
      // A name that is neither in the file nor has anything to remove is still refused.
      const typo = await cli(['plan', '-f', without, '--team', 'team9', '--prune'])
      assert.equal(typo.code, 1, `${name}: ${typo.stdout}${typo.stderr}`)
      assert.match(typo.stderr, /--team team9: no such team/)
      // apply --team team2 --prune removes it, and nothing is left to plan (--team team2 is now a typo).
      const gone = await cli(['apply', '-f', without, '--team', 'team2', '--prune', '--yes'])
      assert.equal(gone.code, 0, `${name}: ${gone.stdout}${gone.stderr}`)
      assert.ok(!emu().state.roles.some((r) => r.RoleName === 'sagemaker-teams-team2'), name)
      assert.deepEqual(changes(await plan(without, '--prune')), [], name)
    }
    assert.deepEqual(byForm.accounts, byForm['one-domain'])
  })

  it("status: a missing workspace bucket is its team's problem in both forms, and the teams read the same", async () => {
    const missing = (c: ExampleTeamsFile) => {
      c.teams.team1.workspace = { bucket: 'no-such-bucket-here' }
    }
    await applied(oneDomain())
    // Both exit alike (1: team1's workspace is not in place), with the report on stdout.
    const a = await cli(['status', '-f', oneDomain(missing), '--json'])
    const b = await cli(['status', '-f', accountsForm(true, missing), '--json'])
    assert.equal(b.code, a.code, b.stderr)
    // One status shape: account → domain → team, whatever the form.
    const one = JSON.parse(a.stdout) as StatusReport
    const many = JSON.parse(b.stdout) as StatusReport
    const shape = (r: StatusReport) =>
      r.accounts.map((x) => ({ id: x.id, error: x.error, domains: x.domains.map((d) => d.id) }))
    assert.deepEqual(shape(one), [{ id: CALLER, error: undefined, domains: [DOMAIN] }])
    assert.deepEqual(shape(many), shape(one))
    const teamsOf = (r: StatusReport) => r.accounts.flatMap((x) => x.domains.flatMap((d) => d.teams))
    const manyTeams = teamsOf(many)
    assert.match(manyTeams.find((t) => t.team === 'team1')?.workspace?.problem ?? '', /no-such-bucket-here/)
    assert.equal(manyTeams.find((t) => t.team === 'team2')?.workspace, undefined)
    assert.deepEqual(manyTeams, teamsOf(one))
  })

  it("doctor and force-unlock act in the caller's own account named under accounts: without assuming a role", async () => {
    // doctor: the account check passes with the caller's own credentials (no role to assume there).
    const d = await cli(['doctor', '-f', accountsForm(true), '--json'])
    const checks = (JSON.parse(d.stdout) as { checks: { name: string; status: string; detail: string }[] })
      .checks
    const me = checks.find((c) => c.name === 'account me')
    assert.equal(me?.status, 'pass', JSON.stringify(me))
    assert.match(me?.detail ?? '', /own credentials/)
    // The caller's domain is checked in both forms (IAM auth mode).
    for (const file of [oneDomain(), accountsForm(false)]) {
      const r = JSON.parse((await cli(['doctor', '-f', file, '--json'])).stdout) as typeof d & {
        checks: { name: string; status: string }[]
      }
      assert.equal(r.checks.find((c) => c.name === 'domain')?.status, 'pass', file)
    }
    // force-unlock: the lock of the domain (one lock per account, keyed by its first domain; the
    // Identity Center's part is the caller's account's) is found and removed in every form, without
    // --account; the caller's own account named without a role is not assumed into. A blocked apply
    // names it alike in every form.
    const blocked: string[] = []
    for (const file of [oneDomain(), accountsForm(false), accountsForm(true)]) {
      const lease = await withEnv(emu().env(), () =>
        acquireLock(new AwsClients({ region: 'us-east-1' }), {
          domainId: DOMAIN,
          command: 'apply',
          timeoutSeconds: 0,
        }),
      )
      const refused = await cli(['apply', '-f', file, '--yes'])
      assert.equal(refused.code, 1, `${file}: ${refused.stdout}${refused.stderr}`)
      blocked.push(refused.stderr.replace(/pid \d+|[0-9a-f-]{36}|\d{4}-\d\d-\d\dT[\d:.]+Z|\d+ s/g, '…'))
      const r = await cli(['force-unlock', lease.info.id, '-f', file, '--yes'])
      assert.equal(r.code, 0, `${file}: ${r.stdout}${r.stderr}`)
      await withEnv(emu().env(), () => lease.release())
    }
    assert.match(blocked[0], /lock of domain d-abcdefghijkl|domain d-abcdefghijkl/)
    assert.deepEqual(blocked.slice(1), [blocked[0], blocked[0]])
  })

  it('plan warns about a held apply lock in both forms', async () => {
    const lease = await withEnv(emu().env(), () =>
      acquireLock(new AwsClients({ region: 'us-east-1' }), {
        domainId: DOMAIN,
        command: 'apply',
        timeoutSeconds: 0,
      }),
    )
    try {
      for (const file of [oneDomain(), accountsForm(true), accountsForm(false)]) {
        const p = await plan(file)
        assert.ok(
          p.warnings.some((w) =>
            /an apply is running( in account \S+ \(\d+\))?: the lock is held by .*\(apply, pid \d+/.test(w),
          ),
          `${file}: ${p.warnings.join('; ')}`,
        )
      }
    } finally {
      await withEnv(emu().env(), () => lease.release())
    }
  })
})
