/** --team on plan, apply and status: with two teams changed, only the named one is touched. */
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Plan } from '../../src/lib/plan/types.js'
import { idpMetadata, keyPair } from '../../tools/idp/idp.js'
import { useReconcile } from '../helpers/reconcile.js'
import { rewrite, workspace } from '../helpers/workspace.js'

const USER3 = '3c4d5e6f-7081-4c9d-8e0f-2a3b4c5d6e7f'
const USER5 = '906712345a-5e6f7081-92a3-4ebf-a021-4c5d6e7f8091'

describe('--team', function () {
  this.timeout(180_000)
  const { emu, cli, plan, applied } = useReconcile()

  async function twoTeamsChanged(): Promise<string> {
    const file = workspace()
    mkdirSync(path.join(path.dirname(file), 'metadata'))
    for (const team of ['team1', 'team2'])
      writeFileSync(path.join(path.dirname(file), 'metadata', `${team}.xml`), idpMetadata([keyPair('idp')]))
    await applied(file)
    rewrite(file, (c) => {
      c.teams.team1.members!.users!.push('user5@example.com')
      c.teams.team2.members!.users!.push('user3@example.com')
    })
    return file
  }
  /** The teams (or account-wide kinds) with changes; pending console steps are not changes. */
  const teamsOf = (p: Plan) =>
    [...new Set(p.changes.filter((c) => c.action !== 'manual').map((c) => c.team ?? `(${c.kind})`))].sort()

  it('plan --team plans only that team; the ACS, whose configuration also changes for team2, is held back', async () => {
    const file = await twoTeamsChanged()
    const all = await plan(file)
    assert.deepEqual(
      teamsOf(all).filter((t) => !t.startsWith('(')),
      ['team1', 'team2'],
    )
    const scoped = await plan(file, '--team', 'team1')
    assert.deepEqual(scoped.options.teams, ['team1'])
    assert.deepEqual(teamsOf(scoped), ['(acs-function)', 'team1'])
    const acs = scoped.changes.find((c) => c.kind === 'acs-function')!
    assert.equal(acs.action, 'blocked')
    // team2's member list at the ACS changes too (user3 may sign in to team2).
    assert.match(acs.reason ?? '', /also changes for team2, member user3@example.com: apply without --team/)
    const text = await cli(['plan', '-f', file, '--team', 'team1'])
    assert.match(text.stdout, /Scoped to team team1 \(--team\)/)
    assert.doesNotMatch(text.stdout, /Team team2/)
    const md = await cli(['plan', '-f', file, '--team', 'team1', '--format', 'markdown'])
    assert.match(md.stdout, /> Scoped to team team1/)
  })

  it('apply --team touches only that team, and status --team reports only it', async () => {
    const file = await twoTeamsChanged()
    const before = emu().state.functions[0].CodeSha256
    const r = await cli(['apply', '-f', file, '--team', 'team1', '--yes'])
    // The ACS held back for team2's changes is blocked: user5 cannot sign in to team1 yet (exit 1).
    assert.equal(r.code, 1, r.stdout + r.stderr)
    assert.match(
      r.stdout,
      /^BLOCKED acs-function sagemaker-teams-acs: the ACS configuration also changes for team2/m,
    )
    assert.match(r.stdout, /^Apply incomplete: 2 done, 0 failed, 0 manual, 0 skipped, 1 blocked\.$/m)
    // The closing summary: counts per kind, elapsed time, the console step still pending.
    assert.match(r.stdout, /^By kind: assignment 1 done · profile 1 done$/m)
    assert.match(r.stdout, /^Elapsed: \d+\.\d s$/m)
    assert.match(r.stdout, /^1 console step still pending: run `sagemaker-teams sso checklist`$/m)
    const names = emu().state.profiles.map((p) => p.UserProfileName)
    assert.ok(names.includes(`team1-${USER5}`), names.join(' '))
    assert.ok(!names.includes(`team2-${USER3}`), 'team2 was touched')
    assert.ok(!emu().state.assignments.some((a) => a.PrincipalId === USER3), 'team2 assignment was made')
    assert.equal(emu().state.functions[0].CodeSha256, before, 'the ACS was redeployed with team2 changes')
    const rest = await plan(file)
    assert.deepEqual(
      teamsOf(rest).filter((t) => !t.startsWith('(')),
      ['team2'],
    )
    const status = JSON.parse((await cli(['status', '-f', file, '--team', 'team2', '--json'])).stdout)
    assert.deepEqual(
      (status as import('../../src/lib/status.js').StatusReport).accounts.flatMap((a) =>
        a.domains.flatMap((d) => d.teams.map((t) => t.team)),
      ),
      ['team2'],
    )
  })

  it('on a fresh account, plan --team team1 --out then apply --plan brings what team1 needs (boundaries, LF-tags, the ACS): the team can sign in', async () => {
    const file = workspace()
    const out = path.join(path.dirname(file), 'plan.json')
    const p = await cli(['plan', '-f', file, '--team', 'team1', '--out', out])
    assert.equal(p.code, 0, p.stdout + p.stderr)
    const saved = JSON.parse(readFileSync(out, 'utf8')) as Plan
    assert.deepEqual(
      saved.changes.filter((c) => c.team === undefined).map((c) => `${c.action} ${c.kind}`),
      // The team roles' boundary and the ACS's (apply creates a missing one; changing one is setup's).
      [
        'create boundary',
        'create boundary',
        'create lf-tag',
        'create lf-tag',
        'create acs-role',
        'create acs-table',
        'create acs-function',
        'create acs-url',
        'create acs-permission',
        'create acs-permission',
      ],
    )
    const r = await cli(['apply', '-f', file, '--plan', out, '--yes'])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const s = emu().state
    assert.ok(
      s.roles.some((x) => x.RoleName === 'sagemaker-teams-team1'),
      'team1 role missing',
    )
    assert.ok(s.applications.some((x) => x.Name === 'SageMaker Studio Team 1'))
    assert.ok(!s.applications.some((x) => x.Name === 'SageMaker Studio Team 2'), 'team2 was touched')
    assert.equal(s.functions.length, 1, 'the ACS that signs team1 in is deployed')
  })

  it('an unknown --team is an error with a suggestion, not an empty plan', async () => {
    const file = workspace()
    const r = await cli(['plan', '-f', file, '--team', 'teem1', '--detailed-exitcode'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /--team teem1: no such team .*did you mean "team1"/)
  })
})
