/**
 * Access review from evaluation: when a team role's policies, tags or permissions boundary change
 * (inline policies, managed policies attached/detached, the boundary's document), the scenario
 * matrix (team-matrix.ts) is evaluated for the role as it is and as it will be by IAM's own
 * simulator (`iam:SimulateCustomPolicy`, simulate-aws.ts), and every row whose outcome
 * changes becomes an item: "team1 role can now: read objects under team2's prefix".
 *
 * Nothing here loads the test engine. When IAM's simulator cannot be used (no permission, no
 * connection), the plan says so in a warning, with the reason, and keeps the text-based review.
 */

import type { ObservedBoundary } from '../kinds/boundary/engine.js'
import type { EngineContext } from '../kinds/engine-contract.js'
import type { ObservedRoles } from '../kinds/role/engine.js'
import { ABAC_TAG, boundaryPolicyArn, TAG_TEAM, teamRoleArn } from '../model/names.js'
import { teamWorkspace } from '../model/workspace.js'
import type { AccessItem, BoundaryPayload, Change, Plan, PolicyDocument, RolePayload } from '../plan/types.js'
import { policiesEqual } from './normalize.js'

/** One team role as it is and as it will be, with the boundary document each carries. */
interface RoleTransition {
  key: string
  team: string
  roleName: string
  roleArn?: string
  before: RolePayload
  after: RolePayload
}

