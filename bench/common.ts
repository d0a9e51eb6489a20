/**
 * What every bench section shares: the command line, the rows and notes a section writes (each
 * tagged with its section, so that `--only` can replace just those in results.md), the scenario of
 * users and teams, and running the CLI against the emulator.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { stringify } from 'yaml'
import type { TeamsFile } from '../src/lib/config/types.js'
import type { Emulator, SeedData } from '../tools/emulator/index.js'

/** A section of the bench: bench/<name>.ts exports one as its default, and bench/sections.ts lists the name. */
export interface Section {
  /** Tells this section's rows in an earlier results.md (the first cell of each row it writes). */
  label: RegExp
  run: () => Promise<void> | void
}

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const BIN = path.join(ROOT, 'bin', 'run.js')
export const { values: args } = parseArgs({
  options: {
    latency: { type: 'string', default: '30' },
    quick: { type: 'boolean' },
    /** Comma-separated sections to run (see bench/sections.ts); their rows replace theirs in results.md. */
    only: { type: 'string' },
  },
})
export const LATENCY = Number(args.latency)
export const rows: { section: string; cells: string[] }[] = []
/** Notes under the table, each with the section that wrote it (a partial run keeps the others'). */
export const notes: { section: string; text: string }[] = []
let section = ''
/** The section whose rows and notes follow (set by the runner). */
export const startSection = (name: string): void => {
  section = name
}
export const note = (text: string): void => {
  notes.push({ section, text })
}
export const row = (...cells: (string | number)[]) => {
  rows.push({ section, cells: cells.map(String) })
  console.log(cells.join(' | '))
}

export const DOMAIN = 'd-abcdefghijkl'
export const STORE = 'd-9067c1a2b3'
export const INSTANCE = 'arn:aws:sso:::instance/ssoins-72230a1b2c3d4e5f'

/** An account of `users` users and 10 groups, and a teams file of `teams` teams over them. */
export function scenario(users: number, teams: number) {
  const groupSize = Math.max(1, Math.floor(users / 10))
  const seed: SeedData = {
    region: 'us-east-1',
    identityCenter: { instanceArn: INSTANCE, identityStoreId: STORE },
    users: Array.from({ length: users }, (_, i) => ({ userName: `user${i}@example.com` })),
    groups: Array.from({ length: 10 }, (_, g) => ({
      displayName: `group-${g}`,
      members: Array.from({ length: groupSize }, (_, k) => `user${g * groupSize + k}@example.com`),
    })),
    domains: [{ id: DOMAIN, authMode: 'IAM' }],
  }
  const config: TeamsFile = {
    version: 1,
    region: 'us-east-1',
    domain: { id: DOMAIN },
    profileQuota: 100_000,
    lakeFormation: { tags: { domain: ['a', 'b', 'c'] } },
    teams: {},
  }
  for (let t = 0; t < teams; t++) {
    // Each team: a third of the users directly, and three of the ten groups.
    const direct = Array.from({ length: users }, (_, i) => i)
      .filter((i) => (i + t) % 3 === 0)
      .map((i) => `user${i}@example.com`)
    const groups = [t, t + 3, t + 6].map((g) => `group-${g % 10}`)
    config.teams[`team${t}`] = {
      displayName: `Team ${t}`,
      executionRole: { create: true },
      tags: { Team: `Team${t}` },
      members: { users: direct, groups },
      lakeFormation: [{ resourceType: 'TABLE', expression: { domain: ['a'] }, permissions: ['SELECT'] }],
    }
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-'))
  const file = path.join(dir, 'teams.yaml')
  writeFileSync(file, stringify(config))
  return { seed, file, config }
}

export function cli(
  emu: Emulator,
  cliArgs: string[],
): Promise<{ code: number | null; stdout: string; ms: number }> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...cliArgs], {
      env: { ...process.env, ...emu.env(), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0 && code !== 2) console.error(stderr.slice(-2000))
      resolve({ code, stdout, ms: performance.now() - started })
    })
  })
}

export const sum = (c: Record<string, number>, pred: (k: string) => boolean) =>
  Object.entries(c)
    .filter(([k]) => pred(k))
    .reduce((n, [, v]) => n + v, 0)
export const isWrite = (k: string) =>
  /:(Create|Update|Delete|Put|Tag|Attach|Detach|Add|BatchGrant|BatchRevoke)/.test(k)
export const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`
export const top = (c: Record<string, number>, pred: (k: string) => boolean) =>
  Object.entries(c)
    .filter(([k]) => pred(k))
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k.split(':')[1]} ${v}`)
    .join(', ')
