/**
 * The data-mesh kinds' diffs, as tables, on examples/teams-data-mesh.yaml: the governance account's
 * shares to a consumer account (lf-share), and in the consumer account the resource links, the team
 * roles' DESCRIBE on them (link-grant) and their LF-tag policies in the governance catalog
 * (mesh-grant). Each part's context is what the engine gives it: its own teams and its share of the mesh.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import type { TeamsFile } from '../../src/lib/config/types.js'
import type { EngineContext } from '../../src/lib/kinds/engine-contract.js'
import { meshParts } from '../../src/lib/kinds/lf-share/mesh.js'
import type { Kind, LfSharePayload } from '../../src/lib/plan/types.js'
import { desireOf, diffKind, tableContext } from '../helpers/kind-table.js'

const CENTRAL = '444444444444'
const ANALYTICS = '666666666666'
const role = (team: string) => `arn:aws:iam::${ANALYTICS}:role/sagemaker-teams-${team}`

function meshFile(edit?: (c: TeamsFile) => void): TeamsFile {
  const config = parse(readFileSync('examples/teams-data-mesh.yaml', 'utf8')) as TeamsFile
  edit?.(config)
  return config
}

/** The part of the file that plans in `account` (its teams only), with its share of the mesh. */
function part(config: TeamsFile, account: 'central' | 'analytics', options = {}): EngineContext {
  const own = Object.fromEntries(
    Object.entries(config.teams).filter(([, t]) => account === 'analytics' && t.domain === 'ml'),
  )
  return tableContext({
    config: { ...config, teams: own },
    options,
    discovery: {
      accountId: account === 'central' ? CENTRAL : ANALYTICS,
      dataMesh: meshParts(config)!.forAccount(account)!,
    },
  })
}

/** What the kind holds once the file is applied: its desired values, as observe reads them. */
async function applied<K extends Kind>(kind: K, ctx: EngineContext): Promise<Map<string, unknown>> {
  const desired = (await desireOf(kind, ctx)) as Map<string, unknown>
  return new Map([...desired].map(([k, v]) => [k, structuredClone(v)]))
}

describe('lf-share diff (table)', () => {
  it('shares with the consumer account DESCRIBE on the tag values its teams use and their policies, grantable; applied is no change', async () => {
    const ctx = part(meshFile(), 'central')
    const r = await diffKind('lf-share', ctx, new Map())
    assert.ok(r.changes.every((c) => c.action === 'create' && c.after!.accountId === ANALYTICS))
    const tags = r.changes.filter((c) => c.after!.resourceType === 'LF_TAG').map((c) => c.after!)
    assert.deepEqual(
      tags.map((t) => `${t.tagKey}=${t.tagValues!.join(',')} ${t.permissions} ${t.grantable}`),
      [
        'domain=consumer-banking,investment-banking DESCRIBE DESCRIBE',
        'sensitivity=public DESCRIBE DESCRIBE',
      ],
    )
    const policies = r.changes.filter((c) => c.after!.resourceType !== 'LF_TAG')
    assert.equal(policies.length, 4)
    for (const p of policies) assert.deepEqual(p.after!.grantable, p.after!.permissions)
    assert.deepEqual(
      (await diffKind('lf-share', part(meshFile(), 'central'), await applied('lf-share', ctx))).lines,
      [],
    )
  })

  it("removing one team's grant revokes the share only that grant used (no flag); a shared tag value it alone used goes too", async () => {
    const before = await applied('lf-share', part(meshFile(), 'central'))
    const file = meshFile((c) => {
      delete c.teams.fraud
    })
    const r = await diffKind('lf-share', part(file, 'central'), before)
    assert.deepEqual(r.changes.map((c) => `${c.action} ${c.reason ?? ''}`).sort(), [
      'delete ',
      'delete ',
      'update tag values -investment-banking',
    ])
  })

  it('a share that lost only its grant option is granted the option alone', async () => {
    const before = (await applied('lf-share', part(meshFile(), 'central'))) as Map<string, LfSharePayload>
    const table = [...before.values()].find(
      (s) => s.resourceType === 'TABLE' && s.permissions.includes('SELECT'),
    )!
    table.grantable = table.grantable.filter((p) => p !== 'SELECT')
    const r = await diffKind('lf-share', part(meshFile(), 'central'), before)
    assert.deepEqual(
      r.changes.map((c) => `${c.action} ${c.reason}`),
      ['update grant option on SELECT'],
    )
  })
})

