/**
 * apply for a teams file with accounts:/domains: at parity with one domain (issue #17): the saved
 * plan is the authority, the approval prompt, Ctrl-C across accounts, a lost lock stops its
 * account, `--refresh events` per account, and force-unlock --account. In process (the runner and
 * the engine in src/lib) against the emulator with an Identity Center account and two member
 * accounts; the built commands in process for flags, a real process only for a pseudo-terminal and a signal.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { AddTagsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker'
import { parse } from 'yaml'
import { AwsClients } from '../../src/lib/aws/clients.js'
import { loadTeamsFileOrThrow } from '../../src/lib/config/load.js'
import {
  type ApplyRunOptions,
  type ApplyRunResult,
  applyTarget,
  runApply,
} from '../../src/lib/engine/apply-run.js'
import { acquireLock, forceUnlock, readLock } from '../../src/lib/engine/lock.js'
import { buildPlan, recordRefreshPoints } from '../../src/lib/engine/scopes.js'
import { lockedAccounts, lockPlace } from '../../src/lib/engine/unlock.js'
import type { PlanOptions } from '../../src/lib/kinds/engine-contract.js'
import type { Plan } from '../../src/lib/plan/types.js'
import { applyView } from '../../src/lib/views/apply.js'
import { planView } from '../../src/lib/views/plan.js'
import { type Emulator, startEmulator } from '../../tools/emulator/index.js'
import type { SeedData } from '../../tools/emulator/state.js'
import { BIN, type CliResult } from '../helpers/cli.js'
import { DEMO_ACCOUNT } from '../helpers/emulator.js'
import { runInProcess } from '../helpers/in-process.js'
import { hasScript } from '../helpers/terminal.js'
import { workspace } from '../helpers/workspace.js'

const IC = '123456789012'
const DEV = '222222222222'
const PROD = '333333333333'
const ADMIN = 'sagemaker-teams-admin'

/** A member account: its domains, and the admin role trusting the caller's account. */
const member = (id: string, domains: string[]): SeedData =>
  ({
    region: 'us-east-1',
    domains: domains.map((d) => ({ id: d, name: d, authMode: 'IAM', tagPropagation: 'ENABLED' })),
    roles: [
      {
        name: ADMIN,
        trust: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${IC}:root` }, Action: 'sts:AssumeRole' },
          ],
        },
      },
    ],
    dataLakeAdmins: [`arn:aws:iam::${id}:role/${ADMIN}`],
  }) as SeedData

/** team1 in dev, team2 in prod (its domain prod-a); `devUsers`/`prodUsers` replace the members. */
const accountsFile = (devUsers?: string[], prodUsers?: string[]) =>
  workspace((c) => {
    delete (c as { domain?: unknown }).domain
    delete (c as { acs?: unknown }).acs
    c.accounts = { dev: { id: DEV }, prod: { id: PROD } }
    c.domains = {
      dev: { account: 'dev', id: 'd-devdomain001' },
      'prod-a': { account: 'prod', id: 'd-prodaaaaaaaa' },
    }
    for (const t of Object.values(c.teams)) delete t.saml
    c.teams.team1.domain = 'dev'
    c.teams.team2.domain = 'prod-a'
    if (devUsers) c.teams.team1.members = { users: devUsers }
    if (prodUsers) c.teams.team2.members = { users: prodUsers }
  })

const bulkUsers = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    userName: `${prefix}${i}@example.com`,
    displayName: `${prefix} ${i}`,
  }))

describe('apply with accounts:/domains: at parity with one domain', function () {
  this.timeout(300_000)
  const seed = parse(readFileSync(DEMO_ACCOUNT, 'utf8')) as SeedData
  let emu: Emulator
  before(async () => {
    emu = await startEmulator({
      seed,
      profileReadyMs: 20,
      accounts: [
        { id: DEV, seed: member(DEV, ['d-devdomain001']) },
        { id: PROD, seed: member(PROD, ['d-prodaaaaaaaa']) },
      ],
    })
  })
  after(() => emu?.close())
  beforeEach(async () => {
    emu.reset()
    await emu.dropTables()
    emu.seed(seed)
  })

  /** Runs `fn` with the emulator's environment (the default caller), as the CLI would. */
  const inEmulator = async <T>(fn: (aws: AwsClients) => Promise<T>, env: Record<string, string> = {}) => {
    const saved = { ...process.env }
    Object.assign(process.env, emu.env(), env)
    try {
      return await fn(new AwsClients({ region: 'us-east-1' }))
    } finally {
      process.env = saved
    }
  }
  const OPTIONS: PlanOptions = { prune: false, force: false, refresh: 'existence' }
  /** The runner as `apply` calls it for this file (no terminal); its output (the plan and apply views) collected. */
  const apply = (
    file: string,
    opts: Partial<ApplyRunOptions> = {},
    aws?: AwsClients,
  ): Promise<ApplyRunResult & { out: string; err: string }> => {
    const run = async (clients: AwsClients) => {
      const teams = await loadTeamsFileOrThrow(file)
      let out = ''
      let err = ''
      const result = await runApply(applyTarget(clients, teams, { command: 'apply', timeoutSeconds: 0 }), {
        planOptions: OPTIONS,
        yes: true,
        requireApproval: 'destructive',
        concurrency: 8,
        quiet: false,
        canPrompt: false,
        liveProgress: false,
        ...opts,
        showPlan: async (plan) => {
          out += await planView.text(plan, { colour: false })
        },
        err: (t) => {
          err += t
          opts.err?.(t)
        },
      })
      out += await applyView.text(result, { colour: false, ...result.report })
      return { ...result, out, err }
    }
    return aws ? run(aws) : inEmulator(run)
  }
  const planMany = (file: string, options: PlanOptions = OPTIONS) =>
    inEmulator(async (aws) => {
      const many = await buildPlan(aws, await loadTeamsFileOrThrow(file), options)
      await recordRefreshPoints(many, { apply: false })
      return many.plan
    })
  const actionable = (plan: Plan) =>
    plan.changes
      .filter((c) => c.action !== 'manual')
      .map((c) => `${c.account} ${c.action} ${c.kind} ${c.key}`)
  const roleNames = (id: string) =>
    emu
      .accountState(id)
      .roles.map((r) => r.RoleName)
      .filter((n) => n.startsWith('sagemaker-teams-team'))
  const nothingApplied = () => {
    assert.deepEqual(roleNames(DEV), [])
    assert.deepEqual(roleNames(PROD), [])
    assert.equal(emu.state.applications.length, 0)
  }
  /** Every account's lock, as force-unlock finds it (undefined: free). */
  const locks = (file: string) =>
    inEmulator(async (aws) => {
      const { config } = await loadTeamsFileOrThrow(file)
      const held: Record<string, string | undefined> = {}
      for (const name of lockedAccounts(config, await aws.accountId())) {
        const place = await lockPlace(aws, config, name)
        held[name] = (await readLock(place.aws, place.domainId))?.id
      }
      return held
    })

  it('apply --plan: the saved plan runs only as it is; an edited one, or one for other accounts, is refused', async () => {
    const file = accountsFile()
    const saved = `${file}.plan.json`
    const planned = await runInProcess(['plan', '-f', file, '--out', saved], { env: emu.env() })
    assert.equal(planned.code, 0, planned.stderr)
    const json = JSON.parse(readFileSync(saved, 'utf8')) as Plan
    assert.deepEqual(
      json.context.accounts?.map((a) => `${a.name} ${a.id} ${a.roleArn}`),
      [`dev ${DEV} arn:aws:iam::${DEV}:role/${ADMIN}`, `prod ${PROD} arn:aws:iam::${PROD}:role/${ADMIN}`],
    )
    const edited = (change: (p: Plan) => void) => {
      const p = JSON.parse(readFileSync(saved, 'utf8')) as Plan
      change(p)
      const f = `${file}.${Math.random().toString(36).slice(2)}.json`
      writeFileSync(f, JSON.stringify(p))
      return f
    }
    const refused = async (planFile: string, why: RegExp) => {
      const err = await apply(file, { planFile }).then(
        () => assert.fail('applied'),
        (e: Error) => e,
      )
      assert.match(err.message, /is not what apply would do now .*nothing was applied/)
      assert.match(err.message, why)
      nothingApplied()
    }
    // team2's role moved to dev by hand: the change is the same but for its account.
    await refused(
      edited((p) => {
        const role = p.changes.find((c) => c.kind === 'role' && c.team === 'team2')!
        role.account = 'dev'
      }),
      /only in the saved plan: create dev: role sagemaker-teams-team2\n- missing from the saved plan: create prod: role sagemaker-teams-team2/,
    )
    await refused(
      edited((p) => {
        p.context.accounts!.find((a) => a.name === 'prod')!.id = '999999999999'
      }),
      /account prod: the saved plan is for 999999999999 /,
    )
    await refused(
      edited((p) => {
        p.context.accounts = p.context.accounts!.filter((a) => a.name !== 'prod')
      }),
      /this file has account prod .* the saved plan does not/,
    )
    // A plan of the version before addresses (plan v1) is refused as such, not compared.
    const v1 = await apply(file, {
      planFile: edited((p) => {
        ;(p as { planVersion: number }).planVersion = 1
      }),
    }).then(
      () => assert.fail('applied'),
      (e: Error) => e,
    )
    assert.match(
      v1.message,
      /made by an older sagemaker-teams \(planVersion 1, this one writes 2\); run plan again/,
    )
    nothingApplied()

    // As saved: it applies (through the CLI's flag), in every account.
    const applied = await runInProcess(['apply', '-f', file, '--plan', saved, '--yes'], { env: emu.env() })
    assert.equal(applied.code, 0, applied.stdout + applied.stderr)
    assert.match(applied.stdout, /Account dev: ok\nAccount prod: ok/)
    assert.deepEqual(roleNames(DEV), ['sagemaker-teams-team1'])
    assert.deepEqual(roleNames(PROD), ['sagemaker-teams-team2'])
    // Once applied, the same plan is no longer what apply would do.
    const stale = await apply(file, { planFile: saved }).then(
      () => assert.fail('applied twice'),
      (e: Error) => e,
    )
    assert.match(stale.message, /only in the saved plan: create dev: role sagemaker-teams-team1/)
  })

  it('approval: refused without a terminal (nothing applied, every lock released); at a terminal "n" applies nothing', async function () {
    const file = accountsFile()
    const err = await apply(file, { yes: false }).then(
      () => assert.fail('applied without approval'),
      (e: Error) => e,
    )
    assert.match(
      err.message,
      /approval required \(--require-approval destructive\) and there is no terminal to ask/,
    )
    assert.match(err.message, /\+ widens: role sagemaker-teams-team1 is created[^\n]* \[team1 @ dev\]\n/)
    assert.match(err.message, /\+ widens: role sagemaker-teams-team2 is created[^\n]* \[team2 @ prod\]\n/)
    nothingApplied()
    assert.deepEqual(await locks(file), { 'identity-center': undefined, dev: undefined, prod: undefined })

    if (!hasScript()) this.skip()
    const out = await new Promise<string>((resolve, reject) => {
      const command = [process.execPath, BIN, 'apply', '-f', file].map((a) => `'${a}'`).join(' ')
      const child = spawn('script', ['-qfec', `stty cols 120 rows 40; ${command}`, '/dev/null'], {
        env: { ...process.env, ...emu.env(), NO_COLOR: '1' },
        stdio: ['pipe', 'pipe', 'pipe'],
      })
      let text = ''
      let answered = false
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        text += d
        if (!answered && /Apply it\?/.test(text)) {
          answered = true
          child.stdin.write('n\r')
        }
      })
      child.on('error', reject)
      child.on('close', () => resolve(text))
    })
    assert.match(out, /This plan widens access \(\d+\)\. Apply it\?/)
    assert.match(out, /Nothing applied\./)
    nothingApplied()
    assert.deepEqual(await locks(file), { 'identity-center': undefined, dev: undefined, prod: undefined })
  })

  it('at a terminal: live progress per kind under each account, as one domain shows it', async function () {
    if (!hasScript()) this.skip()
    const file = accountsFile()
    const out = await new Promise<string>((resolve, reject) => {
      const command = [process.execPath, BIN, 'apply', '-f', file, '--yes'].map((a) => `'${a}'`).join(' ')
      const child = spawn('script', ['-qfec', `stty cols 120 rows 40; ${command}`, '/dev/null'], {
        env: { ...process.env, ...emu.env(), NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let text = ''
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        text += d
      })
      child.on('error', reject)
      child.on('close', () => resolve(text))
    })
    // listr2's task lines (not the plain "applying N role changes" lines of a log).
    assert.doesNotMatch(out, /applying \d+ \S+ changes?/)
    for (const account of ['identity-center', 'dev', 'prod'])
      assert.match(out, new RegExp(`account ${account}`))
    assert.match(out, /role: 1\/1/)
    assert.match(out, /profile: 1\/1/)
    assert.match(out, /Apply complete: \d+ done, 0 failed/)
  })

  it('Ctrl-C: every account stops starting changes, exit 130 with the count, every lock released; the next apply converges', async () => {
    const devUsers = bulkUsers('dev', 40)
    const prodUsers = bulkUsers('prod', 40)
    emu.seed({ users: [...devUsers, ...prodUsers] })
    const file = accountsFile(
      devUsers.map((u) => u.userName),
      prodUsers.map((u) => u.userName),
    )
    emu.setLatency(40)
    const child = spawn(process.execPath, [BIN, 'apply', '-f', file, '--yes', '--concurrency', '2'], {
      env: { ...process.env, ...emu.env(), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let signalled = false
    const result = await new Promise<CliResult>((resolve) => {
      let stdout = ''
      let stderr = ''
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d
        // Once both member accounts have made changes: every account is mid-run.
        if (!signalled && /ok .*@ dev/.test(stderr) && /ok .*@ prod/.test(stderr)) {
          signalled = true
          child.kill('SIGINT')
        }
      })
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
    })
    emu.setLatency(0)
    assert.ok(signalled, result.stderr)
    assert.equal(result.code, 130, result.stdout + result.stderr)
    const m = /Interrupted after (\d+) of (\d+) changes; run apply again to converge\./.exec(result.stderr)
    assert.ok(m, result.stderr)
    assert.ok(Number(m![1]) > 0 && Number(m![1]) < Number(m![2]), m![0])
    // Neither member account ran to its end: 40 profiles each planned.
    assert.ok(
      emu.accountState(DEV).profiles.length < 40,
      `${emu.accountState(DEV).profiles.length} dev profiles`,
    )
    assert.ok(
      emu.accountState(PROD).profiles.length < 40,
      `${emu.accountState(PROD).profiles.length} prod profiles`,
    )
    assert.deepEqual(await locks(file), { 'identity-center': undefined, dev: undefined, prod: undefined })
    const again = await apply(file)
    assert.equal(again.exitCode, 0, again.out + again.err)
    assert.equal(emu.accountState(DEV).profiles.length, 40)
    assert.equal(emu.accountState(PROD).profiles.length, 40)
    assert.deepEqual(actionable(await planMany(file)), [])
  })

  it('a second Ctrl-C exits at once, while calls are still in flight', async () => {
    const file = accountsFile()
    // Every profile create waits until the test lets it go: in flight when the signals come.
    const release = emu.holdCalls('sagemaker:CreateUserProfile')
    try {
      const child = spawn(process.execPath, [BIN, 'apply', '-f', file, '--yes'], {
        env: { ...process.env, ...emu.env(), NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stage = 0
      const result = await new Promise<CliResult>((resolve) => {
        let stdout = ''
        let stderr = ''
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
        child.stderr.setEncoding('utf8').on('data', (d: string) => {
          stderr += d
          if (stage === 0 && /applying \d+ profile change/.test(stderr)) {
            stage = 1
            child.kill('SIGINT')
          } else if (stage === 1 && /Ctrl-C again exits now/.test(stderr)) {
            stage = 2
            child.kill('SIGINT')
          }
        })
        child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
      })
      assert.equal(stage, 2, result.stderr)
      assert.equal(result.code, 130, result.stdout + result.stderr)
      // It did not wait for the held calls (the first Ctrl-C alone ends with the count).
      assert.doesNotMatch(result.stderr, /Interrupted after/)
      assert.equal(emu.accountState(DEV).profiles.length + emu.accountState(PROD).profiles.length, 0)
    } finally {
      release()
    }
  })

  it('a lock removed (force-unlock) during the apply stops that account alone; the summary names it, exit 1', async () => {
    const devUsers = bulkUsers('dev', 60)
    emu.seed({ users: devUsers })
    const file = accountsFile(devUsers.map((u) => u.userName))
    emu.setLatency(30)
    let removing: Promise<unknown> | undefined
    const result = await inEmulator(
      async (aws) => {
        const { config } = await loadTeamsFileOrThrow(file)
        const dev = await lockPlace(aws, config, 'dev')
        return apply(
          file,
          {
            concurrency: 1,
            // At dev's first change: remove its lock as force-unlock does (its renewal finds it gone).
            err: (line) => {
              if (!removing && / @ dev /.test(line))
                removing = readLock(dev.aws, dev.domainId).then((held) =>
                  forceUnlock(dev.aws, dev.domainId, held!.id),
                )
            },
          },
          aws,
        )
      },
      { SAGEMAKER_TEAMS_LOCK_LEASE_SECONDS: '2' },
    )
    emu.setLatency(0)
    await removing
    assert.equal(result.exitCode, 1, result.out + result.err)
    assert.match(
      result.out,
      /Account dev \(222222222222\): its lock was removed \(force-unlock\) while this apply ran; it stopped/,
    )
    assert.match(result.out, /Account identity-center: ok/)
    assert.match(result.out, /Account prod: ok/)
    assert.ok(
      emu.accountState(DEV).profiles.length < 60,
      `${emu.accountState(DEV).profiles.length} dev profiles`,
    )
    assert.equal(emu.accountState(PROD).profiles.length, 2)
  })

  it("--refresh events: each account looks up its own CloudTrail since its domain's refresh point", async () => {
    const file = accountsFile()
    const events: PlanOptions = { ...OPTIONS, refresh: 'events', eventsDelaySeconds: 0 }
    const first = await apply(file, { planOptions: events })
    assert.equal(first.exitCode, 0, first.out + first.err)
    assert.match(first.out, /no refresh point recorded yet/)
    // A second apply (nothing to change) moves each domain's point past the first one's writes (only
    // apply moves the point).
    await new Promise((r) => setTimeout(r, 20))
    const second = await apply(file, { planOptions: events })
    assert.equal(second.exitCode, 0, second.out + second.err)
    const converged = await planMany(file, events)
    assert.deepEqual(actionable(converged), [])
    assert.equal(
      converged.warnings.filter((w) => /read every profile/.test(w)).length,
      0,
      converged.warnings.join('\n'),
    )
    // A hand change of team2's profile in prod, made in prod.
    const profile = emu.accountState(PROD).profiles.find((p) => p.UserProfileName.startsWith('team2-'))!
    const sm = new SageMakerClient({
      region: 'us-east-1',
      endpoint: emu.url,
      credentials: emu.credentialsFor(`arn:aws:iam::${PROD}:role/${ADMIN}`),
    })
    await sm.send(
      new AddTagsCommand({ ResourceArn: profile.UserProfileArn, Tags: [{ Key: 'Team', Value: 'Team1' }] }),
    )
    sm.destroy()
    emu.resetCounters()
    const drift = await planMany(file, events)
    assert.deepEqual(actionable(drift), [`prod update profile ${profile.UserProfileName}`])
    assert.equal(
      drift.warnings.filter((w) => /read every profile/.test(w)).length,
      0,
      drift.warnings.join('\n'),
    )
    // Each domain account asked its own event history; only the changed profile was read in full.
    assert.ok(emu.counters(DEV)['cloudtrail:LookupEvents'] > 0)
    assert.ok(emu.counters(PROD)['cloudtrail:LookupEvents'] > 0)
    assert.equal(emu.counters(IC)['cloudtrail:LookupEvents'] ?? 0, 0)
    assert.equal(emu.counters(PROD)['sagemaker:DescribeUserProfile'] ?? 0, 1)
    assert.equal(emu.counters(DEV)['sagemaker:DescribeUserProfile'] ?? 0, 0)
    // The domains' undelivered window reaches the plan of every account (its "not yet visible"
    // line). Through the built command: under tsx, the engine's static and dynamic imports of the
    // refresh module are two instances, so src/ in process cannot see what the profile read recorded.
    const windowed = await runInProcess(
      ['plan', '-f', file, '--json', '--refresh', 'events', '--events-delay', '60'],
      { env: emu.env() },
    )
    assert.equal(windowed.code, 0, windowed.stderr)
    assert.match(
      (JSON.parse(windowed.stdout) as Plan).notYetVisible ?? '',
      /^not yet visible: changes made in the last 60 seconds/,
    )
  })

  it('locks are per account: a held prod lock fails prod alone (naming force-unlock --account prod), and force-unlock --account removes it', async () => {
    const file = accountsFile()
    const held = await inEmulator(async (aws) => {
      const { config } = await loadTeamsFileOrThrow(file)
      const prod = await lockPlace(aws, config, 'prod')
      return acquireLock(prod.aws, { domainId: prod.domainId, command: 'apply', timeoutSeconds: 0 })
    })
    const id = held.info.id
    const result = await apply(file)
    assert.equal(result.exitCode, 1, result.out + result.err)
    assert.match(result.out, /Account dev: ok/)
    assert.match(
      result.out,
      new RegExp(`Account prod \\(${PROD}\\): .*another apply holds the lock of account prod`),
    )
    assert.ok(result.err.includes(`force-unlock ${id} --account prod`), result.err)
    assert.deepEqual(roleNames(PROD), [])
    assert.deepEqual(roleNames(DEV), ['sagemaker-teams-team1'])

    const cli = (...args: string[]) =>
      runInProcess(['force-unlock', id, '-f', file, '--yes', ...args], { env: emu.env() })
    const unnamed = await cli()
    assert.equal(unnamed.code, 1)
    assert.match(
      unnamed.stderr,
      /a lock in each of its accounts \(identity-center, dev, prod\): name the account with --account/,
    )
    const typo = await inEmulator(async (aws) =>
      lockPlace(aws, (await loadTeamsFileOrThrow(file)).config, 'prd').then(
        () => assert.fail('found'),
        (e: Error) => e,
      ),
    )
    assert.match(typo.message, /--account prd: no such account .*did you mean "prod"/)
    const wrong = await cli('--account', 'dev')
    assert.equal(wrong.code, 1)
    assert.match(wrong.stderr, /no apply holds the lock of account dev/)
    const removed = await cli('--account', 'prod')
    assert.equal(removed.code, 0, removed.stderr)
    assert.match(removed.stdout, new RegExp(`Removed the lock held by .*${id}`))
    assert.deepEqual(await locks(file), { 'identity-center': undefined, dev: undefined, prod: undefined })
    await held.release()
  })
})
