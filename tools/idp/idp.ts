/**
 * A test identity provider shaped like IAM Identity Center: IdP-initiated SAML 2.0 responses with
 * saml2p/saml2 prefixes, Destination and Recipient, a time window, one audience and the
 * `ssouserid` / `teamid` attributes, signed (Response and Assertion) with xml-crypto: exclusive
 * C14N, RSA-SHA256, SHA-256 digests (other algorithms on request). Variants build the attacks the ACS
 * must refuse.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { SignedXml } from 'xml-crypto'

const KEYS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'keys')

export interface KeyPair {
  key: string
  cert: string
  /** Base64 DER of the certificate, as metadata carries it. */
  certB64: string
}

export function keyPair(name: 'idp' | 'idp-next' | 'attacker'): KeyPair {
  const cert = readFileSync(path.join(KEYS, `${name}.cert.pem`), 'utf8')
  return {
    key: readFileSync(path.join(KEYS, `${name}.key.pem`), 'utf8'),
    cert,
    certB64: cert.replace(/-----[^-]+-----|\s/g, ''),
  }
}

export const ISSUER =
  'https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MTIzNDU2Nzg5MDEyX2lucy03MjIzMGExYjJjM2Q0ZTVm'

export interface ResponseOptions {
  acsUrl: string
  audience: string
  userId: string
  teamId: string
  email?: string
  issuer?: string
  assertionIssuer?: string
  destination?: string
  recipient?: string
  status?: string
  now?: Date
  /** Seconds relative to now. */
  notBefore?: number
  notOnOrAfter?: number
  subjectNotOnOrAfter?: number
  subjectNotBefore?: number
  assertionId?: string
  responseId?: string
  signWith?: KeyPair
  signResponse?: boolean
  signAssertion?: boolean
  /** Extra raw XML inside the Response after the Assertion (e.g. a second assertion). */
  extraAssertion?: string
  /** Applied to the unsigned XML before signing, so the IdP signs what it returns. */
  beforeSigning?: (xml: string) => string
  /** Algorithms of both signatures; IAM Identity Center's are the default. */
  algorithms?: SigningAlgorithms
}

export interface SigningAlgorithms {
  signature?: 'rsa-sha1' | 'rsa-sha256' | 'rsa-sha512'
  digest?: 'sha1' | 'sha256' | 'sha512'
  /** Transform algorithm URIs of the Reference. */
  transforms?: string[]
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z')
const id = () => `_${randomBytes(16).toString('hex')}`

export function unsignedResponse(o: ResponseOptions): { xml: string; assertionId: string } {
  const now = o.now ?? new Date()
  const at = (s: number) => iso(new Date(now.getTime() + s * 1000))
  const assertionId = o.assertionId ?? id()
  const assertion = `<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="${assertionId}" IssueInstant="${iso(now)}" Version="2.0"><saml2:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">${o.assertionIssuer ?? o.issuer ?? ISSUER}</saml2:Issuer><saml2:Subject><saml2:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${o.email ?? 'user1@example.com'}</saml2:NameID><saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml2:SubjectConfirmationData ${o.subjectNotBefore !== undefined ? `NotBefore="${at(o.subjectNotBefore)}" ` : ''}NotOnOrAfter="${at(o.subjectNotOnOrAfter ?? 300)}" Recipient="${o.recipient ?? o.acsUrl}"/></saml2:SubjectConfirmation></saml2:Subject><saml2:Conditions NotBefore="${at(o.notBefore ?? -300)}" NotOnOrAfter="${at(o.notOnOrAfter ?? 3600)}"><saml2:AudienceRestriction><saml2:Audience>${o.audience}</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions><saml2:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${id()}"><saml2:AuthnContext><saml2:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement><saml2:AttributeStatement><saml2:Attribute Name="ssouserid" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified"><saml2:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">${o.userId}</saml2:AttributeValue></saml2:Attribute><saml2:Attribute Name="teamid" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified"><saml2:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">${o.teamId}</saml2:AttributeValue></saml2:Attribute></saml2:AttributeStatement></saml2:Assertion>`
  const xml = `<saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" Destination="${o.destination ?? o.acsUrl}" ID="${o.responseId ?? id()}" IssueInstant="${iso(now)}" Version="2.0"><saml2:Issuer xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">${o.issuer ?? ISSUER}</saml2:Issuer><saml2p:Status><saml2p:StatusCode Value="${o.status ?? 'urn:oasis:names:tc:SAML:2.0:status:Success'}"/></saml2p:Status>${assertion}${o.extraAssertion ?? ''}</saml2p:Response>`
  return { xml, assertionId }
}

const C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#'
const SIGNATURE_ALGORITHMS = {
  'rsa-sha1': 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  'rsa-sha256': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'rsa-sha512': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
}
const DIGEST_ALGORITHMS = {
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
}

/** Signs the element at `xpath` (enveloped signature placed after its Issuer). */
export function signElement(
  xml: string,
  xpath: string,
  keys: KeyPair,
  algorithms: SigningAlgorithms = {},
): string {
  const sig = new SignedXml({
    privateKey: keys.key,
    publicCert: keys.cert,
    signatureAlgorithm: SIGNATURE_ALGORITHMS[algorithms.signature ?? 'rsa-sha256'],
    canonicalizationAlgorithm: C14N,
  })
  sig.addReference({
    xpath,
    digestAlgorithm: DIGEST_ALGORITHMS[algorithms.digest ?? 'sha256'],
    transforms: algorithms.transforms ?? ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', C14N],
  })
  sig.computeSignature(xml, {
    location: { reference: `${xpath}/*[local-name(.)='Issuer']`, action: 'after' },
  })
  return sig.getSignedXml()
}

export const ASSERTION_XPATH = "/*[local-name(.)='Response']/*[local-name(.)='Assertion']"
export const RESPONSE_XPATH = "/*[local-name(.)='Response']"

/** A response signed as IAM Identity Center signs it: the Assertion, then the whole Response. */
export function signedResponse(o: ResponseOptions): { xml: string; assertionId: string; base64: string } {
  const keys = o.signWith ?? keyPair('idp')
  const { xml, assertionId } = unsignedResponse(o)
  let out = o.beforeSigning ? o.beforeSigning(xml) : xml
  if (o.signAssertion !== false) out = signElement(out, ASSERTION_XPATH, keys, o.algorithms)
  if (o.signResponse !== false) out = signElement(out, RESPONSE_XPATH, keys, o.algorithms)
  return { xml: out, assertionId, base64: Buffer.from(out).toString('base64') }
}

/** SAML IdP metadata as the IAM Identity Center console lets an admin download it. */
export function idpMetadata(certs: KeyPair[] = [keyPair('idp')], entityId = ISSUER): string {
  const keys = certs
    .map(
      (c) =>
        `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${c.certB64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
    )
    .join('')
  return `<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${entityId}"><md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${keys}<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://portal.sso.us-east-1.amazonaws.com/saml/assertion/X"/></md:IDPSSODescriptor></md:EntityDescriptor>\n`
}

/** Form body the browser posts to the ACS. */
export function formBody(base64: string, relayState?: string): string {
  const p = new URLSearchParams({ SAMLResponse: base64 })
  if (relayState !== undefined) p.set('RelayState', relayState)
  return p.toString()
}
