/**
 * The iam-simulate engine's decisions shared between processes: one small file per decision under
 * EMULATOR_SIMULATE_CACHE (the test setup names a folder in the OS temp dir), named by a digest of
 * the engine's package versions and the evaluation's whole input. An evaluation is a pure function
 * of both, so a decision found there is the one the engine would give; the test processes (two
 * mocha workers, each with its own emulators) then evaluate a request once between them. Without
 * the variable (the demo, the bench, `tools/emulator/cli.ts`) decisions stay in the process.
 *
 * A missing, unreadable or garbled file only means evaluating again; a file is written whole and
 * renamed, so a reader never sees half of one.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const DECISIONS = new Set(['Allowed', 'ExplicitlyDenied', 'ImplicitlyDenied'])
const ENGINE_PACKAGES = ['iam-simulate', 'iam-data', 'iam-policy', 'iam-utils']

let versions: string | undefined | null

/** The engine's packages and their versions; null when one cannot be read (then nothing is shared). */
function engineVersions(): string | null {
  if (versions !== undefined) return versions
  try {
    const modules = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules')
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

/** The folder of shared decisions, or undefined when they are not shared. */
function folder(): string | undefined {
  const dir = process.env.EMULATOR_SIMULATE_CACHE
  return dir && engineVersions() ? dir : undefined
}

/** The key of an evaluation's input: the engine's versions and the input, digested. */
export function decisionKey(input: unknown): string {
  return createHash('sha256')
    .update(`${engineVersions() ?? ''}\n${JSON.stringify(input)}`)
    .digest('base64url')
}

const fileOf = (dir: string, key: string) => path.join(dir, key.slice(0, 2), key)

export function sharedDecision(key: string): string | undefined {
  const dir = folder()
  if (!dir) return undefined
  try {
    const decision = readFileSync(fileOf(dir, key), 'utf8')
    return DECISIONS.has(decision) ? decision : undefined
  } catch {
    return undefined
  }
}

const made = new Set<string>()

export function shareDecision(key: string, decision: string): void {
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
    writeFileSync(tmp, decision)
    renameSync(tmp, file)
  } catch {
    // A read-only or full temp folder: the decision stays in this process.
  }
}
