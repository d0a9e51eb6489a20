/**
 * The lf-tag and lf-grant kinds' diffs, as tables: a teams file's LF-tags and grants and what Lake
 * Formation has → the changes and the warnings.
 */
import assert from 'node:assert/strict'
import type { TeamsFile } from '../../src/lib/config/types.js'
import { grantKey } from '../../src/lib/kinds/lf-grant/engine.js'
import type { LfGrantPayload } from '../../src/lib/plan/types.js'
import { desireOf, diffKind, type TableContext, team, teamsFile } from '../helpers/kind-table.js'

describe('lf-tag diff (table)', () => {
  const file = (tags: Record<string, string[]>) => ({ config: teamsFile({}, { lakeFormation: { tags } }) })

  it('creates a missing key with its values; a key with them all is no change', async () => {
    const r = await diffKind('lf-tag', file({ domain: ['sales', 'finance'] }), new Map())
    assert.deepEqual(r.lines, ['create domain'])
    assert.deepEqual(r.changes[0].after!.values, ['finance', 'sales'])
    assert.deepEqual(
      (await diffKind('lf-tag', file({ domain: ['sales'] }), new Map([['domain', ['sales']]]))).lines,
      [],
    )
  })

  it('adds a missing value; a value the file no longer lists goes only with --prune', async () => {
    const observed = new Map([['domain', ['legacy', 'sales']]])
    const plain = await diffKind('lf-tag', file({ domain: ['sales', 'risk'] }), observed)
    assert.deepEqual(plain.lines, ['update domain'])
    assert.equal(plain.changes[0].reason, 'add risk')
    assert.deepEqual(plain.changes[0].after!.values, ['legacy', 'risk', 'sales'])
    assert.deepEqual((await diffKind('lf-tag', file({ domain: ['sales'] }), observed)).lines, [])
    const pruned = await diffKind(
      'lf-tag',
      { ...file({ domain: ['sales', 'risk'] }), options: { prune: true } },
      observed,
    )
    assert.equal(pruned.changes[0].reason, 'add risk; remove legacy')
    assert.deepEqual(pruned.changes[0].after!.values, ['risk', 'sales'])
  })

  it('a key the file does not list is never touched, even with --prune', async () => {
    const r = await diffKind(
      'lf-tag',
      { ...file({ domain: ['sales'] }), options: { prune: true } },
      new Map([
        ['domain', ['sales']],
        ['someone-elses', ['x']],
      ]),
    )
    assert.deepEqual(r.lines, [])
  })
})

const ROLE1 = 'arn:aws:iam::123456789012:role/sagemaker-teams-team1'
const GIVEN = 'arn:aws:iam::123456789012:role/Given'

describe('lf-grant diff (table)', () => {
  const grant = (permissions: string[], values = ['sales']) => ({
    resourceType: 'TABLE' as const,
    expression: { domain: values },
    permissions,
  })
  const file = (grants: ReturnType<typeof grant>[], more: Partial<TeamsFile['teams'][string]> = {}) => ({
    config: teamsFile(
      { team1: team([], { lakeFormation: grants, ...more }) },
      { lakeFormation: { tags: { domain: ['sales', 'risk'] } } },
    ),
  })
  /** What Lake Formation holds after applying this file. */
  async function applied(t: TableContext): Promise<Map<string, LfGrantPayload>> {
    const desired = await desireOf('lf-grant', t)
    return new Map([...desired].map(([k, { team: _, ...g }]) => [k, structuredClone(g)]))
  }
  const held = (
    principalArn: string,
    permissions: string[],
    values = ['sales'],
  ): [string, LfGrantPayload] => {
    const g: LfGrantPayload = {
      principalArn,
      roleName: principalArn.split('/').pop()!,
      resourceType: 'TABLE',
      expression: [{ TagKey: 'domain', TagValues: values }],
      permissions,
    }
    return [grantKey(g), g]
  }

  it("grants the team's role what the file lists; a grant held as listed is no change", async () => {
    const t = file([grant(['SELECT', 'DESCRIBE'])])
    const r = await diffKind('lf-grant', t, new Map())
    assert.deepEqual(r.lines, [`create ${ROLE1}|TABLE|domain=sales`])
    assert.deepEqual(r.changes[0].after!.permissions, ['DESCRIBE', 'SELECT'])
    assert.deepEqual((await diffKind('lf-grant', t, await applied(t))).lines, [])
  })

  it("narrows on a plain apply: a permission or a whole grant removed from the file is revoked from the tool's role", async () => {
    const before = await applied(file([grant(['SELECT', 'DESCRIBE']), grant(['SELECT'], ['risk'])]))
    const r = await diffKind('lf-grant', file([grant(['DESCRIBE'])]), before)
    assert.deepEqual(r.lines, [`update ${ROLE1}|TABLE|domain=sales`, `delete ${ROLE1}|TABLE|domain=risk`])
    assert.equal(r.changes[0].reason, 'revoke SELECT')
    assert.equal(r.changes[1].team, 'team1')
  })

  it('adds a missing permission', async () => {
    const r = await diffKind(
      'lf-grant',
      file([grant(['SELECT', 'DESCRIBE'])]),
      await applied(file([grant(['DESCRIBE'])])),
    )
    assert.equal(r.changes[0].reason, 'grant SELECT')
  })

  it("a removed team's grants stay with its kept role until --prune", async () => {
    const before = new Map([held('arn:aws:iam::123456789012:role/sagemaker-teams-old', ['SELECT'])])
    assert.deepEqual((await diffKind('lf-grant', file([]), before)).lines, [])
    const r = await diffKind('lf-grant', { ...file([]), options: { prune: true } }, before)
    assert.deepEqual(r.lines, [
      'delete arn:aws:iam::123456789012:role/sagemaker-teams-old|TABLE|domain=sales',
    ])
    assert.equal(r.changes[0].team, 'old')
  })

  it('a role the file names by ARN gets grants added, never revoked: --prune warns instead', async () => {
    const byArn = (grants: ReturnType<typeof grant>[]) => file(grants, { executionRole: { arn: GIVEN } })
    const before = new Map([held(GIVEN, ['SELECT', 'DESCRIBE']), held(GIVEN, ['SELECT'], ['risk'])])
    const plain = await diffKind('lf-grant', byArn([grant(['DESCRIBE'])]), before)
    assert.deepEqual(plain.lines, [])
    assert.deepEqual(plain.warnings, [])
    const pruned = await diffKind(
      'lf-grant',
      { ...byArn([grant(['DESCRIBE'])]), options: { prune: true } },
      before,
    )
    assert.deepEqual(pruned.lines, [])
    assert.deepEqual(pruned.warnings, [
      "Given also holds SELECT on TABLE domain=sales, which the file does not list; the role is not the tool's (executionRole.arn), so --prune does not revoke it.",
      "Given holds SELECT on TABLE domain=risk, which the file does not list; the role is not the tool's (executionRole.arn), so --prune does not revoke it.",
    ])
    const more = await diffKind('lf-grant', byArn([grant(['DESCRIBE', 'ALTER'])]), before)
    assert.deepEqual(more.lines, [`update ${GIVEN}|TABLE|domain=sales`])
    // What it holds beyond the file stays in the target.
    assert.deepEqual(more.changes[0].after!.permissions, ['ALTER', 'DESCRIBE', 'SELECT'])
  })
})
