import assert from 'node:assert/strict'
import { dataMeshOf, teamLinks } from '../../src/lib/config/data-mesh.js'
import { loadTeamsFileOrThrow } from '../../src/lib/config/load.js'

describe('teams file: dataMesh', () => {
  it('examples/teams-data-mesh.yaml is valid and resolves the governance catalog, the links and each team’s links', async () => {
    const { config } = await loadTeamsFileOrThrow('examples/teams-data-mesh.yaml')
    const mesh = dataMeshOf(config)!
    assert.deepEqual(mesh.governance, { name: 'central', accountId: '444444444444' })
    const analytics = mesh.consumers.get('analytics')!
    assert.equal(analytics.accountId, '666666666666')
    assert.deepEqual(
      [...analytics.links.values()],
      [
        { name: 'rl_credit_card', database: 'credit_card', catalogId: '444444444444' },
        { name: 'rl_transactions', database: 'transactions', catalogId: '444444444444' },
      ],
    )
    assert.deepEqual(
      teamLinks(config, mesh, 'fraud').map((l) => l.name),
      ['rl_credit_card', 'rl_transactions'],
    )
    assert.deepEqual(
      teamLinks(config, mesh, 'risk').map((l) => l.name),
      ['rl_credit_card'],
    )
  })

  it('a file without dataMesh has none (it means what it meant before)', async () => {
    const { config } = await loadTeamsFileOrThrow('examples/teams-organization.yaml')
    assert.equal(dataMeshOf(config), undefined)
  })
})
