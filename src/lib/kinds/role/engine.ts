/**
 * The execution role of each team with `executionRole.create: true` (`sagemaker-teams-<team>`),
 * its generated inline policies, managed policies and tags. Policies are compared semantically,
 * so a role is updated only on a real difference. A role given by ARN is never modified; the
 * plan only checks that it exists and trusts SageMaker.
 */

import { createHash } from 'node:crypto'
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  type CreateRoleCommandInput,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  type GetRoleCommandOutput,
  GetRolePolicyCommand,
  type IAMClient,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  paginateListRoleTags,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam'
import pLimit from 'p-limit'
import { awsErrorCode, describeAwsError, UserError } from '../../errors.js'
import {
  ABAC_TAG,
  boundaryPolicyArn,
  TAG_MANAGED_POLICIES,
  TAG_TEAM,
  TEAM_ID_PATTERN,
  teamRoleArn,
  teamRoleName,
} from '../../model/names.js'
import { teamWorkspace } from '../../model/workspace.js'
import type { Change, PolicyDocument, RolePayload } from '../../plan/types.js'
import { parsePolicy, policiesEqual, policyAtoms } from '../../policies/normalize.js'
import {
  printPolicy,
  TOOL_INLINE_POLICIES,
  teamInlinePolicies,
  trustPolicy,
} from '../../policies/team-role.js'
import type { ObservedApplication } from '../application/engine.js'
import type { AwsRequest, EngineContext, ResourceModule } from '../engine-contract.js'
import type { ObservedGrants } from '../lf-grant/engine.js'
import { desiredProfiles, type ObservedProfiles } from '../profile/engine.js'

/**
 * role name → what IAM has (undefined: no such role). With --prune it also holds the owned roles of
 * teams that no longer have one, and `inUse`: role name → its team's profiles that still have apps
 * or spaces (its deletion may wait for them, see diff).
 */
export type ObservedRoles = Map<string, RolePayload | undefined> & { inUse: Map<string, RoleUser[]> }

/** A profile that still runs apps or owns spaces with a role. */
interface RoleUser {
  profile: string
  /** A profile that stays (of a team now on executionRole.arn) and still names the role. */
  configured: boolean
  apps: string[]
  spaces: string[]
}
export type DesiredRoles = Map<string, RolePayload & { team: string }>

