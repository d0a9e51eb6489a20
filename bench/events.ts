/** Section `events`: `--refresh events` beside `full`, `existence` and Terraform's plan, with and without hand changes. */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { AddTagsCommand, SageMakerClient, UpdateUserProfileCommand } from '@aws-sdk/client-sagemaker'
import type { Plan } from '../src/lib/plan/types.js'
import { type Emulator, startEmulator } from '../tools/emulator/index.js'
import { args, cli, DOMAIN, fmt, LATENCY, note, row, type Section, scenario, sum, top } from './common.js'

/** The delivery delay the events rows assume (the emulator delivers after 1 s) and the wait that puts the converging writes before the point. */
const EVENTS_DELAY = ['--events-delay', '5']

/**
 * `--refresh events` beside `--refresh full`, `existence` and Terraform's plan (the same profiles
 * imported with import blocks), on a converged account with 0 and with 10 hand changes.
 */
async function eventsCost(users: number, teams: number) {
  const s = scenario(users, teams)
  const emu = await startEmulator({ seed: s.seed, profileReadyMs: 0, cloudTrailDelayMs: 1000 })
  try {
    const setup = await cli(emu, ['apply', '-f', s.file, '--yes', '--concurrency', '32'])
    if (setup.code !== 0) throw new Error('setup apply failed')
    await new Promise((r) => setTimeout(r, 6000)) // converging writes fall before the point
    const point = await cli(emu, ['apply', '-f', s.file, '--yes', '--refresh', 'events', ...EVENTS_DELAY])
    if (point.code !== 0) throw new Error('refresh point apply failed')
    const terraform = terraformWorkspace(emu)
    emu.setLatency(LATENCY)
    const profiles = emu.state.profiles.length
    for (const changes of [0, 10]) {
      const expected = changes === 0 ? [] : await handChanges(emu, changes)
      await new Promise((r) => setTimeout(r, 1500)) // delivered (1 s)
      const measured: Record<
        string,
        { reads: number; ms: number; found: string; counters: Record<string, number> }
      > = {}
      for (const refresh of ['events', 'full', 'existence'] as const) {
        emu.resetCounters()
        const r = await cli(emu, [
          'plan',
          '-f',
          s.file,
          '--json',
          '--refresh',
          refresh,
          ...(refresh === 'events' ? EVENTS_DELAY : []),
        ])
        const plan = JSON.parse(r.stdout) as Plan
        const found = plan.changes.filter((c) => c.kind === 'profile').map((c) => c.key)
        const counters = emu.counters()
        measured[refresh] = {
          reads: sum(counters, () => true),
          ms: r.ms,
          counters,
          found: `${expected.filter((k) => found.includes(k)).length} of ${expected.length} changes found${found.length > expected.length ? ` (+${found.length - expected.length} other)` : ''}`,
        }
      }
      const tf = terraform ? await terraformPlan(emu, terraform) : undefined
      const e = measured.events
      for (const refresh of ['events', 'full', 'existence'] as const) {
        const m = measured[refresh]
        row(
          `plan --refresh ${refresh}, ${users} users × ${teams} teams (${profiles} profiles), ${changes} hand changes (${LATENCY} ms/call)`,
          `${m.reads} reads (${top(m.counters, () => true)
            .split(', ')
            .slice(0, 6)
            .join(', ')})`,
          fmt(m.ms),
          m.found,
          refresh === 'events'
            ? `full ÷ events: ${(measured.full.reads / e.reads).toFixed(1)}× reads, ${(measured.full.ms / e.ms).toFixed(1)}× time${tf ? `; Terraform ÷ events: ${(tf.reads / e.reads).toFixed(1)}× reads, ${(tf.ms / e.ms).toFixed(1)}× time` : ''}`
            : '',
        )
      }
      if (tf)
        row(
          `terraform plan (hashicorp/aws ${TF_PROVIDER}, ${profiles} aws_sagemaker_user_profile imported with import blocks), ${changes} hand changes`,
          `${tf.reads} reads (${top(tf.counters, () => true)})`,
          fmt(tf.ms),
          tf.ok ? `${tf.changed} to change` : `exit ${tf.code}`,
          '',
        )
      else if (changes === 0) note(`Terraform rows skipped: ${terraformMissing()}`)
    }
  } finally {
    await emu.close()
  }
}

