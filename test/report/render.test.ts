/** The report's views escape what they are given: HTML text, CSV quoting, spreadsheet formulas. */
import assert from 'node:assert/strict'
import { renderCsv, renderHtml } from '../../src/lib/report/render.js'
import type { AccessReport } from '../../src/lib/report/types.js'

const report: AccessReport = {
  reportVersion: 1,
  generatedAt: '2026-12-07T00:00:00.000Z',
  staleDays: 90,
  accountId: '123456789012',
  region: 'us-east-1',
  domainId: 'd-abcdefghijkl',
  teams: [
    {
      team: 'team1',
      displayName: '<script>alert(1)</script>',
      accountId: '123456789012',
      domainId: 'd-abcdefghijkl',
      roleArn: 'arn:aws:iam::123456789012:role/sagemaker-teams-team1',
      members: [
        {
          userId: 'u1',
          userName: '=HYPERLINK("http://evil.example.com","x")',
          via: ['direct', 'group:a, b'],
          signIns: 0,
          stale: true,
        },
      ],
      profiles: [],
      data: { lakeFormation: [] },
      reach: [],
      evaluation: { evaluated: false, reason: 'AccessDenied' },
      consoleSteps: { verified: false },
    },
  ],
  crossTeam: [],
  findings: [],
}

describe('access report views', () => {
  it('HTML: text is escaped, nothing is loaded, tables sort', () => {
    const html = renderHtml(report)
    assert.ok(!html.includes('<script>alert(1)</script>'))
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'))
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/)
    assert.doesNotMatch(html, /\b(src|href)=/)
    assert.match(html, /<table class="sortable" data-table="members">/)
  })

  it('CSV: quoted per RFC 4180, a formula is not run by a spreadsheet', () => {
    const members = renderCsv(report).get('members.csv')!
    const [header, row] = members.split('\r\n')
    assert.equal(header, 'team,user,user id,email,member through,profile,last sign-in,sign-ins,stale')
    assert.equal(
      row,
      `team1,"'=HYPERLINK(""http://evil.example.com"",""x"")",u1,,"direct, group:a, b",,,0,yes`,
    )
  })
})