export const roles: ResourceModule<'role', ObservedRoles, DesiredRoles> = {
  kind: 'role',

  async observe(ctx) {
    const client = await ctx.aws.iam()
    const observed: ObservedRoles = Object.assign(new Map<string, RolePayload | undefined>(), {
      inUse: new Map<string, RoleUser[]>(),
    })
    const limit = pLimit(8)
    const names = new Map<string, string>() // role name → team
    for (const [team, config] of Object.entries(ctx.teams.config.teams)) {
      if (config.executionRole.create) names.set(teamRoleName(team), team)
    }
    await Promise.all([
      ...[...names.keys()].map((name) => limit(async () => observed.set(name, await readRole(client, name)))),
      ...Object.entries(ctx.teams.config.teams)
        .filter(([, c]) => c.executionRole.arn)
        .map(([team, c]) =>
          limit(() => checkGivenRole(client, team, c.executionRole.arn!, ctx.teams.config.teams)),
        ),
      ...(ctx.options.prune ? [observeRetired(ctx, client, observed)] : []),
    ])
    return observed
  },

  desire(ctx) {
    const desired: DesiredRoles = new Map()
    for (const [team, config] of Object.entries(ctx.teams.config.teams)) {
      if (!config.executionRole.create) continue
      const d = ctx.discovery
      const roleArn = teamRoleArn(config.executionRole, team, d.accountId, d.partition)
      desired.set(teamRoleName(team), {
        team,
        roleName: teamRoleName(team),
        roleArn,
        permissionsBoundary: boundaryPolicyArn(d.accountId, d.partition),
        trustPolicy: trustPolicy(),
        inlinePolicies: teamInlinePolicies({
          teamId: team,
          roleArn,
          partition: d.partition,
          region: d.region,
          accountId: d.accountId,
          // In an account with several domains (accounts:/domains:), each team's own.
          domainId: d.teamDomainIds?.[team] ?? d.domainId,
          workspace: teamWorkspace(ctx.teams.config, team, d),
          ...(d.dataMesh?.teamLinks?.[team] ? { dataMesh: { links: d.dataMesh.teamLinks[team] } } : {}),
        }),
        managedPolicyArns: [...(config.executionRole.managedPolicyArns ?? [])].sort(),
        tags: {
          [ABAC_TAG]: config.tags?.[ABAC_TAG] ?? team,
          [TAG_TEAM]: team,
          ...(config.executionRole.managedPolicyArns?.length
            ? { [TAG_MANAGED_POLICIES]: managedPolicyRecord(config.executionRole.managedPolicyArns) }
            : {}),
        },
      })
    }
    return desired
  },

  diff(desired, observed, ctx) {
    const changes: Change<'role'>[] = []
    for (const [name, { team, ...after }] of desired) {
      const before = observed.get(name)
      if (!before) {
        changes.push({ kind: 'role', key: name, team, action: 'create', summary: name, after })
        continue
      }
      if (before.tags[TAG_TEAM] !== team) {
        changes.push({
          kind: 'role',
          key: name,
          team,
          action: 'blocked',
          summary: name,
          before,
          after,
          reason: before.tags[TAG_TEAM]
            ? `the role belongs to team ${before.tags[TAG_TEAM]}; not modified`
            : `a role of this name exists without the ${TAG_TEAM} tag (not created by sagemaker-teams); not modified`,
        })
        continue
      }
      // A record of attached policies left by an earlier file is emptied, not left to name them.
      const desiredAfter =
        before.tags[TAG_MANAGED_POLICIES] && after.tags[TAG_MANAGED_POLICIES] === undefined
          ? { ...after, tags: { ...after.tags, [TAG_MANAGED_POLICIES]: '' } }
          : after
      const reasons = roleDrift(before, desiredAfter, ctx.options.prune)
      if (reasons.length > 0) {
        // `after` is what the role will hold: without --prune, the policies the tool did not put
        // there (someone else's inline policy or attachment) stay, and the review does not count them.
        const shownAfter = ctx.options.prune
          ? desiredAfter
          : {
              ...desiredAfter,
              inlinePolicies: {
                ...Object.fromEntries(
                  Object.entries(before.inlinePolicies).filter(([n]) => !TOOL_INLINE_POLICIES.includes(n)),
                ),
                ...desiredAfter.inlinePolicies,
              },
              managedPolicyArns: [
                ...new Set([
                  ...desiredAfter.managedPolicyArns,
                  ...before.managedPolicyArns.filter((arn) => !attachedByTool(before, arn)),
                ]),
              ].sort(),
            }
        changes.push({
          kind: 'role',
          key: name,
          team,
          action: 'update',
          summary: name,
          before,
          after: shownAfter,
          reason: reasons.join('; '),
        })
      }
    }
    // --prune: the role of a team that left the file or now names its role by ARN. Only roles
    // observed as owned by that team get here (see observeRetired).
    for (const [name, before] of observed) {
      if (!before || desired.has(name) || !ctx.options.prune) continue
      const team = before.tags[TAG_TEAM]
      // Deletes run after every create and update (see engine/apply), so a profile still
      // configured with the role moves off it first in the same apply. Running apps keep the old
      // role's credentials until restarted: they block (--force deletes the role anyway). A removed
      // team's profile that owns spaces is never deleted, so its role stays too.
      const blockers = (observed.inUse.get(name) ?? []).flatMap((u) => {
        if (!u.configured && u.spaces.length > 0) return [`${u.profile} owns space ${u.spaces.join(', ')}`]
        if (u.apps.length > 0 && !ctx.options.force)
          return [`${u.profile} runs ${u.apps.join(', ')} (--force deletes the role anyway)`]
        return []
      })
      const change = { kind: 'role' as const, key: name, team, summary: name, before }
      if (blockers.length > 0)
        changes.push({
          ...change,
          action: 'blocked',
          reason: `team ${team} no longer uses this role, but ${blockers.join('; ')}; a later apply --prune deletes it`,
        })
      else
        changes.push({
          ...change,
          action: 'delete',
          reason: ctx.teams.config.teams[team]
            ? `team ${team} now uses executionRole.arn`
            : `team ${team} is no longer in the file`,
        })
    }
    return changes
  },

  requests(change) {
    const after = change.after
    const name = change.key
    if (!after || (change.action !== 'create' && change.action !== 'update')) return []
    const before = change.action === 'update' ? change.before : undefined
    const requests: AwsRequest[] = []
    const add = (operation: string, input: object) =>
      requests.push({ service: 'iam', operation, input: input as Record<string, unknown> })
    if (change.action === 'create') add('CreateRole', createRoleInput(change))
    for (const [policyName, doc] of Object.entries(after.inlinePolicies))
      if (!before?.inlinePolicies[policyName] || !policiesEqual(before.inlinePolicies[policyName], doc))
        add('PutRolePolicy', putPolicyInput(name, policyName, doc))
    for (const arn of after.managedPolicyArns)
      if (!before?.managedPolicyArns.includes(arn))
        add('AttachRolePolicy', { RoleName: name, PolicyArn: arn })
    const tags = Object.entries(after.tags).filter(([k, v]) => before && before.tags[k] !== v)
    if (tags.length > 0)
      add('TagRole', { RoleName: name, Tags: tags.map(([Key, Value]) => ({ Key, Value })) })
    return requests
  },

  async apply(change, ctx) {
    const client = await ctx.aws.iam()
    const after = change.after
    const name = change.key
    if (change.action === 'create' && after) {
      try {
        await client.send(new CreateRoleCommand(createRoleInput(change)))
      } catch (err) {
        if (
          awsErrorCode(err) !== 'EntityAlreadyExistsException' &&
          awsErrorCode(err) !== 'EntityAlreadyExists'
        )
          throw err
        const existing = await readRole(client, name)
        if (existing?.tags[TAG_TEAM] !== change.team) throw err
      }
      for (const [policyName, doc] of Object.entries(after.inlinePolicies)) {
        await client.send(new PutRolePolicyCommand(putPolicyInput(name, policyName, doc)))
      }
      for (const arn of after.managedPolicyArns)
        await client.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: arn }))
      return
    }
    if (change.action === 'update' && after && change.before) {
      const before = change.before
      // The boundary first: the operator policy allows the policy writes below only on roles that
      // already carry it (iam:PermissionsBoundary).
      if (after.permissionsBoundary && before.permissionsBoundary !== after.permissionsBoundary)
        await client.send(
          new PutRolePermissionsBoundaryCommand({
            RoleName: name,
            PermissionsBoundary: after.permissionsBoundary,
          }),
        )
      if (!policiesEqual(before.trustPolicy, after.trustPolicy)) {
        await client.send(
          new UpdateAssumeRolePolicyCommand({
            RoleName: name,
            PolicyDocument: JSON.stringify(after.trustPolicy),
          }),
        )
      }
      for (const [policyName, doc] of Object.entries(after.inlinePolicies)) {
        const current = before.inlinePolicies[policyName]
        if (!current || !policiesEqual(current, doc))
          await client.send(new PutRolePolicyCommand(putPolicyInput(name, policyName, doc)))
      }
      // `after` holds what stays (see diff): what it no longer names goes.
      for (const policyName of Object.keys(before.inlinePolicies)) {
        if (!(policyName in after.inlinePolicies))
          await client.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: policyName }))
      }
      for (const arn of before.managedPolicyArns) {
        if (!after.managedPolicyArns.includes(arn))
          await client.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: arn }))
      }
      for (const arn of after.managedPolicyArns) {
        if (!before.managedPolicyArns.includes(arn))
          await client.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: arn }))
      }
      const tags = Object.entries(after.tags).filter(([k, v]) => before.tags[k] !== v)
      if (tags.length > 0)
        await client.send(
          new TagRoleCommand({ RoleName: name, Tags: tags.map(([Key, Value]) => ({ Key, Value })) }),
        )
      return
    }
    if (change.action === 'delete' && change.before) {
      // Idempotent: what is gone already (an interrupted apply) is done.
      const gone = (err: unknown) => {
        const code = awsErrorCode(err)
        if (code !== 'NoSuchEntityException' && code !== 'NoSuchEntity') throw err
      }
      // A role from before the boundary existed gets it first: the operator policy allows removing
      // policies only from roles that carry it.
      const bounded = boundaryPolicyArn(ctx.discovery.accountId, ctx.discovery.partition)
      if (change.before.permissionsBoundary !== bounded)
        await client
          .send(new PutRolePermissionsBoundaryCommand({ RoleName: name, PermissionsBoundary: bounded }))
          .catch(gone)
      for (const policyName of Object.keys(change.before.inlinePolicies))
        await client.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: policyName })).catch(gone)
      for (const arn of change.before.managedPolicyArns)
        await client.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: arn })).catch(gone)
      await client.send(new DeleteRoleCommand({ RoleName: name })).catch(gone)
    }
  },
}

