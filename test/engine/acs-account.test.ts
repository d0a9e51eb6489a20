/**
 * acs.account: the ACS (function, URL, role, table) in a member account — here prod — and every
 * other account's presign role trusting that account's ACS role. In process against the
 * three-account emulator; the login runs the handler in process as prod's ACS role.
 */
import assert from 'node:assert/strict'
import { buildChecklist } from '../../src/lib/acs/checklist.js'
import { acsConfigFor } from '../../src/lib/acs/deployment.js'
import { handleAcs } from '../../src/lib/acs/handler.js'
import { acsDeps } from '../../src/lib/acs/runtime.js'
import { MemoryStore } from '../../src/lib/acs/stores.js'
import { loadTeamsFileOrThrow } from '../../src/lib/config/load.js'
import { formBody, signedResponse } from '../../tools/idp/idp.js'
import {
  applyMany,
  CALLER,
  callerClients,
  DEV,
  DOMAINS,
  organizationAcsWorkspace,
  PROD,
  planMany,
  useOrganization,
  withEnv,
} from '../helpers/organization.js'

const BASE = 'https://acs.example.com'
const USER1 = '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'
const PROD_ACS_ROLE = `arn:aws:iam::${PROD}:role/sagemaker-teams-acs-role`
const PRESIGN = 'sagemaker-teams-acs-presign'

describe('acs.account: the ACS in a member account', function () {
  this.timeout(120_000)
  const emulator = useOrganization()

  it("lives in prod; dev's presign role trusts prod's ACS role; logins for dev and prod teams redirect to their domains", async () => {
    const emu = emulator()
    await withEnv(emu.env(), async () => {
      const file = organizationAcsWorkspace('prod')
      const plan = await planMany(file)
      const where = (kind: string) =>
        plan.plan.changes.filter((c) => c.kind === kind).map((c) => `${c.action} ${c.account}`)
      for (const part of ['acs-role', 'acs-table', 'acs-function', 'acs-url'])
        assert.deepEqual(where(part), ['create prod'], part)
      // A presign role wherever the ACS is not: dev only (the caller's account has no domain).
      assert.deepEqual(where('presign-role'), ['create dev'])
      await applyMany(file)
      const fns = (id: string) => emu.accountState(id).functions.map((f) => f.FunctionName)
      assert.deepEqual(fns(PROD), ['sagemaker-teams-acs'])
      assert.deepEqual(fns(CALLER), [])
      const role = (id: string, name: string) => emu.accountState(id).roles.find((r) => r.RoleName === name)
      assert.ok(role(PROD, 'sagemaker-teams-acs-role'), 'the ACS role in prod')
      assert.equal(role(CALLER, 'sagemaker-teams-acs-role'), undefined)
      assert.equal(role(PROD, PRESIGN), undefined, 'no presign role in the ACS account')
      const trust = JSON.stringify(role(DEV, PRESIGN)?.AssumeRolePolicyDocument)
      assert.match(trust, new RegExp(`arn:aws:iam::${PROD}:root`))
      assert.match(trust, new RegExp(PROD_ACS_ROLE))
      // The ACS role may assume exactly dev's presign role; it has no identity store statement.
      const policy = JSON.stringify(role(PROD, 'sagemaker-teams-acs-role')?.InlinePolicies)
      assert.match(policy, new RegExp(`arn:aws:iam::${DEV}:role/${PRESIGN}`))
      assert.doesNotMatch(policy, /identitystore/)

      const again = await planMany(file)
      assert.deepEqual(
        again.plan.changes.filter((c) => c.action !== 'manual').map((c) => `${c.action} ${c.kind} ${c.key}`),
        [],
      )
      // The console steps print prod's function URL.
      const url = emu.accountState(PROD).functions[0]?.Url?.FunctionUrl
      const consoleStep = again.plan.changes.find((c) => c.kind === 'console' && c.team === 'team1')
      assert.ok(url, 'a function URL in prod')
      assert.ok(
        ((consoleStep?.after as { acsUrl?: string } | undefined)?.acsUrl ?? '').startsWith(
          url!.replace(/\/$/, ''),
        ),
        JSON.stringify(consoleStep?.after),
      )
      // sso checklist reads the function where it lives too (it read the caller's account).
      const teams = await loadTeamsFileOrThrow(file)
      const checklist = await buildChecklist(callerClients(), teams)
      assert.deepEqual(
        checklist.map((t) => t.steps.find((s) => s.setting === 'Application ACS URL')?.value),
        checklist.map((t) => `${url!.replace(/\/$/, '')}/saml/acs/${t.team}`),
      )

      // The handler in process as prod's ACS role, with the configuration the ACS part builds.
      const acsPart = again.parts.find((p) => p.ctx.kinds?.includes('acs-function'))!
      assert.equal(acsPart.account, 'prod')
      const config = await acsConfigFor(acsPart.ctx)
      assert.equal(config.identityStoreId, undefined)
      assert.equal(config.teams.team2.presignRoleArn, undefined)
      config.baseUrl = BASE
      const deps = acsDeps(config, {
        store: new MemoryStore(),
        credentials: emu.credentialsFor(PROD_ACS_ROLE),
        profileWait: { timeoutMs: 5_000, intervalMs: 20 },
        log: () => {},
      })
      const login = (team: string) =>
        handleAcs(
          {
            method: 'POST',
            path: `/saml/acs/${team}`,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: Buffer.from(
              formBody(
                signedResponse({
                  acsUrl: `${BASE}/saml/acs/${team}`,
                  audience: `urn:sagemaker-teams:acs:${team}`,
                  userId: USER1,
                  teamId: team,
                }).base64,
              ),
            ),
          },
          deps,
        )
      const domainUrl = (id: string, domain: string) =>
        emu.accountState(id).domains.find((d) => d.DomainId === domain)!.Url
      for (const [team, id, domain] of [
        ['team1', DEV, DOMAINS.dev],
        ['team2', PROD, DOMAINS.prodA],
      ] as const) {
        const r = await login(team)
        assert.equal(r.status, 302, `${team}: ${r.body}`)
        assert.ok(r.headers.Location?.startsWith(`${domainUrl(id, domain)}/auth?token=`), team)
      }
    })
  })
})
