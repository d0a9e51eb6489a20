/**
 * The permissions boundary (kind `boundary`): the customer managed policy `sagemaker-teams-boundary`
 * that every role the tool creates carries (see policies/boundary.ts). Created by the first apply and
 * kept current: a changed document becomes a new default version. IAM keeps at most five versions
 * of a managed policy, so when five exist the oldest non-default one is deleted first.
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
import { awsErrorCode } from '../errors.js'
import { BOUNDARY_POLICY_NAME, boundaryPolicyArn, TAG_MANAGED } from '../model/names.js'
import type { BoundaryPayload, Change } from '../plan/types.js'
import { boundaryPolicy } from '../policies/boundary.js'
import { parsePolicy, policiesEqual } from '../policies/normalize.js'
import { printPolicy } from '../policies/team-role.js'
import type { ResourceModule } from './types.js'

/** IAM's limit on the versions of one managed policy. */
export const MAX_POLICY_VERSIONS = 5

export interface ObservedBoundary extends BoundaryPayload {
  /** Whether the policy carries the tool's owner tag (a policy of that name without it is not changed). */
  owned: boolean
  /** Versions, oldest first. */
  versions: { versionId: string; isDefault: boolean; created?: Date }[]
}

const notFound = (err: unknown) => {
  const code = awsErrorCode(err)
  return code === 'NoSuchEntity' || code === 'NoSuchEntityException'
}

export const boundary: ResourceModule<'boundary', ObservedBoundary | undefined, BoundaryPayload> = {
  kind: 'boundary',

  async observe(ctx) {
    return readBoundary(
      await ctx.aws.iam(),
      boundaryPolicyArn(ctx.discovery.accountId, ctx.discovery.partition),
    )
  },

  desire(ctx) {
    const d = ctx.discovery
    return {
      policyName: BOUNDARY_POLICY_NAME,
      policyArn: boundaryPolicyArn(d.accountId, d.partition),
      document: boundaryPolicy({
        config: ctx.teams.config,
        partition: d.partition,
        region: d.region,
        accountId: d.accountId,
        ...(d.acsPlacement
          ? {
              presignRoleArns: Object.values(d.acsPlacement).flatMap((x) =>
                x.presignRoleArn ? [x.presignRoleArn] : [],
              ),
            }
          : {}),
      }),
    }
  },

  diff(desired, observed) {
    const change = { kind: 'boundary' as const, key: desired.policyName, summary: desired.policyName }
    if (!observed) return [{ ...change, action: 'create', after: desired }]
    const before: BoundaryPayload = {
      policyName: observed.policyName,
      policyArn: observed.policyArn,
      document: observed.document,
    }
    if (!observed.owned)
      return [
        {
          ...change,
          action: 'blocked',
          before,
          after: desired,
          reason: `a policy of this name exists without the ${TAG_MANAGED} tag (not created by sagemaker-teams); not modified`,
        },
      ]
    if (policiesEqual(observed.document, desired.document)) return []
    return [{ ...change, action: 'update', before, after: desired, reason: 'document differs' }]
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
    const iam = await ctx.aws.iam()
    const after = change.after!
    if (change.action === 'create') {
      try {
        await iam.send(new CreatePolicyCommand(createPolicyInput(after)))
        return
      } catch (err) {
        if (!/EntityAlreadyExists/.test(awsErrorCode(err) ?? '')) throw err
        // Created meanwhile (a concurrent or interrupted apply): bring it up to date below if it is ours.
      }
    }
    const observed = await readBoundary(iam, after.policyArn)
    if (!observed?.owned) throw new Error(`${after.policyArn} exists but was not created by sagemaker-teams`)
    if (policiesEqual(observed.document, after.document)) return
    await newDefaultVersion(iam, observed, printPolicy(after.document))
  },
}

function createPolicyInput(after: BoundaryPayload) {
  return {
    PolicyName: after.policyName,
    PolicyDocument: printPolicy(after.document),
    Description: 'Permissions boundary of the roles sagemaker-teams creates (managed by sagemaker-teams)',
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

/** The boundary policy with its default version's document and its versions; undefined when absent. */
export async function readBoundary(iam: IAMClient, policyArn: string): Promise<ObservedBoundary | undefined> {
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
