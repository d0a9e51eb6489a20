/**
 * `npm run demo`: the main job on a local demo account. Starts the AWS emulator (with dynalite)
 * on 127.0.0.1, seeds examples/demo-account.yaml, and runs the real CLI against it step by step.
 * Every process it starts is stopped at the end, also on failure or Ctrl-C.
 *
 * `npm run demo -- --second-account`: the same with a member account (examples/demo-member-account.yaml,
 * "dev", where the CLI assumes sagemaker-teams-admin): team2 moves to the dev account's domain.
 *
 * `npm run demo -- --data-mesh`: examples/teams-data-mesh.yaml on three accounts — the demo account
 * (IAM Identity Center), the governance account `central` (examples/demo-data-mesh-central.yaml: the
 * shared databases and their tagged tables) and the consumer `analytics`
 * (examples/demo-data-mesh-consumer.yaml: the Studio domain) — then which table each team's role can
 * read through its resource links, by the emulator's Lake Formation rules.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseDocument } from 'yaml'
import { type Emulator, startEmulator } from './emulator/index.js'
import { formBody, idpMetadata, signedResponse } from './idp/idp.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const BIN = path.join(ROOT, 'bin', 'run.js')
/** The optional member account (examples/demo-member-account.yaml) and its domain. */
const MEMBER = { id: '210987654321', domain: 'd-devdomain001' }
const secondAccount = process.argv.includes('--second-account')
const dataMesh = process.argv.includes('--data-mesh')
/** The data mesh's accounts (examples/teams-data-mesh.yaml). */
const MESH = { central: '444444444444', analytics: '666666666666' }

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
  if (dataMesh) return meshDemo(teams)
  copyFileSync(path.join(ROOT, 'teams.example.yaml'), teams)
  // The SAML metadata an admin downloads from the console; here, from the test identity provider.
  mkdirSync(path.join(work, 'metadata'))
  for (const team of ['team1', 'team2'])
    writeFileSync(path.join(work, 'metadata', `${team}.xml`), idpMetadata())
  if (secondAccount) {
    // team1 stays in the demo account's domain; team2 goes to the member account's domain.
    const doc = parseDocument(readFileSync(teams, 'utf8'))
    const domainId = doc.getIn(['domain', 'id'])
    doc.delete('domain')
    doc.set('accounts', { dev: { id: MEMBER.id } })
    doc.set('domains', { main: { id: domainId }, dev: { account: 'dev', id: MEMBER.domain } })
    doc.setIn(['teams', 'team1', 'domain'], 'main')
    doc.setIn(['teams', 'team2', 'domain'], 'dev')
    writeFileSync(teams, doc.toString())
  }
  emulator = await startEmulator({
    seed: path.join(ROOT, 'examples', 'demo-account.yaml'),
    profileReadyMs: 200,
    accounts: secondAccount
      ? [{ id: MEMBER.id, seed: path.join(ROOT, 'examples', 'demo-member-account.yaml') }]
      : [],
  })
  say(
    `Started the local AWS emulator at ${emulator.url} with the demo account (5 users, 2 groups, 1 domain)${secondAccount ? ` and a member account ${MEMBER.id} ("dev": domain ${MEMBER.domain}, role sagemaker-teams-admin)` : ''}.`,
  )
  const env = { ...process.env, ...emulator.env() }

  const steps: Step[] = [
    {
      explain: 'Validate the teams file (teams.example.yaml: team1 and team2, user1 in both).',
      args: ['validate', '-f', teams],
    },
    {
      explain:
        'Set up once: write the permissions boundaries of the roles the tool creates (an administrator step; the apply policy may not change them).',
      args: ['setup', '-f', teams, '--yes'],
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
      `\nStep ${i + 1}/${steps.length + 1}: ${step.explain}\n$ sagemaker-teams ${step.args.map((a) => (a === teams ? 'teams.yaml' : a)).join(' ')}`,
    )
    const { code, out } = await run(step.args, env)
    const problem = !(step.ok ?? [0]).includes(code ?? -1) ? `exit code ${code}` : step.check?.(out)
    if (problem) {
      say(`\nDemo step ${i + 1} failed: ${problem}`)
      return 1
    }
  }
  say(
    `\nStep ${steps.length + 1}/${steps.length + 1}: Sign in: user1 opens team2's tile; Identity Center (here the test IdP) posts a signed SAML response to the ACS.\n$ sagemaker-teams acs serve -f teams.yaml --port 0`,
  )
  const problem = await login(teams, env)
  if (problem) {
    say(`\nDemo login failed: ${problem}`)
    return 1
  }
  if (secondAccount) {
    for (const id of emulator.accounts()) {
      const state = emulator.accountState(id)
      say(
        `Account ${id}: roles ${state.roles.map((r) => r.RoleName).join(', ') || '-'}; ${state.profiles.length} user profiles in ${[...new Set(state.profiles.map((p) => p.DomainId))].join(', ') || '-'}`,
      )
    }
  }
  say(
    `\nDemo complete: the demo account${secondAccount ? 's match' : ' matches'} teams.example.yaml${secondAccount ? ' (team2 in the dev account)' : ''}, and user1 signed in to team2 through the ACS.`,
  )
  return 0
}

