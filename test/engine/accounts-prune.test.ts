/** Many accounts, in process: what --prune looks at across every domain of an account. */
import assert from 'node:assert/strict'
import {
  applyMany,
  DOMAINS,
  organizationWorkspace,
  PROD,
  planMany,
  useOrganization,
  withEnv,
} from '../helpers/organization.js'
import { rewrite } from '../helpers/workspace.js'

describe('many accounts, --prune: a retired team role in an account with two domains', function () {
  this.timeout(120_000)
  const emulator = useOrganization()

  it("keeps the role while a profile in the account's second domain runs an app, deletes it once none does", async () => {
    const emu = emulator()
    await withEnv(emu.env(), async () => {
      const file = organizationWorkspace()
      await applyMany(file)
      // team4 lives in prod-b, prod's second domain; its profile runs an app there.
      const prod = emu.accountState(PROD)
      const profile = prod.profiles.find(
        (p) => p.DomainId === DOMAINS.prodB && p.UserProfileName.startsWith('team4-'),
      )!
      prod.apps.push({
        DomainId: DOMAINS.prodB,
        UserProfileName: profile.UserProfileName,
        AppType: 'JupyterServer',
        AppName: 'default',
        Status: 'InService',
        CreationTime: new Date(),
      })
      rewrite(file, (c) => {
        delete c.teams.team4
      })
      const role = async () =>
        (await planMany(file, true)).plan.changes.find(
          (c) => c.kind === 'role' && c.key === 'sagemaker-teams-team4',
        )
      const busy = await role()
      assert.equal(busy?.action, 'blocked', busy?.reason)
      assert.match(busy?.reason ?? '', new RegExp(`${profile.UserProfileName} runs JupyterServer/default`))
      prod.apps.length = 0
      assert.equal((await role())?.action, 'delete')
    })
  })
})
