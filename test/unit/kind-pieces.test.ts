/**
 * The registry is exhaustive at compile time: a kind without its line, a definition without a piece
 * (review, iamActions, engine…) or an engine without requests or apply does not compile, and the
 * compiler names what is missing. Compiles test/unit/kind-pieces.fixture.ts without its
 * `@ts-expect-error` lines (lint compiles it with them: each line must fail) and reads the errors.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { ROOT } from '../helpers/cli.js'

const FIXTURE = path.join(ROOT, 'test', 'unit', 'kind-pieces.fixture.ts')
/** Not on disk: the compiler host makes it. */
const SDK_STUB = path.join(ROOT, 'test', 'unit', 'aws-sdk-stub.d.ts')

/** The fixture's errors with the expectations off: line (0-based) → messages. */
function errorsWithoutExpectations(): Map<number, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(ROOT, 'tsconfig.test.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) =>
        assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    },
  )!
  const host = ts.createCompilerHost(config.options)
  const read = host.readFile.bind(host)
  const exists = host.fileExists.bind(host)
  host.readFile = (f) =>
    f === SDK_STUB
      ? 'declare module "@aws-sdk/*"\ndeclare module "@smithy/*"\n'
      : path.resolve(f) === FIXTURE
        ? // Same line numbers: each directive becomes a plain comment.
          read(f)?.replaceAll('// @ts-expect-error', '// (expected)')
        : read(f)
  // The AWS SDK's thousands of declaration files are not what is checked here: its modules resolve
  // to shorthand declarations (any), and no global types load. Only the fixture's own diagnostics
  // are read (lint checks the whole project).
  host.fileExists = (f) => f === SDK_STUB || (!/node_modules\/@(aws-sdk|smithy)\//.test(f) && exists(f))
  const program = ts.createProgram([FIXTURE, SDK_STUB], { ...config.options, noEmit: true, types: [] }, host)
  const errors = new Map<number, string[]>()
  const fixture = program.getSourceFile(FIXTURE)!
  for (const d of [...program.getSyntacticDiagnostics(fixture), ...program.getSemanticDiagnostics(fixture)]) {
    assert.equal(
      d.file && path.resolve(d.file.fileName),
      FIXTURE,
      ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    )
    const line = d.file!.getLineAndCharacterOfPosition(d.start!).line
    errors.set(line, [...(errors.get(line) ?? []), ts.flattenDiagnosticMessageText(d.messageText, '\n')])
  }
  return errors
}

describe('a kind missing a piece does not compile', function () {
  this.timeout(120_000)

  it('names the missing piece: a registry line, a review, iamActions, an engine, requests, apply, its own kind', () => {
    const lines = readFileSync(FIXTURE, 'utf8').split('\n')
    const errors = errorsWithoutExpectations()
    let expected = ''
    const cases: string[] = []
    for (const [i, line] of lines.entries()) {
      expected = /expect: (.+)$/.exec(line)?.[1] ?? expected
      if (!line.startsWith('// @ts-expect-error')) continue
      cases.push(expected)
      const messages = errors.get(i + 1) ?? []
      assert.ok(
        messages.some((m) => m.includes(expected)),
        `line ${i + 2}: expected an error with "${expected}", got ${JSON.stringify(messages)}`,
      )
      errors.delete(i + 1)
    }
    assert.equal(cases.length, 7)
    assert.deepEqual([...errors], [], 'errors on lines that expect none')
  })
})