/**
 * With --prune, finds the roles the tool created for teams that no longer have one: teams of the
 * file with executionRole.arn, and teams gone from the file that still own an application, a
 * profile or an LF grant. (IAM has no listing by tag, and ListRoles pages through every role of
 * the account; a team that owns nothing else any more is not found.)
 */
async function observeRetired(ctx: EngineContext, client: IAMClient, observed: ObservedRoles) {
  const teams = ctx.teams.config.teams
  // An account with several domains (accounts:/domains:) looks at the profiles of every one of them.
  const domains = ctx.domainParts ?? [ctx]
  const [apps, grants, ...profiles] = await Promise.all([
    ctx.observed<ObservedApplication[]>('application'),
    ctx.observed<ObservedGrants>('lf-grant'),
    ...domains.map((part) => part.observed<ObservedProfiles>('profile')),
  ])
  const retired = new Set(Object.keys(teams).filter((t) => !teams[t].executionRole.create))
  const gone = (t: string | undefined) => {
    if (t && !Object.hasOwn(teams, t) && TEAM_ID_PATTERN.test(t)) retired.add(t)
  }
  for (const a of apps) gone(a.tags[TAG_TEAM])
  for (const observed of profiles) for (const p of observed.byName.values()) gone(p.tags?.[TAG_TEAM])
  const prefix = teamRoleName('')
  for (const g of grants.values()) if (g.roleName.startsWith(prefix)) gone(g.roleName.slice(prefix.length))
  // The profiles of each retired team that still run apps, own spaces or name the role.
  const d = ctx.discovery
  for (const [i, part] of domains.entries()) {
    const desired = desiredProfiles(part)
    const { byName, apps: appsOf, spaces: spacesOf } = profiles[i]
    for (const [key, p] of byName) {
      const team = desired.get(key)?.team ?? p.tags?.[TAG_TEAM]
      if (!team || !retired.has(team)) continue
      const name = teamRoleName(team)
      const configured =
        desired.has(key) && p.userSettings?.ExecutionRole === teamRoleArn({}, team, d.accountId, d.partition)
      const apps = appsOf.get(key) ?? []
      const spaces = spacesOf.get(key) ?? []
      if (apps.length + spaces.length === 0) continue // nothing that could hold the role back
      observed.inUse.set(name, [
        ...(observed.inUse.get(name) ?? []),
        { profile: p.name, configured, apps, spaces },
      ])
    }
  }
  // A role some team of the file names by ARN (perhaps the very role it used to create) stays.
  const used = new Set(
    Object.entries(teams).map(([t, c]) => teamRoleArn(c.executionRole, t, d.accountId, d.partition)),
  )
  const limit = pLimit(8)
  await Promise.all(
    [...retired].map((team) =>
      limit(async () => {
        const role = await readRole(client, teamRoleName(team))
        if (role?.tags[TAG_TEAM] === team && !used.has(role.roleArn ?? ''))
          observed.set(teamRoleName(team), role)
      }),
    ),
  )
}

