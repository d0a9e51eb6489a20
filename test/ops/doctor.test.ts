import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Emulator } from '../../tools/emulator/index.js'
import { idpMetadata, type KeyPair, keyPair } from '../../tools/idp/idp.js'
import { useDemoAccount } from '../helpers/emulator.js'
import { runInProcess } from '../helpers/in-process.js'
import { workspace } from '../helpers/workspace.js'

/** A certificate that expires in `days` days (made with openssl, like the fixed test keys). */
function certificate(days: number): KeyPair {
  const dir = mkdtempSync(path.join(tmpdir(), 'cert-'))
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      path.join(dir, 'k.pem'),
      '-out',
      path.join(dir, 'c.pem'),
      '-days',
      String(days),
      '-subj',
      '/CN=test',
    ],
    { stdio: 'ignore' },
  )
  const cert = readFileSync(path.join(dir, 'c.pem'), 'utf8')
  return {
    key: readFileSync(path.join(dir, 'k.pem'), 'utf8'),
    cert,
    certB64: cert.replace(/-----[^-]+-----|\s/g, ''),
  }
}

function withMetadata(team1: KeyPair[] | null, team2: KeyPair[] | null = [keyPair('idp')]) {
  const file = workspace()
  mkdirSync(path.join(path.dirname(file), 'metadata'))
  if (team1) writeFileSync(path.join(path.dirname(file), 'metadata', 'team1.xml'), idpMetadata(team1))
  if (team2) writeFileSync(path.join(path.dirname(file), 'metadata', 'team2.xml'), idpMetadata(team2))
  return file
}

describe('doctor', function () {
  this.timeout(60_000)
  const account = useDemoAccount()
  let emu: Emulator
  beforeEach(() => {
    emu = account()
  })
  const doctor = async (file: string) => {
    const r = await runInProcess(['doctor', '-f', file, '--json'], { env: emu.env() })
    const out = JSON.parse(r.stdout) as {
      ok: boolean
      checks: { name: string; status: string; detail: string }[]
    }
    return {
      code: r.code,
      ok: out.ok,
      check: (name: string) => out.checks.find((c) => c.name === name)!,
      checks: out.checks,
    }
  }

  it('passes every check on a healthy account with metadata in place', async () => {
    const r = await doctor(withMetadata([keyPair('idp')]))
    assert.equal(r.code, 0)
    // The runtime check warns on Node.js < 22 (the AWS SDK's coming requirement), and only then.
    const oldNode = Number(process.versions.node.split('.')[0]) < 22
    assert.equal(r.check('node runtime').status, oldNode ? 'warn' : 'pass')
    assert.deepEqual(
      r.checks.filter((c) => c.status !== 'pass' && c.name !== 'node runtime'),
      [],
    )
    assert.ok(r.checks.length >= 10)
  })

  it('fails when the domain is in IAM Identity Center auth mode', async () => {
    const file = withMetadata([keyPair('idp')])
    writeFileSync(file, readFileSync(file, 'utf8').replace('d-abcdefghijkl', 'd-ssomode0001'))
    const r = await doctor(file)
    assert.equal(r.code, 1)
    assert.equal(r.check('domain').status, 'fail')
    assert.match(r.check('domain').detail, /uses SSO authentication/)
  })

  it('reports the domain settings the team roles rely on: tag propagation and the shared spaces role', async () => {
    const healthy = await doctor(withMetadata([keyPair('idp')]))
    assert.equal(healthy.check('tag propagation').status, 'pass')
    assert.equal(healthy.check('shared spaces role').status, 'pass')
    const domain = emu.state.domains.find((d) => d.DomainId === 'd-abcdefghijkl')!
    domain.TagPropagation = 'DISABLED'
    domain.DefaultSpaceSettings = { ExecutionRole: 'arn:aws:iam::123456789012:role/sagemaker-teams-team2' }
    const r = await doctor(withMetadata([keyPair('idp')]))
    assert.equal(r.check('tag propagation').status, 'warn')
    assert.match(r.check('tag propagation').detail, /no Team tag/)
    assert.equal(r.check('shared spaces role').status, 'fail')
    assert.match(r.check('shared spaces role').detail, /team team2's role/)
    domain.DefaultSpaceSettings = { ExecutionRole: 'arn:aws:iam::123456789012:role/SharedSpaces' }
    assert.equal((await doctor(withMetadata([keyPair('idp')]))).check('shared spaces role').status, 'warn')
  })

  it('warns about a missing metadata file', async () => {
    const r = await doctor(withMetadata(null))
    assert.equal(r.check('metadata team1').status, 'warn')
    assert.match(r.check('metadata team1').detail, /metadata\/team1\.xml is missing/)
    assert.equal(r.check('metadata team2').status, 'pass')
  })

  it('warns 30 days before the signing certificate expires', async () => {
    const r = await doctor(withMetadata([certificate(10)]))
    assert.equal(r.check('metadata team1').status, 'warn')
    assert.match(r.check('metadata team1').detail, /expires in (9|10) days/)
  })

  it('fails without an IAM Identity Center instance', async () => {
    emu.reset()
    emu.seed({ domains: [{ id: 'd-abcdefghijkl' }] })
    const r = await doctor(withMetadata([keyPair('idp')]))
    assert.equal(r.code, 1)
    assert.equal(r.check('identity center').status, 'fail')
    assert.match(r.check('identity center').detail, /no IAM Identity Center instance in us-east-1/)
  })

  it('prints one line per check with a hint', async () => {
    const r = await runInProcess(['doctor', '-f', withMetadata(null)], { env: emu.env() })
    assert.match(r.stdout, /^✓ pass {2}credentials/m)
    assert.match(r.stdout, /^! warn {2}metadata team1 .*\n\s+→ Download the SAML metadata/m)
  })
})
