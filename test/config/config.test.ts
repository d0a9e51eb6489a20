import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { loadTeamsFile } from '../../src/lib/config/load.js'
import { parseIdpMetadata } from '../../src/lib/config/metadata.js'
import { ROOT } from '../helpers/cli.js'
import { runInProcess } from '../helpers/in-process.js'

describe('teams file', () => {
  it('the committed JSON Schemas are generated from the current types', async () => {
    const { SCHEMAS, generate } = await import(
      pathToFileURL(path.join(ROOT, 'scripts', 'gen-schema.mjs')).href
    )
    for (const spec of SCHEMAS as { out: string }[]) {
      assert.equal(
        readFileSync(path.join(ROOT, spec.out), 'utf8'),
        generate(spec),
        `${spec.out} is stale: run npm run schema`,
      )
    }
  }).timeout(30_000)

  it('teams.example.yaml validates through the CLI with a one-line summary', async () => {
    const r = await runInProcess(['validate', '-f', 'teams.example.yaml'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout.trim(), 'teams.example.yaml is valid: 2 teams, 2 users, 0 groups, 2 LF grants.')
  })

  it('validate --json reports every problem as data', async () => {
    const r = await runInProcess(['validate', '-f', 'test/fixtures/invalid/12-bad-team-id.yaml', '--json'])
    assert.equal(r.code, 1)
    const out = JSON.parse(r.stdout)
    assert.equal(out.valid, false)
    assert.equal(out.problems[0].line, 9)
    assert.equal(out.problems[0].path, 'teams.Team_1')
  })

  it('a missing file is a clear error, not a stack trace', async () => {
    const r = await runInProcess(['validate', '-f', 'no-such-file.yaml'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /no-such-file\.yaml: no such file/)
    assert.doesNotMatch(r.stderr, /^\s+at /m)
  })

  it('reports all problems of one file, sorted by position', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'smt-'))
    const file = path.join(dir, 't.yaml')
    writeFileSync(
      file,
      'version: 1\nregion: us-east-1\ndomain: {id: d-abc}\nteams:\n  Bad_Id:\n    displayName: x\n    executionRol: {create: true}\n',
    )
    const r = await loadTeamsFile(file)
    assert.equal(r.ok, false)
    if (r.ok) return
    assert.deepEqual(
      r.problems.map((p) => `${p.line}:${p.col}`),
      ['5:3', '5:3', '7:5'],
    )
    assert.ok(r.problems.some((p) => p.message.includes('did you mean "executionRole"')))
  })

  it('applies ACS defaults after validation', async () => {
    const r = await loadTeamsFile(path.join(ROOT, 'teams.example.yaml'))
    assert.ok(r.ok)
    if (r.ok) assert.equal(r.teams.config.acs?.provisioning, 'both')
  })

  it('reads IdP metadata and refuses DOCTYPEs', () => {
    const xml = `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://portal.sso.us-east-1.amazonaws.com/saml/assertion/X"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>MIIB
AAAA</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:KeyDescriptor use="encryption"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>ENC</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor></md:IDPSSODescriptor></md:EntityDescriptor>`
    const m = parseIdpMetadata(xml)
    assert.equal(m.entityId, 'https://portal.sso.us-east-1.amazonaws.com/saml/assertion/X')
    assert.deepEqual(m.certificates, ['MIIBAAAA'])
    assert.throws(() => parseIdpMetadata(`<!DOCTYPE x [<!ENTITY a "b">]>${xml}`), /DOCTYPE/)
  })
})

describe('init', () => {
  it('writes a commented file that validates, and refuses to overwrite it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'smt-init-'))
    const file = path.join(dir, 'teams.yaml')
    const args = [
      'init',
      '-f',
      file,
      '--region',
      'eu-west-1',
      '--domain-id',
      'd-abcdefghijkl',
      '--team',
      'id=team1,name=Studio Team 1,users=a@example.com|b@example.com',
      '--team',
      'id=team2,groups=ds-team2',
    ]
    const r = await runInProcess(args)
    assert.equal(r.code, 0, r.stderr)
    const text = readFileSync(file, 'utf8')
    assert.match(text, /^# yaml-language-server: \$schema=.*teams\.schema\.json/)
    const v = await runInProcess(['validate', '-f', file, '--json'])
    assert.equal(JSON.parse(v.stdout).summary.teams, 2)
    const again = await runInProcess(args)
    assert.equal(again.code, 1)
    assert.match(again.stderr, /exists; pass --force/)
    assert.equal((await runInProcess([...args, '--force'])).code, 0)
  })

  it('never prompts without a terminal and names the missing flags', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'smt-init-'))
    const r = await runInProcess(['init', '-f', path.join(dir, 't.yaml'), '--region', 'us-east-1'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /missing --domain-id, --team/)
  })
})