/** Makes `n` hand changes through the API (half execution roles, half Team tags); the profile keys. */
async function handChanges(emu: Emulator, n: number): Promise<string[]> {
  const sm = new SageMakerClient({
    region: 'us-east-1',
    endpoint: emu.url,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  })
  const picked = emu.state.profiles
    .filter((_, i) => i % Math.floor(emu.state.profiles.length / n) === 0)
    .slice(0, n)
  for (const [i, p] of picked.entries()) {
    if (i % 2 === 0)
      await sm.send(
        new UpdateUserProfileCommand({
          DomainId: DOMAIN,
          UserProfileName: p.UserProfileName,
          UserSettings: { ExecutionRole: 'arn:aws:iam::123456789012:role/escalated' },
        }),
      )
    else
      await sm.send(
        new AddTagsCommand({ ResourceArn: p.UserProfileArn, Tags: [{ Key: 'Team', Value: 'Escalated' }] }),
      )
  }
  return picked.map((p) => p.UserProfileName.toLowerCase())
}

const TF_PROVIDER = '5.100.0'
const TF_MIRROR = '/opt/tf-plugins'
const TF_BIN = process.env.TERRAFORM ?? '/usr/local/bin/terraform'

function terraformMissing(): string | undefined {
  try {
    statSync(TF_BIN)
  } catch {
    return `no terraform at ${TF_BIN}`
  }
  try {
    statSync(path.join(TF_MIRROR, 'registry.terraform.io', 'hashicorp', 'aws', TF_PROVIDER))
  } catch {
    return `no hashicorp/aws ${TF_PROVIDER} in the plugin mirror ${TF_MIRROR}`
  }
  return undefined
}

/** A Terraform configuration of every profile as it is, each imported by an import block; initialised offline. */
function terraformWorkspace(emu: Emulator): { dir: string; env: Record<string, string> } | undefined {
  if (terraformMissing()) return undefined
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-tf-'))
  writeFileSync(
    path.join(dir, 'cli.tfrc'),
    `provider_installation {\n  filesystem_mirror {\n    path = "${TF_MIRROR}"\n  }\n}\n`,
  )
  const hcl = (v: string) => JSON.stringify(v)
  const blocks = emu.state.profiles.map((p, i) => {
    const tags = Object.entries(p.Tags)
      .map(([k, v]) => `    ${hcl(k)} = ${hcl(v)}`)
      .join('\n')
    return `import {
  to = aws_sagemaker_user_profile.p${i}
  id = ${hcl(p.UserProfileArn)}
}
resource "aws_sagemaker_user_profile" "p${i}" {
  domain_id         = ${hcl(p.DomainId)}
  user_profile_name = ${hcl(p.UserProfileName)}
  user_settings {
    execution_role = ${hcl(String(p.UserSettings.ExecutionRole ?? ''))}
  }
  tags = {
${tags}
  }
}`
  })
  writeFileSync(
    path.join(dir, 'main.tf'),
    `terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "${TF_PROVIDER}" }
  }
}
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "AKIAEMULATOR00000000"
  secret_key                  = "emulator-secret-not-a-real-key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {
    sagemaker = "${emu.url}"
    sts       = "${emu.url}"
    iam       = "${emu.url}"
  }
}
${blocks.join('\n')}
`,
  )
  const env = {
    ...process.env,
    TF_CLI_CONFIG_FILE: path.join(dir, 'cli.tfrc'),
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
  } as Record<string, string>
  execFileSync(TF_BIN, ['init', '-input=false', '-no-color'], { cwd: dir, env, stdio: 'ignore' })
  return { dir, env }
}

async function terraformPlan(emu: Emulator, ws: { dir: string; env: Record<string, string> }) {
  emu.resetCounters()
  const started = performance.now()
  const out = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn(TF_BIN, ['plan', '-input=false', '-no-color', '-lock=false'], {
      cwd: ws.dir,
      env: ws.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d) => (stdout += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout }))
  })
  const ms = performance.now() - started
  const counters = emu.counters()
  const m = /Plan: (\d+) to import, (\d+) to add, (\d+) to change/.exec(out.stdout)
  if (out.code !== 0) console.error(out.stdout.slice(-3000))
  return {
    reads: sum(counters, () => true),
    counters,
    ms,
    code: out.code,
    ok: out.code === 0,
    changed: m ? Number(m[3]) : 0,
  }
}

export default {
  label: /^(plan --refresh \w+, .*hand changes|terraform plan)/,
  run: () => eventsCost(args.quick ? 300 : 1000, 5),
} satisfies Section
