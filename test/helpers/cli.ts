/** Runs the built CLI (`node bin/run.js`) as a subprocess, as a user would. Needs `npm run build`. */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const BIN = path.join(ROOT, 'bin', 'run.js')

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  env?: Record<string, string | undefined>
  cwd?: string
  input?: string
  /** Kill with this signal after the given number of ms (for interrupted-apply tests). */
  killAfterMs?: number
  killSignal?: NodeJS.Signals
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    child.on('error', reject)
    const timer = options.killAfterMs
      ? setTimeout(() => child.kill(options.killSignal ?? 'SIGKILL'), options.killAfterMs)
      : undefined
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
    child.stdin.end(options.input ?? '')
  })
}

/**
 * Runs the CLI and kills it with `signal` once its stderr matches `when` (a pattern, or a test of
 * the whole stderr so far): a point in its own progress (it holds the lock, some changes are
 * done), never a time.
 */
export function killWhen(
  args: string[],
  when: RegExp | ((stderr: string) => boolean),
  signal: NodeJS.Signals,
  options: { env?: Record<string, string | undefined> } = {},
): Promise<CliResult & { killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let killed = false
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
      if (!killed && (when instanceof RegExp ? when.test(stderr) : when(stderr))) {
        killed = true
        child.kill(signal)
      }
    })
    child.on('error', reject)
    child.on('close', (code, sig) => resolve({ code, signal: sig, stdout, stderr, killed }))
  })
}
