/**
 * lakeformation (restJson1): LF-tags and grants on LF-tag policies, LF-tags, databases and resource
 * links, with Lake Formation's cross-account rules:
 * - a grant may name an external account (a 12-digit principal); it is kept in the granting catalog;
 * - a consumer account re-grants a resource of another catalog only as "Permission cascading rules"
 *   says (https://docs.aws.amazon.com/lake-formation/latest/dg/permission-cascading-rules.html):
 *   an LF-tag policy identical to the one shared with it, with the permissions in its
 *   PermissionsWithGrantOption (rule 1), or a different policy when it holds DESCRIBE on every
 *   tag-value pair of it (rule 2); other resources of another catalog only with the grant option;
 * - another catalog's LF-tags are visible (ListLFTags/GetLFTag with its CatalogId) only with the
 *   values the caller's account or the caller holds DESCRIBE or ASSOCIATE on;
 * - an LF-tag granted to another account carries only DESCRIBE and ASSOCIATE ("Cross-account
 *   permission grants can include only Describe and Associate permissions",
 *   https://docs.aws.amazon.com/lake-formation/latest/dg/TBAC-adding-tag-creator.html), always with
 *   the grant option ("When granting to an external account, you must include the grant option",
 *   https://docs.aws.amazon.com/lake-formation/latest/dg/TBAC-granting-tags.html);
 * - ASSOCIATE is what assigning a tag takes (AddLFTagsToResource): the account (or the caller)
 *   assigns another catalog's LF-tag value only while it holds ASSOCIATE on it (TBAC-granting-tags:
 *   "Principals to whom the data lake administrator in the external account grants the Associate
 *   permission can then assign LF-Tags to Data Catalog resources that you shared with their
 *   account"); DESCRIBE alone does not. Re-granting LF-tag policies needs no ASSOCIATE (the
 *   cascading rules above);
 * - canRead: whether a role may read a table, through a resource link, by these grants.
 */
import { AwsError, type Input, type Operation, paginate, required } from '../core.js'
import type { EmulatorState, GlueTable, LfGrant } from '../state.js'
import type { Directory } from './iam.js'

const TAG_KEY = /^([\p{L}\p{Z}\p{N}_.:/=+\-@%]*)$/u
const VALID: Record<string, string[]> = {
  DATABASE: ['ALL', 'ALTER', 'CREATE_TABLE', 'DESCRIBE', 'DROP'],
  TABLE: ['ALL', 'ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT', 'SELECT'],
}
/** BatchGrantPermissions / BatchRevokePermissions accept at most 20 entries. */
export const LF_BATCH_MAX = 20

const LF_TAG_PERMISSIONS = ['DESCRIBE', 'ASSOCIATE', 'GRANT_WITH_LF_TAG_EXPRESSION', 'ALTER', 'DROP']
const DATABASE_PERMISSIONS = ['ALL', 'ALTER', 'CREATE_TABLE', 'DESCRIBE', 'DROP']

/** The catalog (account id) a stored grant's resource belongs to. */
function catalogOf(g: LfGrant, account: string): string {
  const r = g.resource as Record<string, { CatalogId?: string } | undefined>
  return (
    r.LFTagPolicy?.CatalogId ?? r.LFTag?.CatalogId ?? r.Database?.CatalogId ?? r.Table?.CatalogId ?? account
  )
}

