/** The ACS through `acs serve` (real HTTP, the real CLI) with responses from the test IdP. */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml'
import { nameIdHash } from '../../src/lib/acs/nameid.js'
import { type Emulator, startEmulator } from '../../tools/emulator/index.js'
import {
  ASSERTION_XPATH,
  formBody,
  idpMetadata,
  keyPair,
  RESPONSE_XPATH,
  type ResponseOptions,
  type SigningAlgorithms,
  signElement,
  signedResponse,
  unsignedResponse,
} from '../../tools/idp/idp.js'
import { BIN, ROOT } from '../helpers/cli.js'
import { workspace } from '../helpers/workspace.js'

const SEED = path.join(ROOT, 'examples', 'demo-account.yaml')
const USER1 = '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'
const USER2 = '906712345a-2b3c4d5e-6f70-4b8c-9d0e-1f2a3b4c5d6e'
/** user1's primary email, unlike the seed's default, differs from its UserName (user1@example.com). */
const USER1_EMAIL = 'u.one@mail.example.com'

interface Served {
  child: ChildProcess
  url: string
  logs: string[]
}

async function serve(emu: Emulator, file: string, extra: string[] = []): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'acs', 'serve', '-f', file, '--port', '0', ...extra], {
    env: { ...process.env, ...emu.env() },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs: string[] = []
  child.stderr!.setEncoding('utf8').on('data', (d: string) => logs.push(...d.split('\n').filter(Boolean)))
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d
      const m = /ACS listening on (\S+)/.exec(out)
      if (m) resolve(m[1])
    })
    child.on('exit', (code) => reject(new Error(`acs serve exited ${code}: ${logs.join('\n')}`)))
  })
  return { child, url, logs }
}

