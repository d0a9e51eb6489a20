import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { StatusReport } from '../../src/lib/status.js'
import type { Emulator } from '../../tools/emulator/index.js'
import { useDemoAccount } from '../helpers/emulator.js'
import { runInProcess } from '../helpers/in-process.js'
import { workspace } from '../helpers/workspace.js'

describe('status and import', function () {
  this.timeout(120_000)
  const account = useDemoAccount()
  let emu: Emulator
  beforeEach(() => {
    emu = account()
  })
  const cli = (args: string[]) => runInProcess(args, { env: emu.env() })

  it('status before and after apply', async () => {
    const file = workspace((c) => {
      c.teams.team2.members = { users: ['user1@example.com', 'user2@example.com'], groups: ['ds-team1'] }
    })
    const before = JSON.parse((await cli(['status', '-f', file, '--json'])).stdout) as StatusReport
    // One account (the caller's) with one domain: the same shape as a file with accounts:/domains:.
    const teamsOf = (r: StatusReport) => r.accounts.flatMap((a) => a.domains.flatMap((d) => d.teams))
    assert.deepEqual(
      teamsOf(before).map((t) => [
        t.team,
        t.application.exists,
        t.profiles.present,
        t.profiles.missing,
        t.grants.inPlace,
      ]),
      [
        ['team1', false, 0, 1, 0],
        ['team2', false, 0, 4, 0],
      ],
    )
    assert.equal(before.acs?.deployed, false)
    assert.equal((await cli(['apply', '-f', file, '--yes'])).code, 0)
    const after = JSON.parse((await cli(['status', '-f', file, '--json'])).stdout) as StatusReport
    const t2 = teamsOf(after).find((t) => t.team === 'team2')!
    assert.deepEqual(t2.application, {
      exists: true,
      name: 'SageMaker Studio Team 2',
      assignmentRequired: true,
      duplicates: 0,
    })
    assert.deepEqual(t2.assigned, { users: 2, groups: 1 })
    assert.deepEqual(t2.profiles, { expected: 4, present: 4, missing: 0, extra: 0 })
    assert.deepEqual(t2.grants, { expected: 1, inPlace: 1 })
    assert.equal(t2.console.verified, false)
    assert.equal(after.acs?.deployed, true)
    assert.match(after.acs?.url ?? '', /lambda-url/)
    const text = await cli(['status', '-f', file])
    assert.match(
      text.stdout,
      /team2 {2}yes, assignment required {2}2 users, 1 group {2}4\/4, 0 missing, 0 extra/,
    )
  })

  it('import round trip: import, validate, plan shows no changes', async () => {
    const file = workspace((c) => {
      c.teams.team2.members = { users: ['user2@example.com'], groups: ['ds-team1'] }
      c.teams.team1.executionRole = {
        create: true,
        managedPolicyArns: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
      }
      c.acs!.allowedSourceCidrs = ['10.100.10.0/24']
      c.acs!.sessionExpirationSeconds = 3600
    })
    assert.equal((await cli(['apply', '-f', file, '--yes'])).code, 0)
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'import-')), 'teams.yaml')
    const imported = await cli([
      'import',
      '--domain-id',
      'd-abcdefghijkl',
      '--region',
      'us-east-1',
      '-f',
      out,
    ])
    assert.equal(imported.code, 0, imported.stderr)
    assert.equal((await cli(['validate', '-f', out])).code, 0)
    const plan = await cli(['plan', '-f', out, '--detailed-exitcode'])
    assert.equal(plan.code, 0, plan.stdout)
    assert.match(plan.stdout, /No changes\./)
    const again = await cli(['import', '--domain-id', 'd-abcdefghijkl', '--region', 'us-east-1', '-f', out])
    assert.equal(again.code, 1)
    assert.match(again.stderr, /exists; pass --force/)
  })
})
