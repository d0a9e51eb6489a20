/**
 * Runs a command of the built CLI (dist/, as `bin/run.js` does) inside the test process: the same
 * oclif entry, arguments, environment and error handling as `runCli`, without the 1.5 s of CPU a
 * fresh Node process spends loading oclif, the AWS SDK and the ACS bundle. For tests about what a
 * command does; what only a real process shows (a signal, a terminal, stdin, the exit of the
 * process itself) stays with `runCli`. Needs `npm run build`.
 *
 * One command at a time per process: while it runs, process.stdout/stderr writes are captured,
 * process.env is the test's environment plus `env`, the working directory is `cwd` (default the
 * repository, as runCli), the streams are not terminals (as with the pipes of `runCli`), and
 * process.exitCode starts unset; all of it is restored afterwards.
 */
import type { Config } from '@oclif/core'
import { BIN, type CliResult, ROOT } from './cli.js'

let config: Promise<Config> | undefined
let running = false

type Write = typeof process.stdout.write

export async function runInProcess(
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<CliResult> {
  if (running) throw new Error('runInProcess: one command at a time (use runCli for concurrent runs)')
  running = true
  const [{ Config, run, settings }, { Exit, handle }] = await Promise.all([
    import('@oclif/core'),
    import('@oclif/core/handle'),
  ])
  // The compiled commands, as in production (never src/ through a TypeScript loader).
  settings.enableAutoTranspile = false
  config ??= Config.load(ROOT)
  const loaded = await config

  const saved = {
    cwd: process.cwd(),
    env: { ...process.env },
    argv: process.argv,
    exitCode: process.exitCode,
    stdoutWrite: process.stdout.write,
    stderrWrite: process.stderr.write,
    tty: [process.stdin.isTTY, process.stdout.isTTY, process.stderr.isTTY] as const,
    exit: Exit.exit,
  }
  const env: Record<string, string | undefined> = { NO_COLOR: '1', FORCE_COLOR: '0', ...options.env }
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  process.argv = [process.execPath, BIN, ...args]
  process.chdir(options.cwd ?? ROOT)
  process.exitCode = undefined
  setTty(false, false, false)
  let stdout = ''
  let stderr = ''
  process.stdout.write = capture((s) => (stdout += s))
  process.stderr.write = capture((s) => (stderr += s))
  let code: number | null = 0
  try {
    await run(args, loaded)
    code = exitCodeNow()
  } catch (err) {
    // What bin/run.js's execute() does with an error: print it (unless it is an exit) and exit.
    let exited: number | undefined
    // handle() ends with Exit.exit (oclif's hook for tests): the code is taken, the process lives on.
    Exit.exit = ((c = 0) => {
      exited ??= c
    }) as typeof Exit.exit
    await handle(err as Error)
    code = exited ?? 1
  } finally {
    process.stdout.write = saved.stdoutWrite
    process.stderr.write = saved.stderrWrite
    setTty(...saved.tty)
    Exit.exit = saved.exit
    for (const key of Object.keys(process.env)) if (!(key in saved.env)) delete process.env[key]
    Object.assign(process.env, saved.env)
    process.argv = saved.argv
    process.chdir(saved.cwd)
    process.exitCode = saved.exitCode
    running = false
  }
  return { code, signal: null, stdout, stderr }
}

function exitCodeNow(): number {
  const c = process.exitCode
  return c === undefined || c === null ? 0 : Number(c)
}

function capture(append: (s: string) => void): Write {
  return ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
    append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    const cb = typeof encoding === 'function' ? encoding : callback
    if (typeof cb === 'function') queueMicrotask(() => cb())
    return true
  }) as Write
}

function setTty(stdin: boolean | undefined, stdout: boolean | undefined, stderr: boolean | undefined): void {
  // A terminal's stream has an own isTTY property; a pipe's has none (undefined reads as false).
  Object.defineProperty(process.stdin, 'isTTY', { value: stdin, configurable: true, writable: true })
  Object.defineProperty(process.stdout, 'isTTY', { value: stdout, configurable: true, writable: true })
  Object.defineProperty(process.stderr, 'isTTY', { value: stderr, configurable: true, writable: true })
}
