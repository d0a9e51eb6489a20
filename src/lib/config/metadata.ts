/**
 * Reads the SAML IdP metadata that the IAM Identity Center console lets an admin download for
 * an application: the entityID (the Issuer of its responses) and its signing certificates.
 */
import { X509Certificate } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { DOMParser } from '@xmldom/xmldom'

const MD_NS = 'urn:oasis:names:tc:SAML:2.0:metadata'
const DS_NS = 'http://www.w3.org/2000/09/xmldsig#'

export interface IdpMetadata {
  entityId: string
  /** Base64 DER of each signing certificate (several during a rotation). */
  certificates: string[]
  /** SingleSignOnService locations, for information. */
  ssoUrls: string[]
}

export class MetadataError extends Error {}

/** Parses IdP metadata XML; throws MetadataError with a reason a person can act on. */
export function parseIdpMetadata(xml: string): IdpMetadata {
  if (/<!DOCTYPE/i.test(xml)) throw new MetadataError('metadata must not contain a DOCTYPE')
  const errors: string[] = []
  const doc = new DOMParser({
    errorHandler: {
      warning: () => {},
      error: (msg: string) => errors.push(msg),
      fatalError: (msg: string) => errors.push(msg),
    },
  }).parseFromString(xml, 'text/xml')
  if (errors.length > 0 || !doc?.documentElement) throw new MetadataError('not well-formed XML')
  const root = doc.documentElement
  const entity =
    root.localName === 'EntityDescriptor' && root.namespaceURI === MD_NS
      ? root
      : Array.from(root.getElementsByTagNameNS(MD_NS, 'EntityDescriptor'))[0]
  if (!entity) throw new MetadataError('no md:EntityDescriptor: this is not SAML metadata')
  const entityId = entity.getAttribute('entityID')
  if (!entityId) throw new MetadataError('md:EntityDescriptor has no entityID')
  const idp = Array.from(entity.getElementsByTagNameNS(MD_NS, 'IDPSSODescriptor'))[0]
  if (!idp) throw new MetadataError('no md:IDPSSODescriptor: this is not identity provider metadata')
  const certificates: string[] = []
  for (const key of Array.from(idp.getElementsByTagNameNS(MD_NS, 'KeyDescriptor'))) {
    const use = key.getAttribute('use')
    if (use && use !== 'signing') continue
    for (const cert of Array.from(key.getElementsByTagNameNS(DS_NS, 'X509Certificate'))) {
      const b64 = (cert.textContent ?? '').replace(/\s+/g, '')
      if (b64 && !certificates.includes(b64)) certificates.push(b64)
    }
  }
  if (certificates.length === 0)
    throw new MetadataError('no signing certificate (ds:X509Certificate) in the IdP descriptor')
  const ssoUrls = Array.from(idp.getElementsByTagNameNS(MD_NS, 'SingleSignOnService'))
    .map((s) => s.getAttribute('Location') ?? '')
    .filter(Boolean)
  return { entityId, certificates, ssoUrls }
}

export async function readIdpMetadata(file: string): Promise<IdpMetadata> {
  return parseIdpMetadata(await readFile(file, 'utf8'))
}

/** PEM form of a base64 DER certificate. */
export function certificateToPem(b64: string): string {
  const lines = b64.match(/.{1,64}/g) ?? []
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`
}

/** Days before a signing certificate's end from which validate and doctor warn. */
export const CERT_WARN_DAYS = 30
const DAY = 86_400_000

export interface CertificateFinding {
  severity: 'error' | 'warning'
  message: string
  hint: string
}

/**
 * What stands between the metadata's signing certificates and a login the ACS accepts: none
 * parses (error), all have expired (error), the last one ends within 30 days (warning). A
 * certificate that does not parse or has expired beside a good one (a rotation) is a warning.
 */
export function certificateFindings(certificates: string[], now = new Date()): CertificateFinding[] {
  const findings: CertificateFinding[] = []
  const ends: Date[] = []
  const unreadable: number[] = []
  certificates.forEach((b64, i) => {
    try {
      ends.push(new Date(new X509Certificate(Buffer.from(b64, 'base64')).validTo))
    } catch {
      unreadable.push(i + 1)
    }
  })
  const refresh =
    'download the current SAML metadata of the application from the IAM Identity Center console and save it over this file'
  if (unreadable.length > 0) {
    findings.push({
      severity: ends.length === 0 ? 'error' : 'warning',
      message: `signing certificate ${unreadable.join(', ')} of ${certificates.length} is not a readable X.509 certificate (ds:X509Certificate must hold base64 DER)`,
      hint: `the file was changed or truncated; ${refresh}`,
    })
  }
  if (ends.length === 0) return findings
  const latest = new Date(Math.max(...ends.map((d) => d.getTime())))
  const date = (d: Date) => d.toISOString().slice(0, 10)
  if (latest <= now) {
    findings.push({
      severity: 'error',
      message: `every signing certificate has expired (the last on ${date(latest)}): the ACS would refuse every login of this team`,
      hint: refresh,
    })
  } else {
    const expired = ends.filter((d) => d <= now)
    if (expired.length > 0)
      findings.push({
        severity: 'warning',
        message: `${expired.length} of ${ends.length} signing certificates expired (${expired.map(date).join(', ')})`,
        hint: 'remove the expired certificate once the rotation is done',
      })
    const days = Math.floor((latest.getTime() - now.getTime()) / DAY)
    if (days < CERT_WARN_DAYS)
      findings.push({
        severity: 'warning',
        message: `the signing certificate expires in ${days} day${days === 1 ? '' : 's'} (${date(latest)})`,
        hint: 'rotate it in the IAM Identity Center console, save the new metadata (both certificates), then apply',
      })
  }
  return findings
}
