/**
 * `npm run demo`: the main job on a local demo account. Starts the AWS emulator (with dynalite)
 * on 127.0.0.1, seeds examples/demo-account.yaml, and runs the real CLI against it step by step.
 * Every process it starts is stopped at the end, also on failure or Ctrl-C.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Emulator, startEmulator } from '../test/emulator/index.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const BIN = path.join(ROOT, 'bin', 'run.js')

interface Step {
  explain: string
  args: string[]
  /** Exit codes that count as success. */
  ok?: number[]
  check?: (out: string) => string | undefined
}

const children = new Set<ChildProcess>()
let emulator: Emulator | undefined
let work: string | undefined

async function main(): Promise<number> {
  work = mkdtempSync(path.join(tmpdir(), 'sagemaker-teams-demo-'))
  const teams = path.join(work, 'teams.yaml')
  copyFileSync(path.join(ROOT, 'teams.example.yaml'), teams)
  emulator = await startEmulator({
    seed: path.join(ROOT, 'examples', 'demo-account.yaml'),
    profileReadyMs: 200,
  })
  say(
    `Started the local AWS emulator at ${emulator.url} with the demo account (5 users, 2 groups, 1 domain).`,
  )
  const env = { ...process.env, ...emulator.env() }

  const steps: Step[] = [
    {
      explain: 'Validate the teams file (teams.example.yaml: team1 and team2, user1 in both).',
      args: ['validate', '-f', teams],
    },
    { explain: 'Plan: what apply would create in the demo account.', args: ['plan', '-f', teams] },
    {
      explain:
        'Apply: create the roles, LF-tags and grants, SAML applications, assignments and user profiles.',
      args: ['apply', '-f', teams, '--yes'],
    },
    {
      explain: 'Plan again: the account now matches the file, so there are no changes (exit code 0).',
      args: ['plan', '-f', teams, '--detailed-exitcode'],
      check: (out) => (out.includes('No changes.') ? undefined : 'expected "No changes."'),
    },
  ]
  for (const [i, step] of steps.entries()) {
    say(
      `\nStep ${i + 1}/${steps.length}: ${step.explain}\n$ sagemaker-teams ${step.args.map((a) => (a === teams ? 'teams.yaml' : a)).join(' ')}`,
    )
    const { code, out } = await run(step.args, env)
    const problem = !(step.ok ?? [0]).includes(code ?? -1) ? `exit code ${code}` : step.check?.(out)
    if (problem) {
      say(`\nDemo step ${i + 1} failed: ${problem}`)
      return 1
    }
  }
  say('\nDemo complete: the demo account matches teams.example.yaml.')
  return 0
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: work,
      env: { ...env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    children.add(child)
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d
      process.stdout.write(d)
    })
    child.on('error', reject)
    child.on('close', (code) => {
      children.delete(child)
      resolve({ code, out })
    })
  })
}

function say(line: string) {
  process.stdout.write(`${line}\n`)
}

async function cleanup() {
  for (const child of children) child.kill('SIGTERM')
  await emulator?.close()
  if (work) rmSync(work, { recursive: true, force: true })
}

process.on('SIGINT', async () => {
  await cleanup()
  process.exit(130)
})

let code = 1
try {
  code = await main()
} catch (err) {
  say(`Demo failed: ${(err as Error).stack ?? err}`)
} finally {
  await cleanup()
}
process.exit(code)
