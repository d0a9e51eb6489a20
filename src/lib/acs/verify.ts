/**
 * Strict verification of an IdP-initiated SAML response from IAM Identity Center.
 *
 * `@node-saml/node-saml` verifies the XML signatures (Response and Assertion, with only the
 * certificates from the team's metadata), rejects multiple assertions, and checks the Conditions
 * window and the audience. It does not check the Response Destination, the SubjectConfirmationData
 * Recipient and window, the issuers or the top-level status: those checks follow here, on the
 * document whose root signature node-saml has just verified (so its attributes and children are
 * the signed ones), and on the signed assertion node-saml returns.
 */

import { SAML, ValidateInResponseTo } from '@node-saml/node-saml'
import { DOMParser } from '@xmldom/xmldom'
import { certificateToPem } from '../config/metadata.js'

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
export const CLOCK_SKEW_MS = 60_000

/** A refusal with a reason code for the log line; the HTTP answer stays generic. */
export class AcsRefusal extends Error {
  constructor(
    readonly reason: string,
    readonly status = 403,
    readonly detail?: string,
  ) {
    super(reason)
    this.name = 'AcsRefusal'
  }
}

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

function hasComment(node: XmlNode): boolean {
  if (node.nodeType === 8) return true
  return Array.from((node.childNodes ?? []) as unknown as ArrayLike<XmlNode>).some(hasComment)
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

export async function verifySamlResponse(input: VerifyInput): Promise<VerifiedLogin> {
  const xml = decodeSamlResponse(input.samlResponse)
  const doc = parse(xml)
  const root = doc.documentElement as unknown as XmlElement
  if (root.localName !== 'Response' || root.namespaceURI !== PROTOCOL)
    throw new AcsRefusal('not_a_response', 400)
  if (input.certificates.length === 0) throw new AcsRefusal('team_not_configured')

  const saml = new SAML({
    callbackUrl: input.acsUrl,
    issuer: input.audience,
    audience: input.audience,
    idpCert: input.certificates.map(certificateToPem),
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: true,
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    validateInResponseTo: ValidateInResponseTo.never,
  })
  let profile: Awaited<ReturnType<SAML['validatePostResponseAsync']>>['profile']
  try {
    const result = await saml.validatePostResponseAsync({ SAMLResponse: Buffer.from(xml).toString('base64') })
    profile = result.profile
  } catch (err) {
    throw new AcsRefusal(libraryReason(err as Error), 403, (err as Error).message)
  }
  if (!profile) throw new AcsRefusal('saml_invalid')

  // The root signature is valid, so the root's attributes and children are the signed ones.
  const now = (input.now ?? new Date()).getTime()
  if (root.getAttribute('Destination') !== input.acsUrl) throw new AcsRefusal('destination_mismatch')
  const issuer = only(root, ASSERTION, 'Issuer', 'issuer_mismatch')
  if ((issuer.textContent ?? '').trim() !== input.entityId || hasComment(issuer))
    throw new AcsRefusal('issuer_mismatch')
  const status = only(
    only(root, PROTOCOL, 'Status', 'status_not_success'),
    PROTOCOL,
    'StatusCode',
    'status_not_success',
  )
  if (status.getAttribute('Value') !== SUCCESS) throw new AcsRefusal('status_not_success')
  if (children(root, ASSERTION, 'EncryptedAssertion').length > 0) throw new AcsRefusal('multiple_assertions')
  const rootAssertion = only(root, ASSERTION, 'Assertion', 'multiple_assertions')

  // The assertion as node-saml verified it (from the signed bytes).
  const signed = parse(profile.getAssertionXml?.() ?? '').documentElement as unknown as XmlElement
  if (signed.localName !== 'Assertion' || signed.getAttribute('ID') !== rootAssertion.getAttribute('ID'))
    throw new AcsRefusal('signature_invalid')
  // Exclusive C14N drops comments, so a comment inside a signed value would not break the
  // signature but could split the value for a naive reader: a conforming IdP never sends one.
  if (hasComment(signed) || hasComment(rootAssertion)) throw new AcsRefusal('comment_in_assertion')
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
