import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Config } from '@oclif/core'
import { parse } from 'yaml'
import { markdownMarker, renderPlan } from '../../src/lib/plan/render.js'
import { ROOT } from '../helpers/cli.js'
import { everyKind } from '../plan/fixtures.js'

describe('examples/github-actions', () => {
  const text = readFileSync(path.join(ROOT, 'examples', 'github-actions', 'sagemaker-teams.yml'), 'utf8')

  it('is valid YAML with a plan job for pull requests and an apply job for main', () => {
    const wf = parse(text) as {
      on: Record<string, unknown>
      jobs: Record<string, { if: string; steps: { run?: string }[] }>
      permissions: Record<string, string>
    }
    assert.ok(wf.on.pull_request && wf.on.push)
    assert.equal(wf.permissions['id-token'], 'write')
    assert.match(wf.jobs.plan.if, /pull_request/)
    assert.match(wf.jobs.apply.if, /push/)
  })

  it('updates one plan comment per pull request, found by the marker the Markdown plan starts with', () => {
    const wf = parse(text) as {
      jobs: Record<string, { steps: { name?: string; uses?: string; with?: { script?: string } }[] }>
    }
    const comment = wf.jobs.plan.steps.find((s) => s.uses?.startsWith('actions/github-script'))
    const script = comment?.with?.script ?? ''
    // The marker is the plan's own first line (see markdownMarker), never a copy that could drift.
    assert.match(script, /const marker = body\.split\('\\n', 1\)\[0\]/)
    assert.match(script, /github\.paginate\(github\.rest\.issues\.listComments/)
    assert.match(script, /c\.body\?\.startsWith\(marker\)/)
    assert.match(
      script,
      /if \(ours\) await github\.rest\.issues\.updateComment\(\{ \.\.\.context\.repo, comment_id: ours\.id, body \}\)/,
    )
    assert.match(script, /else await github\.rest\.issues\.createComment/)
    const md = renderPlan(everyKind(), 'markdown', { color: false })
    assert.equal(md.split('\n', 1)[0], '<!-- sagemaker-teams plan teams.yaml -->')
    assert.equal(md.split('\n', 1)[0], markdownMarker(everyKind()))
  })

  it('has a scheduled job that writes the access report as an artifact and fails on drift', () => {
    const wf = parse(text) as {
      on: { schedule?: { cron: string }[] }
      jobs: Record<string, { if: string; steps: { run?: string; uses?: string; with?: { path?: string } }[] }>
    }
    assert.ok(wf.on.schedule?.[0]?.cron)
    const drift = wf.jobs.drift
    assert.match(drift.if, /schedule/)
    const runs = drift.steps.map((s) => s.run ?? '')
    const report = runs.findIndex((r) => /sagemaker-teams access report .*--out access-report/.test(r))
    const upload = drift.steps.findIndex(
      (s) => s.uses?.startsWith('actions/upload-artifact') && s.with?.path === 'access-report/',
    )
    assert.ok(report >= 0 && upload > report)
    assert.ok(runs.some((r) => /sagemaker-teams plan .*--detailed-exitcode/.test(r) && /exit \$code/.test(r)))
  })

  it('installs the CLI from a checksum-pinned tarball in every job, as test/ops/install.test.ts does', () => {
    const wf = parse(text) as { jobs: Record<string, { steps: { run?: string }[] }> }
    for (const [name, job] of Object.entries(wf.jobs)) {
      const runs = job.steps.map((s) => s.run ?? '')
      const install = runs.findIndex((r) => /npm install --global \.\/sagemaker-teams\.tgz/.test(r))
      assert.ok(install >= 0, `${name}: no install of the packed tarball`)
      const lines = runs[install].split('\n').map((l) => l.trim())
      const check = lines.findIndex((l) => /sha256sum --check/.test(l))
      const add = lines.findIndex((l) => /npm install --global/.test(l))
      assert.ok(check >= 0 && check < add, `${name}: the checksum is not checked before the install`)
      const firstUse = runs.findIndex((r) => /^sagemaker-teams /m.test(r))
      assert.ok(install < firstUse, `${name}: the CLI is used before it is installed`)
      // Never a registry install by name (whoever publishes that name first would run in CI).
      for (const r of runs) assert.doesNotMatch(r, /npm (install|i) (--global |-g )?sagemaker-teams(@|\s|$)/m)
    }
  })

  it('uses only commands and flags the CLI has', async () => {
    const config = await Config.load(ROOT)
    const lines = [
      ...text.matchAll(/sagemaker-teams ((?:[a-z]+ )*[a-z]+)((?: --?[a-z-]+(?: [^\s-][^\s]*)?)*)/g),
    ]
    assert.ok(lines.length >= 5)
    for (const [, words, flagText] of lines) {
      const id = words.split(' ').join(':')
      const command = config.findCommand(id)
      assert.ok(command, `unknown command: ${words}`)
      const flags = { ...command.flags } as Record<string, { char?: string }>
      for (const m of flagText.matchAll(/ (--?)([a-z-]+)/g)) {
        const known = m[1] === '--' ? m[2] in flags : Object.values(flags).some((f) => f.char === m[2])
        assert.ok(known, `sagemaker-teams ${words}: unknown flag ${m[1]}${m[2]}`)
      }
    }
  })
})
