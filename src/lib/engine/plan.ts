/**
 * One scope's pipeline (engine/scopes.ts makes the scopes): observe its kinds → desire → diff → Plan.
 * The Plan is plain data; rendering and applying are elsewhere.
 */
import { createHash } from 'node:crypto'
import { stableStringify } from '../canonical.js'
import { DEFAULT_PROFILE_QUOTA } from '../config/types.js'
import { reviewAccess } from '../plan/access-review.js'
import { holdBackMissingMembers, holdBackReplaced } from '../plan/hold-back.js'
import { ownedTeamsSeen, refusePrefixReach } from '../plan/name-reach.js'
import { scopeChanges } from '../plan/scope.js'

export { ACTIONABLE, hasChanges } from '../plan/changes.js'

import { type Action, type Change, KINDS, type Kind, PLAN_VERSION, type Plan } from '../plan/types.js'
import { eventsRefreshOf } from '../refresh/events.js'

export { recordRefreshPoint } from '../refresh/events.js'

import type { ObservedApplication } from '../kinds/application/engine.js'
import { diffed, type EngineContext, type PlanOptions } from '../kinds/engine-contract.js'
import { engineOf, loadEngines } from '../kinds/engines.js'
import type { desiredProfiles as DesiredProfiles, ObservedProfiles } from '../kinds/profile/engine.js'
import { missingMemberErrors } from './identities.js'
import type { ReadListener } from './read-events.js'

export function normalizeOptions(given: PlanOptions): PlanOptions {
  return {
    prune: Boolean(given.prune),
    force: Boolean(given.force),
    refresh: given.refresh ?? 'existence',
    ...(given.eventsDelaySeconds !== undefined ? { eventsDelaySeconds: given.eventsDelaySeconds } : {}),
    ...(given.teams?.length ? { teams: [...new Set(given.teams)].sort() } : {}),
  }
}

/** An engine context over what discovery and identity resolution found: one per scope (engine/scopes.ts). */
export function contextOf(
  base: Pick<
    EngineContext,
    'aws' | 'teams' | 'options' | 'discovery' | 'identities' | 'kinds' | 'domainParts' | 'acsAws'
  >,
  onRead?: ReadListener,
  /** Observations another context makes (the Identity Center part reads the applications once). */
  shared?: (kind: Kind) => Promise<unknown> | undefined,
): EngineContext {
  const { aws, teams, options, discovery, identities } = base
  const observations = new Map<Kind, Promise<unknown>>()
  const ctx: EngineContext = {
    aws,
    teams,
    discovery,
    identities,
    options,
    kinds: base.kinds,
    ...(base.domainParts ? { domainParts: base.domainParts } : {}),
    ...(base.acsAws ? { acsAws: base.acsAws } : {}),
    // The teams file's own warnings (a signing certificate that ends soon) travel with the plan.
    warnings: (teams.warnings ?? []).map((w) => `${w.path}: ${w.message}`),
    kept: [],
    observed<T>(kind: Kind): Promise<T> {
      let p = observations.get(kind) ?? shared?.(kind)
      if (!p) {
        let read = loadEngines().then(() => {
          onRead?.({ type: 'kind-start', kind })
          return engineOf(kind).observe(ctx)
        })
        if (onRead) read = read.finally(() => onRead({ type: 'kind-done', kind }))
        observations.set(kind, read)
        p = read
      }
      return p as Promise<T>
    },
  }
  return ctx
}

