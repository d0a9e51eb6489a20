/**
 * The plan never says the account matches unless every resource that could differ was read (#29):
 * the default refresh (existence) reads two profiles per team, so it names how many profiles it did
 * not read in full and how to read them. The CLI against the demo-account emulator.
 */
import assert from 'node:assert/strict'
import type { Plan } from '../../src/lib/plan/types.js'
import { runCli } from '../helpers/cli.js'
import { useReconcile } from '../helpers/reconcile.js'
import { workspace } from '../helpers/workspace.js'

describe('the default refresh names what it did not read', function () {
  this.timeout(120_000)
  const { emu, cli, applied } = useReconcile()

  it('a converged file: "No changes" with the profiles not read, never "the account matches"; full reads them all', async () => {
    // team1 of five users (two of its profiles are read), team2 of two (both read).
    const file = workspace((c) => {
      c.teams.team1.members = { users: [1, 2, 3, 4, 5].map((i) => `user${i}@example.com`) }
    })
    await applied(file)
    const text = await runCli(['plan', '-f', file, '--detailed-exitcode'], { env: emu().env() })
    assert.equal(text.code, 0, text.stdout + text.stderr)
    assert.doesNotMatch(text.stdout, /The account matches/)
    assert.match(
      text.stdout,
      /^No changes\. Not read: 3 of 7 user profiles' tags and settings \(the default refresh reads two per team; `--refresh full` or `--refresh events` reads every one\)\.( \d+ manual steps pending.*)?$/m,
    )
    const json = await cli(['plan', '-f', file, '--json'])
    assert.deepEqual((JSON.parse(json.stdout) as Plan).unreadProfiles, { count: 3, of: 7 })

    const full = await cli(['plan', '-f', file, '--refresh', 'full'])
    assert.equal(full.code, 0, full.stderr)
    assert.match(full.stdout, /^No changes\. The account matches \S+teams\.yaml\.( .*)?$/m)
    // A team whose profiles are all read matches.
    const team2 = await cli(['plan', '-f', file, '--team', 'team2'])
    assert.match(team2.stdout, /^No changes\. The account matches \S+teams\.yaml for team2\.( .*)?$/m)
  })
})
