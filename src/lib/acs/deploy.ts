/** `acs build` and `acs deploy`: the ACS part of the engine, on its own. */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { AwsClients } from '../aws/clients.js'
import type { LoadedTeams } from '../config/load.js'
import { type ApplyOutcome, applyPlan } from '../engine/apply.js'
import { buildContext, compareChanges } from '../engine/plan.js'
import { UserError } from '../errors.js'
import { PLAN_VERSION, type Plan } from '../plan/types.js'
import { acsConfigFor, acsDeployment } from '../resources/acs.js'
import { buildAcsBundle } from './bundle.js'
import { readAcsStatus } from './status.js'

export interface AcsBuildResult {
  zipPath: string
  zipBytes: number
  codeBytes: number
  codeSha256: string
  configSha256: string
  teams: number
}

export async function buildAcs(aws: AwsClients, teams: LoadedTeams, outDir: string): Promise<AcsBuildResult> {
  if (!teams.config.acs) throw new UserError(`${teams.file} has no acs section`)
  const ctx = await buildContext(aws, teams, { prune: false, force: false, refresh: 'existence' })
  // The deployed function's URL, when it has one, is baked in as apply does (see AcsConfig.functionUrl).
  const observed = await ctx.observed<import('../resources/acs.js').ObservedAcs | null>('acs')
  const config = await acsConfigFor(ctx, observed?.url)
  const bundle = await buildAcsBundle(config)
  await mkdir(outDir, { recursive: true })
  const zipPath = path.join(outDir, `${teams.config.acs.functionName}.zip`)
  await writeFile(zipPath, bundle.zip)
  return {
    zipPath,
    zipBytes: bundle.zip.length,
    codeBytes: bundle.codeBytes,
    codeSha256: bundle.codeSha256,
    configSha256: bundle.configSha256,
    teams: Object.keys(config.teams).length,
  }
}

export interface AcsDeployResult {
  changed: boolean
  outcomes: ApplyOutcome[]
  functionUrl?: string
  teams: { team: string; acsUrl: string; audience: string }[]
}

export async function deployAcs(aws: AwsClients, teams: LoadedTeams): Promise<AcsDeployResult> {
  if (!teams.config.acs) throw new UserError(`${teams.file} has no acs section`)
  const ctx = await buildContext(aws, teams, { prune: false, force: false, refresh: 'existence' })
  const changes = acsDeployment
    .diff(await acsDeployment.desire(ctx), await ctx.observed('acs'), ctx)
    .sort(compareChanges)
  const blocked = changes.find((c) => c.action === 'blocked')
  if (blocked) throw new UserError(`${blocked.summary}: ${blocked.reason}`)
  const plan = { planVersion: PLAN_VERSION, changes } as Plan
  const outcomes = changes.length ? await applyPlan(plan, ctx, { concurrency: 1 }) : []
  const failed = outcomes.find((o) => o.status === 'failed')
  if (failed) throw new UserError(`ACS deployment failed: ${failed.message}`)
  const status = await readAcsStatus({ aws, teams })
  const { consoleSettings } = await import('../resources/console.js')
  return {
    changed: changes.length > 0,
    outcomes,
    functionUrl: status.functionUrl,
    teams: Object.keys(teams.config.teams).map((team) => {
      const s = consoleSettings({ teams }, team, status.functionUrl)
      return { team, acsUrl: s.acsUrl, audience: s.audience }
    }),
  }
}
