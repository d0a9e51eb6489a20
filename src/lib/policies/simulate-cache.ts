/**
 * The iam-simulate engine's results shared between processes (tests and the emulator only, like
 * simulate.ts): one small file per evaluation under IAM_SIMULATE_CACHE (the test setup names a
 * folder in the OS temp dir), named by a digest of the engine's package versions and the
 * evaluation's whole input. An evaluation is a pure function of both, so a result found there is the
 * one the engine would give; the test processes (two mocha workers) then evaluate a request once
 * between them, and the next run finds it. Without the variable (the demo, the bench,
 * `tools/emulator/cli.ts`) nothing is shared.
 *
 * A missing, unreadable or garbled file only means evaluating again; a file is written whole and
 * renamed, so a reader never sees half of one.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export interface SharedResult {
  decision: 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied'
  ignored: string[]
}

const DECISIONS = new Set(['Allowed', 'ExplicitlyDenied', 'ImplicitlyDenied'])
const ENGINE_PACKAGES = ['iam-simulate', 'iam-data', 'iam-policy', 'iam-utils']

let versions: string | undefined | null

/** The engine's packages and their versions; null when one cannot be read (then nothing is shared). */
function engineVersions(): string | null {
  if (versions !== undefined) return versions
  try {
    // src/lib/policies or dist/lib/policies → <root>/node_modules
    const modules = path.resolve(
      path.dirname(fileURLToPath(import.meta.url)),
      '..',
      '..',
      '..',
      'node_modules',
    )
    versions = ENGINE_PACKAGES.map((name) => {
      const pkg = JSON.parse(
        readFileSync(path.join(modules, '@cloud-copilot', name, 'package.json'), 'utf8'),
      ) as { version: string }
      return `@cloud-copilot/${name}@${pkg.version}`
    }).join(' ')
  } catch {
    versions = null
  }
  return versions
}

/** The folder of shared results, or undefined when they are not shared. */
function folder(): string | undefined {
  const dir = process.env.IAM_SIMULATE_CACHE
  return dir && engineVersions() ? dir : undefined
}

/** The key of an evaluation's input: the engine's versions and the input, digested. */
export function resultKey(input: unknown): string {
  return createHash('sha256')
    .update(`${engineVersions() ?? ''}\n${JSON.stringify(input)}`)
    .digest('base64url')
}

const fileOf = (dir: string, key: string) => path.join(dir, key.slice(0, 2), key)

export function sharedResult(key: string): SharedResult | undefined {
  const dir = folder()
  if (!dir) return undefined
  try {
    const r = JSON.parse(readFileSync(fileOf(dir, key), 'utf8')) as Partial<SharedResult> & { key?: string }
    // The file names its own key: a misplaced or garbled one is not believed.
    if (r.key !== key || !DECISIONS.has(r.decision ?? '') || !Array.isArray(r.ignored)) return undefined
    return { decision: r.decision!, ignored: r.ignored.map(String) }
  } catch {
    return undefined
  }
}

const made = new Set<string>()

export function shareResult(key: string, result: SharedResult): void {
  const dir = folder()
  if (!dir) return
  try {
    const file = fileOf(dir, key)
    const sub = path.dirname(file)
    if (!made.has(sub)) {
      mkdirSync(sub, { recursive: true })
      made.add(sub)
    }
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify({ key, decision: result.decision, ignored: result.ignored }))
    renameSync(tmp, file)
  } catch {
    // A read-only or full temp folder: nothing is shared.
  }
}
