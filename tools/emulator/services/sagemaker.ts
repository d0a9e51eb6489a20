/** sagemaker (awsJson1_1): domains, user profiles, apps, spaces, tags, presigned URLs. */
import { randomBytes } from 'node:crypto'
import { AwsError, epoch, type Input, inRange, matches, type Operation, paginate, required } from '../core.js'
import type { App, EmulatorState, Profile } from '../state.js'

const PROFILE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/
const DOMAIN_ID = /^d-(-*[a-z0-9]){1,61}$/
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/
const SAGEMAKER_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:.+$/
const TAG_CHARSET = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u

export function sageMaker(state: EmulatorState): Record<string, Operation> {
  const domain = (id: unknown) => {
    matches(id, DOMAIN_ID, 'DomainId', 'ValidationException', 63)
    const d = state.domains.find((x) => x.DomainId === id)
    if (!d) throw new AwsError('ResourceNotFound', `Domain ${id} not found`)
    return d
  }
  /** Pending profiles become InService once their time has come (checked on every read). */
  const tick = (p: Profile) => {
    if (p.Status === 'Pending' && Date.now() >= p.readyAt) p.Status = 'InService'
    return p
  }
  /** Deleting apps become Deleted once their time has come (checked on every read), as in AWS. */
  const appTick = (a: App) => {
    if (a.Status === 'Pending' && Date.now() >= (a.readyAt ?? 0)) a.Status = 'InService'
    if (a.Status === 'Deleting' && Date.now() >= (a.deletedAt ?? 0)) a.Status = 'Deleted'
    return a
  }
  /** The app of a profile or a space (exactly one of them names it), whatever its state. */
  const appsNamed = (input: Input) =>
    state.apps.filter(
      (a) =>
        a.DomainId === input.DomainId &&
        a.AppType === input.AppType &&
        a.AppName === input.AppName &&
        (input.UserProfileName
          ? a.UserProfileName?.toLowerCase() === String(input.UserProfileName).toLowerCase()
          : a.SpaceName === input.SpaceName),
    )
  const owner = (input: Input) => {
    if ((input.UserProfileName === undefined) === (input.SpaceName === undefined))
      throw new AwsError(
        'ValidationException',
        'Exactly one of UserProfileName or SpaceName must be specified.',
      )
  }
  const profile = (domainId: unknown, name: unknown) => {
    domain(domainId)
    matches(name, PROFILE_NAME, 'UserProfileName', 'ValidationException', 63)
    const p = state.profiles.find(
      (x) => x.DomainId === domainId && x.UserProfileName.toLowerCase() === String(name).toLowerCase(),
    )
    if (!p) throw new AwsError('ResourceNotFound', `User profile ${String(name)} does not exist.`)
    return tick(p)
  }
  const taggable = (arn: unknown) => {
    required({ ResourceArn: arn }, 'ResourceArn')
    const p = state.profiles.find((x) => x.UserProfileArn === arn)
    if (p) return p.Tags
    const d = state.domains.find((x) => x.DomainArn === arn)
    if (d) return d.Tags
    throw new AwsError('ResourceNotFound', `Resource ${String(arn)} not found`)
  }
  const tagsIn = (tags: unknown) => {
    const list = (tags as { Key: string; Value: string }[]) ?? []
    if (list.length > 50)
      throw new AwsError('ValidationException', 'Tags: Member must have length less than or equal to 50')
    const out: Record<string, string> = {}
    for (const t of list) {
      matches(t.Key, TAG_CHARSET, 'Tags.Key', 'ValidationException', 128)
      if (String(t.Key).startsWith('aws:'))
        throw new AwsError('ValidationException', 'Tag keys may not start with aws:')
      matches(t.Value, TAG_CHARSET, 'Tags.Value', 'ValidationException', 256) // values: same charset, 0..256
      out[t.Key] = t.Value
    }
    return out
  }
  const profileOut = (p: Profile) => ({
    DomainId: p.DomainId,
    UserProfileArn: p.UserProfileArn,
    UserProfileName: p.UserProfileName,
    Status: p.Status,
    CreationTime: epoch(p.CreationTime),
    LastModifiedTime: epoch(p.LastModifiedTime),
    UserSettings: p.UserSettings,
  })
  return {
    DescribeDomain: (input) => {
      const d = domain(input.DomainId)
      return {
        DomainArn: d.DomainArn,
        DomainId: d.DomainId,
        DomainName: d.DomainName,
        Status: d.Status,
        AuthMode: d.AuthMode,
        DefaultUserSettings: d.DefaultUserSettings,
        Url: d.Url,
        CreationTime: epoch(d.CreationTime),
        LastModifiedTime: epoch(d.CreationTime),
        AppNetworkAccessType: 'PublicInternetOnly',
        TagPropagation: d.TagPropagation,
        ...(d.DefaultSpaceSettings ? { DefaultSpaceSettings: d.DefaultSpaceSettings } : {}),
      }
    },
    ListDomains: (input) => {
      const { page, nextToken } = paginate(state.domains, input, { max: 100, scope: 'domains' })
      return {
        Domains: page.map((d) => ({
          DomainArn: d.DomainArn,
          DomainId: d.DomainId,
          DomainName: d.DomainName,
          Status: d.Status,
          CreationTime: epoch(d.CreationTime),
          Url: d.Url,
        })),
        NextToken: nextToken,
      }
    },
    CreateUserProfile: (input) => {
      required(input, 'DomainId', 'UserProfileName')
      const d = domain(input.DomainId)
      matches(input.UserProfileName, PROFILE_NAME, 'UserProfileName', 'ValidationException', 63)
      if (input.SingleSignOnUserIdentifier !== undefined && d.AuthMode !== 'SSO') {
        throw new AwsError(
          'ValidationException',
          'SingleSignOnUserIdentifier is only valid for domains in SSO auth mode',
        )
      }
      if (input.UserSettings?.ExecutionRole !== undefined)
        matches(
          input.UserSettings.ExecutionRole,
          ROLE_ARN,
          'UserSettings.ExecutionRole',
          'ValidationException',
          2048,
        )
      const name = String(input.UserProfileName)
      if (
        state.profiles.some(
          (x) => x.DomainId === d.DomainId && x.UserProfileName.toLowerCase() === name.toLowerCase(),
        )
      ) {
        throw new AwsError(
          'ResourceInUse',
          `Resource Already Exists: UserProfile with name ${name} already exists. Choose a different name.`,
        )
      }
      const now = new Date()
      const p: Profile = {
        DomainId: d.DomainId,
        UserProfileName: name,
        UserProfileArn: `arn:aws:sagemaker:${state.region}:${state.account}:user-profile/${d.DomainId}/${name.toLowerCase()}`,
        Status: 'Pending',
        CreationTime: now,
        LastModifiedTime: now,
        UserSettings: input.UserSettings ?? {},
        Tags: tagsIn(input.Tags),
        readyAt: Date.now() + state.profileReadyMs,
      }
      state.profiles.push(p)
      return { UserProfileArn: p.UserProfileArn }
    },
    DescribeUserProfile: (input) => {
      required(input, 'DomainId', 'UserProfileName')
      return profileOut(profile(input.DomainId, input.UserProfileName))
    },
    ListUserProfiles: (input) => {
      if (input.DomainIdEquals !== undefined) domain(input.DomainIdEquals)
      const contains = input.UserProfileNameContains
        ? String(input.UserProfileNameContains).toLowerCase()
        : undefined
      const all = state.profiles
        .filter(
          (p) =>
            (!input.DomainIdEquals || p.DomainId === input.DomainIdEquals) &&
            (!contains || p.UserProfileName.toLowerCase().includes(contains)),
        )
        .map(tick)
      const { page, nextToken } = paginate(all, input, {
        max: 100,
        default: 10,
        scope: `profiles:${input.DomainIdEquals}:${contains}`,
      })
      return {
        UserProfiles: page.map((p) => ({
          DomainId: p.DomainId,
          UserProfileName: p.UserProfileName,
          Status: p.Status,
          CreationTime: epoch(p.CreationTime),
          LastModifiedTime: epoch(p.LastModifiedTime),
        })),
        NextToken: nextToken,
      }
    },
    UpdateUserProfile: (input) => {
      required(input, 'DomainId', 'UserProfileName')
      const p = profile(input.DomainId, input.UserProfileName)
      if (p.Status === 'Pending')
        throw new AwsError('ResourceInUse', `User profile ${p.UserProfileName} is being created`)
      if (input.UserSettings?.ExecutionRole !== undefined)
        matches(
          input.UserSettings.ExecutionRole,
          ROLE_ARN,
          'UserSettings.ExecutionRole',
          'ValidationException',
          2048,
        )
      // UpdateUserProfile replaces each top-level member of UserSettings it is sent and leaves the
      // others (a member left out is not unset); a list sent empty, or a structure sent empty, is
      // unset. A structure with required members (CustomPosixUserConfig) cannot be sent empty: the
      // model check refuses it before this handler runs.
      const settings = { ...p.UserSettings }
      for (const [key, value] of Object.entries((input.UserSettings ?? {}) as Record<string, unknown>)) {
        const empty =
          (Array.isArray(value) && value.length === 0) ||
          (value !== null &&
            typeof value === 'object' &&
            !Array.isArray(value) &&
            Object.keys(value).length === 0)
        if (empty) delete settings[key]
        else settings[key] = value
      }
      p.UserSettings = settings
      p.LastModifiedTime = new Date()
      return { UserProfileArn: p.UserProfileArn }
    },
    DeleteUserProfile: (input) => {
      required(input, 'DomainId', 'UserProfileName')
      const p = profile(input.DomainId, input.UserProfileName)
      const name = p.UserProfileName.toLowerCase()
      const apps = state.apps.filter(
        (a) =>
          a.DomainId === p.DomainId &&
          a.UserProfileName?.toLowerCase() === name &&
          appTick(a).Status !== 'Deleted',
      )
      const spaces = state.spaces.filter(
        (s) => s.DomainId === p.DomainId && s.OwnerUserProfileName?.toLowerCase() === name,
      )
      if (apps.length > 0 || spaces.length > 0) {
        throw new AwsError(
          'ResourceInUse',
          `Unable to delete user profile [${p.UserProfileName}] because there are apps or spaces associated with it.`,
        )
      }
      state.profiles = state.profiles.filter((x) => x !== p)
      return {}
    },
    ListApps: (input) => {
      if (input.DomainIdEquals !== undefined) domain(input.DomainIdEquals)
      const all = state.apps
        .map(appTick)
        .filter(
          (a) =>
            (!input.DomainIdEquals || a.DomainId === input.DomainIdEquals) &&
            (!input.UserProfileNameEquals ||
              a.UserProfileName?.toLowerCase() === String(input.UserProfileNameEquals).toLowerCase()) &&
            (!input.SpaceNameEquals || a.SpaceName === input.SpaceNameEquals),
        )
      const { page, nextToken } = paginate(all, input, {
        max: 100,
        default: 10,
        scope: `apps:${JSON.stringify([input.DomainIdEquals, input.UserProfileNameEquals, input.SpaceNameEquals])}`,
      })
      return {
        Apps: page.map((a) => ({
          DomainId: a.DomainId,
          UserProfileName: a.UserProfileName,
          SpaceName: a.SpaceName,
          AppType: a.AppType,
          AppName: a.AppName,
          Status: a.Status,
          CreationTime: epoch(a.CreationTime),
        })),
        NextToken: nextToken,
      }
    },
    // Studio apps: CreateApp starts one (Pending → InService), DeleteApp stops it (Deleting →
    // Deleted); a Deleted app is still described and listed, as SageMaker keeps it for a while.
    CreateApp: (input) => {
      required(input, 'DomainId', 'AppType', 'AppName')
      const d = domain(input.DomainId)
      owner(input)
      if (input.UserProfileName !== undefined) {
        const p = profile(input.DomainId, input.UserProfileName)
        if (p.Status !== 'InService')
          throw new AwsError('ValidationException', `User profile ${p.UserProfileName} is not InService`)
      } else if (!state.spaces.some((x) => x.DomainId === d.DomainId && x.SpaceName === input.SpaceName))
        throw new AwsError('ResourceNotFound', `Space ${String(input.SpaceName)} does not exist.`)
      if (appsNamed(input).some((a) => appTick(a).Status !== 'Deleted' && a.Status !== 'Failed'))
        throw new AwsError(
          'ResourceInUse',
          `App ${String(input.AppName)} of type ${String(input.AppType)} already exists.`,
        )
      const ownerName = String(input.UserProfileName ?? input.SpaceName).toLowerCase()
      const app: App = {
        DomainId: d.DomainId,
        ...(input.UserProfileName !== undefined ? { UserProfileName: String(input.UserProfileName) } : {}),
        ...(input.SpaceName !== undefined ? { SpaceName: String(input.SpaceName) } : {}),
        AppType: String(input.AppType),
        AppName: String(input.AppName),
        Status: 'Pending',
        CreationTime: new Date(),
        readyAt: Date.now() + state.profileReadyMs,
        AppArn: `arn:aws:sagemaker:${state.region}:${state.account}:app/${d.DomainId}/${ownerName}/${String(input.AppType).toLowerCase()}/${String(input.AppName).toLowerCase()}`,
      }
      state.apps.push(app)
      return { AppArn: app.AppArn }
    },
    DescribeApp: (input) => {
      required(input, 'DomainId', 'AppType', 'AppName')
      domain(input.DomainId)
      owner(input)
      const list = appsNamed(input).map(appTick)
      // The live one if any, else the most recent (a Deleted app is described as Deleted).
      const app = list.find((a) => a.Status !== 'Deleted') ?? list.at(-1)
      if (!app) throw new AwsError('ResourceNotFound', `App ${String(input.AppName)} does not exist.`)
      return {
        AppArn: app.AppArn,
        AppType: app.AppType,
        AppName: app.AppName,
        DomainId: app.DomainId,
        ...(app.UserProfileName ? { UserProfileName: app.UserProfileName } : {}),
        ...(app.SpaceName ? { SpaceName: app.SpaceName } : {}),
        Status: app.Status,
        CreationTime: epoch(app.CreationTime),
      }
    },
    DeleteApp: (input) => {
      required(input, 'DomainId', 'AppType', 'AppName')
      domain(input.DomainId)
      owner(input)
      const app = appsNamed(input).find((a) => appTick(a).Status !== 'Deleted')
      if (!app) throw new AwsError('ResourceNotFound', `App ${input.AppName} not found`)
      if (app.Status !== 'Deleting') {
        app.Status = 'Deleting'
        app.deletedAt = Date.now() + state.profileReadyMs
      }
      return {}
    },
    ListSpaces: (input) => {
      if (input.DomainIdEquals !== undefined) domain(input.DomainIdEquals)
      const all = state.spaces.filter((s) => !input.DomainIdEquals || s.DomainId === input.DomainIdEquals)
      const { page, nextToken } = paginate(all, input, {
        max: 100,
        default: 10,
        scope: `spaces:${input.DomainIdEquals}`,
      })
      return {
        Spaces: page.map((s) => ({
          DomainId: s.DomainId,
          SpaceName: s.SpaceName,
          Status: s.Status,
          CreationTime: epoch(s.CreationTime),
          OwnershipSettingsSummary: s.OwnerUserProfileName
            ? { OwnerUserProfileName: s.OwnerUserProfileName }
            : undefined,
          SpaceSharingSettingsSummary: s.SharingType ? { SharingType: s.SharingType } : undefined,
        })),
        NextToken: nextToken,
      }
    },
    AddTags: (input) => {
      required(input, 'ResourceArn', 'Tags')
      const tags = taggable(input.ResourceArn)
      const add = tagsIn(input.Tags)
      if (Object.keys({ ...tags, ...add }).length > 50)
        throw new AwsError('ValidationException', 'A resource can have at most 50 tags')
      Object.assign(tags, add)
      return { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }
    },
    DeleteTags: (input) => {
      // The model: ResourceArn ≤ 256 of arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:.+; TagKeys 1..50
      // keys, each 1..128 of the tag-key charset. A key the resource does not have is no error.
      required(input, 'ResourceArn', 'TagKeys')
      matches(input.ResourceArn, SAGEMAKER_ARN, 'ResourceArn', 'ValidationException', 256)
      const keys = input.TagKeys as unknown[]
      if (!Array.isArray(keys) || keys.length < 1 || keys.length > 50)
        throw new AwsError(
          'ValidationException',
          `1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must have length ${Array.isArray(keys) && keys.length > 50 ? 'less than or equal to 50' : 'greater than or equal to 1'}`,
        )
      for (const k of keys) {
        matches(k, TAG_CHARSET, 'TagKeys.member', 'ValidationException', 128)
        if (k === '')
          throw new AwsError(
            'ValidationException',
            "1 validation error detected: Value '' at 'tagKeys.member' failed to satisfy constraint: Member must have length greater than or equal to 1",
          )
      }
      const tags = taggable(input.ResourceArn)
      for (const k of keys as string[]) delete tags[k]
      return {}
    },
    ListTags: (input) => {
      const tags = taggable(input.ResourceArn)
      const all = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }))
      const { page, nextToken } = paginate(all, input, {
        max: 100,
        default: 50,
        scope: `tags:${input.ResourceArn}`,
      })
      return { Tags: page, NextToken: nextToken }
    },
    CreatePresignedDomainUrl: (input: Input) => {
      required(input, 'DomainId', 'UserProfileName')
      const d = domain(input.DomainId)
      inRange(input.SessionExpirationDurationInSeconds, 1800, 43200, 'SessionExpirationDurationInSeconds')
      inRange(input.ExpiresInSeconds, 5, 300, 'ExpiresInSeconds')
      if (input.LandingUri !== undefined && String(input.LandingUri).length > 1023)
        throw new AwsError('ValidationException', 'LandingUri is too long')
      if (d.AuthMode !== 'IAM')
        throw new AwsError(
          'ValidationException',
          'CreatePresignedDomainUrl is only supported for domains in IAM auth mode',
        )
      const p = profile(input.DomainId, input.UserProfileName)
      if (p.Status !== 'InService')
        throw new AwsError('ValidationException', `User profile ${p.UserProfileName} is not InService`)
      const token = randomBytes(24).toString('base64url')
      return { AuthorizedUrl: `${d.Url}/auth?token=${token}` }
    },
  }
}
