/**
 * `acs deploy` and `acs serve` for a file with accounts:/domains:, in process against the
 * three-account emulator (Identity Center; dev; prod with two domains).
 */
import assert from 'node:assert/strict'
import { deployAcs } from '../../src/lib/acs/deploy.js'
import type { AcsLogEntry } from '../../src/lib/acs/handler.js'
import { serveAcs } from '../../src/lib/acs/serve.js'
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
  useOrganization,
  withEnv,
} from '../helpers/organization.js'

const USER1 = '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'
const USER2 = '906712345a-2b3c4d5e-6f70-4b8c-9d0e-1f2a3b4c5d6e'
const PRESIGN = 'sagemaker-teams-acs-presign'

/** Posts a signed login (of user2 unless given) for `team` to a local ACS; the answer's status and Location. */
async function login(base: string, team: string, userId = USER2) {
  const url = `${base}/saml/acs/${team}`
  const saml = signedResponse({
    acsUrl: url,
    audience: `urn:sagemaker-teams:acs:${team}`,
    userId,
    teamId: team,
    email: userId === USER1 ? 'user1@example.com' : 'user2@example.com',
  })
  const res = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: formBody(saml.base64),
  })
  return { status: res.status, location: res.headers.get('location') ?? '', body: await res.text() }
}

describe('acs deploy and acs serve with accounts:/domains:', function () {
  this.timeout(120_000)
  const emulator = useOrganization()

  it('acs deploy: the function in the Identity Center account, a presign role in each domain account, nothing else', async () => {
    const emu = emulator()
    await withEnv(emu.env(), async () => {
      const teams = await loadTeamsFileOrThrow(organizationAcsWorkspace())
      const r = await deployAcs(callerClients(), teams)
      assert.equal(r.changed, true)
      assert.match(r.functionUrl ?? '', /lambda-url/)
      assert.deepEqual(
        r.teams.map((t) => `${t.team} ${t.acsUrl}`),
        ['team1', 'team2', 'team3', 'team4'].map((t) => `${t} ${r.functionUrl}/saml/acs/${t}`),
      )
      assert.deepEqual(
        emu.state.functions.map((f) => f.FunctionName),
        ['sagemaker-teams-acs'],
      )
      const roles = (id: string) =>
        emu
          .accountState(id)
          .roles.map((x) => x.RoleName)
          .sort()
      assert.deepEqual(roles(DEV), [PRESIGN, 'sagemaker-teams-admin'])
      assert.deepEqual(roles(PROD), [PRESIGN, 'sagemaker-teams-admin'])
      assert.deepEqual(roles(CALLER), ['sagemaker-teams-acs-role'])
      // Nothing but the ACS: no team role, profile or application.
      assert.equal(emu.accountState(PROD).profiles.length + emu.state.applications.length, 0)
      // The second run has nothing to do.
      assert.equal((await deployAcs(callerClients(), teams)).changed, false)
    })
  })

  it("acs serve: a login for a prod team redirects to its prod domain, through prod's account role", async () => {
    const emu = emulator()
    await withEnv(emu.env(), async () => {
      const file = organizationAcsWorkspace()
      await applyMany(file)
      const profiles = (id: string) => emu.accountState(id).profiles.length
      const before = { caller: profiles(CALLER), prod: profiles(PROD) }
      const logs: AcsLogEntry[] = []
      const server = await serveAcs(
        callerClients(),
        await loadTeamsFileOrThrow(file),
        { host: '127.0.0.1', port: 0, log: (e) => logs.push(e) },
        () => {},
      )
      try {
        const r = await login(server.url, 'team2')
        assert.equal(r.status, 302, r.body)
        const domain = emu.accountState(PROD).domains.find((d) => d.DomainId === DOMAINS.prodA)!
        assert.ok(r.location.startsWith(`${domain.Url}/auth?token=`), 'redirects to prod-a')
        // No profile was created anywhere: team2's existing one in prod-a was presigned.
        assert.deepEqual({ caller: profiles(CALLER), prod: profiles(PROD) }, before)
        assert.deepEqual(
          logs.map((e) => `${e.outcome} ${e.team}`),
          ['redirect team2'],
        )
        assert.doesNotMatch(
          JSON.stringify(logs),
          /token=|SAMLResponse/,
          'no presigned URL or SAML in the log',
        )
      } finally {
        await server.close()
      }
    })
  })

  it('acs serve with acs.account: prod — a dev team through dev, a prod team through prod', async () => {
    const emu = emulator()
    await withEnv(emu.env(), async () => {
      const file = organizationAcsWorkspace('prod')
      await applyMany(file)
      const logs: AcsLogEntry[] = []
      const server = await serveAcs(
        callerClients(),
        await loadTeamsFileOrThrow(file),
        { host: '127.0.0.1', port: 0, log: (e) => logs.push(e) },
        () => {},
      )
      try {
        for (const [team, id, domain, user] of [
          ['team1', DEV, DOMAINS.dev, USER1],
          ['team2', PROD, DOMAINS.prodA, USER2],
        ] as const) {
          const r = await login(server.url, team, user)
          assert.equal(r.status, 302, `${team}: ${r.body}`)
          const url = emu.accountState(id).domains.find((d) => d.DomainId === domain)!.Url
          assert.ok(r.location.startsWith(`${url}/auth?token=`), team)
        }
        assert.deepEqual(
          logs.map((e) => `${e.outcome} ${e.team}`),
          ['redirect team1', 'redirect team2'],
        )
      } finally {
        await server.close()
      }
    })
  })
})
