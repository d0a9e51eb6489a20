/**
 * The emulator's iam:SimulateCustomPolicy answers as the IAM engine of the test suite does, on the
 * requests of the scenario matrix sent the way the CLI sends them (policies/simulate-aws.ts: context
 * from the shipped reference extract, grouped and paged within the model's limits). Three principals
 * cover the three decisions: team1's role (allowed, implicit denies), with an `Allow *:*` attached
 * (the guardrails' explicit denies) and with the permissions boundary.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { IAMClient } from '@aws-sdk/client-iam'
import { parse } from 'yaml'
import type { TeamsFile } from '../../src/lib/config/types.js'
import { teamBoundaryPolicy } from '../../src/lib/policies/boundary.js'
import type { SimDecision, SimPrincipal } from '../../src/lib/policies/simulate.js'
import { awsEvaluator, SimulationUnavailable } from '../../src/lib/policies/simulate-aws.js'
import { libraryEvaluator, teamScenarios } from '../../src/lib/policies/team-matrix.js'
import { teamInlinePolicies } from '../../src/lib/policies/team-role.js'
import { ROOT } from '../helpers/cli.js'
import { useDemoAccount } from '../helpers/emulator.js'
import { ALLOW_ALL } from '../helpers/iam-policy-check.js'
import { MATRIX_INPUT, TEAM1_ROLE_INPUT } from '../policies/fixtures.js'

const config = parse(readFileSync(path.join(ROOT, 'teams.example.yaml'), 'utf8')) as TeamsFile
config.workspace = {}
const team1: SimPrincipal = {
  roleArn: TEAM1_ROLE_INPUT.roleArn,
  principalTags: { Team: MATRIX_INPUT.self.tag },
  policies: teamInlinePolicies(TEAM1_ROLE_INPUT),
}
const principals: [string, SimPrincipal][] = [
  ['team1', team1],
  ['team1 + Allow *:*', { ...team1, policies: { ...team1.policies, admin: ALLOW_ALL } }],
  [
    'team1 + Allow *:* within the boundary',
    {
      ...team1,
      policies: { ...team1.policies, admin: ALLOW_ALL },
      permissionsBoundary: teamBoundaryPolicy({
        config,
        partition: 'aws',
        region: 'us-east-1',
        accountId: '123456789012',
      }),
    },
  ],
]
// Trust policies are left out: IAM's simulator does not evaluate a role's resource policy (the CLI drops them too).
const requests = teamScenarios(MATRIX_INPUT)
  .flatMap((s) => s.requests)
  .map(({ resourcePolicy: _, ...r }) => r)

describe('emulator iam:SimulateCustomPolicy agrees with the test engine', function () {
  this.timeout(120_000)
  const emu = useDemoAccount()
  const iam = () =>
    Promise.resolve(
      new IAMClient({
        region: 'us-east-1',
        endpoint: emu().url,
        credentials: { accessKeyId: 'AKIAEMULATOR00000000', secretAccessKey: 'x' },
      }),
    )

  it('on every request of the matrix for three principals (allowed, explicit and implicit deny)', async () => {
    const tally: Record<SimDecision, number> = { Allowed: 0, ExplicitlyDenied: 0, ImplicitlyDenied: 0 }
    const differ: string[] = []
    for (const [name, p] of principals) {
      const [byEmulator, byEngine] = [
        await awsEvaluator(iam)(p, requests),
        await libraryEvaluator(p, requests),
      ]
      for (const [i, r] of requests.entries()) {
        tally[byEngine[i]]++
        if (byEmulator[i] !== byEngine[i])
          differ.push(`${name}: ${r.action} ${r.resource}: emulator ${byEmulator[i]}, engine ${byEngine[i]}`)
      }
    }
    assert.deepEqual(differ, [])
    const total = tally.Allowed + tally.ExplicitlyDenied + tally.ImplicitlyDenied
    assert.ok(total >= 200, `${total} requests`)
    for (const [d, n] of Object.entries(tally)) assert.ok(n >= 10, `${d}: ${n}`)
    // Grouped by context, not one call per request.
    const calls = emu().counters()['iam:SimulateCustomPolicy']
    assert.ok(calls < total, `${calls} calls for ${total} requests`)
  })

  it('pages through Marker when an answer is longer than MaxItems', async () => {
    const many = Array.from({ length: 30 }, (_, i) => ({
      action: 's3:GetObject',
      resource: `arn:aws:s3:::sagemaker-us-east-1-123456789012/teams/team1/f${i}`,
    }))
    const { simulationPageSize } = await import('../../src/lib/policies/simulate-aws.js')
    assert.equal(simulationPageSize(), 1000) // maxItemsType in the IAM model
    const out = await awsEvaluator(iam)(team1, many)
    assert.deepEqual(new Set(out), new Set(['Allowed']))
  })

  it('an identity that may not simulate gets SimulationUnavailable, naming the permission', async () => {
    emu().injectFaults({ operation: 'iam:SimulateCustomPolicy', kind: 'denied', rate: 1 })
    await assert.rejects(awsEvaluator(iam)(team1, requests.slice(0, 3)), (err: Error) => {
      assert.ok(err instanceof SimulationUnavailable, String(err))
      assert.match(err.message, /may not call iam:SimulateCustomPolicy \(AccessDenied/)
      return true
    })
  })
})
