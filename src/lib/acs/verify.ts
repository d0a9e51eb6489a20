/**
 * Strict verification of an IdP-initiated SAML response from IAM Identity Center.
 *
 * `@node-saml/node-saml` verifies the XML signatures (Response and Assertion, with only the
 * certificates from the team's metadata), rejects multiple assertions, and checks the Conditions
 * window and the audience. It does not check the Response Destination, the SubjectConfirmationData
 * Recipient and window, the issuers or the top-level status: those checks follow here, on the
 * document whose root signature node-saml has just verified (so its attributes and children are
 * the signed ones), and on the signed assertion node-saml returns.
 *
 * node-saml and xml-crypto 6 already enforce: one Signature per signed element, one SignedInfo, one
 * Reference whose ID is unique in the document and is the signature's parent, at most two
 * Transforms, no XSLT/XPath transforms and no HMAC, and only the pinned certificates (KeyInfo is
 * never trusted). They still accept RSA-SHA1 and SHA-1 digests, RSA-PSS, inclusive and
 * WithComments canonicalisation, and a Reference URI without its '#': the signature profile check
 * below refuses those.
 */

import { SAML, ValidateInResponseTo } from '@node-saml/node-saml'
import { DOMParser } from '@xmldom/xmldom'
import { certificateToPem } from '../config/metadata.js'
import { AcsRefusal } from './refusal.js'
import { checkStructure } from './structure.js'

export { AcsRefusal }

/** The few DOM members used here (the project compiles without the DOM lib). */
interface XmlNode {
  nodeType: number
  textContent: string | null
  childNodes?: ArrayLike<XmlNode>
}
interface XmlElement extends XmlNode {
  localName: string
  namespaceURI: string | null
  childNodes: ArrayLike<XmlNode>
  getAttribute(name: string): string | null
}

const PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol'
const ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion'
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success'
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer'
const DSIG = 'http://www.w3.org/2000/09/xmldsig#'
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#'
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature'
/**
 * The only algorithms a signature may name, by the local name of the element naming it. rsa-sha384
 * and sha384 are allowed by policy, but xml-crypto 6 implements neither, so they still fail there.
 */
const ALLOWED_ALGORITHMS: Record<string, ReadonlySet<string>> = {
  SignatureMethod: new Set([
    'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
    'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  ]),
  DigestMethod: new Set([
    'http://www.w3.org/2001/04/xmlenc#sha256',
    'http://www.w3.org/2001/04/xmldsig-more#sha384',
    'http://www.w3.org/2001/04/xmlenc#sha512',
  ]),
  CanonicalizationMethod: new Set([EXC_C14N]),
  Transform: new Set([ENVELOPED, EXC_C14N]),
}
export const CLOCK_SKEW_MS = 60_000

export interface VerifyInput {
  /** The base64 SAMLResponse form field. */
  samlResponse: string
  acsUrl: string
  audience: string
  entityId: string
  certificates: string[]
  now?: Date
}

export interface VerifiedLogin {
  assertionId: string
  /** When the assertion can no longer be used: the latest NotOnOrAfter plus the clock skew. */
  expiresAt: Date
  nameId: string
  attributes: Record<string, string[]>
}

/** Cheap, strict checks before any XML parser sees the input. */
export function decodeSamlResponse(field: string): string {
  const compact = field.replace(/[\r\n\t ]/g, '')
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact))
    throw new AcsRefusal('not_base64', 400)
  let xml: string
  try {
    xml = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(compact, 'base64'))
  } catch {
    throw new AcsRefusal('not_xml', 400)
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new AcsRefusal('doctype', 400)
  if (!xml.trimStart().startsWith('<')) throw new AcsRefusal('not_xml', 400)
  return xml
}

function parse(xml: string) {
  let broken = false
  const doc = new DOMParser({
    errorHandler: {
      warning: () => {},
      error: () => {
        broken = true
      },
      fatalError: () => {
        broken = true
      },
    },
  }).parseFromString(xml, 'text/xml')
  if (broken || !doc?.documentElement) throw new AcsRefusal('not_xml', 400)
  return doc
}

