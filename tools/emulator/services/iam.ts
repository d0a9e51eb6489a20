/** iam (awsQuery, XML answers). Policy documents come back URL-encoded, as IAM returns them. */

import { createHash } from 'node:crypto'
import { sessionArn, simulateWithLibrary } from '../../../src/lib/policies/simulate.js'
import { ROLE_ARN } from '../accounts.js'
import { AwsError, alnum, type Input, matches, type Operation, paginate, required } from '../core.js'
import type { EmulatorState, ManagedPolicy, Role } from '../state.js'

const ROLE_NAME = /^[\w+=,.@-]+$/
const POLICY_ARN = /^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/.+$/
const POLICY_NAME = /^[\w+=,.@-]+$/
/** IAM keeps at most five versions of a managed policy. */
const MAX_POLICY_VERSIONS = 5

/** Every account the emulator has (a trust policy may name a role of any of them). */
export interface Directory {
  states(): EmulatorState[]
}

/**
 * Decisions of the engine by a hash of their whole input. An evaluation is a pure function of its
 * input, and a plan's access review asks again for what the previous plan asked (the same roles,
 * requests and context: about 60% of the calls of an engine test file), which the engine spends
 * most of the emulator's CPU on. Kept per process, at most MAX_SIMULATED entries.
 */
const simulated = new Map<string, Awaited<ReturnType<typeof simulateWithLibrary>>['decision']>()
const MAX_SIMULATED = 100_000

async function simulateOnce(input: Parameters<typeof simulateWithLibrary>[0]) {
  const key = createHash('sha256').update(JSON.stringify(input)).digest('base64')
  const known = simulated.get(key)
  if (known) return known
  const { decision } = await simulateWithLibrary(input)
  if (simulated.size >= MAX_SIMULATED) simulated.clear()
  simulated.set(key, decision)
  return decision
}

type TrustStatement = { Principal?: string | { AWS?: string | string[] } }

/** The AWS principals a trust policy document names, per statement (for rewriting them). */
function awsPrincipals(doc: string): {
  parsed: { Statement?: TrustStatement | TrustStatement[] }
  statements: TrustStatement[]
} {
  const parsed = JSON.parse(doc)
  const s = parsed.Statement
  return { parsed, statements: s === undefined ? [] : Array.isArray(s) ? s : [s] }
}

