/** plan's progress renderer: one line rewritten in place within the terminal's width, then the totals. */
import assert from 'node:assert/strict'
import { readProgress } from '../../src/lib/plan/read-progress.js'

function screen(columns: number) {
  let written = ''
  let clock = 0
  const stream = { columns, write: (t: string) => (written += t) }
  const progress = readProgress(stream, { colour: false, now: () => clock })
  return {
    progress,
    advance: (ms: number) => (clock += ms),
    /** Each rewrite of the status line, as the terminal shows it after the carriage return. */
    frames: () => written.split('\r').filter((f) => f.trim() !== ''),
    written: () => written,
  }
}

describe('plan read progress (renderer)', () => {
  it('counts pages and items of list calls only, says what is being read, and ends with the totals', () => {
    const s = screen(200)
    s.progress.onRead({ type: 'kind-start', kind: 'profile' })
    s.advance(100)
    s.progress.onRead({ type: 'call', service: 'sagemaker', operation: 'ListUserProfiles', items: 100 })
    s.advance(100)
    s.progress.onRead({ type: 'call', service: 'sagemaker', operation: 'DescribeUserProfile', items: 3 })
    s.advance(100)
    s.progress.onRead({ type: 'call', service: 'sagemaker', operation: 'ListUserProfiles', items: 1 })
    s.advance(1234)
    s.progress.finish()
    const frames = s.frames()
    assert.match(frames[1], /^Reading: 1 page, 100 items · 0\.1 s · sagemaker ListUserProfiles · profile/)
    assert.match(frames[3], /^Reading: 2 pages, 101 items · 0\.3 s · sagemaker ListUserProfiles · profile/)
    assert.equal(frames.at(-1), 'Read 101 items in 2 pages (3 AWS calls) in 1.5 s\n')
    assert.ok(!s.written().includes('\u001b'), 'no escape codes without colour')
  })

  it('stays within the terminal width (the kinds are cut, not the counts) and clears a longer line', () => {
    const s = screen(60)
    for (const kind of ['boundary', 'role', 'workgroup', 'lf-tag', 'lf-grant', 'application'] as const) {
      s.advance(100)
      s.progress.onRead({ type: 'kind-start', kind })
    }
    s.advance(100)
    s.progress.onRead({ type: 'kind-done', kind: 'application' })
    for (const f of s.frames())
      assert.ok(f.length <= 59 || /^ +$/.test(f.trimEnd()) || f.trimEnd().length <= 59, f)
    const last = s.frames().at(-1)!
    assert.match(last, /^Reading: 0 pages, 0 items · 0\.\d s · boundary, role/)
    assert.ok(last.trimEnd().endsWith('…'))
  })

  it('redraws at most every 80 ms however many pages arrive', () => {
    const s = screen(120)
    for (let i = 0; i < 500; i++) {
      s.progress.onRead({ type: 'call', service: 'iam', operation: 'ListRoles', items: 1 })
      s.advance(1)
    }
    s.progress.finish()
    const drawn = s.frames().filter((f) => f.startsWith('Reading')).length
    assert.ok(drawn >= 6 && drawn <= 7, `${drawn} redraws in 500 ms`)
    assert.match(s.frames().at(-1)!, /^Read 500 items in 500 pages \(500 AWS calls\) in 0\.5 s\n$/)
  })
})
