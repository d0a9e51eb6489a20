/** lakeformation (restJson1): LF-tags and grants on LF-tag policies. */
import { AwsError, type Input, type Operation, paginate, required } from '../core.js'
import type { EmulatorState, LfGrant } from '../state.js'
import type { Directory } from './iam.js'

const TAG_KEY = /^([\p{L}\p{Z}\p{N}_.:/=+\-@%]*)$/u
const VALID: Record<string, string[]> = {
  DATABASE: ['ALL', 'ALTER', 'CREATE_TABLE', 'DESCRIBE', 'DROP'],
  TABLE: ['ALL', 'ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT', 'SELECT'],
}
/** BatchGrantPermissions / BatchRevokePermissions accept at most 20 entries. */
export const LF_BATCH_MAX = 20

export function lakeFormation(
  state: EmulatorState,
  directory: Directory = { states: () => [state] },
): Record<string, Operation> {
  const tag = (key: unknown) => {
    const t = state.lfTags.find((x) => x.TagKey === key)
    if (!t) throw new AwsError('EntityNotFoundException', `Tag key does not exist: ${String(key)}`)
    return t
  }
  const values = (vs: unknown, field: string) => {
    if (!Array.isArray(vs) || vs.length === 0 || vs.length > 1000)
      throw new AwsError('InvalidInputException', `${field} must have 1..1000 values`)
    for (const v of vs)
      if (typeof v !== 'string' || v.length === 0 || v.length > 256)
        throw new AwsError('InvalidInputException', `Invalid tag value ${String(v)}`)
    return vs as string[]
  }
  /** Validates a Resource and returns its canonical key (LF-tag policy expressions normalised). */
  const resourceKey = (resource: Input, permissions?: string[]): string => {
    if (!resource || typeof resource !== 'object')
      throw new AwsError('InvalidInputException', 'Resource is required')
    const policy = resource.LFTagPolicy
    if (policy) {
      if (!['DATABASE', 'TABLE'].includes(policy.ResourceType))
        throw new AwsError('InvalidInputException', `Invalid ResourceType ${policy.ResourceType}`)
      if (!Array.isArray(policy.Expression) || policy.Expression.length === 0)
        throw new AwsError('InvalidInputException', 'Expression is required')
      for (const term of policy.Expression) {
        const t = tag(term.TagKey)
        for (const v of values(term.TagValues, 'TagValues')) {
          if (v !== '*' && !t.TagValues.includes(v))
            throw new AwsError(
              'InvalidInputException',
              `Tag value ${v} does not exist for key ${term.TagKey}`,
            )
        }
      }
      for (const p of permissions ?? []) {
        if (!VALID[policy.ResourceType].includes(p))
          throw new AwsError(
            'InvalidInputException',
            `Permission ${p} is not valid on ${policy.ResourceType}`,
          )
      }
      const expr = [...policy.Expression]
        .map((t: { TagKey: string; TagValues: string[] }) => ({
          TagKey: t.TagKey,
          TagValues: [...t.TagValues].sort(),
        }))
        .sort((a, b) => a.TagKey.localeCompare(b.TagKey))
      return JSON.stringify({
        LFTagPolicy: {
          CatalogId: policy.CatalogId ?? state.account,
          ResourceType: policy.ResourceType,
          Expression: expr,
        },
      })
    }
    if (resource.LFTag) return JSON.stringify({ LFTag: resource.LFTag })
    if (resource.Database) return JSON.stringify({ Database: resource.Database })
    if (resource.Table) return JSON.stringify({ Table: resource.Table })
    if (resource.Catalog) return JSON.stringify({ Catalog: {} })
    throw new AwsError('InvalidInputException', 'Unsupported resource')
  }
  const grant = (entry: Input) => {
    required(entry, 'Principal', 'Resource', 'Permissions')
    const principal = entry.Principal.DataLakePrincipalIdentifier
    if (!principal)
      throw new AwsError('InvalidInputException', 'Principal.DataLakePrincipalIdentifier is required')
    // The role is looked up in its own account (a grant may name another account's role);
    // an account the emulator does not have cannot be checked.
    const role = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(.+)$/.exec(principal)
    const owner = role && directory.states().find((x) => x.account === role[1])
    if (owner && !owner.roles.some((r) => r.RoleName === role![2].split('/').pop())) {
      throw new AwsError('InvalidInputException', `Principal ${principal} does not exist`)
    }
    const key = resourceKey(entry.Resource, entry.Permissions)
    let g = state.lfGrants.find((x) => x.principal === principal && x.resourceKey === key)
    if (!g) {
      g = { principal, resource: JSON.parse(key), resourceKey: key, permissions: [], grantable: [] }
      state.lfGrants.push(g)
    }
    for (const p of entry.Permissions as string[]) if (!g.permissions.includes(p)) g.permissions.push(p)
    for (const p of (entry.PermissionsWithGrantOption as string[]) ?? [])
      if (!g.grantable.includes(p)) g.grantable.push(p)
  }
  const revoke = (entry: Input) => {
    required(entry, 'Principal', 'Resource', 'Permissions')
    const principal = entry.Principal.DataLakePrincipalIdentifier
    const key = resourceKey(entry.Resource)
    const g = state.lfGrants.find((x) => x.principal === principal && x.resourceKey === key)
    const perms = entry.Permissions as string[]
    if (!g || perms.some((p) => !g.permissions.includes(p))) {
      throw new AwsError(
        'InvalidInputException',
        'Grantee has no permissions and no grantable permissions on resource',
      )
    }
    g.permissions = g.permissions.filter((p) => !perms.includes(p))
    g.grantable = g.grantable.filter(
      (p) => !((entry.PermissionsWithGrantOption as string[]) ?? []).includes(p),
    )
    if (g.permissions.length === 0) state.lfGrants = state.lfGrants.filter((x) => x !== g)
  }
  const batch = (input: Input, each: (entry: Input) => void) => {
    required(input, 'Entries')
    const entries = input.Entries as Input[]
    if (entries.length === 0 || entries.length > LF_BATCH_MAX)
      throw new AwsError('InvalidInputException', `Entries must have 1..${LF_BATCH_MAX} items`)
    const Failures: Input[] = []
    for (const entry of entries) {
      try {
        required(entry, 'Id')
        each(entry)
      } catch (err) {
        const e = err as AwsError
        Failures.push({
          RequestEntry: entry,
          Error: { ErrorCode: e.code ?? 'InternalServiceException', ErrorMessage: e.message },
        })
      }
    }
    return { Failures }
  }
  const grantOut = (g: LfGrant) => ({
    Principal: { DataLakePrincipalIdentifier: g.principal },
    Resource: g.resource,
    Permissions: g.permissions,
    PermissionsWithGrantOption: g.grantable,
  })
  return {
    CreateLFTag: (input) => {
      required(input, 'TagKey', 'TagValues')
      if (
        typeof input.TagKey !== 'string' ||
        !TAG_KEY.test(input.TagKey) ||
        input.TagKey.length < 1 ||
        input.TagKey.length > 128
      ) {
        throw new AwsError('InvalidInputException', `Invalid tag key ${input.TagKey}`)
      }
      if (state.lfTags.some((t) => t.TagKey === input.TagKey))
        throw new AwsError('AlreadyExistsException', `Tag key already exists: ${input.TagKey}`)
      state.lfTags.push({
        CatalogId: input.CatalogId ?? state.account,
        TagKey: input.TagKey,
        TagValues: [...new Set(values(input.TagValues, 'TagValues'))],
      })
      return {}
    },
    GetLFTag: (input) => {
      const t = tag(input.TagKey)
      return { CatalogId: t.CatalogId, TagKey: t.TagKey, TagValues: t.TagValues }
    },
    ListLFTags: (input) => {
      const { page, nextToken } = paginate(state.lfTags, input, {
        max: 1000,
        scope: 'lftags',
        errorCode: 'InvalidInputException',
      })
      return {
        LFTags: page.map((t) => ({ CatalogId: t.CatalogId, TagKey: t.TagKey, TagValues: t.TagValues })),
        NextToken: nextToken,
      }
    },
    UpdateLFTag: (input) => {
      const t = tag(input.TagKey)
      const add = input.TagValuesToAdd ? values(input.TagValuesToAdd, 'TagValuesToAdd') : []
      const remove = input.TagValuesToDelete ? values(input.TagValuesToDelete, 'TagValuesToDelete') : []
      if (add.length === 0 && remove.length === 0)
        throw new AwsError('InvalidInputException', 'Nothing to update')
      t.TagValues = [...new Set([...t.TagValues.filter((v) => !remove.includes(v)), ...add])]
      return {}
    },
    DeleteLFTag: (input) => {
      const t = tag(input.TagKey)
      state.lfTags = state.lfTags.filter((x) => x !== t)
      return {}
    },
    GrantPermissions: (input) => {
      grant(input)
      return {}
    },
    RevokePermissions: (input) => {
      revoke(input)
      return {}
    },
    BatchGrantPermissions: (input) => batch(input, grant),
    BatchRevokePermissions: (input) => batch(input, revoke),
    ListPermissions: (input) => {
      if (input.Principal && !input.Resource)
        throw new AwsError('InvalidInputException', 'Resource is mandatory if Principal is set in the input.')
      const type = input.ResourceType as string | undefined
      const key = input.Resource ? resourceKey(input.Resource) : undefined
      const all = state.lfGrants.filter((g) => {
        if (input.Principal && g.principal !== input.Principal.DataLakePrincipalIdentifier) return false
        if (key && g.resourceKey !== key) return false
        const policy = (g.resource as { LFTagPolicy?: { ResourceType: string } }).LFTagPolicy
        if (type === 'LF_TAG_POLICY' && !policy) return false
        if (type === 'LF_TAG_POLICY_DATABASE' && policy?.ResourceType !== 'DATABASE') return false
        if (type === 'LF_TAG_POLICY_TABLE' && policy?.ResourceType !== 'TABLE') return false
        return true
      })
      const { page, nextToken } = paginate(all, input, {
        max: 1000,
        default: 100,
        scope: `perms:${JSON.stringify([input.Principal, key, type])}`,
        errorCode: 'InvalidInputException',
      })
      return { PrincipalResourcePermissions: page.map(grantOut), NextToken: nextToken }
    },
    GetDataLakeSettings: () => ({
      DataLakeSettings: {
        DataLakeAdmins: state.dataLakeAdmins.map((DataLakePrincipalIdentifier) => ({
          DataLakePrincipalIdentifier,
        })),
      },
    }),
  }
}
