/**
 * The permissions boundaries (kind `boundary`): the customer managed policies
 * `sagemaker-teams-boundary` (team roles) and `sagemaker-teams-acs-boundary` (the ACS role and the
 * presign roles), see policies/boundary.ts. They are written by the one-time set-up step
 * (`sagemaker-teams setup`, src/lib/setup.ts). Apply only creates one that is missing (a fresh
 * account); a boundary whose document differs from what the file needs is a blocked change naming
 * `setup`: the routine apply policy may not change a boundary (operator-policy.ts denies it). IAM
 * keeps at most five versions of a managed policy, so when five exist setup deletes the oldest
 * non-default one first.
 */
import {
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyVersionCommand,
  GetPolicyCommand,
  type GetPolicyCommandOutput,
  GetPolicyVersionCommand,
  type IAMClient,
  paginateListPolicyVersions,
} from '@aws-sdk/client-iam'
import type { TeamsFile } from '../../config/types.js'
import { awsErrorCode } from '../../errors.js'
import {
  ACS_BOUNDARY_POLICY_NAME,
  acsBoundaryPolicyArn,
  BOUNDARY_POLICY_NAME,
  boundaryPolicyArn,
  TAG_MANAGED,
} from '../../model/names.js'
import type { BoundaryPayload, Change } from '../../plan/types.js'
import { acsBoundaryPolicy, teamBoundaryPolicy } from '../../policies/boundary.js'
import { parsePolicy, policiesEqual } from '../../policies/normalize.js'
import { printPolicy } from '../../policies/team-role.js'
import type { EngineContext, ResourceModule } from '../engine-contract.js'

/** IAM's limit on the versions of one managed policy. */
export const MAX_POLICY_VERSIONS = 5

/** The command that writes the boundaries (named by blocked changes). */
export const SETUP_COMMAND = 'sagemaker-teams setup'

export interface ObservedBoundary extends BoundaryPayload {
  /** Whether the policy carries the tool's owner tag (a policy of that name without it is not changed). */
  owned: boolean
  /** Versions, oldest first (read only when asked: setup needs them, plan does not). */
  versions: { versionId: string; isDefault: boolean; created?: Date }[]
}

const notFound = (err: unknown) => {
  const code = awsErrorCode(err)
  return code === 'NoSuchEntity' || code === 'NoSuchEntityException'
}

/** Which boundaries an account holds: the team roles', and the ACS's (where its function or a presign role is). */
export interface BoundaryPlace {
  teamRoles: boolean
  /** `here`: the ACS function's account; `presign`: a domain account with a presign role. */
  acs: 'here' | 'presign' | 'none'
  /** In the ACS's account of a file with accounts:/domains: the presign roles it assumes. */
  presignRoleArns?: string[]
  /** The domains of this account (none: an account that holds only the ACS). */
  domainIds: string[]
}

/** The boundaries an account needs, as documents (the engine and `setup` both use this). */
export function desiredBoundaries(
  config: TeamsFile,
  where: { partition: string; region: string; accountId: string },
  place: BoundaryPlace,
): BoundaryPayload[] {
  const out: BoundaryPayload[] = []
  const base = { config, ...where, domainIds: place.domainIds }
  if (place.teamRoles)
    out.push({
      policyName: BOUNDARY_POLICY_NAME,
      policyArn: boundaryPolicyArn(where.accountId, where.partition),
      document: teamBoundaryPolicy(base),
    })
  if (config.acs && place.acs !== 'none')
    out.push({
      policyName: ACS_BOUNDARY_POLICY_NAME,
      policyArn: acsBoundaryPolicyArn(where.accountId, where.partition),
      document: acsBoundaryPolicy({
        ...base,
        acsHere: place.acs === 'here',
        ...(place.presignRoleArns?.length ? { presignRoleArns: place.presignRoleArns } : {}),
      }),
    })
  return out
}