/** `--data-mesh`: the seed's flow with examples/teams-data-mesh.yaml on three accounts. */
async function meshDemo(teams: string): Promise<number> {
  copyFileSync(path.join(ROOT, 'examples', 'teams-data-mesh.yaml'), teams)
  emulator = await startEmulator({
    seed: path.join(ROOT, 'examples', 'demo-account.yaml'),
    profileReadyMs: 200,
    accounts: [
      { id: MESH.central, seed: path.join(ROOT, 'examples', 'demo-data-mesh-central.yaml') },
      { id: MESH.analytics, seed: path.join(ROOT, 'examples', 'demo-data-mesh-consumer.yaml') },
    ],
  })
  say(
    `Started the local AWS emulator at ${emulator.url}: the demo account (IAM Identity Center), the governance account ${MESH.central} ("central": databases credit_card and transactions, tables tagged with LF-tags) and the consumer account ${MESH.analytics} ("analytics": the ML CoE's Studio domain).`,
  )
  const env = { ...process.env, ...emulator.env() }
  const steps: Step[] = [
    {
      explain: 'Validate examples/teams-data-mesh.yaml (teams risk and fraud in analytics).',
      args: ['validate', '-f', teams],
    },
    {
      explain:
        "Plan: central's LF-tags and its grants to account analytics (with the grant option), the resource links in analytics, DESCRIBE on them and the team roles' grants in central's catalog.",
      args: ['plan', '-f', teams],
    },
    {
      explain: 'Apply: governance account first, then the consumer account.',
      args: ['apply', '-f', teams, '--yes'],
    },
    {
      explain: 'Plan again: no changes (exit code 0).',
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
  say('\nWhat each team role can read through its resource links (Lake Formation rules of the emulator):')
  const reads: [string, string, string][] = [
    ['risk', 'rl_credit_card', 'credit_risk'],
    ['risk', 'rl_credit_card', 'card_fraud'],
    ['risk', 'rl_transactions', 'payments'],
    ['fraud', 'rl_credit_card', 'card_fraud'],
    ['fraud', 'rl_credit_card', 'credit_risk'],
    ['fraud', 'rl_transactions', 'payments'],
  ]
  for (const [team, database, table] of reads) {
    const d = emulator.lakeFormationCanRead(`arn:aws:iam::${MESH.analytics}:role/sagemaker-teams-${team}`, {
      database,
      table,
    })
    say(
      `  ${team.padEnd(6)} SELECT * FROM "${database}"."${table}"  ${d.allowed ? 'allowed' : `denied: ${d.reason}`}`,
    )
  }
  say(
    '\nDemo complete: central shares exactly what the analytics teams use; each team reads its data through its links.',
  )
  return 0
}

/** Starts `acs serve`, posts a signed response for user1 into team2, and shows the redirect. */
async function login(teams: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const child = spawn(process.execPath, [BIN, 'acs', 'serve', '-f', teams, '--port', '0'], {
    cwd: work,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.add(child)
  try {
    const base = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d
        process.stdout.write(d)
        const m = /ACS listening on (\S+)/.exec(out)
        if (m) resolve(m[1])
      })
      child.on('exit', (code) => reject(new Error(`acs serve exited with ${code}`)))
    })
    const acsUrl = `${base}/saml/acs/team2`
    const saml = signedResponse({
      acsUrl,
      audience: 'urn:sagemaker-teams:acs:team2',
      userId: '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d',
      teamId: 'team2',
      email: 'user1@example.com',
    })
    const res = await fetch(acsUrl, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: formBody(saml.base64),
    })
    const location = res.headers.get('location') ?? ''
    // The presigned URL is a credential: show where it goes, not its token.
    say(`POST ${acsUrl} → ${res.status} Location: ${location.replace(/token=[^&]+/, 'token=…')}`)
    // team2's Studio: the demo account's domain, or with --second-account the member account's.
    const domain = secondAccount ? MEMBER.domain : 'd-abcdefghijkl'
    if (res.status !== 302 || !location.startsWith(`https://${domain}.studio.`))
      return `expected a 302 to the Studio of ${domain}, got ${res.status} ${location.split('?')[0]}`
    return undefined
  } finally {
    child.kill('SIGTERM')
    children.delete(child)
  }
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