describe('ACS through acs serve', function () {
  this.timeout(60_000)
  let emu: Emulator
  let served: Served
  let acs1: string
  const audience1 = 'urn:sagemaker-teams:acs:team1'
  const base = (o: Partial<ResponseOptions> = {}): ResponseOptions => ({
    acsUrl: acs1,
    audience: audience1,
    userId: USER1,
    teamId: 'team1',
    ...o,
  })
  const post = (body: string, team = 'team1', headers: Record<string, string> = {}) =>
    fetch(`${served.url}/saml/acs/${team}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    })
  const writes = () =>
    (emu.counters()['sagemaker:CreateUserProfile'] ?? 0) +
    (emu.counters()['sagemaker:CreatePresignedDomainUrl'] ?? 0)
  const lastLog = () => JSON.parse(served.logs[served.logs.length - 1])

  before(async () => {
    emu = await startEmulator({ seed: SEED, profileReadyMs: 30 })
    const user1 = emu.state.users.find((u) => u.UserId === USER1)!
    user1.Emails = [
      { Value: 'old@example.com', Type: 'home' },
      { Value: USER1_EMAIL, Type: 'work', Primary: true },
    ]
    const file = workspace()
    mkdirSync(path.join(path.dirname(file), 'metadata'))
    writeFileSync(
      path.join(path.dirname(file), 'metadata', 'team1.xml'),
      idpMetadata([keyPair('idp'), keyPair('idp-next')]),
    )
    writeFileSync(path.join(path.dirname(file), 'metadata', 'team2.xml'), idpMetadata([keyPair('idp')]))
    served = await serve(emu, file)
    acs1 = `${served.url}/saml/acs/team1`
  })
  after(async () => {
    served?.child.kill('SIGTERM')
    await emu.close()
  })

  it('a valid login creates the profile and redirects to the presigned URL; a second login reuses it', async () => {
    emu.resetCounters()
    const r = await post(formBody(signedResponse(base()).base64, 'https://evil.example.com/'))
    assert.equal(r.status, 302)
    assert.match(
      r.headers.get('location') ?? '',
      /^https:\/\/d-abcdefghijkl\.studio\.us-east-1\.sagemaker\.aws\/auth\?token=/,
    )
    assert.equal(r.headers.get('cache-control'), 'no-store')
    assert.equal(emu.counters()['sagemaker:CreateUserProfile'], 1)
    const profile = emu.state.profiles.find((p) => p.UserProfileName === `team1-${USER1}`)!
    assert.equal(profile.UserSettings.ExecutionRole, 'arn:aws:iam::123456789012:role/sagemaker-teams-team1')
    assert.equal(profile.Tags['sagemaker-teams:team'], 'team1')
    assert.equal(profile.Tags['sagemaker-teams:user-name'], 'user1@example.com')
    assert.equal(profile.Tags['sagemaker-teams:tag-keys'], 'Team', 'the same record as apply writes')
    const log = lastLog()
    assert.equal(log.outcome, 'redirect')
    assert.ok(!served.logs.join('\n').includes('token='), 'the presigned URL is never logged')
    // The rotation certificate is accepted too, and the profile is reused.
    const again = await post(formBody(signedResponse(base({ signWith: keyPair('idp-next') })).base64))
    assert.equal(again.status, 302)
    assert.equal(emu.counters()['sagemaker:CreateUserProfile'], 1)
    // Presign first: the first login's presign found no profile, then one after creating it; the
    // second login is one presign and no DescribeUserProfile.
    assert.equal(emu.counters()['sagemaker:CreatePresignedDomainUrl'], 3)
    // acs serve resolved the file's members as apply does: no identity store call per login.
    assert.deepEqual(
      Object.keys(emu.counters()).filter((k) => k.startsWith('identitystore:')),
      [],
      'a member of the file is confirmed from the member map',
    )
  })

  const tamper = (xml: string, from: string, to: string) => {
    assert.ok(xml.includes(from), `fixture contains ${from}`)
    return Buffer.from(xml.replace(from, to)).toString('base64')
  }
  const other = () =>
    unsignedResponse(
      base({ userId: '906712345a-2b3c4d5e-6f70-4b8c-9d0e-1f2a3b4c5d6e', email: 'user2@example.com' }),
    ).xml
  const evilAssertion = () =>
    /<saml2:Assertion[\s\S]*<\/saml2:Assertion>/.exec(other())![0].replace(/ID="[^"]+"/, 'ID="_evil"')
  /** Signed by the IdP's own key, so only the algorithms differ from a valid login. */
  const signedWith = (algorithms: SigningAlgorithms, expected: string[]) => {
    const { xml, base64 } = signedResponse(base({ algorithms }))
    for (const uri of expected) assert.ok(xml.includes(`Algorithm="${uri}"`), `signed with ${uri}`)
    return base64
  }
  const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1'
  const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1'
  const ENCRYPTED =
    '<saml2:EncryptedAssertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion"><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Type="http://www.w3.org/2001/04/xmlenc#Element"><xenc:CipherData><xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml2:EncryptedAssertion>'

  /** An unsigned response (no signature work may start) whose Signature holds `n` empty elements. */
  const flood = (n: number) =>
    Buffer.from(
      unsignedResponse(base()).xml.replace(
        '<saml2p:Status>',
        `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">${'<a/>'.repeat(n)}</ds:Signature><saml2p:Status>`,
      ),
    ).toString('base64')
  /** An unsigned response with `n` nested elements inside its Status. */
  const deep = (n: number) =>
    Buffer.from(
      unsignedResponse(base()).xml.replace(
        '</saml2p:Status>',
        `${'<a>'.repeat(n)}${'</a>'.repeat(n)}</saml2p:Status>`,
      ),
    ).toString('base64')

  const refusals: [string, () => string | Promise<string>, number, string][] = [
    [
      'unsigned',
      () => signedResponse(base({ signResponse: false, signAssertion: false })).base64,
      403,
      'signature_invalid',
    ],
    [
      'assertion signed, response not',
      () => signedResponse(base({ signResponse: false })).base64,
      403,
      'signature_invalid',
    ],
    [
      'signed by another key, its certificate in KeyInfo',
      () => signedResponse(base({ signWith: keyPair('attacker') })).base64,
      403,
      'signature_invalid',
    ],
    [
      'a value changed after signing',
      () => tamper(signedResponse(base()).xml, USER1, '906712345a-2b3c4d5e-6f70-4b8c-9d0e-1f2a3b4c5d6e'),
      403,
      'signature_invalid',
    ],
    [
      'XSW: an unsigned assertion beside the signed one',
      () => tamper(signedResponse(base()).xml, '<saml2:Assertion ', `${evilAssertion()}<saml2:Assertion `),
      400,
      'multiple_assertions',
    ],
    [
      'XSW: an unsigned assertion inside the signed one',
      () =>
        tamper(
          signedResponse(base()).xml,
          '<saml2:AttributeStatement>',
          `${evilAssertion()}<saml2:AttributeStatement>`,
        ),
      400,
      'multiple_assertions',
    ],
    [
      'XSW: the signed response wrapped in an unsigned one',
      () => {
        const signed = signedResponse(base()).xml
        const evil = other().replace(
          '</saml2p:Status>',
          `</saml2p:Status><saml2p:Extensions>${signed}</saml2p:Extensions>`,
        )
        return Buffer.from(evil).toString('base64')
      },
      400,
      'unexpected_structure',
    ],
    [
      'comment injected in teamid',
      () =>
        tamper(
          signedResponse(base()).xml,
          '>team1</saml2:AttributeValue>',
          '>team<!---->1</saml2:AttributeValue>',
        ),
      403,
      'comment_in_assertion',
    ],
    [
      'comment injected in NameID',
      () => tamper(signedResponse(base()).xml, '>user1@example.com<', '>user1@example<!---->.com<'),
      403,
      'comment_in_assertion',
    ],
    [
      // xml-crypto's C14N renders a processing instruction's data as text, so `<?x team?>1` digests
      // like `team1` and the signatures still verify, while DOM textContent reads `1`.
      'processing instruction injected in teamid',
      () =>
        tamper(
          signedResponse(base()).xml,
          '>team1</saml2:AttributeValue>',
          '><?x team?>1</saml2:AttributeValue>',
        ),
      403,
      'pi_in_assertion',
    ],
    [
      'processing instruction injected in NameID',
      () => tamper(signedResponse(base()).xml, '>user1@example.com<', '><?x user1@?>example.com<'),
      403,
      'pi_in_assertion',
    ],
    [
      'signed by the IdP key with RSA-SHA1 and SHA-1 digests',
      () => signedWith({ signature: 'rsa-sha1', digest: 'sha1' }, [RSA_SHA1, SHA1]),
      403,
      'weak_algorithm',
    ],
    [
      'signed by the IdP key with RSA-SHA256 over SHA-1 digests',
      () => signedWith({ digest: 'sha1' }, [SHA1]),
      403,
      'weak_algorithm',
    ],
    [
      'signed by the IdP key with a WithComments canonicalisation transform',
      () =>
        signedWith(
          {
            transforms: [
              'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
              'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
            ],
          },
          ['http://www.w3.org/2001/10/xml-exc-c14n#WithComments'],
        ),
      403,
      'weak_algorithm',
    ],
    [
      'expired',
      () => signedResponse(base({ now: new Date(Date.now() - 2 * 3600_000) })).base64,
      403,
      'time_invalid',
    ],
    [
      'subject confirmation expired',
      () => signedResponse(base({ subjectNotOnOrAfter: -120 })).base64,
      403,
      'time_invalid',
    ],
    [
      'not yet valid',
      () => signedResponse(base({ notBefore: 600, subjectNotBefore: 600 })).base64,
      403,
      'time_invalid',
    ],
    [
      'wrong audience',
      () => signedResponse(base({ audience: 'urn:sagemaker-teams:acs:team2' })).base64,
      403,
      'audience_mismatch',
    ],
    [
      'wrong recipient',
      () => signedResponse(base({ recipient: 'https://evil.example.com/acs' })).base64,
      403,
      'recipient_mismatch',
    ],
    [
      'wrong destination',
      () => signedResponse(base({ destination: 'https://evil.example.com/acs' })).base64,
      403,
      'destination_mismatch',
    ],
    [
      'wrong issuer',
      () => signedResponse(base({ issuer: 'https://evil.example.com/idp' })).base64,
      403,
      'issuer_mismatch',
    ],
    [
      'assertion issuer differs from the response issuer',
      () => signedResponse(base({ assertionIssuer: 'https://evil.example.com/idp' })).base64,
      403,
      'issuer_mismatch',
    ],
    [
      "another team's assertion posted to this team's URL",
      () => signedResponse(base({ teamId: 'team2' })).base64,
      403,
      'teamid_mismatch',
    ],
    [
      "another team's complete response posted here",
      () =>
        signedResponse({
          acsUrl: `${served.url}/saml/acs/team2`,
          audience: 'urn:sagemaker-teams:acs:team2',
          userId: USER1,
          teamId: 'team2',
        }).base64,
      403,
      'audience_mismatch',
    ],
    [
      'non-success status',
      () => signedResponse(base({ status: 'urn:oasis:names:tc:SAML:2.0:status:Requester' })).base64,
      403,
      'status_not_success',
    ],
    [
      'two signed assertions',
      () => {
        const first = signElement(unsignedResponse(base()).xml, ASSERTION_XPATH, keyPair('idp'))
        const second = /<saml2:Assertion[\s\S]*<\/saml2:Assertion>/.exec(
          signElement(unsignedResponse(base()).xml, ASSERTION_XPATH, keyPair('idp')),
        )![0]
        return Buffer.from(
          signElement(
            first.replace('</saml2p:Response>', `${second}</saml2p:Response>`),
            RESPONSE_XPATH,
            keyPair('idp'),
          ),
        ).toString('base64')
      },
      400,
      'multiple_assertions',
    ],
    [
      'an encrypted assertion in a signed response',
      () =>
        signedResponse(
          base({
            signAssertion: false,
            beforeSigning: (xml) => xml.replace(/<saml2:Assertion[\s\S]*<\/saml2:Assertion>/, ENCRYPTED),
          }),
        ).base64,
      403,
      'encrypted_assertion',
    ],
    [
      'an encrypted assertion beside the signed one',
      () => signedResponse(base({ extraAssertion: ENCRYPTED })).base64,
      400,
      'multiple_assertions',
    ],
    [
      'DOCTYPE with entity expansion',
      () =>
        Buffer.from(
          `<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>${signedResponse(base()).xml}`,
        ).toString('base64'),
      400,
      'doctype',
    ],
    ['not base64', () => '%%%not-base64%%%', 400, 'not_base64'],
    // Structural limits, checked before node-saml or a DOM sees the document (structure.ts).
    ['a Signature holding 10,000 empty elements', () => flood(10_000), 400, 'xml_too_many_elements'],
    ['a Signature holding 30,000 empty elements', () => flood(30_000), 400, 'xml_too_many_elements'],
    ['10,000 nested elements', () => deep(10_000), 400, 'xml_too_deep'],
    [
      'a second Response inside the Assertion',
      () =>
        tamper(
          signedResponse(base()).xml,
          '<saml2:AttributeStatement>',
          `<saml2p:Response/><saml2:AttributeStatement>`,
        ),
      400,
      'multiple_responses',
    ],
    [
      'an Assertion in another namespace inside the signed one',
      () =>
        tamper(
          signedResponse(base()).xml,
          '<saml2:AttributeStatement>',
          '<x:Assertion xmlns:x="urn:x"/><saml2:AttributeStatement>',
        ),
      400,
      'multiple_assertions',
    ],
    [
      'an element the Response does not have (Extensions)',
      () => tamper(signedResponse(base()).xml, '<saml2p:Status>', '<saml2p:Extensions/><saml2p:Status>'),
      400,
      'unexpected_structure',
    ],
    [
      'a root that is not a SAML Response',
      () =>
        Buffer.from('<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion"/>').toString(
          'base64',
        ),
      400,
      'not_a_response',
    ],
    ['not XML', () => Buffer.from('hello, ACS').toString('base64'), 400, 'not_xml'],
    [
      'malformed ssouserid',
      () => signedResponse(base({ userId: 'user1@example.com' })).base64,
      403,
      'ssouserid_malformed',
    ],
    [
      'a well-formed ssouserid that is no identity store user',
      () => signedResponse(base({ userId: '906712345a-00000000-0000-4000-8000-000000000000' })).base64,
      403,
      'unknown_user',
    ],
    [
      // user2 is an identity store user but not in team1 in the file (removed, or never a member):
      // refused even though Identity Center could still hold an assignment for them.
      'an identity store user who is not a member of the team in the file',
      () => signedResponse(base({ userId: '906712345a-2b3c4d5e-6f70-4b8c-9d0e-1f2a3b4c5d6e' })).base64,
      403,
      'not_a_member',
    ],
  ]

  const team2 = (o: Partial<ResponseOptions>) =>
    signedResponse({
      acsUrl: `${served.url}/saml/acs/team2`,
      audience: 'urn:sagemaker-teams:acs:team2',
      userId: USER2,
      teamId: 'team2',
      email: 'user2@example.com',
      ...o,
    }).base64
  const nameIdRefusals: [string, () => string, string][] = [
    [
      "an outsider's NameID with a member's ssouserid",
      () => signedResponse(base({ email: 'mallory@evil.example.com' })).base64,
      'team1',
    ],
    ["an empty NameID with a member's ssouserid", () => signedResponse(base({ email: '' })).base64, 'team1'],
    [
      "member user1's NameID with member user2's ssouserid",
      () => team2({ email: 'user1@example.com' }),
      'team2',
    ],
    [
      "user1's other (not primary) email",
      () => signedResponse(base({ email: 'old@example.com' })).base64,
      'team1',
    ],
    [
      'a NameID that only contains the UserName',
      () => signedResponse(base({ email: 'xuser1@example.com' })).base64,
      'team1',
    ],
  ]
  for (const [name, make, team] of nameIdRefusals) {
    it(`refuses: ${name} (403 nameid_mismatch); the log carries a hash of the NameID, never the NameID`, async () => {
      emu.resetCounters()
      const r = await post(formBody(make()), team)
      assert.equal(r.status, 403)
      assert.equal(r.headers.get('location'), null)
      assert.equal(writes(), 0)
      const log = lastLog()
      assert.equal(log.reason, 'nameid_mismatch')
      assert.match(log.nameIdHash, /^[0-9a-f]{16}$/)
      assert.doesNotMatch(served.logs.join('\n'), /mallory|old@example|xuser1/)
    })
  }

  it('accepts the NameID as the UserName or the primary email, compared without case', async () => {
    for (const email of ['User1@Example.COM', USER1_EMAIL, 'U.One@MAIL.example.com']) {
      const r = await post(formBody(signedResponse(base({ email })).base64))
      assert.equal(r.status, 302, email)
      const log = lastLog()
      assert.equal(log.outcome, 'redirect')
      assert.equal(log.nameIdHash, nameIdHash(email))
    }
    assert.equal((await post(formBody(team2({})), 'team2')).status, 302, "user2's own NameID")
    assert.notEqual(nameIdHash('user1@example.com'), nameIdHash(USER1_EMAIL))
  })

  for (const [name, make, status, reason] of refusals) {
    it(`refuses: ${name} (${status} ${reason}), with no profile created and no URL presigned`, async () => {
      emu.resetCounters()
      const r = await post(formBody(await make()))
      assert.equal(r.status, status)
      assert.equal(r.headers.get('location'), null)
      assert.doesNotMatch(await r.text(), /saml|signature|token/i, 'the body is short and generic')
      assert.equal(writes(), 0)
      assert.equal(lastLog().reason, reason)
    })
  }

  it('accepts a response signed with RSA-SHA512 and SHA-512 digests', async () => {
    const r = await post(formBody(signedWith({ signature: 'rsa-sha512', digest: 'sha512' }, [])))
    assert.equal(r.status, 302)
  })

  it('a KeyInfo naming another pinned certificate only orders the tries: the signer still verifies', async () => {
    // Signed by the first key, but the response signature's KeyInfo (not signed) names the rotation
    // key, so that one is tried first and fails.
    const { xml } = signedResponse(base())
    const r = await post(formBody(tamper(xml, keyPair('idp').certB64, keyPair('idp-next').certB64)))
    assert.equal(r.status, 302)
  })

  it('refuses RSA-SHA1 only for its algorithm: node-saml alone accepts the same response', async () => {
    const response = signedWith({ signature: 'rsa-sha1', digest: 'sha1' }, [RSA_SHA1, SHA1])
    const saml = new SAML({
      callbackUrl: acs1,
      issuer: audience1,
      audience: audience1,
      idpCert: [keyPair('idp').cert],
      acceptedClockSkewMs: 60_000,
      validateInResponseTo: ValidateInResponseTo.never,
    })
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: response })
    assert.equal(profile?.teamid, 'team1')
    emu.resetCounters()
    const r = await post(formBody(response))
    assert.equal(r.status, 403)
    assert.equal(lastLog().reason, 'weak_algorithm')
    assert.equal(writes(), 0)
  })

  it('refuses a replayed response', async () => {
    const response = signedResponse(base()).base64
    assert.equal((await post(formBody(response))).status, 302)
    emu.resetCounters()
    const replay = await post(formBody(response))
    assert.equal(replay.status, 403)
    assert.equal(replay.headers.get('location'), null)
    assert.equal(lastLog().reason, 'replay')
    // The presign ran beside the claim and its URL was dropped; nothing was created.
    assert.equal(emu.counters()['sagemaker:CreateUserProfile'] ?? 0, 0)
  })

  it('refuses an oversized body (413), an unknown team (404) and a GET (405)', async () => {
    const big = formBody('A'.repeat(300 * 1024))
    assert.equal((await post(big)).status, 413)
    assert.equal((await post(formBody(signedResponse(base()).base64), 'team9')).status, 404)
    assert.equal((await fetch(`${served.url}/saml/acs/team1`)).status, 405)
    assert.equal((await post('SAMLResponse=x', 'team1', { 'content-type': 'text/plain' })).status, 400)
  })

  it('never logs the SAML document', () => {
    const all = served.logs.join('\n')
    assert.doesNotMatch(all, /PHNhbWwycDpSZXNwb25zZ|saml2p:Response|AuthorizedUrl|token=/)
  })
})

