/** `acs build` and `acs deploy`: the ACS part of the engine, on its own. */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { AwsClients } from '../aws/clients.js'
import type { LoadedTeams } from '../config/load.js'
import type { ApplyOutcome } from '../engine/apply.js'
import { planDocument } from '../engine/plan.js'
import { UserError } from '../errors.js'
import { KIND_DEFINITIONS } from '../kinds/registry.js'
import { reviewAccess } from '../plan/access-review.js'
import { KINDS, type Plan, type PlanError } from '../plan/types.js'
import { buildAcsBundle } from './bundle.js'
import { acsConfigFor } from './deployment.js'
import type { ObservedAcsUrl } from './observed.js'
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
  // The ACS part of the engine's plan (in the Identity Center account, or acs.account's).
  const { buildPlan } = await import('../engine/scopes.js')
  const many = await buildPlan(aws, teams, { prune: false, force: false, refresh: 'existence' })
  const part = many.parts.find((p) => p.ctx.kinds.includes('acs-function'))
  if (!part) {
    const failed = many.plan.context.accounts.find((a) => a.error)
    throw new UserError(
      failed?.error?.message ?? `${teams.file}: no account plans the ACS`,
      1,
      failed?.error?.hint,
    )
  }
  const ctx = part.ctx
  // The deployed function's URL, when it has one, is baked in as apply does (see AcsConfig.functionUrl).
  const observed = await ctx.observed<ObservedAcsUrl>('acs-url')
  const config = await acsConfigFor(ctx, observed.url?.url)
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
  /** Members the identity store does not have (their teams' ACS entries follow the members found): exit 1. */
  errors?: PlanError[]
}

/**
 * Shown the ACS part of the plan before anything is written: throws to refuse it (the approval
 * gate `apply` uses: a prompt at a terminal, exit 1 without one unless --yes).
 */
export type AcsApproval = (plan: Plan) => Promise<void>

/** The ACS part of a plan as a plan of its own (rendered, reviewed and approved like apply's). */
function acsPlan(base: Pick<Plan, 'context'>, changes: Plan['changes']): Plan {
  const plan = planDocument({
    context: base.context,
    options: { prune: false, force: false, refresh: 'existence' },
    changes,
  })
  plan.accessReview = reviewAccess(plan)
  return plan
}

export async function deployAcs(
  aws: AwsClients,
  teams: LoadedTeams,
  approve?: AcsApproval,
): Promise<AcsDeployResult> {
  if (!teams.config.acs) throw new UserError(`${teams.file} has no acs section`)
  return deployAcsParts(aws, teams, approve)
}

/**
 * What `acs deploy` writes — the function (role, table, URL) in its account, the presign role in
 * each other domain account, and the permissions boundary these roles carry
 * where it is missing or must change (the ACS role's boundary allows AssumeRole on the presign
 * roles): the kinds whose definitions say so (acsDeployment, required of every kind, so a new ACS
 * kind cannot be left out), from the same plan `apply` makes, applied per account under its lock.
 */
const DEPLOY_KINDS: ReadonlySet<string> = new Set(KINDS.filter((k) => KIND_DEFINITIONS[k].acsDeployment))

async function deployAcsParts(
  aws: AwsClients,
  teams: LoadedTeams,
  approve?: AcsApproval,
): Promise<AcsDeployResult> {
  const [{ buildPlan, applyParts }, { acquireLock }, { lockNaming }] = await Promise.all([
    import('../engine/scopes.js'),
    import('../engine/lock.js'),
    import('../engine/unlock.js'),
  ])
  // Each account's lock, taken before it is read (as apply does): what is planned is what runs.
  const leases = new Map<string, import('../engine/lock.js').Lease>()
  try {
    const many = await buildPlan(
      aws,
      teams,
      { prune: false, force: false, refresh: 'existence' },
      undefined,
      async (account) => {
        if (leases.has(account.name)) return
        leases.set(
          account.name,
          await acquireLock(account.aws, {
            domainId: account.domainId,
            command: 'acs deploy',
            timeoutSeconds: 0,
            ...lockNaming(account),
          }),
        )
      },
    )
    const broken = (many.plan.context.accounts ?? []).filter((a) => a.error)
    if (broken.length > 0)
      throw new UserError(broken.map((a) => a.error!.message).join('\n'), 1, broken[0].error!.hint)
    const parts = many.parts.map((part) => ({
      ...part,
      plan: {
        ...part.plan,
        changes: part.plan.changes.filter(
          (c) =>
            DEPLOY_KINDS.has(c.kind) &&
            (c.action === 'create' || c.action === 'update' || c.action === 'blocked'),
        ),
      },
    }))
    const changes = parts.flatMap((p) => p.plan.changes)
    const blocked = changes.find((c) => c.action === 'blocked')
    if (blocked) throw new UserError(`${blocked.summary}: ${blocked.reason}`)
    if (changes.length > 0) await approve?.(acsPlan(many.plan, changes))
    const { outcomes, accounts } = await applyParts(
      { ...many, parts },
      { concurrency: 1, lockLost: (account) => Boolean(leases.get(account)?.lost()) },
    )
    const failed = [
      ...accounts
        .filter((a) => a.status === 'failed' && a.error)
        .map((a) => `account ${a.account}: ${a.error}`),
      ...outcomes.filter((o) => o.status === 'failed').map((o) => `${o.kind} ${o.key}: ${o.message}`),
    ]
    if (failed.length > 0) throw new UserError(`ACS deployment failed: ${failed.join('; ')}`)
    const result = await deployResult(aws, teams, parts, changes.length > 0, outcomes)
    return many.plan.errors?.length ? { ...result, errors: many.plan.errors } : result
  } finally {
    await Promise.all([...leases.values()].map((l) => l.release()))
  }
}

async function deployResult(
  aws: AwsClients,
  teams: LoadedTeams,
  parts: import('../engine/scopes.js').PlanPart[],
  changed: boolean,
  outcomes: ApplyOutcome[],
): Promise<AcsDeployResult> {
  // The function's URL, read in the account the ACS lives in.
  const acsPart = parts.find((p) => p.ctx.kinds.includes('acs-function'))
  const status = await readAcsStatus({ aws: acsPart?.ctx.aws ?? aws, teams })
  const { consoleSettings } = await import('../kinds/console/engine.js')
  return {
    changed,
    outcomes,
    functionUrl: status.functionUrl,
    teams: Object.keys(teams.config.teams).map((team) => {
      const s = consoleSettings({ teams }, team, status.functionUrl)
      return { team, acsUrl: s.acsUrl, audience: s.audience }
    }),
  }
}