const children = (el: XmlElement, ns: string, name: string): XmlElement[] =>
  Array.from(el.childNodes as unknown as ArrayLike<XmlNode>).filter(
    (n): n is XmlElement =>
      n.nodeType === 1 && (n as XmlElement).localName === name && (n as XmlElement).namespaceURI === ns,
  )

const only = (el: XmlElement, ns: string, name: string, reason: string): XmlElement => {
  const found = children(el, ns, name)
  if (found.length !== 1) throw new AcsRefusal(reason)
  return found[0]
}

const COMMENT = 8
const PROCESSING_INSTRUCTION = 7

/** The first comment or processing instruction under `node`, by node type. */
function hiddenNode(node: XmlNode): typeof COMMENT | typeof PROCESSING_INSTRUCTION | undefined {
  if (node.nodeType === COMMENT || node.nodeType === PROCESSING_INSTRUCTION) return node.nodeType
  for (const child of Array.from((node.childNodes ?? []) as unknown as ArrayLike<XmlNode>)) {
    const found = hiddenNode(child)
    if (found !== undefined) return found
  }
  return undefined
}

const descendants = (el: XmlElement): XmlElement[] =>
  Array.from(el.childNodes as unknown as ArrayLike<XmlNode>)
    .filter((n): n is XmlElement => n.nodeType === 1)
    .flatMap((n) => [n, ...descendants(n)])

/**
 * The signature profile of a signed element that node-saml has verified: every algorithm named
 * anywhere in its Signature is allowed (xml-crypto looks them up by local name, so every element of
 * that name counts), and its one Reference points at this element with exactly the
 * enveloped-signature + exclusive C14N transforms, as IAM Identity Center signs.
 */
function checkSignatureProfile(signed: XmlElement): void {
  const signature = only(signed, DSIG, 'Signature', 'signature_invalid')
  for (const el of descendants(signature)) {
    const allowed = ALLOWED_ALGORITHMS[el.localName]
    if (allowed && !allowed.has(el.getAttribute('Algorithm') ?? '')) throw new AcsRefusal('weak_algorithm')
  }
  const signedInfo = only(signature, DSIG, 'SignedInfo', 'signature_invalid')
  const reference = only(signedInfo, DSIG, 'Reference', 'signature_invalid')
  const id = signed.getAttribute('ID')
  if (!id || reference.getAttribute('URI') !== `#${id}`) throw new AcsRefusal('signature_invalid')
  const transforms = children(only(reference, DSIG, 'Transforms', 'signature_invalid'), DSIG, 'Transform')
  if (transforms.map((t) => t.getAttribute('Algorithm')).join(' ') !== `${ENVELOPED} ${EXC_C14N}`)
    throw new AcsRefusal('signature_invalid')
}

const time = (value: string | null, reason: string): number | undefined => {
  if (value === null || value === '') return undefined
  const t = Date.parse(value)
  if (Number.isNaN(t)) throw new AcsRefusal(reason)
  return t
}

/** Maps node-saml's errors to reason codes. */
function libraryReason(err: Error): string {
  const m = err.message
  if (/multiple assertions/i.test(m)) return 'multiple_assertions'
  if (/signature/i.test(m)) return 'signature_invalid'
  if (/audience/i.test(m)) return 'audience_mismatch'
  if (/expired|NotBefore|NotOnOrAfter|not yet valid/i.test(m)) return 'time_invalid'
  if (err.name === 'SamlStatusError' || /status/i.test(m)) return 'status_not_success'
  return 'saml_invalid'
}

/**
 * node-saml instances, one per team configuration (ACS URL, audience, certificates in order), so a
 * login does not rebuild the options and PEM files. The instance holds no per-message state (no
 * InResponseTo cache: IdP-initiated only). Bounded, because the ACS URL can come from the request.
 */
const samlInstances = new Map<string, SAML>()
const MAX_SAML_INSTANCES = 64

