/** Many accounts, in process: what --prune looks at across every domain of an account. */
import assert from 'node:assert/strict'
import {
  applyMany,
  DOMAINS,
  PROD,
  planMany,
  threeAccountFile,
  useThreeAccounts,
} from '../helpers/accounts.js'
import { rewrite } from '../helpers/workspace.js'

describe('many accounts, --prune: a retired team role in an account with two domains', function () {
  this.timeout(120_000)
  const emulator = useThreeAccounts()

  it("keeps the role while a profile in the account's second domain runs an app, deletes it once none does", async () => {
    const emu = emulator()
    const file = threeAccountFile()
    await applyMany(emu, file)
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
      (await planMany(emu, file, { prune: true })).plan.changes.find(
        (c) => c.kind === 'role' && c.key === 'sagemaker-teams-team4',
      )
    const busy = await role()
    assert.equal(busy?.action, 'blocked', busy?.reason)
    assert.match(busy?.reason ?? '', new RegExp(`${profile.UserProfileName} runs JupyterServer/default`))
    prod.apps.length = 0
    assert.equal((await role())?.action, 'delete')
  })
})
