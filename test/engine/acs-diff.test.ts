/**
 * The ACS configuration is canonical (reordering teams plans nothing) and its changes are named:
 * a rotated certificate, an added member, a team added, each in the access review.
 */
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { hasChanges } from '../../src/lib/plan/changes.js'
import type { Change, Plan } from '../../src/lib/plan/types.js'
import { idpMetadata, keyPair } from '../../tools/idp/idp.js'
import { useReconcile } from '../helpers/reconcile.js'
import { rewrite, workspace } from '../helpers/workspace.js'

function withMetadata(): string {
  const file = workspace()
  mkdirSync(path.join(path.dirname(file), 'metadata'))
  for (const team of ['team1', 'team2'])
    writeFileSync(path.join(path.dirname(file), 'metadata', `${team}.xml`), idpMetadata([keyPair('idp')]))
  return file
}

const acsChange = (p: Plan) =>
  p.changes.find((c) => c.kind === 'acs-function') as Change<'acs-function'> | undefined
const review = (p: Plan) => ({
  widened: (p.accessReview?.widened ?? []).map((i) => i.description),
  narrowed: (p.accessReview?.narrowed ?? []).map((i) => i.description),
})

describe('ACS configuration diffs', function () {
  this.timeout(120_000)
  const { cli, plan, applied } = useReconcile()

  it('reordering the teams in the file plans no change', async () => {
    const file = withMetadata()
    await applied(file)
    rewrite(file, (c) => {
      c.teams = Object.fromEntries(Object.entries(c.teams).reverse())
      c.lakeFormation!.tags = Object.fromEntries(Object.entries(c.lakeFormation!.tags).reverse())
    })
    const p = await plan(file)
    assert.equal(
      hasChanges(p),
      false,
      JSON.stringify(
        p.changes.filter((c) => c.action !== 'manual'),
        null,
        1,
      ),
    )
  })

  it('a rotated certificate is a named ACS change and in the access review', async () => {
    const file = withMetadata()
    await applied(file)
    const meta = path.join(path.dirname(file), 'metadata', 'team1.xml')
    writeFileSync(meta, idpMetadata([keyPair('idp-next'), keyPair('idp')]))
    const added = await plan(file)
    const change = acsChange(added)
    assert.equal(change?.action, 'update')
    assert.deepEqual(
      change?.after?.configChanges?.map((x) => [x.effect, x.team]),
      [['widens', 'team1']],
    )
    assert.match(
      change!.after!.configChanges![0].text,
      /^team1: certificate sha256:[0-9a-f]{16} \(valid until \d{4}-\d\d-\d\d\) is added/,
    )
    assert.ok(review(added).widened.some((d) => /ACS: team1: certificate sha256:.* is added/.test(d)))
    await applied(file)
    // The old certificate goes: logins signed by it are refused from now on.
    writeFileSync(meta, idpMetadata([keyPair('idp-next')]))
    const removed = await plan(file)
    assert.ok(review(removed).narrowed.some((d) => /ACS: team1: certificate sha256:.* is removed/.test(d)))
    assert.equal(review(removed).widened.length, 0)
    const text = await cli(['plan', '-f', file])
    assert.match(text.stdout, /~ acs-function/)
    assert.match(
      text.stdout,
      /- team1: certificate sha256:[0-9a-f]{16} .* is removed: logins signed by it are refused/,
    )
    assert.doesNotMatch(text.stdout, /configSha256|codeSha256/)
    assert.doesNotMatch(text.stdout, /no change to who can access what/)
  })

  it('an added member and an added team are named, with the code version', async () => {
    const file = withMetadata()
    await applied(file)
    rewrite(file, (c) => {
      c.teams.team1.members!.users!.push('user5@example.com')
      c.teams.team3 = {
        displayName: 'Team 3',
        executionRole: { create: true },
        tags: { Team: 'Team3' },
        members: { users: ['user2@example.com'] },
      }
    })
    const p = await plan(file)
    const texts = acsChange(p)?.after?.configChanges?.map((x) => `${x.effect} ${x.text}`) ?? []
    assert.ok(
      texts.includes(
        'widens member user5@example.com is added: the ACS confirms this user id without an identity store call',
      ),
      texts.join('\n'),
    )
    assert.ok(
      texts.some((t) => /^widens team team3 is added to the ACS/.test(t)),
      texts.join('\n'),
    )
    assert.ok(review(p).widened.some((d) => d.startsWith('ACS: member user5@example.com is added')))
    assert.ok(review(p).widened.some((d) => d.startsWith('ACS: team team3 is added')))
  })
})