function roleDrift(before: RolePayload, after: RolePayload, prune: boolean): string[] {
  const reasons: string[] = []
  if (after.permissionsBoundary && before.permissionsBoundary !== after.permissionsBoundary)
    reasons.push(before.permissionsBoundary ? 'permissions boundary differs' : 'permissions boundary missing')
  if (!policiesEqual(before.trustPolicy, after.trustPolicy)) reasons.push('trust policy differs')
  for (const [name, doc] of Object.entries(after.inlinePolicies)) {
    const current = before.inlinePolicies[name]
    if (!current) reasons.push(`inline policy ${name} missing`)
    else if (!policiesEqual(current, doc)) reasons.push(`inline policy ${name} differs`)
  }
  // The tool's own inline policies go without --prune (a workspace removed from the file is access
  // revoked); other extra policies only with it.
  for (const name of Object.keys(before.inlinePolicies))
    if (!(name in after.inlinePolicies) && (prune || TOOL_INLINE_POLICIES.includes(name)))
      reasons.push(`extra inline policy ${name}`)
  // A managed policy the tool attached (recorded on the role) and the file no longer lists is
  // detached by a plain apply; one attached by someone else only with --prune.
  for (const arn of before.managedPolicyArns)
    if (!after.managedPolicyArns.includes(arn) && (prune || attachedByTool(before, arn)))
      reasons.push(
        attachedByTool(before, arn) ? `detaches managed policy ${arn}` : `extra managed policy ${arn}`,
      )
  for (const arn of after.managedPolicyArns)
    if (!before.managedPolicyArns.includes(arn)) reasons.push(`managed policy ${arn} not attached`)
  for (const [k, v] of Object.entries(after.tags)) if (before.tags[k] !== v) reasons.push(`tag ${k}`)
  return reasons
}

