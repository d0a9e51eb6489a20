/**
 * The execution role of each team with `executionRole.create: true` (`sagemaker-teams-<team>`),
 * its generated inline policies, managed policies and tags. Policies are compared semantically,
 * so a role is updated only on a real difference. A role given by ARN is never modified; the
 * plan only checks that it exists and trusts SageMaker.
 */
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  type GetRoleCommandOutput,
  GetRolePolicyCommand,
  type IAMClient,
  PutRolePolicyCommand,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  paginateListRoleTags,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam'
import pLimit from 'p-limit'
import { awsErrorCode, describeAwsError, UserError } from '../errors.js'
import { ABAC_TAG, TAG_TEAM, teamRoleArn, teamRoleName } from '../names.js'
import type { Change, PolicyDocument, RolePayload } from '../plan/types.js'
import { parsePolicy, policiesEqual, policyAtoms } from '../policies/normalize.js'
import { printPolicy, teamInlinePolicies, trustPolicy } from '../policies/team-role.js'
import type { ResourceModule } from './types.js'

/** role name → what IAM has (undefined: no such role). */
export type ObservedRoles = Map<string, RolePayload | undefined>
export type DesiredRoles = Map<string, RolePayload & { team: string }>

export const roles: ResourceModule<'role', ObservedRoles, DesiredRoles> = {
  kind: 'role',

  async observe(ctx) {
    const client = await ctx.aws.iam()
    const observed: ObservedRoles = new Map()
    const limit = pLimit(8)
    const names = new Map<string, string>() // role name → team
    for (const [team, config] of Object.entries(ctx.teams.config.teams)) {
      if (config.executionRole.create) names.set(teamRoleName(team), team)
    }
    await Promise.all([
      ...[...names.keys()].map((name) => limit(async () => observed.set(name, await readRole(client, name)))),
      ...Object.entries(ctx.teams.config.teams)
        .filter(([, c]) => c.executionRole.arn)
        .map(([team, c]) => limit(() => checkGivenRole(client, team, c.executionRole.arn!))),
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
        trustPolicy: trustPolicy(),
        inlinePolicies: teamInlinePolicies({
          teamId: team,
          roleArn,
          partition: d.partition,
          region: d.region,
          accountId: d.accountId,
          domainId: d.domainId,
        }),
        managedPolicyArns: [...(config.executionRole.managedPolicyArns ?? [])].sort(),
        tags: { [ABAC_TAG]: config.tags?.[ABAC_TAG] ?? team, [TAG_TEAM]: team },
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
      const reasons = roleDrift(before, after, ctx.options.prune)
      if (reasons.length > 0) {
        // Show only what matters for the comparison: extra inline policies/attachments stay unless pruning.
        const shownAfter = ctx.options.prune
          ? after
          : {
              ...after,
              managedPolicyArns: [
                ...new Set([...after.managedPolicyArns, ...before.managedPolicyArns]),
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
    return changes
  },

  async apply(change, ctx) {
    const client = await ctx.aws.iam()
    const after = change.after
    const name = change.key
    if (change.action === 'create' && after) {
      try {
        await client.send(
          new CreateRoleCommand({
            RoleName: name,
            AssumeRolePolicyDocument: JSON.stringify(after.trustPolicy),
            Description: `SageMaker Studio execution role of team ${change.team} (managed by sagemaker-teams)`,
            Tags: Object.entries(after.tags).map(([Key, Value]) => ({ Key, Value })),
          }),
        )
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
        await client.send(
          new PutRolePolicyCommand({
            RoleName: name,
            PolicyName: policyName,
            PolicyDocument: printPolicy(doc),
          }),
        )
      }
      for (const arn of after.managedPolicyArns)
        await client.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: arn }))
      return
    }
    if (change.action === 'update' && after && change.before) {
      const before = change.before
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
          await client.send(
            new PutRolePolicyCommand({
              RoleName: name,
              PolicyName: policyName,
              PolicyDocument: printPolicy(doc),
            }),
          )
      }
      if (ctx.options.prune) {
        for (const policyName of Object.keys(before.inlinePolicies)) {
          if (!(policyName in after.inlinePolicies))
            await client.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: policyName }))
        }
        for (const arn of before.managedPolicyArns) {
          if (!after.managedPolicyArns.includes(arn))
            await client.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: arn }))
        }
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
      for (const policyName of Object.keys(change.before.inlinePolicies))
        await client.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: policyName }))
      for (const arn of change.before.managedPolicyArns)
        await client.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: arn }))
      await client.send(new DeleteRoleCommand({ RoleName: name }))
    }
  },
}

function roleDrift(before: RolePayload, after: RolePayload, prune: boolean): string[] {
  const reasons: string[] = []
  if (!policiesEqual(before.trustPolicy, after.trustPolicy)) reasons.push('trust policy differs')
  for (const [name, doc] of Object.entries(after.inlinePolicies)) {
    const current = before.inlinePolicies[name]
    if (!current) reasons.push(`inline policy ${name} missing`)
    else if (!policiesEqual(current, doc)) reasons.push(`inline policy ${name} differs`)
  }
  if (prune) {
    for (const name of Object.keys(before.inlinePolicies))
      if (!(name in after.inlinePolicies)) reasons.push(`extra inline policy ${name}`)
    for (const arn of before.managedPolicyArns)
      if (!after.managedPolicyArns.includes(arn)) reasons.push(`extra managed policy ${arn}`)
  }
  for (const arn of after.managedPolicyArns)
    if (!before.managedPolicyArns.includes(arn)) reasons.push(`managed policy ${arn} not attached`)
  for (const [k, v] of Object.entries(after.tags)) if (before.tags[k] !== v) reasons.push(`tag ${k}`)
  return reasons
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
  return {
    roleName: name,
    roleArn: role.Role?.Arn,
    trustPolicy: parsePolicy(role.Role?.AssumeRolePolicyDocument ?? '{"Statement":[]}'),
    inlinePolicies,
    managedPolicyArns: managedPolicyArns.sort(),
    tags,
  }
}

/** A role given by ARN must exist and trust SageMaker; it is never modified. */
async function checkGivenRole(client: IAMClient, team: string, arn: string): Promise<void> {
  const name = arn.split('/').pop()!
  let doc: string | undefined
  try {
    doc = (await client.send(new GetRoleCommand({ RoleName: name }))).Role?.AssumeRolePolicyDocument
  } catch (err) {
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
