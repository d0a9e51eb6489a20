/** identitystore and sso-admin (awsJson1_1). */
import {
  AwsError,
  epoch,
  hex,
  type Input,
  matches,
  notFound,
  type Operation,
  oneOf,
  paginate,
  required,
} from '../core.js'
import { CUSTOM_SAML, type EmulatorState, userIdFor } from '../state.js'

const ID_PATTERN =
  /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/
const STORE_PATTERN = /^d-[0-9a-f]{10}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export function identityStore(state: EmulatorState): Record<string, Operation> {
  const store = (input: Input) => {
    required(input, 'IdentityStoreId')
    matches(input.IdentityStoreId, STORE_PATTERN, 'IdentityStoreId')
    if (!state.instances.some((i) => i.IdentityStoreId === input.IdentityStoreId)) {
      throw new AwsError('ResourceNotFoundException', `Identity store ${input.IdentityStoreId} not found`)
    }
    return input.IdentityStoreId as string
  }
  // UserId and GroupId formats are the model's (validation.ts), which also allows the ARN form.
  const user = (storeId: string, userId: string) => {
    const u = state.users.find((x) => x.IdentityStoreId === storeId && x.UserId === userId)
    if (!u) throw new AwsError('ResourceNotFoundException', `USER not found: ${userId}`)
    return u
  }
  const group = (storeId: string, groupId: string) => {
    const g = state.groups.find((x) => x.IdentityStoreId === storeId && x.GroupId === groupId)
    if (!g) throw new AwsError('ResourceNotFoundException', `GROUP not found: ${groupId}`)
    return g
  }
  const uniqueAttribute = (input: Input, allowed: string[]) => {
    required(input, 'AlternateIdentifier')
    const attr = input.AlternateIdentifier.UniqueAttribute
    if (!attr) throw new AwsError('ValidationException', 'AlternateIdentifier.UniqueAttribute is required')
    if (!allowed.includes(attr.AttributePath)) {
      throw new AwsError(
        'ValidationException',
        `Invalid AttributePath ${attr.AttributePath}; supported: ${allowed.join(', ')}`,
      )
    }
    return { path: attr.AttributePath as string, value: String(attr.AttributeValue) }
  }
  const userOut = (u: (typeof state.users)[number]) => ({
    IdentityStoreId: u.IdentityStoreId,
    UserId: u.UserId,
    UserName: u.UserName,
    DisplayName: u.DisplayName,
    Emails: u.Emails,
    Name: u.Name,
  })
  const membershipOut = (m: (typeof state.memberships)[number]) => ({
    IdentityStoreId: m.IdentityStoreId,
    MembershipId: m.MembershipId,
    GroupId: m.GroupId,
    MemberId: { UserId: m.UserId },
  })
  return {
    GetUserId: (input) => {
      const s = store(input)
      const { path, value } = uniqueAttribute(input, ['userName', 'emails.value'])
      const u = state.users.find(
        (x) =>
          x.IdentityStoreId === s &&
          (path === 'userName'
            ? x.UserName.toLowerCase() === value.toLowerCase()
            : x.Emails?.some((e) => e.Value === value)),
      )
      if (!u) throw new AwsError('ResourceNotFoundException', 'USER not found.')
      return { UserId: u.UserId, IdentityStoreId: s }
    },
    GetGroupId: (input) => {
      const s = store(input)
      const { value } = uniqueAttribute(input, ['displayName'])
      const g = state.groups.find((x) => x.IdentityStoreId === s && x.DisplayName === value)
      if (!g) throw new AwsError('ResourceNotFoundException', 'GROUP not found.')
      return { GroupId: g.GroupId, IdentityStoreId: s }
    },
    DescribeUser: (input) => userOut(user(store(input), input.UserId)),
    DescribeGroup: (input) => {
      const g = group(store(input), input.GroupId)
      return {
        IdentityStoreId: g.IdentityStoreId,
        GroupId: g.GroupId,
        DisplayName: g.DisplayName,
        Description: g.Description,
      }
    },
    ListUsers: (input) => {
      const s = store(input)
      const all = state.users.filter((u) => u.IdentityStoreId === s)
      const { page, nextToken } = paginate(all, input, { max: 100, scope: `users:${s}` })
      return { Users: page.map(userOut), NextToken: nextToken }
    },
    ListGroups: (input) => {
      const s = store(input)
      const all = state.groups.filter((g) => g.IdentityStoreId === s)
      const { page, nextToken } = paginate(all, input, { max: 100, scope: `groups:${s}` })
      return {
        Groups: page.map((g) => ({
          IdentityStoreId: g.IdentityStoreId,
          GroupId: g.GroupId,
          DisplayName: g.DisplayName,
        })),
        NextToken: nextToken,
      }
    },
    ListGroupMemberships: (input) => {
      const s = store(input)
      group(s, input.GroupId)
      const all = state.memberships.filter((m) => m.IdentityStoreId === s && m.GroupId === input.GroupId)
      const { page, nextToken } = paginate(all, input, { max: 100, scope: `gm:${input.GroupId}` })
      return { GroupMemberships: page.map(membershipOut), NextToken: nextToken }
    },
    ListGroupMembershipsForMember: (input) => {
      const s = store(input)
      required(input, 'MemberId')
      user(s, input.MemberId.UserId)
      const all = state.memberships.filter(
        (m) => m.IdentityStoreId === s && m.UserId === input.MemberId.UserId,
      )
      const { page, nextToken } = paginate(all, input, { max: 100, scope: `gmm:${input.MemberId.UserId}` })
      return { GroupMemberships: page.map(membershipOut), NextToken: nextToken }
    },
    CreateUser: (input) => {
      const s = store(input)
      required(input, 'UserName')
      matches(input.UserName, /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u, 'UserName', 'ValidationException', 128)
      if (
        state.users.some(
          (u) => u.IdentityStoreId === s && u.UserName.toLowerCase() === String(input.UserName).toLowerCase(),
        )
      ) {
        throw new AwsError('ConflictException', 'Duplicate UserName')
      }
      const u = {
        IdentityStoreId: s,
        UserId: userIdFor(s),
        UserName: input.UserName,
        DisplayName: input.DisplayName,
        Emails: input.Emails,
        Name: input.Name,
      }
      state.users.push(u)
      return { UserId: u.UserId, IdentityStoreId: s }
    },
    CreateGroup: (input) => {
      const s = store(input)
      required(input, 'DisplayName')
      if (state.groups.some((g) => g.IdentityStoreId === s && g.DisplayName === input.DisplayName)) {
        throw new AwsError('ConflictException', 'Duplicate GroupDisplayName')
      }
      const g = {
        IdentityStoreId: s,
        GroupId: userIdFor(s),
        DisplayName: input.DisplayName,
        Description: input.Description,
      }
      state.groups.push(g)
      return { GroupId: g.GroupId, IdentityStoreId: s }
    },
    CreateGroupMembership: (input) => {
      const s = store(input)
      required(input, 'GroupId', 'MemberId')
      group(s, input.GroupId)
      user(s, input.MemberId.UserId)
      if (state.memberships.some((m) => m.GroupId === input.GroupId && m.UserId === input.MemberId.UserId)) {
        throw new AwsError('ConflictException', 'Member is already in the group')
      }
      const m = {
        IdentityStoreId: s,
        MembershipId: userIdFor(s),
        GroupId: input.GroupId,
        UserId: input.MemberId.UserId,
      }
      state.memberships.push(m)
      return { MembershipId: m.MembershipId, IdentityStoreId: s }
    },
  }
}

