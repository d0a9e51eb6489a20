/**
 * The kind registry (src/lib/kinds): what the engine used to keep by hand is derived from each
 * kind's definition. These pin the derived lists to what the hand-kept ones were, and check that no
 * kind is left out of every part of a file with accounts:/domains: (a forgotten kind was silently
 * skipped there).
 */
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import {
  ACCOUNT_KINDS,
  ACS_KINDS,
  CONSUMER_KINDS,
  DOMAIN_KINDS,
  GOVERNANCE_KINDS,
  IDENTITY_CENTER_KINDS,
} from '../../src/lib/engine/scopes.js'
import { loadEngines } from '../../src/lib/kinds/engines.js'
import { actionsOf } from '../../src/lib/kinds/iam.js'
import { DELETE_DEPENDS_ON, DEPENDS_ON, KIND_DEFINITIONS, kindsIn } from '../../src/lib/kinds/registry.js'
import { allOperatorActions, setupPolicy } from '../../src/lib/operator-policy.js'
import { KINDS } from '../../src/lib/plan/types.js'
import { ROOT } from '../helpers/cli.js'

describe('kind registry', () => {
  it('has one definition per kind that loads its engine module, each naming its own kind', async () => {
    const engines = await loadEngines()
    for (const k of KINDS) {
      assert.equal(KIND_DEFINITIONS[k].kind, k)
      assert.equal((await KIND_DEFINITIONS[k].engine()).kind, k)
      assert.equal(engines[k], await KIND_DEFINITIONS[k].engine())
    }
  })

  it("derives the engine's per-scope kind lists", () => {
    assert.deepEqual(IDENTITY_CENTER_KINDS, ['application', 'assignment', 'console'])
    assert.deepEqual(ACS_KINDS, ['acs-role', 'acs-table', 'acs-function', 'acs-url', 'acs-permission'])
    assert.deepEqual(ACCOUNT_KINDS, ['boundary', 'role', 'presign-role', 'workgroup', 'lf-tag', 'lf-grant'])
    assert.deepEqual(GOVERNANCE_KINDS, ['lf-tag', 'lf-share'])
    assert.deepEqual(CONSUMER_KINDS, ['resource-link', 'link-grant', 'mesh-grant'])
    assert.deepEqual(DOMAIN_KINDS, ['profile', 'app'])
  })

  it('plans every kind in some part of a file with accounts:/domains:', () => {
    const planned = new Set([
      ...kindsIn('identity-center', 'acs'),
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
      'acs-function': ['acs-role', 'acs-table'],
      'acs-url': ['acs-function'],
      'acs-permission': ['acs-function'],
    })
    assert.deepEqual(DELETE_DEPENDS_ON, {
      role: ['lf-grant', 'link-grant', 'mesh-grant', 'profile'],
      'lf-tag': ['lf-grant'],
      'resource-link': ['link-grant'],
      application: ['assignment'],
      'acs-role': ['acs-function'],
      'acs-table': ['acs-function'],
      'acs-function': ['acs-url', 'acs-permission'],
    })
  })

  it('orders every dependency before its dependent (creates run in KINDS order)', () => {
    for (const k of KINDS)
      for (const d of KIND_DEFINITIONS[k].dependsOn)
        assert.ok(KINDS.indexOf(d) < KINDS.indexOf(k), `${k} depends on ${d}, which comes after it`)
  })

  it("declares every IAM action its engine module calls, and the operator policy (or setup's) grants each", () => {
    const prefix: Record<string, string> = {
      'client-sso-admin': 'sso',
      'client-identitystore': 'identitystore',
      'client-sagemaker': 'sagemaker',
      'client-iam': 'iam',
      'client-lakeformation': 'lakeformation',
      'client-lambda': 'lambda',
      'client-dynamodb': 'dynamodb',
      'client-athena': 'athena',
      'client-glue': 'glue',
      'client-s3': 's3',
    }
    // Operations IAM authorises as another action.
    const authorisedAs: Record<string, string> = { 's3:HeadBucket': 's3:ListBucket' }
    const setup = setupPolicy([
      'arn:aws:iam::123456789012:policy/sagemaker-teams-boundary',
    ]).Statement.flatMap((st) => [st.Action ?? []].flat())
    const granted = new Set([...allOperatorActions('apply'), ...setup].map((a) => a.toLowerCase()))
    for (const k of KINDS) {
      const text = engineFiles(k)
        .map((f) => readFileSync(f, 'utf8'))
        .join('\n')
      const called = new Set<string>()
      for (const m of text.matchAll(
        /(?:import\s*\{([^}]+)\}\s*from\s*|const\s*\{([^}]+)\}\s*=\s*await import\()'@aws-sdk\/(client-[a-z0-9-]+)'/g,
      ))
        for (const raw of (m[1] ?? m[2]).split(',')) {
          const name = raw.replace(/\btype\b/, '').trim()
          const op = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1]
          if (op && new RegExp(`\\b${name}\\(`).test(text)) {
            const action = `${prefix[m[3]]}:${op}`
            called.add(authorisedAs[action] ?? action)
          }
        }
      for (const m of text.matchAll(/new athena\.(\w+)Command\(/g)) called.add(`athena:${m[1]}`)
      const declared = actionsOf(KIND_DEFINITIONS[k].iamActions)
      assert.deepEqual(
        [...called].filter((a) => !declared.includes(a)),
        [],
        `${k}: called but not in its definition's iamActions`,
      )
      assert.deepEqual(
        declared.filter((a) => !granted.has(a.toLowerCase())),
        [],
        `${k}: declared but granted by no operator policy`,
      )
    }
  })
})

/** A kind's engine files: every file of its folder but the definition (index.ts). */
function engineFiles(kind: string): string[] {
  const folder = path.join(ROOT, 'src', 'lib', 'kinds', kind)
  if (!existsSync(folder)) return [path.join(ROOT, 'src', 'lib', 'resources', `${kind}.ts`)] // not moved yet (the ACS)
  return readdirSync(folder)
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .map((f) => path.join(folder, f))
}
