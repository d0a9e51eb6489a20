/**
 * Cheap structural limits, checked on the decoded document before any DOM is built and before
 * node-saml sees it. node-saml finds signatures through the `xpath` package, whose node-set sorting
 * grows with the square of the nodes: an unsigned 180 KB response whose Signature holds 30,000 empty
 * elements costs tens of seconds of CPU before any signature is checked, and a deep document can
 * overflow a recursive walk. An IAM Identity Center response has about 40 elements, at most 7 deep,
 * one Response and one Assertion, so far lower limits than these refuse nothing real.
 *
 * `saxes` (a maintained, streaming, non-recursive parser) reads the document once, and the first
 * limit crossed stops the read at once: a refused document costs at most a few hundred elements.
 */
import { SaxesParser } from 'saxes'
import { AcsRefusal } from './refusal.js'

/** At most this many elements in the whole document. */
export const MAX_ELEMENTS = 256
/** At most this many levels of elements (the Response is level 1). */
export const MAX_DEPTH = 16

const PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol'
const ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion'
const DSIG = 'http://www.w3.org/2000/09/xmldsig#'

/** The children a Response may have, in IAM Identity Center's shape (no Extensions: the wrapping vector). */
const RESPONSE_CHILDREN = new Set([
  `${ASSERTION} Issuer`,
  `${DSIG} Signature`,
  `${PROTOCOL} Status`,
  `${ASSERTION} Assertion`,
  `${ASSERTION} EncryptedAssertion`,
])

/**
 * Refuses (400) a document past the limits: more elements or levels than allowed, a root that is
 * not a SAML protocol Response, more than one element named Response or more than one (encrypted)
 * assertion anywhere — whatever their namespace, as signature lookups by local name would find
 * them —, an assertion that is not a child of the Response, a child of the Response other than
 * Issuer, Signature, Status and the assertion, or more than two Signature elements.
 */
export function checkStructure(xml: string): void {
  const parser = new SaxesParser({ xmlns: true, position: false })
  let depth = 0
  let elements = 0
  let responses = 0
  let assertions = 0
  let signatures = 0
  parser.on('doctype', () => {
    throw new AcsRefusal('doctype', 400)
  })
  parser.on('opentag', (tag) => {
    depth++
    elements++
    if (depth > MAX_DEPTH) throw new AcsRefusal('xml_too_deep', 400)
    if (elements > MAX_ELEMENTS) throw new AcsRefusal('xml_too_many_elements', 400)
    const local = tag.local ?? tag.name
    const name = `${tag.uri ?? ''} ${local}`
    if (depth === 1 && name !== `${PROTOCOL} Response`) throw new AcsRefusal('not_a_response', 400)
    if (depth === 2 && !RESPONSE_CHILDREN.has(name)) throw new AcsRefusal('unexpected_structure', 400)
    if (local === 'Response' && ++responses > 1) throw new AcsRefusal('multiple_responses', 400)
    if (local === 'Assertion' || local === 'EncryptedAssertion') {
      if (++assertions > 1) throw new AcsRefusal('multiple_assertions', 400)
      if (depth !== 2) throw new AcsRefusal('unexpected_structure', 400)
    }
    if (local === 'Signature' && ++signatures > 2) throw new AcsRefusal('unexpected_structure', 400)
  })
  parser.on('closetag', () => {
    depth--
  })
  try {
    parser.write(xml).close()
  } catch (err) {
    if (err instanceof AcsRefusal) throw err
    throw new AcsRefusal('not_xml', 400)
  }
}