function samlFor(acsUrl: string, audience: string, certificates: string[]): SAML {
  const key = JSON.stringify([acsUrl, audience, certificates])
  let saml = samlInstances.get(key)
  if (!saml) {
    saml = new SAML({
      callbackUrl: acsUrl,
      issuer: audience,
      audience,
      idpCert: certificates.map(certificateToPem),
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: true,
      acceptedClockSkewMs: CLOCK_SKEW_MS,
      validateInResponseTo: ValidateInResponseTo.never,
    })
    if (samlInstances.size >= MAX_SAML_INSTANCES) {
      const oldest = samlInstances.keys().next().value
      if (oldest !== undefined) samlInstances.delete(oldest)
    }
    samlInstances.set(key, saml)
  }
  return saml
}

/**
 * The pinned certificates, the one the message's KeyInfo names first. node-saml tries every pinned
 * certificate until one verifies, so the order changes no outcome, only the work: with two
 * certificates (rotation) a message signed by the second would otherwise be verified twice.
 * KeyInfo is never trusted: a certificate that is not pinned changes nothing.
 */
function certificateOrder(root: XmlElement, certificates: string[]): string[] {
  const signature = children(root, DSIG, 'Signature')[0]
  const named = signature && descendants(signature).find((el) => el.localName === 'X509Certificate')
  const hint = named?.textContent?.replace(/\s/g, '')
  const index = hint ? certificates.findIndex((c) => c.replace(/\s/g, '') === hint) : -1
  return index > 0 ? [certificates[index], ...certificates.filter((_, i) => i !== index)] : certificates
}

export async function verifySamlResponse(input: VerifyInput): Promise<VerifiedLogin> {
  try {
    return await verifyDocument(input)
  } catch (err) {
    // The structural limits keep every walk shallow; should a stack still overflow (in a library),
    // it is the sender's document, a 400, never a 5xx that reads like an AWS outage.
    if (err instanceof RangeError) throw new AcsRefusal('xml_too_deep', 400)
    throw err
  }
}

