/**
 * `acs deploy` and `acs serve` for a file with accounts:/domains:, in process against the
 * three-account emulator (Identity Center; dev; prod with two domains).
 */
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { deployAcs } from '../../src/lib/acs/deploy.js'
import { serveAcs } from '../../src/lib/acs/serve.js'
import { loadTeamsFileOrThrow } from '../../src/lib/config/load.js'
import {
  applyMany,
  CALLER,
  callerClients,
  DEV,
  DOMAINS,
  organizationWorkspace,
  PROD,
  useOrganization,
  withEnv,
} from '../helpers/organization.js'
import { formBody, idpMetadata, signedResponse } from '../idp/idp.js'

const USER2 = '906712345a-2b3c4d5e-6f70-4b8c-9d0e-1f2a3b4c5d6e'
const PRESIGN = 'sagemaker-teams-acs-presign'

/** The organization file with an ACS (no acs.url: the function URL) and team2's IdP metadata. */
function acsWorkspace(): string {
  const file = organizationWorkspace((c) => {
    c.acs = { functionName: 'sagemaker-teams-acs', audience: 'urn:sagemaker-teams:acs' }
    c.teams.team2.saml = { idpMetadata: 'metadata/team2.xml' }
  })
  mkdirSync(path.join(path.dirname(file), 'metadata'))
  writeFileSync(path.join(path.dirname(file), 'metadata', 'team2.xml'), idpMetadata())
  return file
}

describe('acs deploy and acs serve with accounts:/domains:', function () {
  this.timeout(120_000)
  const emulator = useOrganization()

  it('acs deploy: the function in the Identity Center account, a presign role in each domain account, nothing else', async () => {
    const emu = emulator()
    await withEnv(emu.env(), async () => {
      const teams = await loadTeamsFileOrThrow(acsWorkspace())
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
      const file = acsWorkspace()
      await applyMany(file)
      const profiles = (id: string) => emu.accountState(id).profiles.length
      const before = { caller: profiles(CALLER), prod: profiles(PROD) }
      const server = await serveAcs(
        callerClients(),
        await loadTeamsFileOrThrow(file),
        { host: '127.0.0.1', port: 0 },
        () => {},
      )
      try {
        const url = `${server.url}/saml/acs/team2`
        const saml = signedResponse({
          acsUrl: url,
          audience: 'urn:sagemaker-teams:acs:team2',
          userId: USER2,
          teamId: 'team2',
        })
        const res = await fetch(url, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: formBody(saml.base64),
        })
        assert.equal(res.status, 302, await res.text())
        const domain = emu.accountState(PROD).domains.find((d) => d.DomainId === DOMAINS.prodA)!
        assert.ok(res.headers.get('location')?.startsWith(`${domain.Url}/auth?token=`), 'redirects to prod-a')
        // No profile was created anywhere: team2's existing one in prod-a was presigned.
        assert.deepEqual({ caller: profiles(CALLER), prod: profiles(PROD) }, before)
      } finally {
        await server.close()
      }
    })
  })
})
