/** Section `acs`: the ACS hot path in process (verify + claim ∥ presign), verification alone, and the bundle. */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type AcsConfig, buildAcsConfig } from '../src/lib/acs/config.js'
import { handleAcs } from '../src/lib/acs/handler.js'
import { acsDeps } from '../src/lib/acs/runtime.js'
import { MemoryStore } from '../src/lib/acs/stores.js'
import { loadTeamsFileOrThrow } from '../src/lib/config/load.js'
import { profileName } from '../src/lib/model/names.js'
import { startEmulator } from '../tools/emulator/index.js'
import { formBody, idpMetadata, signedResponse } from '../tools/idp/idp.js'
import { args, DOMAIN, ROOT, row, type Section } from './common.js'

/** Runs `step` over `inputs` one after another, the first 50 as warm-up: successes, rate, percentiles. */
async function timedSequence<T>(inputs: T[], step: (input: T) => Promise<boolean>) {
  for (const input of inputs.slice(0, 50)) await step(input)
  const times: number[] = []
  const started = performance.now()
  let ok = 0
  for (const input of inputs.slice(50)) {
    const t0 = performance.now()
    if (await step(input)) ok++
    times.push(performance.now() - t0)
  }
  const total = performance.now() - started
  times.sort((a, b) => a - b)
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))].toFixed(2)
  return { ok, perSecond: (ok / total) * 1000, pct }
}

async function acsHotPath() {
  const emu = await startEmulator({ seed: 'examples/demo-account.yaml', profileReadyMs: 0, dynamo: false })
  try {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-acs-'))
    const file = path.join(dir, 'teams.yaml')
    writeFileSync(file, readFileSync(path.join(ROOT, 'teams.example.yaml')))
    execFileSync('mkdir', ['-p', path.join(dir, 'metadata')])
    writeFileSync(path.join(dir, 'metadata', 'team1.xml'), idpMetadata())
    const teams = await loadTeamsFileOrThrow(file)
    const base = 'https://acs.example.com'
    const config: AcsConfig = await buildAcsConfig({
      teams,
      accountId: '123456789012',
      region: 'us-east-1',
      baseUrl: base,
      tableName: null,
    })
    const user = '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'
    config.members[user] = 'user1@example.com'
    emu.seed({
      profiles: [
        { domainId: DOMAIN, name: profileName('team1', user), tags: { 'sagemaker-teams:team': 'team1' } },
      ],
    })
    Object.assign(process.env, emu.env())
    const deps = acsDeps(config, { store: new MemoryStore(), log: () => {} })
    const acsUrl = `${base}/saml/acs/team1`
    const n = args.quick ? 200 : 1000
    const bodies = Array.from({ length: n + 50 }, () =>
      Buffer.from(
        formBody(
          signedResponse({ acsUrl, audience: 'urn:sagemaker-teams:acs:team1', userId: user, teamId: 'team1' })
            .base64,
        ),
      ),
    )
    const request = (body: Buffer) =>
      handleAcs(
        {
          method: 'POST',
          path: '/saml/acs/team1',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
        },
        deps,
      )
    const { ok, perSecond, pct } = await timedSequence(bodies, async (b) => (await request(b)).status === 302)
    row(
      `ACS: verify + claim ∥ presign, in process, ${n} logins (emulator, no latency, replay ids in memory)`,
      `${perSecond.toFixed(0)} logins/s on one core`,
      `p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms`,
      ok === n ? 'all 302' : `${ok}/${n} 302`,
      '',
    )

    // Verification alone: the signatures and the ACS's checks, no profile lookup, presign or replay store.
    const { verifySamlResponse } = await import('../src/lib/acs/verify.js')
    const team1 = config.teams.team1
    const responses = Array.from(
      { length: n + 50 },
      () => signedResponse({ acsUrl, audience: team1.audience, userId: user, teamId: 'team1' }).base64,
    )
    const verify = (samlResponse: string) =>
      verifySamlResponse({
        samlResponse,
        acsUrl,
        audience: team1.audience,
        entityId: team1.idp!.entityId,
        certificates: team1.idp!.certificates,
      }).then(
        () => true,
        () => false,
      )
    const v = await timedSequence(responses, verify)
    row(
      `ACS: verification alone (verifySamlResponse), in process, ${n} responses pre-signed`,
      `${v.perSecond.toFixed(0)} verifications/s on one core`,
      `p50 ${v.pct(0.5)} ms, p99 ${v.pct(0.99)} ms`,
      v.ok === n ? 'all verified' : `${v.ok}/${n} verified`,
      '',
    )
  } finally {
    await emu.close()
  }
  const out = mkdtempSync(path.join(os.tmpdir(), 'bench-bundle-'))
  const { buildAcsBundle } = await import('../src/lib/acs/bundle.js')
  const bundle = await buildAcsBundle({
    version: 1,
    region: 'us-east-1',
    accountId: '1',
    partition: 'aws',
    domainId: DOMAIN,
    provisioning: 'both',
    sessionExpirationSeconds: 43200,
    urlExpiresSeconds: 60,
    landingUri: 'studio::',
    teams: {},
    members: {},
  })
  writeFileSync(
    path.join(out, 'index.mjs'),
    bundle.zip.length
      ? Buffer.from(await import('fflate').then((f) => f.unzipSync(bundle.zip)['index.mjs']))
      : '',
  )
  writeFileSync(path.join(out, 'acs-config.json'), '{"version":1,"teams":{},"members":{}}')
  const imports: number[] = []
  for (let i = 0; i < 5; i++) {
    const t = execFileSync(
      process.execPath,
      [
        '-e',
        `const t=performance.now();import(${JSON.stringify(path.join(out, 'index.mjs'))}).then(()=>console.log(performance.now()-t))`,
      ],
      { encoding: 'utf8' },
    )
    imports.push(Number(t))
  }
  imports.sort((a, b) => a - b)
  row(
    'ACS bundle',
    `${(bundle.zip.length / 1024).toFixed(0)} KiB zip, ${(statSync(path.join(out, 'index.mjs')).size / 1024 / 1024).toFixed(2)} MiB JS`,
    `import ${imports[2].toFixed(0)} ms (median of 5, cold-start proxy)`,
    bundle.zip.length <= 2 * 1024 * 1024 ? 'target ≤ 2 MB met' : 'over 2 MB',
    '',
  )
}

export default { label: /^ACS(:| bundle)/, run: acsHotPath } satisfies Section
