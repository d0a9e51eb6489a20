/**
 * A one-domain file is the one-account case (#25), command by command: the same teams written with
 * `domain:` and as `accounts:`/`domains:` with the caller's own account give the same result on the
 * emulator. What a form names differently (its account and domain names, the file's path) is
 * compared by what it names: the account id, the domain id. Plan, apply, status, doctor,
 * force-unlock and --team --prune are in one-engine.test.ts; policy, setup and access report in
 * one-engine-commands.test.ts.
 */
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import type { ApplyResult } from '../../src/commands/apply.js'
import type { ValidateResult } from '../../src/commands/validate.js'
import type { ChecklistTeam } from '../../src/lib/acs/checklist.js'
import type { AcsDeployResult } from '../../src/lib/acs/deploy.js'
import type { TeamsFile } from '../../src/lib/config/types.js'
import type { Plan } from '../../src/lib/plan/types.js'
import type { StatusReport } from '../../src/lib/status.js'
import { formBody, idpMetadata, signedResponse } from '../../tools/idp/idp.js'
import { DEMO_ACCOUNT } from '../helpers/emulator.js'
import { CALLER, DOMAIN, FORMS, type FormName, form } from '../helpers/forms.js'
import { callerClients, withEnv } from '../helpers/organization.js'
import { useReconcile } from '../helpers/reconcile.js'
import type { ExampleTeamsFile } from '../helpers/workspace.js'

const USER1 = '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'

/** The two forms compared: `domain:`, and the caller's own account named under `accounts:` without a role. */
const PAIR = ['one-domain', 'accounts'] as const satisfies readonly FormName[]

/** Where a plan's names point: account name → account id, domain name → domain id. */
function placesOf(plan: Pick<Plan, 'context'>) {
  const accounts = new Map(plan.context.accounts.map((a) => [a.name, a.id]))
  const domains = new Map(plan.context.accounts.flatMap((a) => a.domains.map((d) => [d.name, d.id])))
  return (x: { account?: string; domain?: string }) =>
    `${x.account === undefined ? '-' : (accounts.get(x.account) ?? `unknown account ${x.account}`)}/${x.domain === undefined ? '-' : (domains.get(x.domain) ?? `unknown domain ${x.domain}`)}`
}

/** A plan's changes in its order, each at the account and domain it names (by id). */
function addressed(plan: Plan): string[] {
  const at = placesOf(plan)
  return plan.changes.map((c) => `${at(c)} ${c.action} ${c.kind} ${c.key} ${c.summary}`)
}

/** A rendered plan without its fingerprint and time (the fingerprint covers the file's names). */
const rendered = (text: string) => text.replace(/^.*fingerprint.*$/gm, 'FINGERPRINT')

