/**
 * The README's "Day one, in one screen" walkthrough names only commands and flags the CLI has, and
 * the set-up commands it promises exist as npm scripts: a renamed command or flag fails here.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Config } from '@oclif/core'
import { ROOT } from '../helpers/cli.js'

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')

/** The shell lines of the first ```sh block after `heading`. */
function block(heading: string): string[] {
  const at = readme.indexOf(heading)
  assert.ok(at >= 0, `README has "${heading}"`)
  const body = /```sh\n([\s\S]*?)```/.exec(readme.slice(at))
  assert.ok(body, `a sh block under "${heading}"`)
  return body[1]
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter(Boolean)
}

describe('README day one', function () {
  this.timeout(30_000)

  it('every line of the walkthrough is a command of the CLI with flags it takes, in one screen', async () => {
    const lines = block('### Day one, in one screen')
    assert.ok(lines.length >= 8 && lines.length <= 24, `${lines.length} commands`)
    const config = await Config.load(ROOT)
    const used = new Set<string>()
    for (const line of lines) {
      const words = line.split(/\s+/)
      assert.equal(words[0], 'sagemaker-teams', line)
      // The longest run of words that names a command ("sso checklist" before "sso").
      let id = ''
      for (let n = words.length - 1; n >= 1 && !id; n--) {
        const candidate = words.slice(1, n + 1).join(':')
        if (config.findCommand(candidate)) id = candidate
      }
      assert.ok(id, `not a command: ${line}`)
      used.add(id)
      const command = config.findCommand(id)!
      const flags = new Set(Object.keys(command.flags ?? {}))
      for (const w of words.filter((x) => x.startsWith('--')))
        assert.ok(flags.has(w.slice(2).replace(/=.*$/, '')), `${id} has no flag ${w} (${line})`)
    }
    // What the issue asks the walkthrough to show.
    for (const id of ['autocomplete', 'init', 'plan', 'show', 'apply', 'status'])
      assert.ok(used.has(id), `the walkthrough uses ${id}`)
    assert.ok(
      lines.some((l) => / --team /.test(`${l} `)),
      'the walkthrough scopes to one team',
    )
  })

  it('the two set-up commands exist as written', () => {
    assert.deepEqual(block('## Set-up'), ['npm ci && npm run demo'])
    assert.match(readme, /```sh\nnpm test\n```/)
    const scripts = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts
    assert.ok(scripts.demo && scripts.test)
  })
})