/** Where this plan part is: which of the tool's roles its account holds. */
export function boundaryPlace(ctx: Pick<EngineContext, 'teams' | 'discovery' | 'kinds'>): BoundaryPlace {
  // An account's part plans its account's teams as a one-domain file of its first domain; its
  // discovery names the ACS's account (acsPlacement) or a presign role's (acsRoleArn).
  const config = ctx.teams.config
  const d = ctx.discovery
  const acs: BoundaryPlace['acs'] = !config.acs
    ? 'none'
    : d.acsPlacement
      ? 'here'
      : d.acsRoleArn
        ? 'presign'
        : 'none'
  const teamRoles = ctx.kinds.includes('role')
  return {
    teamRoles,
    domainIds: teamRoles ? [...new Set([d.domainId, ...Object.values(d.teamDomainIds ?? {})])].sort() : [],
    acs,
    ...(acs === 'here' && d.acsPlacement
      ? {
          presignRoleArns: Object.values(d.acsPlacement).flatMap((x) =>
            x.presignRoleArn ? [x.presignRoleArn] : [],
          ),
        }
      : {}),
  }
}

/** Compares what an account has with what the file needs: create a missing one; a different one is setup's. */
export function diffBoundaries(
  desired: BoundaryPayload[],
  observed: ObservedBoundary[],
  by: 'apply' | 'setup',
) {
  const changes: Change<'boundary'>[] = []
  for (const want of desired) {
    const change = { kind: 'boundary' as const, key: want.policyName, summary: want.policyName }
    const have = observed.find((o) => o.policyArn === want.policyArn)
    if (!have) {
      changes.push({ ...change, action: 'create', after: want })
      continue
    }
    const before: BoundaryPayload = {
      policyName: have.policyName,
      policyArn: have.policyArn,
      document: have.document,
    }
    if (!have.owned)
      changes.push({
        ...change,
        action: 'blocked',
        before,
        after: want,
        reason: `a policy of this name exists without the ${TAG_MANAGED} tag (not created by sagemaker-teams); not modified`,
      })
    else if (!policiesEqual(have.document, want.document))
      changes.push(
        by === 'setup'
          ? { ...change, action: 'update', before, after: want, reason: 'document differs' }
          : {
              ...change,
              action: 'blocked',
              before,
              after: want,
              reason: `the file needs a different permissions boundary: run \`${SETUP_COMMAND}\` (apply may not change a boundary)`,
            },
      )
  }
  return changes
}

export const boundary: ResourceModule<'boundary', ObservedBoundary[], BoundaryPayload[]> = {
  kind: 'boundary',

  async observe(ctx) {
    const iam = await ctx.aws.iam()
    const wanted = desiredBoundaries(ctx.teams.config, ctx.discovery, boundaryPlace(ctx))
    const found = await Promise.all(wanted.map((b) => readBoundary(iam, b.policyArn, { versions: false })))
    return found.filter((b): b is ObservedBoundary => !!b)
  },

  desire(ctx) {
    return desiredBoundaries(ctx.teams.config, ctx.discovery, boundaryPlace(ctx))
  },

  diff(desired, observed) {
    return diffBoundaries(desired, observed, 'apply')
  },

  requests(change) {
    const after = change.after
    if (!after) return []
    if (change.action === 'create')
      return [{ service: 'iam', operation: 'CreatePolicy', input: createPolicyInput(after) }]
    if (change.action === 'update')
      return [
        {
          service: 'iam',
          operation: 'CreatePolicyVersion',
          input: policyVersionInput(after.policyArn, printPolicy(after.document)),
        },
      ]
    return []
  },

  async apply(change: Change<'boundary'>, ctx) {
    await writeBoundary(await ctx.aws.iam(), change, 'apply')
  },
}

/**
 * Writes one boundary change: `create` (apply and setup), `update` (setup only: a new default
 * version). A policy created meanwhile is read back: apply leaves a different document to setup.
 */