/** Observes the context's kinds (concurrently; modules may await each other) and diffs: one scope's plan. */
export async function planWith(ctx: EngineContext): Promise<Plan> {
  const engines = await loadEngines()
  // Loaded with the engines (imported statically, SageMaker's client would load before the first call).
  const { desiredProfiles } = await import('../kinds/profile/engine.js')
  const modules = KINDS.filter((k) => ctx.kinds.includes(k)).map((k) => engines[k])
  const observed = await Promise.all(modules.map((m) => ctx.observed(m.kind)))
  const observedOf = <T>(kind: Kind) => observed[modules.findIndex((m) => m.kind === kind)] as T | undefined
  // A file team whose id is the "-"-prefix of another team the tool owns here is refused (its role's
  // <team>-* patterns would reach that team's profiles, apps and spaces).
  refusePrefixReach(
    Object.keys(ctx.teams.config.teams),
    ownedTeamsSeen(
      observedOf<ObservedApplication[]>('application'),
      observedOf<ObservedProfiles>('profile')?.byName.values(),
    ),
  )
  const changes: Change[] = []
  for (const [i, module] of modules.entries()) {
    const desired = await module.desire(ctx)
    const d = diffed(module.diff(desired, observed[i], ctx))
    changes.push(...d.changes)
    ctx.warnings.push(...d.warnings)
    ctx.kept.push(...d.kept)
  }
  changes.sort(compareChanges)
  holdBackReplaced(changes, new Set(Object.keys(ctx.teams.config.teams)), ctx.kept)
  if (ctx.options.teams) {
    // A part sees only its own teams: the whole plan checks the names (engine/scopes.ts).
    const members = new Set(
      ctx.options.teams.flatMap((t) =>
        [...(ctx.identities.teamUsers.get(t)?.values() ?? [])].map((u) => u.userName),
      ),
    )
    changes.splice(
      0,
      changes.length,
      ...scopeChanges(changes, ctx.options.teams, members, Object.keys(ctx.teams.config.teams)),
    )
  }
  quotaWarning(
    ctx,
    desiredProfiles,
    changes,
    observed[modules.findIndex((m) => m.kind === 'profile')] as { byName: Map<string, unknown> } | undefined,
  )
  const plan = planDocument({
    context: {
      region: ctx.discovery.region,
      accountId: ctx.discovery.accountId,
      domainId: ctx.discovery.domainId,
      instanceArn: ctx.discovery.instanceArn,
      identityStoreId: ctx.discovery.identityStoreId,
      configFile: ctx.teams.file,
      // A part's plan: the engine that merges the parts says which accounts the plan acts in.
      accounts: [],
    },
    options: { ...ctx.options },
    changes,
    warnings: [...ctx.warnings],
    // --team: only the named teams' kept resources.
    kept: ctx.kept
      .filter(
        (k) => !ctx.options.teams?.length || (k.team !== undefined && ctx.options.teams.includes(k.team)),
      )
      .sort(compareChanges),
  })
  const notYetVisible = eventsRefreshOf(ctx)?.notYetVisible
  if (notYetVisible) plan.notYetVisible = notYetVisible
  const unread = unreadProfiles(
    ctx,
    desiredProfiles,
    observed[modules.findIndex((m) => m.kind === 'profile')] as ObservedProfiles | undefined,
  )
  if (unread) plan.unreadProfiles = unread
  plan.accessReview = reviewAccess(plan)
  // A part sees only its kinds: the merged plan says what a rename moves (engine/scopes.ts).
  // Rows of the scenario matrix whose outcome a role or boundary change alters (evaluated by IAM's
  // simulator, only when a role or the boundary changes).
  if (changes.some((c) => (c.kind === 'role' || c.kind === 'boundary') && c.action === 'update')) {
    const { reviewRoleChangesByEvaluation } = await import('../policies/access-matrix.js')
    const evaluated = await reviewRoleChangesByEvaluation(plan, ctx)
    plan.accessReview.widened.push(...evaluated.widened)
    plan.accessReview.narrowed.push(...evaluated.narrowed)
  }
  await holdBackMissing(ctx, plan)
  return plan
}

/**
 * Members the identity store does not have: their teams' creates and widenings are held back (the
 * rest runs), and the plan carries the errors (once: in the part that plans assignments), each at
 * the member's file:line:column. A --team plan names only its teams' errors; others are warnings.
 */
async function holdBackMissing(ctx: EngineContext, plan: Plan) {
  const missing = ctx.identities.missing ?? []
  if (missing.length === 0) return
  const scope = ctx.options.teams
  const inScope = missing.filter((m) => !scope?.length || scope.includes(m.team))
  if (holdBackMissingMembers(plan.changes, plan.accessReview, inScope).length > 0) {
    plan.summary = { create: 0, update: 0, delete: 0, manual: 0, blocked: 0 }
    for (const c of plan.changes) plan.summary[c.action]++
    plan.fingerprint = fingerprint(plan.changes)
  }
  if (!ctx.kinds.includes('assignment')) return
  const errors = await missingMemberErrors(ctx.teams.file, inScope, ctx.discovery.identityStoreId)
  if (errors.length > 0) plan.errors = errors
  for (const m of missing.filter((x) => !inScope.includes(x)))
    plan.warnings.push(
      `${m.kind} ${m.name} of team ${m.team} is not in identity store ${ctx.discovery.identityStoreId} (team ${m.team} is not in this --team plan).`,
    )
}