const INSTANCE_ARN =
  /^arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/
const APP_ARN =
  /^arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso::\d{12}:application\/(sso)?ins-[a-zA-Z0-9-.]{16}\/apl-[a-zA-Z0-9]{16}$/
const PROVIDERS = [
  {
    ApplicationProviderArn: CUSTOM_SAML,
    FederationProtocol: 'SAML',
    DisplayData: { DisplayName: 'Custom SAML 2.0 application' },
  },
  {
    ApplicationProviderArn: 'arn:aws:sso::aws:applicationProvider/custom',
    FederationProtocol: 'OAUTH',
    DisplayData: { DisplayName: 'Custom OAuth 2.0 application' },
  },
]

export function ssoAdmin(state: EmulatorState): Record<string, Operation> {
  const instance = (arn: unknown) => {
    matches(arn, INSTANCE_ARN, 'InstanceArn')
    const i = state.instances.find((x) => x.InstanceArn === arn)
    if (!i) throw new AwsError('ResourceNotFoundException', `Instance ${arn} not found`)
    return i
  }
  const application = (arn: unknown) => {
    matches(arn, APP_ARN, 'ApplicationArn')
    const a = state.applications.find((x) => x.ApplicationArn === arn)
    if (!a) throw new AwsError('ResourceNotFoundException', `Application ${arn} not found`)
    return a
  }
  const appOut = (a: (typeof state.applications)[number]) => ({
    ApplicationArn: a.ApplicationArn,
    ApplicationProviderArn: a.ApplicationProviderArn,
    Name: a.Name,
    ApplicationAccount: a.ApplicationAccount,
    InstanceArn: a.InstanceArn,
    Status: a.Status,
    PortalOptions: a.PortalOptions,
    Description: a.Description,
    CreatedDate: epoch(a.CreatedDate),
  })
  const tagsIn = (tags: unknown) => {
    const out: Record<string, string> = {}
    for (const t of (tags as { Key: string; Value: string }[]) ?? []) {
      matches(t.Key, /^[\w+=,.@:/-]+$/, 'Tags.Key', 'ValidationException', 128)
      out[t.Key] = t.Value
    }
    if (Object.keys(out).length > 75) throw new AwsError('ValidationException', 'Too many tags')
    return out
  }
  return {
    ListInstances: (input) => {
      const { page, nextToken } = paginate(state.instances, input, { max: 100, scope: 'instances' })
      return {
        Instances: page.map((i) => ({
          InstanceArn: i.InstanceArn,
          IdentityStoreId: i.IdentityStoreId,
          OwnerAccountId: i.OwnerAccountId,
          Name: i.Name,
          Status: i.Status,
          CreatedDate: epoch(i.CreatedDate),
        })),
        NextToken: nextToken,
      }
    },
    ListApplicationProviders: (input) => {
      const { page, nextToken } = paginate(PROVIDERS, input, { max: 100, scope: 'providers' })
      return { ApplicationProviders: page, NextToken: nextToken }
    },
    CreateApplication: (input) => {
      required(input, 'InstanceArn', 'ApplicationProviderArn', 'Name')
      const i = instance(input.InstanceArn)
      matches(input.Name, /^[\S\s]+$/, 'Name', 'ValidationException', 100)
      oneOf(input.Status, ['ENABLED', 'DISABLED'], 'Status')
      if (!PROVIDERS.some((p) => p.ApplicationProviderArn === input.ApplicationProviderArn)) {
        throw new AwsError(
          'ValidationException',
          `The application provider with arn '${input.ApplicationProviderArn}' does not exist`,
        )
      }
      if (state.samlProviderRefused && input.ApplicationProviderArn === CUSTOM_SAML) {
        // The code AWS answers with; the text is deliberately not AWS's (which is not documented),
        // so that the CLI is seen to decide by code and context.
        throw new AwsError('ValidationException', 'This application provider cannot be used here (emulator)')
      }
      oneOf(input.PortalOptions?.Visibility, ['ENABLED', 'DISABLED'], 'PortalOptions.Visibility')
      const a = {
        ApplicationArn: `arn:aws:sso::${state.account}:application/${i.InstanceArn.split('/').pop()}/apl-${hex(16)}`,
        Name: input.Name,
        Description: input.Description,
        ApplicationProviderArn: input.ApplicationProviderArn,
        InstanceArn: i.InstanceArn,
        ApplicationAccount: state.account,
        Status: input.Status ?? 'ENABLED',
        PortalOptions: {
          Visibility: input.PortalOptions?.Visibility ?? 'ENABLED',
          SignInOptions: input.PortalOptions?.SignInOptions ?? { Origin: 'IDENTITY_CENTER' },
        },
        CreatedDate: new Date(),
        AssignmentRequired: true,
        Tags: tagsIn(input.Tags),
      }
      state.applications.push(a)
      return { ApplicationArn: a.ApplicationArn }
    },
    DescribeApplication: (input) => appOut(application(input.ApplicationArn)),
    ListApplications: (input) => {
      required(input, 'InstanceArn')
      instance(input.InstanceArn)
      const filter = input.Filter ?? {}
      const all = state.applications.filter(
        (a) =>
          a.InstanceArn === input.InstanceArn &&
          (!filter.ApplicationProvider || a.ApplicationProviderArn === filter.ApplicationProvider) &&
          (!filter.ApplicationAccount || a.ApplicationAccount === filter.ApplicationAccount),
      )
      const { page, nextToken } = paginate(all, input, { max: 100, scope: `apps:${input.InstanceArn}` })
      return { Applications: page.map(appOut), NextToken: nextToken }
    },
    UpdateApplication: (input) => {
      const a = application(input.ApplicationArn)
      if (input.Name !== undefined) {
        matches(input.Name, /^[\S\s]+$/, 'Name', 'ValidationException', 100)
        a.Name = input.Name
      }
      if (input.Description !== undefined) a.Description = input.Description
      if (input.Status !== undefined) {
        oneOf(input.Status, ['ENABLED', 'DISABLED'], 'Status')
        a.Status = input.Status
      }
      if (input.PortalOptions?.SignInOptions)
        a.PortalOptions.SignInOptions = input.PortalOptions.SignInOptions
      return {}
    },
    DeleteApplication: (input) => {
      const a = application(input.ApplicationArn)
      state.applications = state.applications.filter((x) => x !== a)
      state.assignments = state.assignments.filter((x) => x.ApplicationArn !== a.ApplicationArn)
      return {}
    },
    PutApplicationAssignmentConfiguration: (input) => {
      required(input, 'ApplicationArn', 'AssignmentRequired')
      application(input.ApplicationArn).AssignmentRequired = Boolean(input.AssignmentRequired)
      return {}
    },
    GetApplicationAssignmentConfiguration: (input) => ({
      AssignmentRequired: application(input.ApplicationArn).AssignmentRequired,
    }),
    CreateApplicationAssignment: (input) => {
      required(input, 'ApplicationArn', 'PrincipalId', 'PrincipalType')
      const a = application(input.ApplicationArn)
      oneOf(input.PrincipalType, ['USER', 'GROUP'], 'PrincipalType')
      matches(input.PrincipalId, ID_PATTERN, 'PrincipalId', 'ValidationException', 47)
      const store = state.instances.find((i) => i.InstanceArn === a.InstanceArn)?.IdentityStoreId
      const exists =
        input.PrincipalType === 'USER'
          ? state.users.some((u) => u.IdentityStoreId === store && u.UserId === input.PrincipalId)
          : state.groups.some((g) => g.IdentityStoreId === store && g.GroupId === input.PrincipalId)
      if (!exists)
        throw new AwsError(
          'ResourceNotFoundException',
          `${input.PrincipalType} ${input.PrincipalId} not found`,
        )
      if (
        state.assignments.some(
          (x) =>
            x.ApplicationArn === a.ApplicationArn &&
            x.PrincipalId === input.PrincipalId &&
            x.PrincipalType === input.PrincipalType,
        )
      ) {
        throw new AwsError('ConflictException', 'The assignment already exists')
      }
      state.assignments.push({
        ApplicationArn: a.ApplicationArn,
        PrincipalId: input.PrincipalId,
        PrincipalType: input.PrincipalType,
      })
      return {}
    },
    DeleteApplicationAssignment: (input) => {
      required(input, 'ApplicationArn', 'PrincipalId', 'PrincipalType')
      const a = application(input.ApplicationArn)
      const before = state.assignments.length
      state.assignments = state.assignments.filter(
        (x) =>
          !(
            x.ApplicationArn === a.ApplicationArn &&
            x.PrincipalId === input.PrincipalId &&
            x.PrincipalType === input.PrincipalType
          ),
      )
      if (state.assignments.length === before)
        throw new AwsError('ResourceNotFoundException', 'Assignment not found')
      return {}
    },
    ListApplicationAssignments: (input) => {
      const a = application(input.ApplicationArn)
      const all = state.assignments.filter((x) => x.ApplicationArn === a.ApplicationArn)
      const { page, nextToken } = paginate(all, input, { max: 100, scope: `asg:${a.ApplicationArn}` })
      return { ApplicationAssignments: page, NextToken: nextToken }
    },
    TagResource: (input) => {
      required(input, 'ResourceArn', 'Tags')
      const a = application(input.ResourceArn)
      Object.assign(a.Tags, tagsIn(input.Tags))
      return {}
    },
    UntagResource: (input) => {
      const a = application(input.ResourceArn)
      for (const k of input.TagKeys ?? []) delete a.Tags[k]
      return {}
    },
    ListTagsForResource: (input) => {
      required(input, 'ResourceArn')
      const a = application(input.ResourceArn)
      const all = Object.entries(a.Tags).map(([Key, Value]) => ({ Key, Value }))
      const { page, nextToken } = paginate(all, input, { max: 100, scope: `tags:${a.ApplicationArn}` })
      return { Tags: page, NextToken: nextToken }
    },
  }
}

export { notFound }
