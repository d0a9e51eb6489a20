/**
 * The kind registry (src/lib/kinds): what the engine used to keep by hand is derived from each
 * kind's definition. These pin the derived lists to what the hand-kept ones were, and check that no
 * kind is left out of every part of a file with accounts:/domains: (a forgotten kind was silently
 * skipped there).
 */
import assert from 'node:assert/strict'
import {
  ACCOUNT_KINDS,
  CONSUMER_KINDS,
  DOMAIN_KINDS,
  GOVERNANCE_KINDS,
  IDENTITY_CENTER_KINDS,
} from '../../src/lib/engine/many.js'
import { DELETE_DEPENDS_ON, DEPENDS_ON, KIND_DEFINITIONS, kindsIn } from '../../src/lib/kinds/registry.js'
import { KINDS } from '../../src/lib/plan/types.js'
import { MODULE_OF, MODULES } from '../../src/lib/resources/index.js'

describe('kind registry', () => {
  it('has one definition and one engine module per kind, each naming its own kind', () => {
    for (const k of KINDS) {
      assert.equal(KIND_DEFINITIONS[k].kind, k)
      assert.equal(MODULE_OF[k].kind, k)
    }
    assert.deepEqual(
      MODULES.map((m) => m.kind),
      [...KINDS],
    )
  })

  it("derives the engine's per-scope kind lists", () => {
    assert.deepEqual(IDENTITY_CENTER_KINDS, ['application', 'assignment', 'acs', 'console'])
    assert.deepEqual(ACCOUNT_KINDS, ['boundary', 'role', 'presign-role', 'workgroup', 'lf-tag', 'lf-grant'])
    assert.deepEqual(GOVERNANCE_KINDS, ['lf-tag', 'lf-share'])
    assert.deepEqual(CONSUMER_KINDS, ['resource-link', 'link-grant', 'mesh-grant'])
    assert.deepEqual(DOMAIN_KINDS, ['profile', 'app'])
  })

  it('plans every kind in some part of a file with accounts:/domains:', () => {
    const planned = new Set([
      ...kindsIn('identity-center'),
      ...kindsIn('account', 'lake', 'mesh-governance'),
      ...kindsIn('mesh-consumer'),
      ...kindsIn('domain'),
    ])
    assert.deepEqual(
      KINDS.filter((k) => !planned.has(k)),
      [],
    )
  })

  it('derives the apply order waits from the dependencies, deletes the other way round', () => {
    assert.deepEqual(DEPENDS_ON, {
      'lf-grant': ['role', 'lf-tag'],
      'link-grant': ['role', 'resource-link'],
      'mesh-grant': ['role'],
      assignment: ['application'],
      profile: ['role'],
    })
    assert.deepEqual(DELETE_DEPENDS_ON, {
      role: ['lf-grant', 'link-grant', 'mesh-grant', 'profile'],
      'lf-tag': ['lf-grant'],
      'resource-link': ['link-grant'],
      application: ['assignment'],
    })
  })

  it('orders every dependency before its dependent (creates run in KINDS order)', () => {
    for (const k of KINDS)
      for (const d of KIND_DEFINITIONS[k].dependsOn)
        assert.ok(KINDS.indexOf(d) < KINDS.indexOf(k), `${k} depends on ${d}, which comes after it`)
  })
})