async function verifyDocument(input: VerifyInput): Promise<VerifiedLogin> {
  const xml = decodeSamlResponse(input.samlResponse)
  checkStructure(xml)
  const doc = parse(xml)
  const root = doc.documentElement as unknown as XmlElement
  if (root.localName !== 'Response' || root.namespaceURI !== PROTOCOL)
    throw new AcsRefusal('not_a_response', 400)
  if (input.certificates.length === 0) throw new AcsRefusal('team_not_configured')
  // IAM Identity Center custom applications do not encrypt; no decryption key is configured, and
  // node-saml's decryption path is never entered.
  const rootChildren = Array.from(root.childNodes as unknown as ArrayLike<XmlNode>)
  if (rootChildren.some((n) => n.nodeType === 1 && (n as XmlElement).localName === 'EncryptedAssertion'))
    throw new AcsRefusal('encrypted_assertion')

  const saml = samlFor(input.acsUrl, input.audience, certificateOrder(root, input.certificates))
  let profile: Awaited<ReturnType<SAML['validatePostResponseAsync']>>['profile']
  try {
    const result = await saml.validatePostResponseAsync({ SAMLResponse: Buffer.from(xml).toString('base64') })
    profile = result.profile
  } catch (err) {
    throw new AcsRefusal(libraryReason(err as Error), 403, (err as Error).message)
  }
  if (!profile) throw new AcsRefusal('saml_invalid')
  // node-saml verified both signatures with a pinned certificate; now their algorithms and shape.
  checkSignatureProfile(root)
  const rootAssertion = only(root, ASSERTION, 'Assertion', 'multiple_assertions')
  checkSignatureProfile(rootAssertion)

  // The root signature is valid, so the root's attributes and children are the signed ones.
  const now = (input.now ?? new Date()).getTime()
  if (root.getAttribute('Destination') !== input.acsUrl) throw new AcsRefusal('destination_mismatch')
  const issuer = only(root, ASSERTION, 'Issuer', 'issuer_mismatch')
  if ((issuer.textContent ?? '').trim() !== input.entityId || hiddenNode(issuer) !== undefined)
    throw new AcsRefusal('issuer_mismatch')
  const status = only(
    only(root, PROTOCOL, 'Status', 'status_not_success'),
    PROTOCOL,
    'StatusCode',
    'status_not_success',
  )
  if (status.getAttribute('Value') !== SUCCESS) throw new AcsRefusal('status_not_success')

  // The assertion as node-saml verified it (from the signed bytes).
  const signed = parse(profile.getAssertionXml?.() ?? '').documentElement as unknown as XmlElement
  if (signed.localName !== 'Assertion' || signed.getAttribute('ID') !== rootAssertion.getAttribute('ID'))
    throw new AcsRefusal('signature_invalid')
  // Exclusive C14N drops comments, so a comment inside a signed value would not break the
  // signature but could split the value for a naive reader. xml-crypto's C14N renders a processing
  // instruction's data as text, so `<?x team?>1` digests like `team1` while DOM textContent reads
  // `1`: the value read could differ from the value signed. A conforming IdP sends neither.
  for (const node of [signed, rootAssertion]) {
    const hidden = hiddenNode(node)
    if (hidden === COMMENT) throw new AcsRefusal('comment_in_assertion')
    if (hidden === PROCESSING_INSTRUCTION) throw new AcsRefusal('pi_in_assertion')
  }
  const assertionIssuer = only(signed, ASSERTION, 'Issuer', 'issuer_mismatch')
  if ((assertionIssuer.textContent ?? '').trim() !== input.entityId) throw new AcsRefusal('issuer_mismatch')

  const subject = only(signed, ASSERTION, 'Subject', 'subject_invalid')
  const nameId = only(subject, ASSERTION, 'NameID', 'subject_invalid').textContent ?? ''
  const bearer = children(subject, ASSERTION, 'SubjectConfirmation').filter(
    (c) => c.getAttribute('Method') === BEARER,
  )
  if (bearer.length !== 1) throw new AcsRefusal('subject_invalid')
  const data = only(bearer[0], ASSERTION, 'SubjectConfirmationData', 'subject_invalid')
  if (data.getAttribute('Recipient') !== input.acsUrl) throw new AcsRefusal('recipient_mismatch')
  if (data.getAttribute('InResponseTo')) throw new AcsRefusal('unsolicited_expected') // IdP-initiated only
  const subjectNotOnOrAfter = time(data.getAttribute('NotOnOrAfter'), 'time_invalid')
  const subjectNotBefore = time(data.getAttribute('NotBefore'), 'time_invalid')
  if (subjectNotOnOrAfter === undefined) throw new AcsRefusal('time_invalid')
  if (now >= subjectNotOnOrAfter + CLOCK_SKEW_MS) throw new AcsRefusal('time_invalid')
  if (subjectNotBefore !== undefined && now + CLOCK_SKEW_MS < subjectNotBefore)
    throw new AcsRefusal('time_invalid')
  const conditions = children(signed, ASSERTION, 'Conditions')[0]
  const conditionsEnd = time(conditions?.getAttribute('NotOnOrAfter') ?? null, 'time_invalid')
  const assertionId = signed.getAttribute('ID')
  if (!assertionId) throw new AcsRefusal('saml_invalid')

  const attributes: Record<string, string[]> = {}
  for (const statement of children(signed, ASSERTION, 'AttributeStatement')) {
    for (const attribute of children(statement, ASSERTION, 'Attribute')) {
      const name = attribute.getAttribute('Name') ?? ''
      attributes[name] = [
        ...(attributes[name] ?? []),
        ...children(attribute, ASSERTION, 'AttributeValue').map((v) => v.textContent ?? ''),
      ]
    }
  }
  return {
    assertionId,
    expiresAt: new Date(Math.max(subjectNotOnOrAfter, conditionsEnd ?? 0) + CLOCK_SKEW_MS),
    nameId,
    attributes,
  }
}