export async function reviewRoleChangesByEvaluation(
  plan: Plan,
  ctx: EngineContext,
): Promise<{ widened: AccessItem[]; narrowed: AccessItem[] }> {
  const widened: AccessItem[] = []
  const narrowed: AccessItem[] = []
  const d = ctx.discovery
  const toolBoundary = boundaryPolicyArn(d.accountId, d.partition)
  const boundaryChange = plan.changes.find(
    (c): c is Change<'boundary'> =>
      c.kind === 'boundary' &&
      c.action === 'update' &&
      !!c.before &&
      !!c.after &&
      (c.after as BoundaryPayload).policyArn === toolBoundary,
  )
  const boundaryChanged =
    !!boundaryChange &&
    !policiesEqual(
      (boundaryChange.before as BoundaryPayload).document,
      (boundaryChange.after as BoundaryPayload).document,
    )
  const transitions: RoleTransition[] = []
  for (const c of plan.changes) {
    if (c.kind !== 'role' || c.action !== 'update' || !c.before || !c.after) continue
    const [before, after] = [c.before as RolePayload, c.after as RolePayload]
    const team = c.team ?? after.tags[TAG_TEAM]
    if (!team) continue
    if (!accessMayChange(before, after) && !(boundaryChanged && after.permissionsBoundary === toolBoundary))
      continue
    transitions.push({ key: c.key, team, roleName: after.roleName, roleArn: after.roleArn, before, after })
  }
  // A new boundary document changes what every role carrying it may do, changed or not.
  if (boundaryChanged) {
    const observed = await ctx.observed<ObservedRoles>('role').catch(() => undefined)
    for (const [name, role] of observed ?? []) {
      if (!role || role.permissionsBoundary !== toolBoundary || transitions.some((t) => t.roleName === name))
        continue
      const team = role.tags[TAG_TEAM]
      if (!team || !ctx.teams.config.teams[team]) continue
      transitions.push({ key: name, team, roleName: name, roleArn: role.roleArn, before: role, after: role })
    }
  }
  if (transitions.length === 0) return { widened, narrowed }

  const [{ awsEvaluator, SimulationUnavailable }, matrix] = await Promise.all([
    import('./simulate-aws.js'),
    import('./team-matrix.js'),
  ])
  const toolBoundaryDocs = await (async () => {
    if (boundaryChange)
      return {
        before: (boundaryChange.before as BoundaryPayload).document,
        after: (boundaryChange.after as BoundaryPayload).document,
      }
    const observed = await ctx
      .observed<ObservedBoundary[]>('boundary')
      .then((all) => all.find((b) => b.policyArn === toolBoundary))
      .catch(() => undefined)
    return { before: observed?.document, after: observed?.document }
  })()
  const foreign = (arn?: string) => (arn && arn !== toolBoundary ? [arn] : [])
  const managed = await managedPolicyDocuments(
    ctx,
    transitions.flatMap((t) => [
      ...t.before.managedPolicyArns,
      ...t.after.managedPolicyArns,
      ...foreign(t.before.permissionsBoundary),
      ...foreign(t.after.permissionsBoundary),
    ]),
  )
  const evaluate = awsEvaluator(() => ctx.aws.iam())
  const teams = ctx.teams.config.teams
  for (const t of transitions) {
    const team = t.team
    const other = Object.keys(teams).find((x) => x !== team) ?? 'another-team'
    const member = (x: string) => ({
      teamId: x,
      tag: teams[x]?.tags?.[ABAC_TAG] ?? x,
      roleArn: teamRoleArn(teams[x]?.executionRole ?? {}, x, d.accountId, d.partition),
      workspace:
        teamWorkspace(ctx.teams.config, x, d) ?? teamWorkspace({ ...ctx.teams.config, workspace: {} }, x, d),
      // A data mesh's consumer team: its link rows (own allowed, another team's denied).
      ...(d.dataMesh?.teamLinks?.[x] ? { links: d.dataMesh.teamLinks[x] } : {}),
    })
    const scenarios = matrix.teamScenarios({
      partition: d.partition,
      region: d.region,
      accountId: d.accountId,
      domainId: d.domainId,
      self: member(team),
      other: member(other),
    })
    const boundaryOf = (r: RolePayload, when: 'before' | 'after') =>
      !r.permissionsBoundary
        ? undefined
        : r.permissionsBoundary === toolBoundary
          ? toolBoundaryDocs[when]
          : managed.get(r.permissionsBoundary)
    const principal = (r: RolePayload, when: 'before' | 'after') => {
      const boundary = boundaryOf(r, when)
      return {
        roleArn: t.roleArn ?? teamRoleArn({}, team, d.accountId, d.partition),
        principalTags: { [ABAC_TAG]: r.tags[ABAC_TAG] ?? team },
        policies: {
          ...r.inlinePolicies,
          ...Object.fromEntries(r.managedPolicyArns.map((arn) => [arn, managed.get(arn) ?? EMPTY])),
        },
        ...(boundary ? { permissionsBoundary: boundary } : {}),
      }
    }
    let before: Awaited<ReturnType<typeof matrix.evaluateScenarios>>
    let after: typeof before
    try {
      before = await matrix.evaluateScenarios(principal(t.before, 'before'), scenarios, evaluate)
      after = await matrix.evaluateScenarios(principal(t.after, 'after'), scenarios, evaluate)
    } catch (err) {
      // The plan stands without the evaluation; the review says it is missing and why.
      const why =
        err instanceof SimulationUnavailable ? err.message : `cannot evaluate: ${(err as Error).message}`
      plan.warnings.push(
        `access review: role changes were NOT evaluated: ${why}; the review above lists them from the plan's text only`,
      )
      return { widened: [], narrowed: [] }
    }
    const item = (description: string): AccessItem => ({
      kind: 'role',
      key: t.key,
      team,
      principal: t.roleName,
      description,
    })
    for (const [i, a] of after.entries()) {
      const b = before[i]
      if (a.actual === b.actual) continue
      const row = a.name.replace(/another team's/g, `${other}'s`)
      if (a.actual === 'Allowed') widened.push(item(`${team} role can now: ${row}`))
      else narrowed.push(item(`${team} role can no longer: ${row}`))
    }
    for (const arn of new Set([
      ...t.before.managedPolicyArns,
      ...t.after.managedPolicyArns,
      ...foreign(t.before.permissionsBoundary),
      ...foreign(t.after.permissionsBoundary),
    ]))
      if (!managed.has(arn))
        plan.warnings.push(
          `access review: managed policy ${arn} could not be read (iam:GetPolicy/GetPolicyVersion); evaluated as empty`,
        )
  }
  return { widened, narrowed }
}

/** Only a change of policies or of the ABAC tag can change an outcome (not e.g. the trust policy alone). */
function accessMayChange(before: RolePayload, after: RolePayload): boolean {
  const names = new Set([...Object.keys(before.inlinePolicies), ...Object.keys(after.inlinePolicies)])
  return (
    before.tags[ABAC_TAG] !== after.tags[ABAC_TAG] ||
    before.permissionsBoundary !== after.permissionsBoundary ||
    before.managedPolicyArns.join() !== after.managedPolicyArns.join() ||
    [...names].some((n) => {
      const [b, a] = [before.inlinePolicies[n], after.inlinePolicies[n]]
      return !b || !a || !policiesEqual(b, a)
    })
  )
}

const EMPTY: PolicyDocument = { Version: '2012-10-17', Statement: [] }

/** The default version document of each managed policy (read once per ARN). */
export async function managedPolicyDocuments(
  ctx: EngineContext,
  arns: string[],
): Promise<Map<string, PolicyDocument>> {
  const docs = new Map<string, PolicyDocument>()
  const unique = [...new Set(arns)]
  if (unique.length === 0) return docs
  const { GetPolicyCommand, GetPolicyVersionCommand } = await import('@aws-sdk/client-iam')
  const { parsePolicy } = await import('./normalize.js')
  const iam = await ctx.aws.iam()
  await Promise.all(
    unique.map(async (arn) => {
      try {
        const version = (await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId
        const doc = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: version })))
          .PolicyVersion?.Document
        if (doc) docs.set(arn, parsePolicy(doc))
      } catch {
        // Reported per role by the caller.
      }
    }),
  )
  return docs
}