/**
 * The value of the {@link TAG_MANAGED_POLICIES} tag: the first 8 hex digits of the SHA-256 of each
 * policy ARN the tool attached, sorted, space-separated. An ARN may have 2,048 characters and a tag
 * value 256: hashes of the (at most 20) policies of a role fit where the ARNs would not.
 */
export function managedPolicyRecord(arns: string[]): string {
  return [...new Set(arns.map(policyHash))].sort().join(' ')
}

function policyHash(arn: string): string {
  return createHash('sha256').update(arn).digest('hex').slice(0, 8)
}

/** Whether the role's record says the tool attached this managed policy. */
function attachedByTool(role: RolePayload, arn: string): boolean {
  return (role.tags[TAG_MANAGED_POLICIES] ?? '').split(' ').includes(policyHash(arn))
}

/** Reads a role with its inline and attached policies and tags; undefined when it does not exist. */
export async function readRole(client: IAMClient, name: string): Promise<RolePayload | undefined> {
  let role: GetRoleCommandOutput
  try {
    role = await client.send(new GetRoleCommand({ RoleName: name }))
  } catch (err) {
    const code = awsErrorCode(err)
    if (code === 'NoSuchEntityException' || code === 'NoSuchEntity') return undefined
    throw err
  }
  // The three listings are independent: read them at the same time.
  const [inlinePolicies, managedPolicyArns, tags] = await Promise.all([
    (async () => {
      const names: string[] = []
      for await (const page of paginateListRolePolicies({ client }, { RoleName: name }))
        names.push(...(page.PolicyNames ?? []))
      const docs = await Promise.all(
        names.map((policyName) =>
          client.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName })),
        ),
      )
      return Object.fromEntries(
        docs.map((d, i) => [names[i], parsePolicy(d.PolicyDocument ?? '{"Statement":[]}')]),
      ) as Record<string, PolicyDocument>
    })(),
    (async () => {
      const arns: string[] = []
      for await (const page of paginateListAttachedRolePolicies({ client }, { RoleName: name }))
        for (const p of page.AttachedPolicies ?? []) if (p.PolicyArn) arns.push(p.PolicyArn)
      return arns
    })(),
    (async () => {
      const t: Record<string, string> = {}
      for await (const page of paginateListRoleTags({ client }, { RoleName: name }))
        for (const x of page.Tags ?? []) if (x.Key) t[x.Key] = x.Value ?? ''
      return t
    })(),
  ])
  const boundaryArn = role.Role?.PermissionsBoundary?.PermissionsBoundaryArn
  return {
    roleName: name,
    roleArn: role.Role?.Arn,
    ...(boundaryArn ? { permissionsBoundary: boundaryArn } : {}),
    trustPolicy: parsePolicy(role.Role?.AssumeRolePolicyDocument ?? '{"Statement":[]}'),
    inlinePolicies,
    managedPolicyArns: managedPolicyArns.sort(),
    tags,
  }
}

