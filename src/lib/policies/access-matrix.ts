/**
 * Access review from evaluation: when a team role's policies change (inline policies, or managed
 * policies attached/detached), the scenario matrix (policies/team-matrix.ts) is evaluated for the
 * role as it is and as it will be, with the same IAM engine, and every row whose outcome changes
 * becomes an item: "team1 role can now: read objects under another team's prefix".
 *
 * The engine and AWS's authorization data are loaded only here, and only when a role changes
 * (`--help` and plans without role changes never load them). They are an optional dependency: when
 * they are not installed, the plan says so in a warning and keeps the text-based review.
 */
import { ABAC_TAG, TAG_TEAM, teamRoleArn } from '../names.js'
import type { AccessItem, Change, Plan, PolicyDocument, RolePayload } from '../plan/types.js'
import type { EngineContext } from '../resources/types.js'
import { teamWorkspace } from '../resources/workgroup.js'
import { policiesEqual } from './normalize.js'

export async function reviewRoleChangesByEvaluation(
  plan: Plan,
  ctx: EngineContext,
): Promise<{ widened: AccessItem[]; narrowed: AccessItem[] }> {
  const widened: AccessItem[] = []
  const narrowed: AccessItem[] = []
  const changes = plan.changes.filter(
    (c): c is Change<'role'> =>
      c.kind === 'role' &&
      c.action === 'update' &&
      !!c.before &&
      !!c.after &&
      accessMayChange(c.before as RolePayload, c.after as RolePayload),
  )
  if (changes.length === 0) return { widened, narrowed }
  let matrix: typeof import('./team-matrix.js')
  try {
    await import('@cloud-copilot/iam-simulate')
    matrix = await import('./team-matrix.js')
  } catch {
    plan.warnings.push(
      // The engine is AGPL-3.0 and this tool Apache-2.0: it is a dev dependency, never shipped with the CLI.
      'access review: role changes were not evaluated (the IAM engine @cloud-copilot/iam-simulate, AGPL-3.0, is not installed with the CLI; run plan from a clone with `npm ci` to evaluate them)',
    )
    return { widened, narrowed }
  }
  const managed = await managedPolicyDocuments(
    ctx,
    changes.flatMap((c) => [...c.before!.managedPolicyArns, ...c.after!.managedPolicyArns]),
  )
  const d = ctx.discovery
  const teams = ctx.teams.config.teams
  for (const c of changes) {
    const team = c.team ?? c.after!.tags[TAG_TEAM]
    if (!team) continue
    const other = Object.keys(teams).find((t) => t !== team) ?? 'another-team'
    const member = (t: string) => ({
      teamId: t,
      tag: teams[t]?.tags?.[ABAC_TAG] ?? t,
      roleArn: teamRoleArn(teams[t]?.executionRole ?? {}, t, d.accountId, d.partition),
      workspace:
        teamWorkspace(ctx.teams.config, t, d) ?? teamWorkspace({ ...ctx.teams.config, workspace: {} }, t, d),
    })
    const scenarios = matrix.teamScenarios({
      partition: d.partition,
      region: d.region,
      accountId: d.accountId,
      domainId: d.domainId,
      self: member(team),
      other: member(other),
    })
    const principal = (r: RolePayload) => ({
      roleArn: c.after!.roleArn ?? teamRoleArn({}, team, d.accountId, d.partition),
      principalTags: { [ABAC_TAG]: r.tags[ABAC_TAG] ?? team },
      policies: {
        ...r.inlinePolicies,
        ...Object.fromEntries(r.managedPolicyArns.map((arn) => [arn, managed.get(arn) ?? EMPTY])),
      },
    })
    const [before, after] = [
      await matrix.evaluateScenarios(principal(c.before!), scenarios),
      await matrix.evaluateScenarios(principal(c.after!), scenarios),
    ]
    const role = c.after!.roleName
    const item = (description: string): AccessItem => ({
      kind: 'role',
      key: c.key,
      team,
      principal: role,
      description,
    })
    for (const [i, a] of after.entries()) {
      const b = before[i]
      if (a.actual === b.actual) continue
      if (a.actual === 'Allowed')
        widened.push(item(`${team} role can now: ${a.name.replace(/another team's/g, `${other}'s`)}`))
      else
        narrowed.push(item(`${team} role can no longer: ${a.name.replace(/another team's/g, `${other}'s`)}`))
    }
    for (const arn of [...c.before!.managedPolicyArns, ...c.after!.managedPolicyArns])
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
    before.managedPolicyArns.join() !== after.managedPolicyArns.join() ||
    [...names].some((n) => {
      const [b, a] = [before.inlinePolicies[n], after.inlinePolicies[n]]
      return !b || !a || !policiesEqual(b, a)
    })
  )
}

const EMPTY: PolicyDocument = { Version: '2012-10-17', Statement: [] }

/** The default version document of each managed policy (read once per ARN). */
async function managedPolicyDocuments(
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
