/** iam (awsQuery, XML answers). Policy documents come back URL-encoded, as IAM returns them. */
import { AwsError, alnum, type Input, matches, type Operation, paginate, required } from '../core.js'
import type { EmulatorState, Role } from '../state.js'

const ROLE_NAME = /^[\w+=,.@-]+$/
const POLICY_ARN = /^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/.+$/

const MANAGED: Record<string, unknown> = {
  'arn:aws:iam::aws:policy/AdministratorAccess': {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  },
}

export function iam(state: EmulatorState): Record<string, Operation> {
  const role = (name: unknown) => {
    matches(name, ROLE_NAME, 'RoleName', 'ValidationError', 64)
    const r = state.roles.find((x) => x.RoleName.toLowerCase() === String(name).toLowerCase())
    if (!r) throw new AwsError('NoSuchEntity', `The role with name ${String(name)} cannot be found.`, 404)
    return r
  }
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
        AssumeRolePolicyDocument: document(input.AssumeRolePolicyDocument, 'AssumeRolePolicyDocument'),
        Description: input.Description,
        MaxSessionDuration: Number(input.MaxSessionDuration ?? 3600),
        CreateDate: new Date(),
        Tags: tagsIn(input.Tags),
        InlinePolicies: {},
        AttachedPolicies: [],
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
      return {}
    },
    UpdateAssumeRolePolicy: (input) => {
      const r = role(input.RoleName)
      r.AssumeRolePolicyDocument = document(input.PolicyDocument, 'PolicyDocument')
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
    // AWS managed policies the tests attach, with their documents (the access review reads them).
    GetPolicy: (input) => {
      const doc = MANAGED[input.PolicyArn]
      if (!doc) throw new AwsError('NoSuchEntity', `Policy ${input.PolicyArn} was not found.`, 404)
      return {
        Policy: {
          PolicyName: String(input.PolicyArn).split('/').pop(),
          Arn: input.PolicyArn,
          DefaultVersionId: 'v1',
          AttachmentCount: 0,
          IsAttachable: true,
        },
      }
    },
    GetPolicyVersion: (input) => {
      const doc = MANAGED[input.PolicyArn]
      if (!doc || input.VersionId !== 'v1')
        throw new AwsError(
          'NoSuchEntity',
          `Policy ${input.PolicyArn} version ${input.VersionId} was not found.`,
          404,
        )
      return {
        PolicyVersion: {
          Document: encodeURIComponent(JSON.stringify(doc)),
          VersionId: 'v1',
          IsDefaultVersion: true,
        },
      }
    },
    AttachRolePolicy: (input) => {
      const r = role(input.RoleName)
      matches(input.PolicyArn, POLICY_ARN, 'PolicyArn', 'ValidationError', 2048)
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