describe('resource-link diff (table)', () => {
  type Link = {
    name: string
    targetCatalogId: string
    targetDatabase: string
    managed: boolean
    plain?: true
  }
  const link = (name: string, database: string, more: Partial<Link> = {}): [string, Link] => [
    name,
    { name, targetCatalogId: CENTRAL, targetDatabase: database, managed: true, ...more },
  ]

  it('links each shared database its teams use; a link in place is no change', async () => {
    const r = await diffKind('resource-link', part(meshFile(), 'analytics'), new Map())
    assert.deepEqual(r.lines, ['create rl_credit_card', 'create rl_transactions'])
    assert.deepEqual(r.changes[0].after!.teams, ['risk', 'fraud'])
    const present = new Map([link('rl_credit_card', 'credit_card'), link('rl_transactions', 'transactions')])
    assert.deepEqual((await diffKind('resource-link', part(meshFile(), 'analytics'), present)).lines, [])
  })

  it('a link pointing elsewhere is re-created; a database or link of the name that is not the tool’s is blocked', async () => {
    const present = new Map([
      link('rl_credit_card', 'other_db'),
      link('rl_transactions', '', { targetCatalogId: '', managed: false, plain: true }),
    ])
    const r = await diffKind('resource-link', part(meshFile(), 'analytics'), present)
    assert.deepEqual(r.lines, ['update rl_credit_card', 'blocked rl_transactions'])
    assert.match(
      r.changes[0].reason!,
      /^points to 444444444444:other_db; re-created to point to 444444444444:credit_card$/,
    )
    assert.match(r.changes[1].reason!, /^a database named rl_transactions exists and is not the tool's/)
  })

  it('a link no team uses is kept (its grants go) until --prune deletes it, never its target', async () => {
    const file = meshFile((c) => {
      delete c.teams.fraud
    })
    const present = new Map([link('rl_credit_card', 'credit_card'), link('rl_transactions', 'transactions')])
    const r = await diffKind('resource-link', part(file, 'analytics'), present)
    assert.deepEqual(r.lines, [])
    assert.deepEqual(
      r.kept.map((k) => `${k.kind} ${k.key}`),
      ['resource-link rl_transactions'],
    )
    const pruned = await diffKind('resource-link', part(file, 'analytics', { prune: true }), present)
    assert.deepEqual(pruned.lines, ['delete rl_transactions'])
    assert.match(pruned.changes[0].summary, /\(its target stays\)$/)
  })
})

describe('link-grant and mesh-grant diffs (table)', () => {
  it('grants each team role DESCRIBE on its links and its LF-tag policies in the governance catalog', async () => {
    const ctx = part(meshFile(), 'analytics')
    const links = await diffKind('link-grant', ctx, new Map())
    assert.deepEqual([...links.lines].sort(), [
      `create ${role('fraud')}|rl_credit_card`,
      `create ${role('fraud')}|rl_transactions`,
      `create ${role('risk')}|rl_credit_card`,
    ])
    const grants = await diffKind('mesh-grant', part(meshFile(), 'analytics'), new Map())
    assert.equal(grants.lines.length, 4)
    assert.ok(grants.changes.every((c) => c.after!.catalogId === CENTRAL))
    for (const kind of ['link-grant', 'mesh-grant'] as const)
      assert.deepEqual(
        (
          await diffKind(
            kind,
            part(meshFile(), 'analytics'),
            await applied(kind, part(meshFile(), 'analytics')),
          )
        ).lines,
        [],
      )
  })

  it('removing a team revokes its link grants and its mesh grants (no flag)', async () => {
    const before = {
      link: await applied('link-grant', part(meshFile(), 'analytics')),
      mesh: await applied('mesh-grant', part(meshFile(), 'analytics')),
    }
    const file = meshFile((c) => {
      delete c.teams.fraud
    })
    const links = await diffKind('link-grant', part(file, 'analytics'), before.link)
    assert.deepEqual(
      links.changes.map((c) => `${c.action} ${c.team}`),
      ['delete fraud', 'delete fraud'],
    )
    const grants = await diffKind('mesh-grant', part(file, 'analytics'), before.mesh)
    assert.deepEqual(
      grants.changes.map((c) => `${c.action} ${c.team}`),
      ['delete fraud', 'delete fraud'],
    )
  })

  it('a mesh grant that lost a permission gets it back; one beyond the file is revoked from the tool’s role', async () => {
    const before = (await applied('mesh-grant', part(meshFile(), 'analytics'))) as Map<
      string,
      { permissions: string[]; principalArn: string; resourceType: string }
    >
    const table = [...before.values()].find(
      (g) => g.principalArn === role('risk') && g.resourceType === 'TABLE',
    )!
    table.permissions = ['DESCRIBE', 'INSERT']
    const r = await diffKind('mesh-grant', part(meshFile(), 'analytics'), before)
    assert.deepEqual(
      r.changes.map((c) => `${c.action} ${c.reason}`),
      ['update grant SELECT; revoke INSERT'],
    )
  })
})
