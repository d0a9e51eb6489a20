/**
 * A member missing from the identity store is an error of that team only (#29 item 7): the other
 * teams plan and apply, revocations in the same file (also with --team) still apply, and the run
 * exits 1 naming the member at its file:line:column. The CLI against the demo-account emulator,
 * and against the three-account emulator (accounts:/domains:).
 */
import assert from 'node:assert/strict'
import type { Plan } from '../../src/lib/plan/types.js'
import { runCli } from '../helpers/cli.js'
import { runInProcess } from '../helpers/in-process.js'
import { organizationWorkspace, useOrganization } from '../helpers/organization.js'
import { useReconcile } from '../helpers/reconcile.js'
import { rewrite, workspace } from '../helpers/workspace.js'

const USER2 = '906712345a-2b3c4d5e-6f70-4b8c-9d0e-1f2a3b4c5d6e'
const USER3 = '3c4d5e6f-7081-4c9d-8e0f-2a3b4c5d6e7f'
const USER4 = '4d5e6f70-8192-4dae-9f10-3b4c5d6e7f80'

describe('a member missing from the identity store', function () {
  this.timeout(180_000)

  describe('one domain', () => {
    const { emu, cli, applied } = useReconcile()
    const teamApp = (team: string) =>
      emu().state.applications.find((a) => a.Tags['sagemaker-teams:team'] === team)!.ApplicationArn
    const assigned = (team: string) =>
      emu()
        .state.assignments.filter((a) => a.ApplicationArn === teamApp(team))
        .map((a) => a.PrincipalId)
        .sort()

    /** Applied, then: team2 loses user2 (a revocation) and gains user3; team1 gains user4 and a ghost. */
    async function withGhost(): Promise<string> {
      const file = workspace()
      await applied(file)
      assert.ok(assigned('team2').includes(USER2))
      rewrite(file, (c) => {
        c.teams.team2.members = { users: ['user1@example.com', 'user3@example.com'] }
        c.teams.team1.members = { users: ['user1@example.com', 'user4@example.com', 'ghost@example.com'] }
      })
      return file
    }

    it('the other teams plan and apply, the revocation runs, the team is held back; exit 1 naming the member', async () => {
      const file = await withGhost()
      const p = await cli(['plan', '-f', file, '--json'])
      assert.equal(p.code, 1, p.stderr)
      assert.match(
        p.stderr,
        /teams\.yaml:\d+:\d+ {2}teams\.team1\.members\.users\.2 {2}user ghost@example\.com of team team1 is not in identity store/,
      )
      const plan = JSON.parse(p.stdout) as Plan
      const of = (team: string) =>
        plan.changes
          .filter((c) => c.team === team && c.action !== 'manual' && !c.kind.startsWith('acs-'))
          .map((c) => `${c.action} ${c.kind}`)
          .sort()
      assert.deepEqual(of('team1'), ['blocked assignment', 'blocked profile'])
      assert.deepEqual(of('team2'), ['create assignment', 'create profile', 'delete assignment'])
      assert.equal(plan.errors?.length, 1)
      // Its tile and profile are held back (the ACS's member list follows the members found: without
      // the assignment nobody new reaches it for team1).
      assert.ok(
        !plan.accessReview?.widened.some((i) => i.team === 'team1' && !i.kind.startsWith('acs-')),
        JSON.stringify(plan.accessReview?.widened),
      )

      const a = await cli(['apply', '-f', file, '--yes'])
      assert.equal(a.code, 1, a.stdout + a.stderr)
      assert.match(a.stdout, /^Apply incomplete: \d+ done, 0 failed, \d+ manual, \d+ skipped, 2 blocked\.$/m)
      assert.match(a.stderr, /user ghost@example\.com of team team1 is not in identity store/)
      assert.ok(!assigned('team2').includes(USER2), 'user2 was revoked from team2')
      assert.ok(assigned('team2').includes(USER3), 'user3 was added to team2')
      assert.ok(!assigned('team1').includes(USER4), "team1's new member waits for the file to be fixed")
    })

    it('--team: the revocation of a team in error still applies (exit 1), another team plans clean', async () => {
      const file = await withGhost()
      rewrite(file, (c) => {
        c.teams.team1.members = { users: ['ghost@example.com'] } // user1 leaves team1
      })
      const scoped = await cli(['apply', '-f', file, '--yes', '--team', 'team1'])
      assert.equal(scoped.code, 1, scoped.stdout + scoped.stderr)
      assert.match(scoped.stderr, /teams\.team1\.members\.users\.0 {2}user ghost@example\.com/)
      assert.deepEqual(assigned('team1'), [], 'user1 was revoked from team1')
      // team2's plan does not fail for team1's member (a warning names it).
      const other = await cli(['plan', '-f', file, '--team', 'team2', '--json'])
      assert.equal(other.code, 0, other.stderr)
      const plan = JSON.parse(other.stdout) as Plan
      assert.equal(plan.errors, undefined)
      assert.ok(
        plan.warnings.some((w) => /user ghost@example\.com of team team1 is not in identity store/.test(w)),
      )
      assert.ok(
        plan.changes.some((c) => c.kind === 'assignment' && c.action === 'delete' && c.team === 'team2'),
      )
    })

    it('status exits 1 naming the member the identity store does not have', async () => {
      const file = workspace()
      await applied(file)
      rewrite(file, (c) => {
        c.teams.team1.members = { users: ['user1@example.com', 'ghost@example.com'] }
      })
      const r = await cli(['status', '-f', file])
      assert.equal(r.code, 1, r.stdout + r.stderr)
      assert.match(
        r.stderr,
        /Missing \(1\): user ghost@example\.com of team team1 \(not in the identity store\)/,
      )
      assert.equal((await cli(['status', '-f', file, '--team', 'team2'])).code, 0)
    })

    it('acs deploy deploys the members found and exits 1 naming the one the identity store does not have', async () => {
      const file = workspace()
      await applied(file)
      rewrite(file, (c) => {
        c.teams.team1.members = { users: ['user1@example.com', 'user4@example.com', 'ghost@example.com'] }
      })
      const r = await cli(['acs', 'deploy', '-f', file, '--yes'])
      assert.equal(r.code, 1, r.stdout + r.stderr)
      assert.match(r.stderr, /user ghost@example\.com of team team1 is not in identity store/)
      assert.match(r.stdout, /ACS deployed/)
      // Deployed: the next deploy has nothing to change, and still names the member.
      const again = await cli(['acs', 'deploy', '-f', file, '--yes'])
      assert.equal(again.code, 1, again.stderr)
      assert.match(again.stdout, /ACS up to date/)
    })

    it('the real CLI: a missing group is named at its line, the text plan never says the account matches', async () => {
      const file = workspace()
      await applied(file)
      rewrite(file, (c) => {
        c.teams.team1.members = { users: ['user1@example.com'], groups: ['no-such-group'] }
      })
      const r = await runCli(['plan', '-f', file], { env: emu().env() })
      assert.equal(r.code, 1, r.stderr)
      assert.match(r.stderr, /teams\.yaml:\d+:\d+ {2}teams\.team1\.members\.groups\.0 {2}group no-such-group/)
      assert.doesNotMatch(r.stdout, /The account matches/)
      assert.match(r.stdout, /in error: team team1/)
    })
  })

  describe('accounts:/domains:', () => {
    const emu = useOrganization()
    const cli = (args: string[]) => runInProcess(args, { env: emu().env() })

    it("team1's ghost holds back team1 alone; team2's revocation runs in its account", async () => {
      const f = organizationWorkspace()
      assert.equal((await cli(['apply', '-f', f, '--yes'])).code, 0)
      rewrite(f, (c) => {
        c.teams.team2.members = { users: ['user1@example.com'] }
        c.teams.team1.members = { users: ['user1@example.com', 'user4@example.com', 'ghost@example.com'] }
      })
      const a = await cli(['apply', '-f', f, '--yes'])
      assert.equal(a.code, 1, a.stdout + a.stderr)
      assert.match(a.stderr, /teams\.team1\.members\.users\.2 {2}user ghost@example\.com of team team1/)
      const app = (team: string) =>
        emu().state.applications.find((x) => x.Tags['sagemaker-teams:team'] === team)!.ApplicationArn
      const assigned = (team: string) =>
        emu()
          .state.assignments.filter((x) => x.ApplicationArn === app(team))
          .map((x) => x.PrincipalId)
      assert.ok(!assigned('team2').includes(USER2), 'user2 was revoked from team2')
      assert.ok(!assigned('team1').includes(USER4), "team1's new member is held back")
    })
  })
})