export function lakeFormation(
  state: EmulatorState,
  directory: Directory = { states: () => [state] },
): Record<string, Operation> {
  const catalogState = (id: unknown): EmulatorState => {
    if (id === undefined || id === null || id === state.account) return state
    const other = directory.states().find((s) => s.account === id)
    if (!other) throw new AwsError('EntityNotFoundException', `Catalog ${String(id)} not found`)
    return other
  }
  const tagIn = (catalog: EmulatorState, key: unknown) => {
    const t = catalog.lfTags.find((x) => x.TagKey === key)
    if (!t) throw new AwsError('EntityNotFoundException', `Tag key does not exist: ${String(key)}`)
    return t
  }
  const tag = (key: unknown) => tagIn(state, key)
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
      const catalog = catalogState(policy.CatalogId)
      for (const term of policy.Expression) {
        const t = tagIn(catalog, term.TagKey)
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
    if (resource.LFTag) {
      const catalog = catalogState(resource.LFTag.CatalogId)
      const t = tagIn(catalog, resource.LFTag.TagKey)
      const vs = values(resource.LFTag.TagValues, 'TagValues')
      for (const v of vs)
        if (v !== '*' && !t.TagValues.includes(v))
          throw new AwsError('InvalidInputException', `Tag value ${v} does not exist for key ${t.TagKey}`)
      for (const p of permissions ?? [])
        if (!LF_TAG_PERMISSIONS.includes(p))
          throw new AwsError('InvalidInputException', `Permission ${p} is not valid on an LF-tag`)
      return JSON.stringify({
        LFTag: { CatalogId: catalog.account, TagKey: t.TagKey, TagValues: [...new Set(vs)].sort() },
      })
    }
    if (resource.Database) {
      const catalog = catalogState(resource.Database.CatalogId)
      const name = String(resource.Database.Name ?? '').toLowerCase()
      const db = catalog.glueDatabases.find((d) => d.Name === name)
      if (!db) throw new AwsError('EntityNotFoundException', `Database ${name} not found`)
      // A resource link takes only DESCRIBE and DROP (Lake Formation permissions reference).
      const valid = db.TargetDatabase ? ['DESCRIBE', 'DROP'] : DATABASE_PERMISSIONS
      for (const p of permissions ?? [])
        if (!valid.includes(p))
          throw new AwsError(
            'InvalidInputException',
            `Permission ${p} is not valid on ${db.TargetDatabase ? 'a resource link' : 'a database'}`,
          )
      return JSON.stringify({ Database: { CatalogId: catalog.account, Name: name } })
    }
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
    const resource = JSON.parse(key)
    const principalAccount = /^\d{12}$/.test(principal) ? principal : role?.[1]
    if (resource.LFTag && principalAccount && principalAccount !== state.account) {
      const permissions = entry.Permissions as string[]
      const withGrant = (entry.PermissionsWithGrantOption as string[] | undefined) ?? []
      const other = permissions.filter((p) => !['DESCRIBE', 'ASSOCIATE'].includes(p))
      if (other.length > 0)
        throw new AwsError(
          'InvalidInputException',
          `Permissions ${other.join(', ')} on an LF-tag cannot be granted to another account (only DESCRIBE and ASSOCIATE)`,
        )
      if (!permissions.every((p) => withGrant.includes(p)))
        throw new AwsError(
          'InvalidInputException',
          'A grant on an LF-tag to another account must include the grant option',
        )
    }
    const catalog = catalogOf({ resource } as LfGrant, state.account)
    if (catalog !== state.account)
      cascade(catalogState(catalog), resource, key, [
        ...(entry.Permissions as string[]),
        ...((entry.PermissionsWithGrantOption as string[]) ?? []),
      ])
    let g = state.lfGrants.find((x) => x.principal === principal && x.resourceKey === key)
    if (!g) {
      g = { principal, resource: JSON.parse(key), resourceKey: key, permissions: [], grantable: [] }
      state.lfGrants.push(g)
    }
    for (const p of entry.Permissions as string[]) if (!g.permissions.includes(p)) g.permissions.push(p)
    for (const p of (entry.PermissionsWithGrantOption as string[]) ?? [])
      if (!g.grantable.includes(p)) g.grantable.push(p)
  }
  /**
   * A grant in this account on a resource of another catalog (`owner`): what that catalog granted
   * this account decides (permission cascading rules, see the header).
   */
  const cascade = (owner: EmulatorState, resource: Record<string, Input>, key: string, wanted: string[]) => {
    const shared = owner.lfGrants.filter((g) => g.principal === state.account)
    const refuse = () => {
      throw new AwsError(
        'AccessDeniedException',
        `Insufficient Lake Formation permission(s): account ${state.account} holds no grant option on ${key} from catalog ${owner.account}`,
      )
    }
    const identical = shared.find((g) => g.resourceKey === key)
    if (identical) {
      if (!wanted.every((p) => identical.grantable.includes(p) || identical.grantable.includes('ALL')))
        refuse()
      return
    }
    const policy = resource.LFTagPolicy
    if (policy) {
      // Rule 2: DESCRIBE on every tag-value pair of a policy that differs from the shared one.
      const described = (k: string, v: string) =>
        shared.some((g) => {
          const t = (g.resource as { LFTag?: { TagKey: string; TagValues: string[] } }).LFTag
          return (
            t?.TagKey === k &&
            (t.TagValues.includes(v) || t.TagValues.includes('*')) &&
            g.permissions.includes('DESCRIBE')
          )
        })
      const pairs = (policy.Expression as { TagKey: string; TagValues: string[] }[]).flatMap((t) =>
        t.TagValues.map((v) => [t.TagKey, v] as const),
      )
      if (pairs.every(([k, v]) => described(k, v))) return
    }
    const tagResource = resource.LFTag
    if (tagResource) {
      const covering = shared.find((g) => {
        const t = (g.resource as { LFTag?: { TagKey: string; TagValues: string[] } }).LFTag
        return (
          t?.TagKey === tagResource.TagKey &&
          tagResource.TagValues.every((v: string) => t!.TagValues.includes(v))
        )
      })
      if (covering && wanted.every((p) => covering.grantable.includes(p))) return
    }
    refuse()
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
  /**
   * The values of another catalog's LF-tag this account (or the caller) may see: those it holds
   * DESCRIBE or ASSOCIATE on. Every value of the account's own tags.
   */
  const visibleValues = (
    catalog: EmulatorState,
    t: { TagKey: string; TagValues: string[] },
    caller: string | undefined,
  ): string[] => {
    if (catalog === state) return t.TagValues
    const held = catalog.lfGrants
      .filter((g) => g.principal === state.account || g.principal === caller)
      .flatMap((g) => {
        const r = (g.resource as { LFTag?: { TagKey: string; TagValues: string[] } }).LFTag
        return r?.TagKey === t.TagKey && g.permissions.some((p) => ['DESCRIBE', 'ASSOCIATE'].includes(p))
          ? r.TagValues
          : []
      })
    return held.includes('*') ? t.TagValues : t.TagValues.filter((v) => held.includes(v))
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
    GetLFTag: (input, ctx) => {
      const catalog = catalogState(input.CatalogId)
      const t = tagIn(catalog, input.TagKey)
      const visible = visibleValues(catalog, t, ctx?.caller?.roleArn ?? ctx?.caller?.arn)
      if (visible.length === 0)
        throw new AwsError('EntityNotFoundException', `Tag key does not exist: ${String(input.TagKey)}`)
      return { CatalogId: catalog.account, TagKey: t.TagKey, TagValues: visible }
    },
    ListLFTags: (input, ctx) => {
      const catalog = catalogState(input.CatalogId)
      const caller = ctx?.caller?.roleArn ?? ctx?.caller?.arn
      const tags = catalog.lfTags
        .map((t) => ({ ...t, TagValues: visibleValues(catalog, t, caller) }))
        .filter((t) => t.TagValues.length > 0)
      const { page, nextToken } = paginate(tags, input, {
        max: 1000,
        scope: `lftags:${catalog.account}`,
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
    AddLFTagsToResource: (input, ctx) => {
      required(input, 'Resource', 'LFTags')
      const caller = ctx?.caller?.roleArn ?? ctx?.caller?.arn
      const r = input.Resource as Input
      const where = r.Table ?? r.Database
      if (!where) throw new AwsError('InvalidInputException', 'Resource must be a Database or a Table')
      const owner = catalogState(where.CatalogId)
      const dbName = String(r.Table ? r.Table.DatabaseName : r.Database.Name).toLowerCase()
      const db = owner.glueDatabases.find((d) => d.Name === dbName)
      if (!db) throw new AwsError('EntityNotFoundException', `Database ${dbName} not found`)
      const table = r.Table
        ? owner.glueTables.find(
            (t) => t.DatabaseName === dbName && t.Name === String(r.Table.Name).toLowerCase(),
          )
        : undefined
      if (r.Table && !table) throw new AwsError('EntityNotFoundException', `Table ${r.Table.Name} not found`)
      const Failures: Input[] = []
      for (const pair of input.LFTags as { CatalogId?: string; TagKey: string; TagValues: string[] }[]) {
        const catalog = catalogState(pair.CatalogId)
        const t = tagIn(catalog, pair.TagKey)
        const [value] = values(pair.TagValues, 'TagValues')
        if (pair.TagValues.length !== 1 || !t.TagValues.includes(value)) {
          Failures.push({
            LFTag: pair,
            Error: {
              ErrorCode: 'InvalidInputException',
              ErrorMessage: `one value of ${t.TagKey} is assigned`,
            },
          })
          continue
        }
        // Another catalog's tag: ASSOCIATE on that value, held by this account or the caller.
        const associated =
          catalog === state ||
          catalog.lfGrants.some((g) => {
            const lt = (g.resource as { LFTag?: { TagKey: string; TagValues: string[] } }).LFTag
            return (
              (g.principal === state.account || g.principal === caller) &&
              lt?.TagKey === t.TagKey &&
              (lt.TagValues.includes(value) || lt.TagValues.includes('*')) &&
              g.permissions.includes('ASSOCIATE')
            )
          })
        if (!associated) {
          Failures.push({
            LFTag: pair,
            Error: {
              ErrorCode: 'AccessDeniedException',
              ErrorMessage: `Insufficient Lake Formation permission(s): account ${state.account} holds no ASSOCIATE on ${t.TagKey}=${value} of catalog ${catalog.account}`,
            },
          })
          continue
        }
        ;(table ?? db).lfTags[t.TagKey] = [value]
      }
      return { Failures }
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
      const catalog = input.CatalogId ?? state.account
      const all = state.lfGrants.filter((g) => {
        if (catalogOf(g, state.account) !== catalog) return false
        if (input.Principal && g.principal !== input.Principal.DataLakePrincipalIdentifier) return false
        if (key && g.resourceKey !== key) return false
        const policy = (g.resource as { LFTagPolicy?: { ResourceType: string } }).LFTagPolicy
        if (type === 'LF_TAG_POLICY' && !policy) return false
        if (type === 'LF_TAG_POLICY_DATABASE' && policy?.ResourceType !== 'DATABASE') return false
        if (type === 'LF_TAG_POLICY_TABLE' && policy?.ResourceType !== 'TABLE') return false
        if (type === 'LF_TAG' && !('LFTag' in g.resource)) return false
        if (type === 'DATABASE' && !('Database' in g.resource)) return false
        return true
      })
      const { page, nextToken } = paginate(all, input, {
        max: 1000,
        default: 100,
        scope: `perms:${JSON.stringify([input.Principal, key, type, catalog])}`,
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

/** Whether every term of an LF-tag expression matches the resource's tags (values: any of). */
function expressionMatches(
  expression: { TagKey: string; TagValues: string[] }[],
  tags: Record<string, string[]>,
) {
  return expression.every((term) =>
    (tags[term.TagKey] ?? []).some((v) => term.TagValues.includes(v) || term.TagValues.includes('*')),
  )
}

export interface ReadDecision {
  allowed: boolean
  /** Why not (or how): the first rule that failed, in Lake Formation's words. */
  reason: string
}

/**
 * Whether `principalArn` (a role) may SELECT `table` of `database` in its own account's catalog, by
 * Lake Formation's rules (IAM is proven elsewhere, by the simulator): when `database` is a resource
 * link, the role needs DESCRIBE on the link and SELECT on the target table by an LF-tag policy of the
 * target's catalog ("Accessing the underlying data of a shared table",
 * https://docs.aws.amazon.com/lake-formation/latest/dg/cross-account-read-data.html; "Resource link
 * handling in AWS Glue APIs": both the link and the target), and that grant works only while the
 * target's catalog grants the role's account SELECT on a policy that matches the table.
 */
export function canRead(
  states: EmulatorState[],
  principalArn: string,
  query: { database: string; table: string },
): ReadDecision {
  const account = /^arn:aws[a-z-]*:iam::(\d{12}):role\//.exec(principalArn)?.[1]
  const home = states.find((s) => s.account === account)
  if (!home) return { allowed: false, reason: `no account for ${principalArn}` }
  const name = query.database.toLowerCase()
  const db = home.glueDatabases.find((d) => d.Name === name)
  if (!db) return { allowed: false, reason: `database ${name} not found in ${home.account}` }
  const holds = (
    s: EmulatorState,
    principal: string,
    match: (r: Record<string, Input>) => boolean,
    permission: string,
  ) =>
    s.lfGrants.some(
      (g) =>
        g.principal === principal &&
        match(g.resource as Record<string, Input>) &&
        (g.permissions.includes(permission) || g.permissions.includes('ALL')),
    )
  let owner = home
  let target = db
  if (db.TargetDatabase) {
    const onLink = (r: Record<string, Input>) =>
      r.Database?.CatalogId === home.account && r.Database?.Name === name
    if (!holds(home, principalArn, onLink, 'DESCRIBE'))
      return { allowed: false, reason: `${principalArn} has no DESCRIBE on the resource link ${name}` }
    const found = states.find((s) => s.account === db.TargetDatabase!.CatalogId)
    const t = found?.glueDatabases.find((d) => d.Name === db.TargetDatabase!.DatabaseName)
    if (!found || !t) return { allowed: false, reason: `the target of ${name} does not exist` }
    owner = found
    target = t
  }
  const table: GlueTable | undefined = owner.glueTables.find(
    (x) => x.DatabaseName === target.Name && x.Name === query.table.toLowerCase(),
  )
  if (!table) return { allowed: false, reason: `table ${query.table} not found in ${target.Name}` }
  const tags = { ...target.lfTags, ...table.lfTags }
  const onTable = (r: Record<string, Input>) =>
    r.LFTagPolicy?.ResourceType === 'TABLE' &&
    (r.LFTagPolicy.CatalogId ?? home.account) === owner.account &&
    expressionMatches(r.LFTagPolicy.Expression, tags)
  if (!holds(home, principalArn, onTable, 'SELECT'))
    return {
      allowed: false,
      reason: `${principalArn} holds no SELECT on an LF-tag policy matching ${target.Name}.${table.Name}`,
    }
  if (owner !== home && !holds(owner, home.account, onTable, 'SELECT'))
    return {
      allowed: false,
      reason: `catalog ${owner.account} grants account ${home.account} no SELECT on a policy matching ${target.Name}.${table.Name}`,
    }
  return { allowed: true, reason: 'allowed' }
}