describe('ACS replay protection against dynalite', function () {
  this.timeout(60_000)
  let emu: Emulator
  let served: Served

  before(async () => {
    emu = await startEmulator({ seed: SEED, profileReadyMs: 30 })
    const ddb = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: emu.url,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    })
    await ddb.send(
      new CreateTableCommand({
        TableName: 'acs-state',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    )
    const file = workspace()
    mkdirSync(path.join(path.dirname(file), 'metadata'))
    writeFileSync(path.join(path.dirname(file), 'metadata', 'team1.xml'), idpMetadata())
    served = await serve(emu, file, ['--replay-table', 'acs-state'])
  })
  after(async () => {
    served?.child.kill('SIGTERM')
    await emu.close()
  })

  it('two concurrent posts of one response: exactly one 302', async () => {
    const acsUrl = `${served.url}/saml/acs/team1`
    const body = formBody(
      signedResponse({ acsUrl, audience: 'urn:sagemaker-teams:acs:team1', userId: USER1, teamId: 'team1' })
        .base64,
    )
    const send = () =>
      fetch(acsUrl, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      })
    const statuses = (await Promise.all([send(), send()])).map((r) => r.status).sort()
    assert.deepEqual(statuses, [302, 403])
    assert.equal(emu.counters()['dynamodb:PutItem'], 2)
  })
})