/**
 * A plan document of these changes, counted and fingerprinted (its access review is the caller's, made
 * last): every plan the tool shows — the engine's, the ACS deploy's, setup's — is made here.
 */
export function planDocument(
  parts: Pick<Plan, 'context' | 'options' | 'changes'> & Partial<Pick<Plan, 'warnings' | 'kept'>>,
): Plan {
  const summary: Record<Action, number> = { create: 0, update: 0, delete: 0, manual: 0, blocked: 0 }
  for (const c of parts.changes) summary[c.action]++
  return {
    planVersion: PLAN_VERSION,
    generatedAt: new Date().toISOString(),
    fingerprint: fingerprint(parts.changes),
    context: parts.context,
    options: parts.options,
    changes: parts.changes,
    warnings: parts.warnings ?? [],
    summary,
    kept: parts.kept ?? [],
  }
}

export function compareChanges(
  a: Pick<Change, 'kind' | 'team' | 'key'>,
  b: Pick<Change, 'kind' | 'team' | 'key'>,
): number {
  return (
    KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) ||
    (a.team ?? '').localeCompare(b.team ?? '') ||
    a.key.localeCompare(b.key)
  )
}

/**
 * A digest of what the account differs in: the changes with their observed `before` values.
 * `apply --plan` recomputes it and refuses when the account moved since the plan was reviewed.
 */
export function fingerprint(changes: Change[]): string {
  const canonical = changes.map((c) => [c.kind, c.key, c.action, c.before ?? null, c.after ?? null])
  return `sha256:${createHash('sha256').update(stableStringify(canonical)).digest('hex')}`
}

/**
 * --refresh existence: the file's profiles (of the teams in scope) that are there but were not read
 * in full (only two per team are), or undefined when every one was.
 */
function unreadProfiles(
  ctx: EngineContext,
  desiredProfiles: typeof DesiredProfiles,
  profiles: ObservedProfiles | undefined,
): Plan['unreadProfiles'] | undefined {
  if (!profiles || ctx.options.refresh !== 'existence') return undefined
  const scope = ctx.options.teams
  let count = 0
  let of = 0
  for (const [key, want] of desiredProfiles(ctx)) {
    const present = profiles.byName.get(key)
    if (!present || (scope?.length && !scope.includes(want.team))) continue
    of++
    if (!present.tags) count++
  }
  return count > 0 ? { count, of } : undefined
}

function quotaWarning(
  ctx: EngineContext,
  desiredProfiles: typeof DesiredProfiles,
  changes: Change[],
  profiles: { byName: Map<string, unknown> } | undefined,
) {
  if (!profiles) return
  const quota = ctx.teams.config.profileQuota ?? DEFAULT_PROFILE_QUOTA
  const now = profiles.byName.size
  const creates = changes.filter((c) => c.kind === 'profile' && c.action === 'create').length
  const deletes = changes.filter((c) => c.kind === 'profile' && c.action === 'delete').length
  // With provisioning on-login the plan creates no profiles, but the ACS will on first login.
  const onLogin =
    ctx.teams.config.acs?.provisioning === 'on-login'
      ? [...desiredProfiles(ctx).keys()].filter((k) => !profiles.byName.has(k)).length
      : 0
  const after = now + creates + onLogin - deletes
  if (after > quota) {
    // The teams whose new profiles push the domain over, most new profiles first.
    const adding = new Map<string, number>()
    for (const c of changes)
      if (c.kind === 'profile' && c.action === 'create' && c.team)
        adding.set(c.team, (adding.get(c.team) ?? 0) + 1)
    const teams = [...adding].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    ctx.warnings.push(
      `domain ${ctx.discovery.domainId} would have ${after} user profiles (${now} now, +${creates}${onLogin ? `, +${onLogin} on first login` : ''}, -${deletes}), above the quota of ${quota}${teams.length ? `; new profiles by team: ${teams.map(([t, n]) => `${t} +${n}`).join(', ')}` : ''}; request a quota increase (Service Quotas: SageMaker "Maximum number of user profiles per domain") or raise profileQuota.`,
    )
  }
}
