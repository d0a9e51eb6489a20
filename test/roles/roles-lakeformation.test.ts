/** Execution roles, LF-tags and LF-tag grants through the CLI's commands (in process) against the emulator. */
import assert from 'node:assert/strict'
import { AwsClients } from '../../src/lib/aws/clients.js'
import { loadTeamsFileOrThrow } from '../../src/lib/config/load.js'
import { applyPlan } from '../../src/lib/engine/apply.js'
import { buildPlan } from '../../src/lib/engine/scopes.js'
import type { Change, Plan } from '../../src/lib/plan/types.js'
import type { Emulator } from '../../tools/emulator/index.js'
import { useDemoAccount } from '../helpers/emulator.js'
import { runInProcess } from '../helpers/in-process.js'
import { rewrite, workspace } from '../helpers/workspace.js'

describe('roles, LF-tags and LF grants (CLI against the emulator)', function () {
  this.timeout(120_000)
  const account = useDemoAccount()
  let emu: Emulator
  beforeEach(() => {
    emu = account()
  })
  const cli = (args: string[]) => runInProcess(args, { env: emu.env() })
  const changes = async (file: string, ...flags: string[]) => {
    const r = await cli(['plan', '-f', file, '--json', ...flags])
    assert.equal(r.code, 0, r.stderr)
    return (JSON.parse(r.stdout) as Plan).changes
      .filter((c) => c.action !== 'manual')
      .map((c) => `${c.action} ${c.kind} ${c.key}`)
  }
  const applied = async (file: string, ...flags: string[]) => {
    const r = await cli(['apply', '-f', file, '--yes', ...flags])
    assert.equal(r.code, 0, r.stdout + r.stderr)
  }

  it('creates roles with their policies and tags, LF-tags and grants; the next plan is empty', async () => {
    const file = workspace()
    await applied(file)
    const role = emu.state.roles.find((r) => r.RoleName === 'sagemaker-teams-team1')!
    assert.deepEqual(Object.keys(role.InlinePolicies).sort(), [
      'sagemaker-teams-baseline',
      'sagemaker-teams-developer',
      'sagemaker-teams-guardrails',
    ])
    assert.deepEqual(role.Tags, { Team: 'Team1', 'sagemaker-teams:team': 'team1' })
    assert.match(role.AssumeRolePolicyDocument, /sagemaker\.amazonaws\.com/)
    assert.deepEqual(
      emu.state.lfTags.map((t) => [t.TagKey, t.TagValues.sort()]),
      [
        ['domain', ['consumer-banking', 'investment-banking']],
        ['sensitivity', ['confidential', 'public']],
      ],
    )
    assert.deepEqual(
      emu.state.lfGrants.map((g) => [g.principal.split('/').pop(), g.permissions.sort()]).sort(),
      [
        ['sagemaker-teams-team1', ['DESCRIBE', 'SELECT']],
        ['sagemaker-teams-team2', ['DESCRIBE', 'SELECT']],
      ],
    )
    const profile = emu.state.profiles.find((p) => p.UserProfileName.startsWith('team1-'))!
    assert.equal(profile.UserSettings.ExecutionRole, 'arn:aws:iam::123456789012:role/sagemaker-teams-team1')
    assert.deepEqual(await changes(file), [])
  })

  it('drift in one statement of a generated policy yields exactly one role update; reordering the file yields none', async () => {
    const file = workspace()
    await applied(file)
    const role = emu.state.roles.find((r) => r.RoleName === 'sagemaker-teams-team2')!
    const doc = JSON.parse(role.InlinePolicies['sagemaker-teams-developer'])
    doc.Statement[0].Condition = {} // someone removed the ABAC condition in the console
    role.InlinePolicies['sagemaker-teams-developer'] = JSON.stringify(doc)
    const r = await cli(['plan', '-f', file, '--json'])
    const plan = JSON.parse(r.stdout) as Plan
    const drift = plan.changes.filter((c) => c.action !== 'manual')
    assert.deepEqual(
      drift.map((c) => `${c.action} ${c.kind} ${c.key}`),
      ['update role sagemaker-teams-team2'],
    )
    assert.match(drift[0].reason ?? '', /inline policy sagemaker-teams-developer differs/)
    assert.ok(
      plan.accessReview?.narrowed.some((i) => i.description.includes('sagemaker-teams-team2 loses')),
      'restoring the condition narrows what the role may do unconditionally',
    )
    const text = await cli(['plan', '-f', file])
    assert.match(
      text.stdout,
      /\+ inlinePolicies\.sagemaker-teams-developer\.Statement\[\]/,
      'text output shows a compact JSON diff',
    )
    await applied(file)
    assert.deepEqual(await changes(file), [])
    // Reordering keys and values in the file is no change.
    rewrite(file, (c) => {
      const g = c.teams.team1.lakeFormation![0]
      g.expression = { sensitivity: ['public'], domain: ['consumer-banking'] }
      g.permissions = ['DESCRIBE', 'SELECT']
      c.lakeFormation!.tags = {
        sensitivity: ['public', 'confidential'],
        domain: ['investment-banking', 'consumer-banking'],
      }
    })
    assert.deepEqual(await changes(file), [])
  })

  it('LF changes are exactly what the file says; grants narrow on a plain apply, LF-tag values go only with --prune', async () => {
    const file = workspace()
    await applied(file)
    rewrite(file, (c) => {
      c.lakeFormation!.tags.domain.push('retail')
    })
    assert.deepEqual(await changes(file), ['update lf-tag domain'])
    await applied(file)
    assert.deepEqual(emu.state.lfTags.find((t) => t.TagKey === 'domain')?.TagValues.sort(), [
      'consumer-banking',
      'investment-banking',
      'retail',
    ])

    rewrite(file, (c) => {
      c.teams.team1.lakeFormation![0].expression = {
        domain: ['consumer-banking'],
        sensitivity: ['confidential'],
      }
    })
    const role1 = 'arn:aws:iam::123456789012:role/sagemaker-teams-team1'
    // The grant the file no longer says is revoked without a flag: it is access, not data.
    assert.deepEqual((await changes(file)).sort(), [
      `create lf-grant ${role1}|TABLE|domain=consumer-banking;sensitivity=confidential`,
      `delete lf-grant ${role1}|TABLE|domain=consumer-banking;sensitivity=public`,
    ])
    await applied(file)

    rewrite(file, (c) => {
      c.teams.team2.lakeFormation![0].permissions = ['SELECT']
    })
    const role2 = 'arn:aws:iam::123456789012:role/sagemaker-teams-team2'
    assert.deepEqual(await changes(file), [`update lf-grant ${role2}|TABLE|domain=investment-banking`])
    await applied(file)
    assert.deepEqual(emu.state.lfGrants.find((g) => g.principal === role2)?.permissions, ['SELECT'])
    rewrite(file, (c) => {
      c.lakeFormation!.tags.domain = ['consumer-banking', 'investment-banking']
    })
    assert.deepEqual(await changes(file), [], 'a value the file no longer lists stays without --prune')
    assert.deepEqual(await changes(file, '--prune'), ['update lf-tag domain'])
  })

  it('an existing role given by ARN is checked, never modified', async () => {
    emu.seed({ roles: [{ name: 'byo-role', trustService: 'ec2.amazonaws.com' }] })
    const file = workspace((c) => {
      c.teams.team1.executionRole = { arn: 'arn:aws:iam::123456789012:role/byo-role' }
    })
    const r = await cli(['plan', '-f', file])
    assert.equal(r.code, 1)
    assert.match(
      r.stderr,
      /team team1: execution role arn:aws:iam::123456789012:role\/byo-role does not trust sagemaker\.amazonaws\.com/,
    )
    emu.state.roles.find((x) => x.RoleName === 'byo-role')!.AssumeRolePolicyDocument = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    })
    await applied(file)
    const byo = emu.state.roles.find((x) => x.RoleName === 'byo-role')!
    assert.deepEqual(byo.InlinePolicies, {})
    assert.ok(!emu.state.roles.some((x) => x.RoleName === 'sagemaker-teams-team1'))
    assert.ok(emu.state.lfGrants.some((g) => g.principal.endsWith(':role/byo-role')))
  })

  it('reports partial BatchGrantPermissions failures per entry', async () => {
    Object.assign(process.env, emu.env())
    const file = workspace()
    await applied(file)
    const teams = await loadTeamsFileOrThrow(file)
    // The scope that plans the account's LF grants.
    const many = await buildPlan(new AwsClients({ region: 'us-east-1' }), teams, {
      prune: false,
      force: false,
      refresh: 'existence',
    })
    const ctx = many.parts.find((p) => p.ctx.kinds.includes('lf-grant'))!.ctx
    const grant = (value: string): Change => ({
      kind: 'lf-grant',
      key: `k-${value}`,
      team: 'team1',
      action: 'create',
      summary: `grant ${value}`,
      after: {
        principalArn: 'arn:aws:iam::123456789012:role/sagemaker-teams-team1',
        roleName: 'sagemaker-teams-team1',
        resourceType: 'TABLE',
        expression: [{ TagKey: 'domain', TagValues: [value] }],
        permissions: ['SELECT'],
      },
    })
    const plan = { changes: [grant('investment-banking'), grant('no-such-value')] } as Plan
    emu.resetCounters()
    const outcomes = await applyPlan(plan, ctx, { concurrency: 4 })
    assert.equal(emu.counters()['lakeformation:BatchGrantPermissions'], 1, 'one batch call')
    assert.deepEqual(outcomes.map((o) => [o.key, o.status, o.code]).sort(), [
      ['k-investment-banking', 'done', undefined],
      ['k-no-such-value', 'failed', 'InvalidInputException'],
    ])
  })
})