describe('one engine, every command: a one-domain file and the same teams as accounts:/domains:', function () {
  this.timeout(120_000)
  const { emu, cli } = useReconcile()
  const fresh = async () => {
    emu().reset()
    await emu().dropTables()
    await emu().seedFile(DEMO_ACCOUNT)
  }
  /** Runs a command that must succeed; its stdout with the file's path as FILE. */
  const ok = async (file: string, args: string[]) => {
    const r = await cli(args)
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stdout}${r.stderr}`)
    return r.stdout.replaceAll(file, 'FILE')
  }

  it('validate: both forms are valid with the same summary, and the same problem is reported in both', async () => {
    const byForm: Record<string, unknown> = {}
    for (const name of PAIR) {
      const file = form(name, { acs: true })
      const valid = JSON.parse(await ok(file, ['validate', '-f', file, '--json'])) as ValidateResult
      // A grant on an LF-tag the file does not own: the same problem, at the same team's key.
      const bad = form(name, {
        change: (c) => {
          c.teams.team2.lakeFormation![0].expression = { region: ['emea'] }
        },
      })
      const r = await cli(['validate', '-f', bad, '--json'])
      assert.equal(r.code, 1, r.stdout + r.stderr)
      const invalid = JSON.parse(r.stdout) as ValidateResult
      byForm[name] = {
        valid: valid.valid,
        summary: valid.summary,
        problems: invalid.problems.map((p) => `${p.path}: ${p.message}`),
      }
    }
    assert.deepEqual(byForm.accounts, byForm['one-domain'])
    assert.match(JSON.stringify(byForm.accounts), /teams\.team2\.lakeFormation\.0\.expression/)
  })

  it('acs deploy, acs build and sso checklist: the same deployment in both forms, and each is up to date after the other', async () => {
    const byForm: Record<string, unknown> = {}
    for (const [name, other] of [PAIR, [...PAIR].reverse()] as const) {
      await fresh()
      const file = form(name, { acs: true })
      const deployed = JSON.parse(
        await ok(file, ['acs', 'deploy', '-f', file, '--yes', '--json']),
      ) as AcsDeployResult
      assert.equal(deployed.changed, true, name)
      const built = JSON.parse(
        await ok(file, ['acs', 'build', '-f', file, '--out', `${file}.build`, '--json']),
      ) as { configSha256: string; teams: number }
      const checklist = JSON.parse(await ok(file, ['sso', 'checklist', '-f', file, '--json'])) as {
        teams: ChecklistTeam[]
      }
      byForm[name] = {
        writes: deployed.outcomes.map((o) => `${o.status} ${o.action} ${o.kind} ${o.key}`).sort(),
        teams: deployed.teams,
        config: built.configSha256,
        checklist: checklist.teams.map(({ metadataPath: _, ...t }) => t),
      }
      // The other form finds the same deployment in place: nothing to write.
      const otherFile = form(other, { acs: true })
      const again = JSON.parse(
        await ok(otherFile, ['acs', 'deploy', '-f', otherFile, '--yes', '--json']),
      ) as AcsDeployResult
      assert.deepEqual(
        { changed: again.changed, outcomes: again.outcomes },
        { changed: false, outcomes: [] },
        `${other} after ${name}`,
      )
    }
    assert.deepEqual(byForm.accounts, byForm['one-domain'])
    // The ACS and the boundary its role carries (one account: no presign role).
    assert.deepEqual(
      (byForm.accounts as { writes: string[] }).writes.map((w) => w.split(' ').slice(2, 3)[0]),
      [
        'acs-function',
        'acs-permission',
        'acs-permission',
        'acs-role',
        'acs-table',
        'acs-url',
        'boundary',
        'boundary',
      ],
    )
  })

  it('plan (JSON, Markdown, --out and show), apply --yes --json and status --json: the same changes at the same places, in the same order, in the three forms (domain:, accounts:, domains: without account:)', async () => {
    const byForm: Record<string, Record<string, unknown>> = {}
    for (const name of FORMS) {
      await fresh()
      const file = form(name)
      const saved = `${file}.plan.json`
      const plan = JSON.parse(await ok(file, ['plan', '-f', file, '--json', '--out', saved])) as Plan
      const markdown = rendered(await ok(file, ['plan', '-f', file, '--format', 'markdown']))
      const shown = rendered(await ok(file, ['show', saved]))
      const shownMarkdown = rendered(await ok(file, ['show', saved, '--format', 'markdown']))
      const applied = JSON.parse(await ok(file, ['apply', '-f', file, '--yes', '--json'])) as ApplyResult
      const at = placesOf(applied.plan!)
      const status = JSON.parse(await ok(file, ['status', '-f', file, '--json'])) as StatusReport
      const team1 = JSON.parse(
        await ok(file, ['status', '-f', file, '--team', 'team1', '--json']),
      ) as StatusReport
      const teams = (r: StatusReport) =>
        r.accounts.flatMap((a) =>
          a.domains.flatMap((d) => d.teams.map((t) => ({ at: `${a.id}/${d.id}`, ...t }))),
        )
      byForm[name] = {
        changes: addressed(plan),
        summary: plan.summary,
        review: (['widened', 'narrowed'] as const).map((side) =>
          plan.accessReview?.[side].map((i) => `${placesOf(plan)(i)} ${i.kind} ${i.key} ${i.description}`),
        ),
        markdown,
        shown,
        shownMarkdown,
        applied: addressed(applied.plan!),
        outcomes: applied.outcomes.map((o) => `${at(o)} ${o.status} ${o.action} ${o.kind} ${o.key}`),
        applySummary: applied.summary,
        accounts: applied.accounts?.map((a) => `${a.accountId} ${a.status}`),
        status: teams(status),
        team1: teams(team1),
      }
    }
    const one = byForm['one-domain']
    for (const other of ['accounts', 'domains'])
      for (const key of Object.keys(one)) assert.deepEqual(byForm[other][key], one[key], `${other}: ${key}`)
    // One account: every change of it, the Identity Center's too, is in the caller's account.
    assert.ok(
      (one.changes as string[]).every((c) => c.startsWith(`${CALLER}/`)),
      (one.changes as string[]).join('\n'),
    )
    assert.deepEqual(one.accounts, [`${CALLER} done`])
    assert.deepEqual(
      (one.team1 as { team: string; at: string }[]).map((t) => `${t.at} ${t.team}`),
      [`${CALLER}/${DOMAIN} team1`],
    )
  })

  it('import: an account applied from either form imports as a one-domain file and as accounts:/domains: describing the same teams, each planning nothing', async () => {
    /** The example's teams, with a team without members (no profiles: its domain comes from its role or the ACS). */
    const withTeam3 = (c: ExampleTeamsFile) => {
      c.teams.team3 = {
        displayName: 'SageMaker Studio Team 3',
        executionRole: { create: true },
        tags: { Team: 'Team3' },
        members: {},
        saml: { idpMetadata: 'metadata/team3.xml' },
      }
    }
    for (const applied of PAIR) {
      await fresh()
      const file = form(applied, { acs: true, change: withTeam3 })
      await ok(file, ['apply', '-f', file, '--yes'])
      const imported: Record<string, TeamsFile> = {}
      for (const [as, domain] of [
        ['one-domain', DOMAIN],
        ['accounts', `${CALLER}:${DOMAIN}`],
      ] as const) {
        const out = `${file}.${as}.yaml`
        await ok(out, ['import', '--domain', domain, '--region', 'us-east-1', '-f', out])
        const config = parse(readFileSync(out, 'utf8')) as TeamsFile
        imported[as] = config
        // It validates and plans nothing but the console steps (their metadata files are the admin's to fetch).
        for (const team of Object.keys(config.teams))
          writeFileSync(path.join(path.dirname(out), 'metadata', `${team}.xml`), idpMetadata())
        const plan = JSON.parse(await ok(out, ['plan', '-f', out, '--json'])) as Plan
        assert.deepEqual(
          plan.changes.filter((c) => c.action !== 'manual').map((c) => `${c.action} ${c.kind} ${c.key}`),
          [],
          `${as} import of the ${applied} form`,
        )
      }
      assert.equal(imported['one-domain'].domain?.id, DOMAIN)
      assert.deepEqual(
        Object.values(imported.accounts.domains ?? {}).map(
          (d) => imported.accounts.accounts?.[d.account!]?.id,
        ),
        [CALLER],
      )
      // The same teams, settings and tags; only where the domain is written differs.
      const withoutPlaces = (c: TeamsFile) => {
        const { domain: _d, domains: _ds, accounts: _a, teams, ...rest } = c
        return {
          ...rest,
          teams: Object.fromEntries(Object.entries(teams).map(([id, { domain: _domain, ...t }]) => [id, t])),
        }
      }
      assert.deepEqual(withoutPlaces(imported.accounts), withoutPlaces(imported['one-domain']), applied)
      assert.deepEqual(Object.keys(imported.accounts.teams), ['team1', 'team2', 'team3'], applied)
    }
  })

  it("import of one domain of the caller's account, named DOMAIN_ID or CALLER:DOMAIN_ID, takes the same teams (one with neither profiles nor a role)", async () => {
    // team4 has no members, and its role is gone: nothing in the domain or account says where it lives.
    const file = form('one-domain', {
      change: (c) => {
        c.teams.team4 = {
          displayName: 'SageMaker Studio Team 4',
          executionRole: { create: true },
          tags: { Team: 'Team4' },
          members: {},
        }
      },
    })
    await ok(file, ['apply', '-f', file, '--yes'])
    emu().state.roles = emu().state.roles.filter((r) => r.RoleName !== 'sagemaker-teams-team4')
    const byForm: Record<string, unknown> = {}
    for (const [as, domain] of [
      ['one-domain', DOMAIN],
      ['accounts', `${CALLER}:${DOMAIN}`],
    ] as const) {
      const out = `${file}.${as}.yaml`
      const r = await cli(['import', '--domain', domain, '--region', 'us-east-1', '-f', out])
      assert.equal(r.code, 0, r.stdout + r.stderr)
      byForm[as] = {
        teams: Object.keys((parse(readFileSync(out, 'utf8')) as TeamsFile).teams),
        warnings: r.stderr.replaceAll(out, 'FILE'),
      }
    }
    assert.deepEqual(byForm.accounts, byForm['one-domain'])
    assert.deepEqual((byForm.accounts as { teams: string[] }).teams, ['team1', 'team2', 'team4'])
  })

  it('a member the identity store lacks: the same errors, the same ACS configuration and the same held-back team in both forms', async () => {
    const ghost = (c: ExampleTeamsFile) => {
      c.teams.team1.members!.users!.push('ghost@example.com')
    }
    /** An error without where the file says it (file:line:column, key path): the forms write it in other lines. */
    const said = (e: { team?: string; message: string }) =>
      `${e.team}: ${e.message.replace(/^.*? {2}.*? {2}/, '')}`
    const byForm: Record<string, unknown> = {}
    for (const name of PAIR) {
      await fresh()
      const file = form(name, { acs: true, change: ghost })
      const planned = await cli(['plan', '-f', file, '--json'])
      assert.equal(planned.code, 1, planned.stderr)
      const plan = JSON.parse(planned.stdout) as Plan
      const acs = plan.changes.find((c) => c.kind === 'acs-function')?.after as
        | { configSha256?: string }
        | undefined
      const applied = await cli(['apply', '-f', file, '--yes', '--json'])
      assert.equal(applied.code, 1, applied.stderr)
      const result = JSON.parse(applied.stdout) as ApplyResult
      const deployed = await cli(['acs', 'deploy', '-f', file, '--yes', '--json'])
      assert.equal(deployed.code, 1, deployed.stderr)
      const deploy = JSON.parse(deployed.stdout) as AcsDeployResult
      byForm[name] = {
        errors: plan.errors?.map(said),
        acsConfig: acs?.configSha256,
        blocked: plan.changes
          .filter((c) => c.action === 'blocked')
          .map((c) => `${c.team} ${c.kind} ${c.key}`),
        outcomes: result.outcomes.map((o) => `${o.status} ${o.kind} ${o.key}`).sort(),
        summary: result.summary,
        deploy: { changed: deploy.changed, errors: deploy.errors?.map(said) },
      }
    }
    assert.deepEqual(byForm.accounts, byForm['one-domain'])
    const one = byForm['one-domain'] as { errors: string[]; acsConfig?: string; blocked: string[] }
    assert.match(
      one.errors.join('\n'),
      /^team1: user ghost@example\.com of team team1 is not in identity store/,
    )
    assert.ok(one.acsConfig, 'the ACS is planned')
    assert.ok(
      one.blocked.length > 0 && one.blocked.every((b) => b.startsWith('team1 ')),
      one.blocked.join('\n'),
    )
  })

  it("acs serve: the ACS signs team1's member into Studio alike in both forms (the caller's account, no presign role)", async () => {
    const { serveAcs } = await import('../../src/lib/acs/serve.js')
    const { loadTeamsFileOrThrow } = await import('../../src/lib/config/load.js')
    const byForm: Record<string, unknown> = {}
    for (const name of PAIR) {
      await fresh()
      const file = form(name, { acs: true })
      await ok(file, ['apply', '-f', file, '--yes'])
      const logs: string[] = []
      const server = await withEnv(emu().env(), async () =>
        serveAcs(
          callerClients(),
          await loadTeamsFileOrThrow(file),
          { host: '127.0.0.1', port: 0, log: (e) => logs.push(e.outcome) },
          () => {},
        ),
      )
      try {
        const acsUrl = `${server.url}/saml/acs/team1`
        const response = signedResponse({
          acsUrl,
          audience: 'urn:sagemaker-teams:acs:team1',
          userId: USER1,
          teamId: 'team1',
        })
        const r = await withEnv(emu().env(), () =>
          fetch(acsUrl, {
            method: 'POST',
            redirect: 'manual',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: formBody(response.base64),
          }),
        )
        byForm[name] = {
          status: r.status,
          to: (r.headers.get('location') ?? '').replace(/\?.*/, ''),
          logs,
        }
      } finally {
        await server.close()
      }
    }
    assert.deepEqual(byForm.accounts, byForm['one-domain'])
    assert.deepEqual(byForm['one-domain'], {
      status: 302,
      to: `https://${DOMAIN}.studio.us-east-1.sagemaker.aws/auth`,
      logs: ['redirect'],
    })
  })
})
