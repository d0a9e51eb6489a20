/**
 * Reads the SAML IdP metadata that the IAM Identity Center console lets an admin download for
 * an application: the entityID (the Issuer of its responses) and its signing certificates.
 */
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
