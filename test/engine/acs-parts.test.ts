/**
 * The ACS as parts (acs-role, acs-table, acs-function, acs-url, acs-permission): a change of one part
 * plans only that part, apply writes exactly the planned payload, and a part that fails holds back
 * the parts that wait for it.
 */
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { unzipSync } from 'fflate'
import { buildAcsPackageHash } from '../../src/lib/acs/bundle.js'
import type { AcsConfig } from '../../src/lib/acs/config.js'
import { applyParts } from '../../src/lib/engine/scopes.js'
import type { Change, Plan } from '../../src/lib/plan/types.js'
import { planMany, withEnv } from '../helpers/organization.js'
import { useReconcile } from '../helpers/reconcile.js'
import { rewrite, workspace } from '../helpers/workspace.js'

const acsChanges = (p: Plan) =>
  p.changes.filter((c) => c.action !== 'manual').map((c) => `${c.action} ${c.kind} ${c.key}`)

describe('the ACS as parts', function () {
  this.timeout(120_000)
  const { emu, cli, plan, applied } = useReconcile()

  it("a change of the function's code alone plans one acs-function update", async () => {
    const file = workspace()
    await applied(file)
    // The deployed package of an older handler: another CodeSha256 and code version, same configuration.
    const fn = emu().state.functions[0]
    fn.CodeSha256 = 'b2xkZXIgY29kZQ=='
    fn.Tags['sagemaker-teams:code-version'] = '0.0.1+00000000'
    const p = await plan(file)
    assert.deepEqual(acsChanges(p), ['update acs-function sagemaker-teams-acs'])
    const change = p.changes.find((c) => c.kind === 'acs-function')!
    assert.match(change.reason ?? '', /^ACS code version 0\.0\.1\+00000000 → /)
    emu().resetCounters()
    await applied(file)
    const calls = emu().counters()
    assert.equal(calls['lambda:UpdateFunctionCode'], 1)
    for (const op of ['iam:PutRolePolicy', 'lambda:AddPermission', 'lambda:UpdateFunctionUrlConfig'])
      assert.equal(calls[op] ?? 0, 0, op)
    assert.deepEqual(acsChanges(await plan(file)), [])
  })

  it("a change of the URL's auth type alone plans one acs-url update, reviewed as widening", async () => {
    const file = workspace()
    await applied(file)
    emu().state.functions[0].Url!.AuthType = 'AWS_IAM'
    const p = await plan(file)
    assert.deepEqual(acsChanges(p), ['update acs-url sagemaker-teams-acs'])
    assert.ok(
      p.accessReview?.widened.some(
        (i) => i.kind === 'acs-url' && /changes auth AWS_IAM → NONE/.test(i.description),
      ),
      JSON.stringify(p.accessReview),
    )
    emu().resetCounters()
    await applied(file)
    assert.equal(emu().counters()['lambda:UpdateFunctionUrlConfig'], 1)
    assert.equal(emu().counters()['lambda:UpdateFunctionCode'] ?? 0, 0)
    assert.equal(emu().state.functions[0].Url!.AuthType, 'NONE')
    assert.deepEqual(acsChanges(await plan(file)), [])
  })

  it("apply uploads exactly the planned configuration and package (the change's payload)", async () => {
    const file = workspace()
    await applied(file)
    rewrite(file, (c) => {
      c.teams.team1.members!.users!.push('user2@example.com')
    })
    const out = path.join(path.dirname(file), 'plan.json')
    const saved = await cli(['plan', '-f', file, '--out', out])
    assert.equal(saved.code, 0, saved.stderr)
    const planned = (JSON.parse(readFileSync(out, 'utf8')) as Plan).changes.find(
      (c) => c.kind === 'acs-function',
    ) as Change<'acs-function'>
    assert.equal(planned.action, 'update')
    const r = await cli(['apply', '-f', file, '--plan', out, '--yes'])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const fn = emu().state.functions[0]
    assert.equal(fn.CodeSha256, planned.after!.codeSha256)
    assert.equal(fn.Tags['sagemaker-teams:config-sha256'], planned.after!.configSha256)
    const files = unzipSync(Buffer.from(fn.ZipFile!, 'base64'))
    assert.deepEqual(
      JSON.parse(Buffer.from(files['acs-config.json']).toString('utf8')),
      planned.after!.config,
    )
  })

  it("apply executes the change's payload, not the file: a planned configuration the file does not give is what is deployed", async () => {
    const file = workspace()
    await applied(file)
    rewrite(file, (c) => {
      c.teams.team1.members!.users!.push('user2@example.com')
    })
    await withEnv(emu().env(), async () => {
      const many = await planMany(file)
      const change = many.parts
        .flatMap((p) => p.plan.changes)
        .find((c) => c.kind === 'acs-function') as Change<'acs-function'>
      assert.equal(change.action, 'update')
      // The planned change as a reviewer might have seen it: another session length, with its package.
      const config = { ...(change.after!.config as unknown as AcsConfig), sessionExpirationSeconds: 1234 }
      const hash = await buildAcsPackageHash(config)
      change.after = {
        ...change.after!,
        config: config as unknown as Record<string, unknown>,
        codeSha256: hash.codeSha256,
        configSha256: hash.configSha256,
      }
      const { accounts } = await applyParts(many, { concurrency: 4 })
      assert.deepEqual(
        accounts.filter((a) => a.status !== 'done'),
        [],
      )
      const fn = emu().state.functions[0]
      assert.equal(fn.CodeSha256, hash.codeSha256)
      assert.equal(fn.Tags['sagemaker-teams:config-sha256'], hash.configSha256)
      const deployed = JSON.parse(
        Buffer.from(unzipSync(Buffer.from(fn.ZipFile!, 'base64'))['acs-config.json']).toString('utf8'),
      ) as AcsConfig
      assert.equal(deployed.sessionExpirationSeconds, 1234)
    })
  })

  it("a saved plan of the one `acs` kind (an earlier version's, also planVersion 2) is refused naming the parts", async () => {
    const file = workspace()
    const out = path.join(path.dirname(file), 'plan.json')
    assert.equal((await cli(['plan', '-f', file, '--out', out])).code, 0)
    const saved = JSON.parse(readFileSync(out, 'utf8')) as Plan
    saved.changes = [
      ...saved.changes.filter((c) => !c.kind.startsWith('acs-')),
      {
        kind: 'acs',
        key: 'sagemaker-teams-acs',
        action: 'create',
        summary: 'sagemaker-teams-acs (function, URL, role, table; reserved concurrency 10)',
      } as unknown as Change,
    ]
    writeFileSync(out, JSON.stringify(saved))
    for (const args of [
      ['apply', '-f', file, '--plan', out, '--yes'],
      ['show', out],
    ]) {
      const r = await cli(args)
      assert.equal(r.code, 1, `${args[0]}: ${r.stdout}${r.stderr}`)
      assert.match(
        r.stderr,
        /made by another version of sagemaker-teams: this one plans no kind "acs" \(the ACS is planned as its parts: acs-role, acs-table, acs-function, acs-url, acs-permission\); run plan again/,
      )
    }
    assert.equal(emu().state.functions.length, 0)
  })

  it('a part that fails holds back the parts that wait for it; the next apply finishes', async () => {
    const file = workspace()
    emu().injectFaults({ operation: 'lambda:CreateFunction', kind: 'denied', next: 1 })
    const r = await cli(['apply', '-f', file, '--yes', '--json'])
    assert.equal(r.code, 1, r.stdout + r.stderr)
    const outcomes = (
      JSON.parse(r.stdout) as { outcomes: { kind: string; status: string; message?: string }[] }
    ).outcomes
    const of = (kind: string) => outcomes.filter((o) => o.kind === kind).map((o) => o.status)
    assert.deepEqual(of('acs-role'), ['done'])
    assert.deepEqual(of('acs-table'), ['done'])
    assert.deepEqual(of('acs-function'), ['failed'])
    assert.deepEqual(of('acs-url'), ['skipped'])
    assert.deepEqual(of('acs-permission'), ['skipped', 'skipped'])
    assert.match(
      outcomes.find((o) => o.kind === 'acs-url')?.message ?? '',
      /waits for the team's acs-function change/,
    )
    assert.equal(emu().counters()['lambda:CreateFunctionUrlConfig'] ?? 0, 0)
    assert.equal(emu().state.functions.length, 0)
    const next = await plan(file)
    assert.deepEqual(
      acsChanges(next).filter((c) => c.includes(' acs-')),
      [
        'create acs-function sagemaker-teams-acs',
        'create acs-url sagemaker-teams-acs',
        'create acs-permission sagemaker-teams-acs/FunctionURLAllowInvokeViaUrl',
        'create acs-permission sagemaker-teams-acs/FunctionURLAllowPublicAccess',
      ],
    )
    await applied(file)
    assert.deepEqual(acsChanges(await plan(file)), [])
  })
})
