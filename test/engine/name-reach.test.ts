/**
 * Names that cannot reach (#29 item 10, plan time): a team id that is the "-"-prefix of a team the
 * tool still owns in the account (kept or live), and an executionRole.arn naming the role the tool
 * created for another team (a removed team's kept role included), pass validate (the file alone is
 * fine) and are refused by plan and apply, naming both. The CLI against the demo-account emulator.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import type { TeamsFile } from '../../src/lib/config/types.js'
import { runCli } from '../helpers/cli.js'
import { useReconcile } from '../helpers/reconcile.js'
import { rewrite, workspace } from '../helpers/workspace.js'

describe('names that cannot reach (plan time)', function () {
  this.timeout(120_000)
  const { emu, cli, applied } = useReconcile()

  it("a new team 'ml' while team ml-prod's profiles are kept: refused naming both; after --prune it plans", async () => {
    const file = workspace((c) => {
      c.teams['ml-prod'] = { ...c.teams.team2, displayName: 'ML prod', tags: { Team: 'MlProd' } }
      delete c.teams['ml-prod'].saml
      delete c.teams.team2
    })
    await applied(file)
    rewrite(file, (c) => {
      c.teams.ml = { ...c.teams['ml-prod'], displayName: 'ML', tags: { Team: 'Ml' } }
      delete c.teams['ml-prod']
    })
    assert.equal((await cli(['validate', '-f', file])).code, 0, 'the file alone is valid')
    for (const command of ['plan', 'apply']) {
      const r = await runCli([command, '-f', file, '--yes'].slice(0, command === 'plan' ? 3 : 4), {
        env: emu().env(),
      })
      assert.equal(r.code, 1, r.stdout + r.stderr)
      assert.match(
        r.stderr,
        /team ml: its id is the "-"-prefix of team ml-prod, which the tool still owns in the account \((its application|profile ml-prod-)/,
      )
    }
    assert.ok(!emu().state.applications.some((a) => a.Name === 'ML'), 'nothing of ml was created')
    // Once ml-prod's resources are pruned, nothing of it is reached: ml plans.
    const ml = (parse(readFileSync(file, 'utf8')) as TeamsFile).teams.ml
    rewrite(file, (c) => {
      delete c.teams.ml
    })
    await applied(file, '--prune', '--force')
    rewrite(file, (c) => {
      c.teams.ml = ml
    })
    const after = await cli(['plan', '-f', file])
    assert.equal(after.code, 0, after.stderr)
  })

  it("executionRole.arn naming a removed team's kept role is refused at plan time", async () => {
    const file = workspace()
    await applied(file)
    rewrite(file, (c) => {
      delete c.teams.team2
      c.teams.team1.executionRole = { arn: 'arn:aws:iam::123456789012:role/sagemaker-teams-team2' }
    })
    assert.equal((await cli(['validate', '-f', file])).code, 0, 'validate sees no team2 in the file')
    const r = await cli(['plan', '-f', file])
    assert.equal(r.code, 1, r.stdout + r.stderr)
    assert.match(
      r.stderr,
      /team team1: executionRole\.arn arn:aws:iam::123456789012:role\/sagemaker-teams-team2 is the role the tool created for team team2 \(kept after it left the file\)/,
    )
  })
})