export async function writeBoundary(iam: IAMClient, change: Change<'boundary'>, by: 'apply' | 'setup') {
  const after = change.after!
  if (change.action === 'create') {
    try {
      await iam.send(new CreatePolicyCommand(createPolicyInput(after)))
      return
    } catch (err) {
      if (!/EntityAlreadyExists/.test(awsErrorCode(err) ?? '')) throw err
      // Created meanwhile (a concurrent or interrupted run): compare below.
    }
  }
  const observed = await readBoundary(iam, after.policyArn)
  if (!observed?.owned) throw new Error(`${after.policyArn} exists but was not created by sagemaker-teams`)
  if (policiesEqual(observed.document, after.document)) return
  if (by === 'apply')
    throw new Error(`${after.policyArn} differs from what the file needs: run \`${SETUP_COMMAND}\``)
  await newDefaultVersion(iam, observed, printPolicy(after.document))
}

function createPolicyInput(after: BoundaryPayload) {
  return {
    PolicyName: after.policyName,
    PolicyDocument: printPolicy(after.document),
    Description:
      after.policyName === ACS_BOUNDARY_POLICY_NAME
        ? 'Permissions boundary of the sagemaker-teams ACS role and presign roles (written by sagemaker-teams setup)'
        : 'Permissions boundary of the team roles sagemaker-teams creates (written by sagemaker-teams setup)',
    Tags: [{ Key: TAG_MANAGED, Value: 'true' }],
  }
}

const policyVersionInput = (policyArn: string, document: string) => ({
  PolicyArn: policyArn,
  PolicyDocument: document,
  SetAsDefault: true,
})

/** Makes `document` the default version, first deleting the oldest non-default version when IAM holds five. */
export async function newDefaultVersion(iam: IAMClient, observed: ObservedBoundary, document: string) {
  if (observed.versions.length >= MAX_POLICY_VERSIONS) {
    const oldest = observed.versions.find((v) => !v.isDefault)
    if (oldest)
      await iam
        .send(new DeletePolicyVersionCommand({ PolicyArn: observed.policyArn, VersionId: oldest.versionId }))
        .catch((err) => {
          if (!notFound(err)) throw err
        })
  }
  await iam.send(new CreatePolicyVersionCommand(policyVersionInput(observed.policyArn, document)))
}

/** A boundary policy with its default version's document (and its versions); undefined when absent. */
export async function readBoundary(
  iam: IAMClient,
  policyArn: string,
  opts: { versions: boolean } = { versions: true },
): Promise<ObservedBoundary | undefined> {
  let policy: GetPolicyCommandOutput
  try {
    policy = await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }))
  } catch (err) {
    if (notFound(err)) return undefined
    throw err
  }
  const p = policy.Policy!
  const [version, versions] = await Promise.all([
    iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: p.DefaultVersionId })),
    (async () => {
      const out: ObservedBoundary['versions'] = []
      if (!opts.versions) return out
      for await (const page of paginateListPolicyVersions({ client: iam }, { PolicyArn: policyArn }))
        for (const v of page.Versions ?? [])
          if (v.VersionId)
            out.push({
              versionId: v.VersionId,
              isDefault: Boolean(v.IsDefaultVersion),
              created: v.CreateDate,
            })
      // Oldest first: by creation time, then by version number (v2 before v10).
      return out.sort(
        (a, b) =>
          (a.created?.getTime() ?? 0) - (b.created?.getTime() ?? 0) ||
          Number(a.versionId.slice(1)) - Number(b.versionId.slice(1)),
      )
    })(),
  ])
  return {
    policyName: p.PolicyName ?? BOUNDARY_POLICY_NAME,
    policyArn,
    document: parsePolicy(version.PolicyVersion?.Document ?? '{"Statement":[]}'),
    owned: (p.Tags ?? []).some((t) => t.Key === TAG_MANAGED && t.Value === 'true'),
    versions,
  }
}
