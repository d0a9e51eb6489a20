/** acs.allowedSourceCidrs: the ACS accepts logins only from those source addresses. */
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { buildAcsConfig } from '../../src/lib/acs/config.js'
import { type AcsLogEntry, handleAcs } from '../../src/lib/acs/handler.js'
import { acsDeps } from '../../src/lib/acs/runtime.js'
import { type AcsServer, startAcsServer } from '../../src/lib/acs/server.js'
import { MemoryStore } from '../../src/lib/acs/stores.js'
import { loadTeamsFileOrThrow } from '../../src/lib/config/load.js'
import { formBody, idpMetadata, keyPair, signedResponse } from '../../tools/idp/idp.js'
import { useDemoAccount } from '../helpers/emulator.js'
import { workspace } from '../helpers/workspace.js'

const USER1 = '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'

describe('ACS source addresses (acs.allowedSourceCidrs)', function () {
  this.timeout(30_000)
  const account = useDemoAccount({ profileReadyMs: 0 })
  // The handler's SDK clients read the emulator's endpoint from the environment when they call.
  let saved: NodeJS.ProcessEnv
  beforeEach(() => {
    saved = { ...process.env }
    Object.assign(process.env, account().env())
  })
  afterEach(() => {
    process.env = saved
  })

  /** An in-process ACS on 127.0.0.1 for a teams file with these CIDRs; logs and AWS counters to inspect. */
  async function acsWith(cidrs: string[]) {
    const file = workspace((c) => {
      c.acs!.allowedSourceCidrs = cidrs
    })
    mkdirSync(path.join(path.dirname(file), 'metadata'))
    writeFileSync(path.join(path.dirname(file), 'metadata', 'team1.xml'), idpMetadata([keyPair('idp')]))
    const emu = account()
    const logs: AcsLogEntry[] = []
    const config = await buildAcsConfig({
      teams: await loadTeamsFileOrThrow(file),
      accountId: '123456789012',
      region: 'us-east-1',
      baseUrl: 'http://127.0.0.1:1', // replaced below, once the port is known
      tableName: null,
    })
    config.members[USER1] = 'user1@example.com'
    const deps = acsDeps(config, { store: new MemoryStore(), log: (e) => logs.push(e) })
    const server: AcsServer = await startAcsServer(deps, { host: '127.0.0.1', port: 0 })
    config.baseUrl = server.url
    config.teams.team1.acsUrl = `${server.url}/saml/acs/team1`
    return { config, deps, server, logs, emu }
  }

  const login = async (url: string) => {
    const acsUrl = `${url}/saml/acs/team1`
    const { base64 } = signedResponse({
      acsUrl,
      audience: 'urn:sagemaker-teams:acs:team1',
      userId: USER1,
      teamId: 'team1',
    })
    return fetch(acsUrl, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: formBody(base64),
    })
  }

  it('refuses a login from outside the CIDRs before verifying anything; presigns nothing', async () => {
    const acs = await acsWith(['10.100.10.0/24'])
    try {
      const res = await login(acs.server.url)
      assert.equal(res.status, 403)
      assert.equal(acs.logs.at(-1)?.reason, 'source_ip_not_allowed')
      assert.equal(acs.emu.counters()['sagemaker:CreatePresignedDomainUrl'] ?? 0, 0)
    } finally {
      await acs.server.close()
    }
  })

  it('accepts a login from inside the CIDRs', async () => {
    const acs = await acsWith(['10.100.10.0/24', '127.0.0.0/8'])
    try {
      const res = await login(acs.server.url)
      assert.equal(res.status, 302, JSON.stringify(acs.logs.at(-1)))
      assert.match(res.headers.get('location') ?? '', /^https:\/\//)
    } finally {
      await acs.server.close()
    }
  })

  it('matches IPv4, IPv4 on a dual-stack socket and IPv6; no address is no login', async () => {
    const acs = await acsWith(['10.100.10.0/24', '2001:db8::/32'])
    await acs.server.close()
    const status = async (sourceIp: string | undefined) =>
      (
        await handleAcs(
          {
            method: 'POST',
            path: '/saml/acs/team1',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: Buffer.from('SAMLResponse=bm90LXhtbA%3D%3D'),
            sourceIp,
          },
          acs.deps,
        )
      ).status
    // Inside: the request gets past the address check and fails later (400: not XML).
    assert.equal(await status('10.100.10.7'), 400)
    assert.equal(await status('::ffff:10.100.10.7'), 400)
    assert.equal(await status('2001:db8:1::5'), 400)
    // Outside, or unknown: refused first.
    assert.equal(await status('10.100.11.7'), 403)
    assert.equal(await status('2001:db9::1'), 403)
    assert.equal(await status(undefined), 403)
    assert.equal(await status('not-an-ip'), 403)
  })

  it('is baked into the ACS configuration, sorted', async () => {
    const acs = await acsWith(['2001:db8::/32', '10.100.10.0/24'])
    await acs.server.close()
    assert.deepEqual(acs.config.allowedSourceCidrs, ['10.100.10.0/24', '2001:db8::/32'])
  })
})
