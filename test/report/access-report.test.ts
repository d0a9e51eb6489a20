/**
 * `access report` for the demo account after a login through `acs serve`: every member listed (direct
 * and through a group), the signed-in member's last sign-in set, a removed member's kept profile
 * flagged, nothing of one team reachable by another's role (evaluated by the emulator's
 * iam:SimulateCustomPolicy). The JSON validates against schema/access-report.schema.json (ajv); the
 * HTML is opened in a real headless Chromium (Debian's `chromium`, driven by playwright-core): a table
 * sorts on click, there are no console errors and no network requests, and a screenshot is taken
 * (UPDATE_SNAPSHOTS=1 writes docs/access-report.png for the README).
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { Ajv } from 'ajv'
import type { AccessReport } from '../../src/lib/report/types.js'
import { formBody, idpMetadata, keyPair, signedResponse } from '../../tools/idp/idp.js'
import { BIN, ROOT } from '../helpers/cli.js'
import { useReconcile } from '../helpers/reconcile.js'
import { rewrite, workspace } from '../helpers/workspace.js'

const USER1 = '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'
const USER5 = '906712345a-5e6f7081-92a3-4ebf-a021-4c5d6e7f8091'
const BUCKET = 'sagemaker-us-east-1-123456789012'
const CHROMIUM = '/usr/bin/chromium'

describe('access report', function () {
  this.timeout(300_000)
  const { emu, cli, applied } = useReconcile()
  let out = ''
  let report: AccessReport

  async function loginThroughAcsServe(file: string) {
    const child: ChildProcess = spawn(
      process.execPath,
      [BIN, 'acs', 'serve', '-f', file, '--port', '0', '--replay-table', 'sagemaker-teams-acs-state'],
      { env: { ...process.env, ...emu().env() }, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = ''
        child.stdout!.setEncoding('utf8').on('data', (d: string) => {
          text += d
          const m = /ACS listening on (\S+)/.exec(text)
          if (m) resolve(m[1])
        })
        child.on('exit', (code) => reject(new Error(`acs serve exited ${code}`)))
      })
      const acsUrl = `${url}/saml/acs/team1`
      const r = await fetch(acsUrl, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: formBody(
          signedResponse({
            acsUrl,
            audience: 'urn:sagemaker-teams:acs:team1',
            userId: USER1,
            teamId: 'team1',
          }).base64,
        ),
      })
      assert.equal(r.status, 302)
    } finally {
      child.kill('SIGTERM')
    }
  }

  it('lists every member and profile with last sign-ins, flags the kept profile, finds no cross-team reach', async () => {
    emu().seed({ buckets: [BUCKET] })
    const file = workspace((c) => {
      c.workspace = {}
      c.teams.team1.members = { users: ['user1@example.com'], groups: ['ds-team1'] }
      c.teams.team2.members = { users: ['user1@example.com', 'user2@example.com', 'user5@example.com'] }
    })
    const dir = path.dirname(file)
    mkdirSync(path.join(dir, 'metadata'))
    for (const t of ['team1', 'team2'])
      writeFileSync(path.join(dir, 'metadata', `${t}.xml`), idpMetadata([keyPair('idp')]))
    await applied(file)
    await loginThroughAcsServe(file)
    // user5 leaves team2: access revoked, the profile (home directory) kept.
    rewrite(file, (c) => {
      c.teams.team2.members = { users: ['user1@example.com', 'user2@example.com'] }
    })
    await applied(file)

    out = mkdtempSync(path.join(tmpdir(), 'smt-report-'))
    const r = await cli(['access', 'report', '-f', file, '--out', out, '--stale-days', '30'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /Wrote .*access-report\.html/)
    report = JSON.parse(readFileSync(path.join(out, 'access-report.json'), 'utf8')) as AccessReport

    const team1 = report.teams.find((t) => t.team === 'team1')!
    assert.deepEqual(
      team1.members.map((m) => [m.userName, m.via.join(' ')]),
      [
        ['user1@example.com', 'direct'],
        ['user3@example.com', 'group:ds-team1'],
        ['user4@example.com', 'group:ds-team1'],
      ],
    )
    const user1 = team1.members.find((m) => m.userId === USER1)!
    assert.ok(
      user1.lastSignIn && Date.now() - Date.parse(user1.lastSignIn) < 3_600_000,
      JSON.stringify(user1),
    )
    assert.equal(user1.signIns, 1)
    assert.equal(user1.stale, false)
    assert.equal(user1.profile, `team1-${USER1}`)
    assert.ok(team1.members.filter((m) => m.userId !== USER1).every((m) => m.stale && !m.lastSignIn))
    assert.equal(team1.consoleSteps.verified, true)

    const team2 = report.teams.find((t) => t.team === 'team2')!
    assert.deepEqual(
      team2.members.map((m) => m.userName),
      ['user1@example.com', 'user2@example.com'],
    )
    const kept = team2.profiles.find((p) => p.userId === USER5)!
    assert.equal(kept.member, false)
    assert.equal(kept.userName, 'user5@example.com')
    assert.ok(
      report.findings.some((f) => f.kind === 'kept-profile' && f.team === 'team2' && f.subject === kept.name),
      JSON.stringify(report.findings),
    )
    assert.ok(report.findings.some((f) => f.kind === 'console-not-verified' && f.team === 'team2'))
    assert.ok(!report.findings.some((f) => f.kind === 'console-not-verified' && f.team === 'team1'))
    assert.ok(report.findings.some((f) => f.kind === 'stale-member' && f.subject === 'user3@example.com'))
    assert.ok(
      !report.findings.some(
        (f) => f.kind === 'stale-member' && f.team === 'team1' && f.subject === 'user1@example.com',
      ),
    )
    // A sign-in is per team: user1 has not signed in to team2.
    assert.ok(
      report.findings.some(
        (f) => f.kind === 'stale-member' && f.team === 'team2' && f.subject === 'user1@example.com',
      ),
    )

    // Evaluated reach: own workspace yes, the other team's nothing.
    for (const t of [team1, team2]) assert.equal(t.evaluation.evaluated, true, t.evaluation.reason)
    const own = team1.reach.find((x) => x.scenario === 'read and write objects under own prefix')!
    assert.equal(own.outcome, 'Allowed')
    assert.ok(
      report.crossTeam.some((c) => c.team === 'team1' && c.scenario === "read objects under team2's prefix"),
    )
    assert.deepEqual(
      report.crossTeam.filter((c) => c.outcome === 'Allowed'),
      [],
    )
    assert.ok(!report.findings.some((f) => f.kind === 'cross-team-access' || f.kind === 'unexpected-reach'))
    assert.deepEqual(team1.data.workspace, {
      bucket: BUCKET,
      prefix: 'teams/team1/',
      workGroup: 'sagemaker-teams-team1',
    })
    assert.ok(team2.data.lakeFormation.length > 0)

    for (const name of ['members', 'profiles', 'reach', 'cross-team', 'findings', 'teams']) {
      const csv = readFileSync(path.join(out, `${name}.csv`), 'utf8')
      assert.ok(csv.split('\r\n').length > 2, `${name}.csv has rows`)
    }
    assert.match(readFileSync(path.join(out, 'members.csv'), 'utf8'), /^team,user,user id,/)
  })

  it('the JSON validates against the published schema (ajv)', () => {
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schema', 'access-report.schema.json'), 'utf8'))
    const ajv = new Ajv({ allErrors: true, strict: false })
    const valid = ajv.validate(schema, report)
    assert.ok(valid, JSON.stringify(ajv.errors))
    // And the schema is strict enough to fail: a member without its sign-in count.
    const broken = structuredClone(report) as unknown as { teams: { members: { signIns?: number }[] }[] }
    delete broken.teams[0].members[0].signIns
    assert.equal(ajv.validate(schema, broken), false)
  })

  it('the HTML in headless Chromium: sorts on click, no console errors, no network requests', async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI) assert.fail(`${CHROMIUM} is missing (.ci/run installs it)`)
      this.skip()
    }
    const { chromium } = await import('playwright-core')
    const profile = mkdtempSync(path.join(tmpdir(), 'smt-chromium-'))
    // A fresh profile (user data dir) for every run.
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1000, height: 640 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    })
    try {
      const page = await browser.newPage()
      const problems: string[] = []
      const requests: string[] = []
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`)
      })
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
      const url = pathToFileURL(path.join(out, 'access-report.html')).href
      page.on('request', (r) => {
        if (r.url() !== url) requests.push(r.url())
      })
      await page.goto(url)
      const users = () =>
        page.$$eval('table[data-table="members"] tbody tr', (rows) =>
          rows.map((r) => (r as HTMLTableRowElement).cells[1].textContent),
        )
      const before = await users()
      assert.ok(before.length >= 5, before.join())
      const header = page.locator('table[data-table="members"] th', { hasText: 'user' }).first()
      await header.locator('button').click()
      assert.equal(await header.getAttribute('aria-sort'), 'ascending')
      const ascending = await users()
      assert.deepEqual(
        ascending,
        [...ascending].sort((a, b) => a!.localeCompare(b!)),
      )
      await header.locator('button').click()
      assert.equal(await header.getAttribute('aria-sort'), 'descending')
      assert.deepEqual(await users(), [...ascending].reverse())
      // The kept profile is highlighted.
      assert.ok((await page.locator('table[data-table="profiles"] tr.flag').count()) >= 1)
      const shot = path.join(out, 'access-report.png')
      await page.locator('table[data-table="members"] th button').first().click()
      await page.evaluate(() => window.scrollTo(0, 0))
      await page.screenshot({ path: shot })
      assert.equal(readFileSync(shot).subarray(1, 4).toString(), 'PNG')
      if (process.env.UPDATE_SNAPSHOTS === '1')
        copyFileSync(shot, path.join(ROOT, 'docs', 'access-report.png'))
      await page.emulateMedia({ media: 'print' })
      assert.equal(
        await page
          .locator('th button')
          .first()
          .evaluate((b) => getComputedStyle(b, '::after').content),
        '""',
      )
      assert.deepEqual(problems, [])
      assert.deepEqual(requests, [])
    } finally {
      await browser.close()
    }
  })
})