/** A role given by ARN must exist and trust SageMaker; it is never modified. */
async function checkGivenRole(
  client: IAMClient,
  team: string,
  arn: string,
  fileTeams: Record<string, unknown>,
): Promise<void> {
  const name = arn.split('/').pop()!
  let doc: string | undefined
  try {
    const role = (await client.send(new GetRoleCommand({ RoleName: name }))).Role
    doc = role?.AssumeRolePolicyDocument
    // The role the tool created for another team (of the file, or a removed team's kept role): this
    // team's profiles and grants would give its members that team's access (validate sees only the
    // file's own teams by name; the tag sees every role the tool made).
    const owner = role?.Tags?.find((t) => t.Key === TAG_TEAM)?.Value
    if (owner && owner !== team && role?.Arn === arn)
      throw new UserError(
        `team ${team}: executionRole.arn ${arn} is the role the tool created for team ${owner}${Object.hasOwn(fileTeams, owner) ? '' : ' (kept after it left the file)'}: team ${team}'s members would get team ${owner}'s access`,
        1,
        'Use executionRole: { create: true }, or a role of your own.',
      )
  } catch (err) {
    if (err instanceof UserError) throw err
    const code = awsErrorCode(err)
    if (code === 'NoSuchEntityException' || code === 'NoSuchEntity') {
      throw new UserError(
        `team ${team}: execution role ${arn} does not exist`,
        1,
        'Create it, or use executionRole: { create: true }.',
      )
    }
    throw new UserError(`team ${team}: cannot read execution role ${arn}: ${describeAwsError(err)}`)
  }
  const trusts = policyAtoms(doc ?? '{"Statement":[]}').some(
    (a) =>
      a.effect === 'Allow' &&
      a.action.toLowerCase() === 'sts:assumerole' &&
      a.resource.includes('sagemaker.amazonaws.com'),
  )
  if (!trusts) {
    throw new UserError(
      `team ${team}: execution role ${arn} does not trust sagemaker.amazonaws.com`,
      1,
      'Add sagemaker.amazonaws.com as a trusted service (sts:AssumeRole) to its trust policy.',
    )
  }
}

function createRoleInput(change: Change<'role'>): CreateRoleCommandInput {
  const after = change.after!
  return {
    RoleName: change.key,
    AssumeRolePolicyDocument: JSON.stringify(after.trustPolicy),
    Description: `SageMaker Studio execution role of team ${change.team} (managed by sagemaker-teams)`,
    ...(after.permissionsBoundary ? { PermissionsBoundary: after.permissionsBoundary } : {}),
    Tags: Object.entries(after.tags).map(([Key, Value]) => ({ Key, Value })),
  }
}

function putPolicyInput(RoleName: string, PolicyName: string, doc: Parameters<typeof printPolicy>[0]) {
  return { RoleName, PolicyName, PolicyDocument: printPolicy(doc) }
}
