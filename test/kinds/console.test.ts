/** The console kind's diff, as a table: the teams and the logins the ACS verified → the manual steps. */
import assert from 'node:assert/strict'
import { diffKind, team, teamsFile } from '../helpers/kind-table.js'

const acs = { functionName: 'sagemaker-teams-acs', audience: 'urn:sagemaker-teams:acs' }

describe('console diff (table)', () => {
  it("each team's SAML settings are a manual step until the ACS verified a signed login of the team", async () => {
    const t = { config: teamsFile({ team1: team(), team2: team() }, { acs }) }
    const r = await diffKind('console', t, {
      verified: new Set(['team2']),
      baseUrl: 'https://u.lambda-url.us-east-1.on.aws/',
    })
    assert.deepEqual(r.lines, ['manual team1'])
    const after = r.changes[0].after!
    assert.equal(after.acsUrl, 'https://u.lambda-url.us-east-1.on.aws/saml/acs/team1')
    assert.equal(after.audience, 'urn:sagemaker-teams:acs:team1')
    assert.equal(after.attributeMappings.teamid, 'team1')
    assert.equal(
      r.changes[0].reason,
      "not yet verified; download the application's SAML metadata to metadata/team1.xml",
    )
  })

  it('without a deployed function the URL is a placeholder; acs.url wins over the function URL', async () => {
    const t = { config: teamsFile({ team1: team() }, { acs }) }
    assert.equal(
      (await diffKind('console', t, { verified: new Set() })).changes[0].after!.acsUrl,
      '<ACS function URL>/saml/acs/team1',
    )
    const own = {
      config: teamsFile({ team1: team() }, { acs: { ...acs, url: 'https://login.example.com' } }),
    }
    const r = await diffKind('console', own, {
      verified: new Set(),
      baseUrl: 'https://u.lambda-url.us-east-1.on.aws/',
    })
    assert.equal(r.changes[0].after!.acsUrl, 'https://login.example.com/saml/acs/team1')
  })

  it('a renamed team (movedFrom) keeps its former id in the SAML set-up and its verified logins', async () => {
    const t = { config: teamsFile({ ml: team([], { movedFrom: 'team1' }) }, { acs }) }
    assert.deepEqual((await diffKind('console', t, { verified: new Set(['team1']) })).lines, [])
    const r = await diffKind('console', t, { verified: new Set() })
    assert.equal(r.changes[0].after!.attributeMappings.teamid, 'team1')
  })
})