export function iam(
  state: EmulatorState,
  directory: Directory = { states: () => [state] },
): Record<string, Operation> {
  const role = (name: unknown) => {
    matches(name, ROLE_NAME, 'RoleName', 'ValidationError', 64)
    const r = state.roles.find((x) => x.RoleName.toLowerCase() === String(name).toLowerCase())
    if (!r) throw new AwsError('NoSuchEntity', `The role with name ${String(name)} cannot be found.`, 404)
    return r
  }
  const policy = (arn: unknown) => {
    matches(arn, POLICY_ARN, 'PolicyArn', 'ValidationError', 2048)
    const p = state.policies.find((x) => x.Arn === arn)
    if (!p)
      throw new AwsError('NoSuchEntity', `Policy ${String(arn)} does not exist or is not attachable.`, 404)
    return p
  }
  const policyOut = (p: ManagedPolicy) => ({
    PolicyName: p.PolicyName,
    PolicyId: p.PolicyId,
    Arn: p.Arn,
    Path: p.Path,
    DefaultVersionId: p.DefaultVersionId,
    AttachmentCount: state.roles.filter((r) => r.AttachedPolicies.includes(p.Arn)).length,
    PermissionsBoundaryUsageCount: state.roles.filter((r) => r.PermissionsBoundary === p.Arn).length,
    IsAttachable: true,
    Description: p.Description,
    CreateDate: p.CreateDate,
    UpdateDate: p.UpdateDate,
    Tags: Object.entries(p.Tags).map(([Key, Value]) => ({ Key, Value })),
  })
  const version = (p: ManagedPolicy, id: unknown) => {
    const v = p.Versions.find((x) => x.VersionId === id)
    if (!v) throw new AwsError('NoSuchEntity', `Policy ${p.Arn} version ${String(id)} does not exist.`, 404)
    return v
  }
  const boolean = (v: unknown) => v === true || v === 'true'
  const document = (doc: unknown, field: string) => {
    required({ [field]: doc }, field)
    try {
      const parsed = JSON.parse(String(doc))
      if (!parsed.Statement) throw new Error('no Statement')
    } catch {
      throw new AwsError(
        'MalformedPolicyDocument',
        `${field}: the policy document is not valid JSON with a Statement`,
      )
    }
    if (String(doc).length > 10240)
      throw new AwsError('LimitExceeded', 'Cannot exceed quota for PolicySize: 10240')
    return String(doc)
  }
  /**
   * A trust policy: IAM refuses one naming a role that does not exist (in an account the emulator
   * has; any other account cannot be checked here), as "Invalid principal in policy".
   */
  const trustDocument = (doc: unknown, field: string) => {
    const text = document(doc, field)
    for (const s of awsPrincipals(text).statements) {
      const aws = typeof s.Principal === 'object' ? s.Principal.AWS : undefined
      for (const v of aws === undefined ? [] : Array.isArray(aws) ? aws : [aws]) {
        const m = ROLE_ARN.exec(v)
        const owner = m && directory.states().find((x) => x.account === m[1])
        if (owner && !owner.roles.some((r) => r.Arn.toLowerCase() === v.toLowerCase()))
          throw new AwsError('MalformedPolicyDocument', `Invalid principal in policy: "AWS":"${v}"`)
      }
    }
    return text
  }
  /**
   * IAM keeps a trusted role by its unique id: once the role is deleted, every trust policy naming it
   * shows the id (AROA…) instead of the ARN, and a new role of the same name is not trusted.
   */
  const forgetInTrusts = (gone: { Arn: string; RoleId: string }) => {
    for (const st of directory.states())
      for (const r of st.roles) {
        let changed = false
        let doc: ReturnType<typeof awsPrincipals>
        try {
          doc = awsPrincipals(r.AssumeRolePolicyDocument)
        } catch {
          continue
        }
        for (const s of doc.statements) {
          if (typeof s.Principal !== 'object' || s.Principal.AWS === undefined) continue
          const swap = (v: string) => {
            if (v.toLowerCase() !== gone.Arn.toLowerCase()) return v
            changed = true
            return gone.RoleId
          }
          s.Principal.AWS = Array.isArray(s.Principal.AWS) ? s.Principal.AWS.map(swap) : swap(s.Principal.AWS)
        }
        if (changed) r.AssumeRolePolicyDocument = JSON.stringify(doc.parsed)
      }
  }
  /** A managed policy's document: at most 6,144 characters (whitespace not counted), unlike inline ones. */
  const managedDocument = (doc: unknown) => {
    const text = document(doc, 'PolicyDocument')
    if (text.replace(/\s/g, '').length > 6144)
      throw new AwsError('LimitExceeded', 'Cannot exceed quota for PolicySize: 6144', 409)
    return text
  }
  const tagsIn = (tags: unknown) => {
    const out: Record<string, string> = {}
    for (const t of (tags as { Key: string; Value: string }[]) ?? []) out[t.Key] = t.Value ?? ''
    return out
  }
  const roleOut = (r: Role) => ({
    Path: r.Path,
    RoleName: r.RoleName,
    RoleId: r.RoleId,
    Arn: r.Arn,
    CreateDate: r.CreateDate,
    AssumeRolePolicyDocument: encodeURIComponent(r.AssumeRolePolicyDocument),
    Description: r.Description,
    MaxSessionDuration: r.MaxSessionDuration,
    Tags: Object.entries(r.Tags).map(([Key, Value]) => ({ Key, Value })),
    PermissionsBoundary: r.PermissionsBoundary
      ? {
          PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
          PermissionsBoundaryArn: r.PermissionsBoundary,
        }
      : undefined,
  })
  const page = <T>(items: T[], input: Input, scope: string) => {
    const { page, nextToken } = paginate(items, input, {
      max: 1000,
      default: 100,
      scope,
      maxField: 'MaxItems',
      tokenField: 'Marker',
      errorCode: 'ValidationError',
    })
    return { page, more: { IsTruncated: nextToken !== undefined, Marker: nextToken } }
  }
  const maxItems = (input: Input) => {
    if (input.MaxItems !== undefined) input.MaxItems = Number(input.MaxItems)
    return input
  }
  return {
    CreateRole: (input) => {
      required(input, 'RoleName', 'AssumeRolePolicyDocument')
      matches(input.RoleName, ROLE_NAME, 'RoleName', 'ValidationError', 64)
      if (state.roles.some((x) => x.RoleName.toLowerCase() === String(input.RoleName).toLowerCase())) {
        throw new AwsError('EntityAlreadyExists', `Role with name ${input.RoleName} already exists.`, 409)
      }
      const r: Role = {
        RoleName: input.RoleName,
        RoleId: `AROA${alnum(17).toUpperCase()}`,
        Arn: `arn:aws:iam::${state.account}:role${input.Path ?? '/'}${input.RoleName}`,
        Path: input.Path ?? '/',
        AssumeRolePolicyDocument: trustDocument(input.AssumeRolePolicyDocument, 'AssumeRolePolicyDocument'),
        Description: input.Description,
        MaxSessionDuration: Number(input.MaxSessionDuration ?? 3600),
        CreateDate: new Date(),
        Tags: tagsIn(input.Tags),
        InlinePolicies: {},
        AttachedPolicies: [],
        ...(input.PermissionsBoundary ? { PermissionsBoundary: policy(input.PermissionsBoundary).Arn } : {}),
      }
      if (Object.keys(r.Tags).length > 50) throw new AwsError('LimitExceeded', 'Tags: at most 50', 409)
      state.roles.push(r)
      return { Role: roleOut(r) }
    },
    GetRole: (input) => ({ Role: roleOut(role(input.RoleName)) }),
    DeleteRole: (input) => {
      const r = role(input.RoleName)
      if (Object.keys(r.InlinePolicies).length > 0 || r.AttachedPolicies.length > 0) {
        throw new AwsError('DeleteConflict', 'Cannot delete entity, must delete policies first.', 409)
      }
      state.roles = state.roles.filter((x) => x !== r)
      forgetInTrusts(r)
      return {}
    },
    UpdateAssumeRolePolicy: (input) => {
      const r = role(input.RoleName)
      r.AssumeRolePolicyDocument = trustDocument(input.PolicyDocument, 'PolicyDocument')
      return {}
    },
    PutRolePolicy: (input) => {
      required(input, 'RoleName', 'PolicyName', 'PolicyDocument')
      const r = role(input.RoleName)
      matches(input.PolicyName, /^[\w+=,.@-]+$/, 'PolicyName', 'ValidationError', 128)
      r.InlinePolicies[input.PolicyName] = document(input.PolicyDocument, 'PolicyDocument')
      return {}
    },
    GetRolePolicy: (input) => {
      const r = role(input.RoleName)
      const doc = r.InlinePolicies[input.PolicyName]
      if (doc === undefined)
        throw new AwsError(
          'NoSuchEntity',
          `The role policy with name ${input.PolicyName} cannot be found.`,
          404,
        )
      return { RoleName: r.RoleName, PolicyName: input.PolicyName, PolicyDocument: encodeURIComponent(doc) }
    },
    ListRolePolicies: (input) => {
      const r = role(input.RoleName)
      const { page: names, more } = page(
        Object.keys(r.InlinePolicies).sort(),
        maxItems(input),
        `rp:${r.RoleName}`,
      )
      return { PolicyNames: names, ...more }
    },
    DeleteRolePolicy: (input) => {
      const r = role(input.RoleName)
      if (r.InlinePolicies[input.PolicyName] === undefined)
        throw new AwsError(
          'NoSuchEntity',
          `The role policy with name ${input.PolicyName} cannot be found.`,
          404,
        )
      delete r.InlinePolicies[input.PolicyName]
      return {}
    },
    AttachRolePolicy: (input) => {
      const r = role(input.RoleName)
      policy(input.PolicyArn)
      if (!r.AttachedPolicies.includes(input.PolicyArn)) r.AttachedPolicies.push(input.PolicyArn)
      if (r.AttachedPolicies.length > 20)
        throw new AwsError('LimitExceeded', 'Cannot exceed quota for PoliciesPerRole: 20', 409)
      return {}
    },
    DetachRolePolicy: (input) => {
      const r = role(input.RoleName)
      if (!r.AttachedPolicies.includes(input.PolicyArn))
        throw new AwsError('NoSuchEntity', `Policy ${input.PolicyArn} was not found.`, 404)
      r.AttachedPolicies = r.AttachedPolicies.filter((a) => a !== input.PolicyArn)
      return {}
    },
    ListAttachedRolePolicies: (input) => {
      const r = role(input.RoleName)
      const { page: arns, more } = page(r.AttachedPolicies, maxItems(input), `arp:${r.RoleName}`)
      return {
        AttachedPolicies: arns.map((PolicyArn) => ({ PolicyArn, PolicyName: PolicyArn.split('/').pop() })),
        ...more,
      }
    },
    TagRole: (input) => {
      const r = role(input.RoleName)
      Object.assign(r.Tags, tagsIn(input.Tags))
      if (Object.keys(r.Tags).length > 50) throw new AwsError('LimitExceeded', 'Tags: at most 50', 409)
      return {}
    },
    UntagRole: (input) => {
      const r = role(input.RoleName)
      for (const k of (input.TagKeys as string[]) ?? []) delete r.Tags[k]
      return {}
    },
    ListRoleTags: (input) => {
      const r = role(input.RoleName)
      const { page: tags, more } = page(
        Object.entries(r.Tags).map(([Key, Value]) => ({ Key, Value })),
        maxItems(input),
        `rt:${r.RoleName}`,
      )
      return { Tags: tags, ...more }
    },
    PutRolePermissionsBoundary: (input) => {
      required(input, 'RoleName', 'PermissionsBoundary')
      const r = role(input.RoleName)
      r.PermissionsBoundary = policy(input.PermissionsBoundary).Arn
      return {}
    },
    DeleteRolePermissionsBoundary: (input) => {
      const r = role(input.RoleName)
      delete r.PermissionsBoundary
      return {}
    },
    CreatePolicy: (input) => {
      required(input, 'PolicyName', 'PolicyDocument')
      matches(input.PolicyName, POLICY_NAME, 'PolicyName', 'ValidationError', 128)
      const path = input.Path ?? '/'
      const arn = `arn:aws:iam::${state.account}:policy${path}${input.PolicyName}`
      if (state.policies.some((p) => p.Arn.toLowerCase() === arn.toLowerCase()))
        throw new AwsError(
          'EntityAlreadyExists',
          `A policy called ${input.PolicyName} already exists. Duplicate names are not allowed.`,
          409,
        )
      const now = new Date()
      const p: ManagedPolicy = {
        PolicyName: input.PolicyName,
        PolicyId: `ANPA${alnum(17).toUpperCase()}`,
        Arn: arn,
        Path: path,
        Description: input.Description,
        DefaultVersionId: 'v1',
        Versions: [{ VersionId: 'v1', Document: managedDocument(input.PolicyDocument), CreateDate: now }],
        nextVersion: 2,
        CreateDate: now,
        UpdateDate: now,
        Tags: tagsIn(input.Tags),
      }
      state.policies.push(p)
      return { Policy: policyOut(p) }
    },
    GetPolicy: (input) => ({ Policy: policyOut(policy(input.PolicyArn)) }),
    DeletePolicy: (input) => {
      const p = policy(input.PolicyArn)
      if (p.Arn.startsWith('arn:aws:iam::aws:'))
        throw new AwsError('InvalidInput', 'AWS managed policies cannot be deleted.')
      if (state.roles.some((r) => r.AttachedPolicies.includes(p.Arn) || r.PermissionsBoundary === p.Arn))
        throw new AwsError('DeleteConflict', 'Cannot delete a policy attached to entities.', 409)
      if (p.Versions.length > 1)
        throw new AwsError(
          'DeleteConflict',
          "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
          409,
        )
      state.policies = state.policies.filter((x) => x !== p)
      return {}
    },
    CreatePolicyVersion: (input) => {
      required(input, 'PolicyArn', 'PolicyDocument')
      const p = policy(input.PolicyArn)
      if (p.Arn.startsWith('arn:aws:iam::aws:'))
        throw new AwsError('InvalidInput', 'AWS managed policies cannot be changed.')
      const doc = managedDocument(input.PolicyDocument)
      if (p.Versions.length >= MAX_POLICY_VERSIONS)
        throw new AwsError(
          'LimitExceeded',
          'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
          409,
        )
      const now = new Date()
      const v = { VersionId: `v${p.nextVersion++}`, Document: doc, CreateDate: now }
      p.Versions.push(v)
      p.UpdateDate = now
      if (boolean(input.SetAsDefault)) p.DefaultVersionId = v.VersionId
      return {
        PolicyVersion: {
          VersionId: v.VersionId,
          IsDefaultVersion: p.DefaultVersionId === v.VersionId,
          CreateDate: v.CreateDate,
        },
      }
    },
    GetPolicyVersion: (input) => {
      required(input, 'PolicyArn', 'VersionId')
      const p = policy(input.PolicyArn)
      const v = version(p, input.VersionId)
      return {
        PolicyVersion: {
          Document: encodeURIComponent(v.Document),
          VersionId: v.VersionId,
          IsDefaultVersion: p.DefaultVersionId === v.VersionId,
          CreateDate: v.CreateDate,
        },
      }
    },
    ListPolicyVersions: (input) => {
      const p = policy(input.PolicyArn)
      // Newest first, as IAM lists them.
      const { page: versions, more } = page([...p.Versions].reverse(), maxItems(input), `pv:${p.Arn}`)
      return {
        Versions: versions.map((v) => ({
          VersionId: v.VersionId,
          IsDefaultVersion: p.DefaultVersionId === v.VersionId,
          CreateDate: v.CreateDate,
        })),
        ...more,
      }
    },
    DeletePolicyVersion: (input) => {
      required(input, 'PolicyArn', 'VersionId')
      const p = policy(input.PolicyArn)
      const v = version(p, input.VersionId)
      if (p.DefaultVersionId === v.VersionId)
        throw new AwsError(
          'DeleteConflict',
          'Cannot delete the default version of a policy. Make another version the default first.',
          409,
        )
      p.Versions = p.Versions.filter((x) => x !== v)
      return {}
    },
    SetDefaultPolicyVersion: (input) => {
      required(input, 'PolicyArn', 'VersionId')
      const p = policy(input.PolicyArn)
      p.DefaultVersionId = version(p, input.VersionId).VersionId
      p.UpdateDate = new Date()
      return {}
    },
    /**
     * IAM's simulator of custom policies, answered by the iam-simulate engine (a dev dependency, fine
     * for the emulator): every action against every resource, with the given context entries taken
     * as they are (IAM does not add keys either). test/emulator/simulate-custom-policy.test.ts checks
     * its answers against the engine as the test suite uses it.
     */
    SimulateCustomPolicy: async (input) => {
      required(input, 'PolicyInputList', 'ActionNames')
      const parse = (doc: unknown, what: string) => {
        try {
          return JSON.parse(String(doc))
        } catch {
          throw new AwsError('MalformedPolicyDocument', `${what} is not valid JSON.`)
        }
      }
      const policies = (input.PolicyInputList as string[]).map((d, i) => ({
        name: `policy${i + 1}`,
        policy: parse(d, 'PolicyInputList'),
      }))
      const boundaries = (input.PermissionsBoundaryPolicyInputList as string[] | undefined) ?? []
      if (boundaries.length > 1)
        throw new AwsError('InvalidInput', 'You can input only one permissions boundary.', 400)
      const context: Record<string, string | string[]> = {}
      for (const e of (input.ContextEntries as
        | { ContextKeyName: string; ContextKeyValues?: string[]; ContextKeyType?: string }[]
        | undefined) ?? []) {
        const values = e.ContextKeyValues ?? []
        context[e.ContextKeyName] = String(e.ContextKeyType ?? '').endsWith('List')
          ? values
          : (values[0] ?? '')
      }
      const principalArn =
        typeof context['aws:PrincipalArn'] === 'string' ? context['aws:PrincipalArn'] : undefined
      const principal =
        (input.CallerArn as string | undefined) ??
        (principalArn && /:role\//.test(principalArn)
          ? sessionArn(principalArn)
          : `arn:aws:iam::${state.account}:user/simulated`)
      const resources = (input.ResourceArns as string[] | undefined) ?? ['*']
      const results = []
      for (const action of input.ActionNames as string[])
        for (const resource of resources) {
          const decision = await simulateOnce({
            principal,
            action,
            resource,
            accountId: resource.split(':')[4] || state.account,
            context,
            identityPolicies: policies,
            ...(boundaries[0]
              ? { permissionsBoundary: parse(boundaries[0], 'PermissionsBoundaryPolicyInputList') }
              : {}),
            ...(input.ResourcePolicy
              ? { resourcePolicy: parse(input.ResourcePolicy, 'ResourcePolicy') }
              : {}),
          })
          const EvalDecision =
            decision === 'Allowed'
              ? 'allowed'
              : decision === 'ExplicitlyDenied'
                ? 'explicitDeny'
                : 'implicitDeny'
          results.push({
            EvalActionName: action,
            EvalResourceName: resource,
            EvalDecision,
            MatchedStatements: [],
            MissingContextValues: [],
          })
        }
      const { page: out, more } = page(results, maxItems(input), `sim:${JSON.stringify(input.ActionNames)}`)
      return { EvaluationResults: out, ...more }
    },
    SimulatePrincipalPolicy: (input) => {
      required(input, 'PolicySourceArn', 'ActionNames')
      return {
        EvaluationResults: (input.ActionNames as string[]).map((EvalActionName) => ({
          EvalActionName,
          EvalDecision: 'allowed',
          EvalResourceName: '*',
        })),
        IsTruncated: false,
      }
    },
  }
}
