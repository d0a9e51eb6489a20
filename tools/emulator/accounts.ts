/**
 * Who signs a request, and which account it lands in. The emulator keeps a registry of the
 * credentials it knows: the default caller (an administrator user of the default account), the
 * sessions sts:AssumeRole issued, and the credentials tests ask for (credentialsFor). A request is
 * routed to an account partition by the access key id of its SigV4 Authorization header; any key
 * the registry does not know (tests sign with "x", "AKIAEMULATOR"…) is the default caller, except
 * a temporary (ASIA) key, which AWS would refuse as unknown.
 *
 * The trust check is AWS's for sts:AssumeRole: the role's trust policy must allow the caller
 * (Deny wins), and for a caller acting as a role in another account, or trusted only through its
 * account (`:root`), the caller's own identity policies must allow sts:AssumeRole on the role too;
 * an explicit Deny in the caller's policies refuses it in every case.
 * Conditions on single-valued keys are evaluated (String*, Arn*, Bool operators on aws:PrincipalArn,
 * aws:PrincipalAccount, aws:PrincipalType, aws:userid, sts:ExternalId, sts:RoleSessionName).
 */
import { AwsError, alnum, type Principal } from './core.js'
import type { EmulatorState, Role } from './state.js'

export type { Principal }

export interface Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export const DEFAULT_ACCESS_KEY_ID = 'AKIAEMULATOR00000000'

/** The default caller: an administrator user of the account (no identity policy is evaluated for it). */
export function adminUser(account: string, accessKeyId = DEFAULT_ACCESS_KEY_ID): Principal {
  return {
    account,
    arn: `arn:aws:iam::${account}:user/emulator-admin`,
    userId: 'AIDAEMULATOR0000000000',
    accessKeyId,
    secretAccessKey: 'emulator-secret-not-a-real-key',
  }
}

export const ROLE_ARN = /^arn:aws:iam::(\d{12}):role(\/(?:[\x21-\x7e]*\/)?)([\w+=,.@-]{1,64})$/
const USER_ARN = /^arn:aws:iam::(\d{12}):user(\/(?:[\x21-\x7e]*\/)?)([\w+=,.@-]{1,64})$/

/** A session of a role: new temporary credentials (ASIA…) bound to the role's account. */
export function roleSession(
  roleArn: string,
  sessionName: string,
  opts: { roleId?: string; durationSeconds: number; chained?: boolean },
): Principal {
  const m = ROLE_ARN.exec(roleArn)
  if (!m) throw new Error(`emulator: not an IAM role ARN: ${roleArn}`)
  const [, account, , name] = m
  return {
    account,
    arn: `arn:aws:sts::${account}:assumed-role/${name}/${sessionName}`,
    userId: `${opts.roleId ?? `AROA${alnum(17).toUpperCase()}`}:${sessionName}`,
    roleArn,
    sessionName,
    accessKeyId: `ASIA${alnum(16).toUpperCase()}`,
    secretAccessKey: alnum(40),
    sessionToken: `IQoJb3JpZ2luX2VtdUVNVUxBVE9S${Buffer.from(alnum(96)).toString('base64')}`,
    expiresAt: Date.now() + opts.durationSeconds * 1000,
    chained: opts.chained,
  }
}

/** Long-term credentials (AKIA…) of an IAM user of an account, acting as an administrator. */
export function userCredentials(userArn: string): Principal {
  const m = USER_ARN.exec(userArn)
  if (!m) throw new Error(`emulator: not an IAM user ARN: ${userArn}`)
  return {
    account: m[1],
    arn: userArn,
    userId: `AIDA${alnum(17).toUpperCase()}`,
    accessKeyId: `AKIA${alnum(16).toUpperCase()}`,
    secretAccessKey: alnum(40),
  }
}

// ---- policy evaluation (the parts sts:AssumeRole needs) ------------------------------------

interface Statement {
  Effect?: string
  Action?: string | string[]
  NotAction?: string | string[]
  Resource?: string | string[]
  NotResource?: string | string[]
  Principal?: string | Record<string, string | string[]>
  NotPrincipal?: unknown
  Condition?: Record<string, Record<string, string | string[] | boolean>>
}

/** The request's context keys a Condition can test (lower-case keys), as AWS sends them for AssumeRole. */
export type RequestContext = Record<string, string | undefined>

/** The context keys of a call by `caller` (plus the call's own, e.g. sts:ExternalId). */
export function contextOf(caller: Principal, own: RequestContext = {}): RequestContext {
  return {
    'aws:principalarn': caller.roleArn ?? caller.arn,
    'aws:principalaccount': caller.account,
    'aws:principaltype': caller.roleArn ? 'AssumedRole' : 'User',
    'aws:userid': caller.userId,
    ...Object.fromEntries(Object.entries(own).map(([k, v]) => [k.toLowerCase(), v])),
  }
}

/**
 * IAM's condition operators for single-valued keys (String*, Arn*, Bool, with …IfExists): every
 * operator of the block must hold. A key the request lacks fails a positive operator and passes a
 * negated one (or any …IfExists). An operator not modelled here fails the statement (an Allow it
 * guards allows nothing; a Deny it guards denies nothing).
 */
function conditionHolds(s: Statement, context: RequestContext): boolean {
  for (const [rawOperator, keys] of Object.entries(s.Condition ?? {})) {
    const ifExists = rawOperator.endsWith('IfExists')
    const operator = ifExists ? rawOperator.slice(0, -'IfExists'.length) : rawOperator
    for (const [key, expected] of Object.entries(keys)) {
      const value = context[key.toLowerCase()]
      const wanted = (Array.isArray(expected) ? expected : [expected]).map(String)
      const negated = /^(String|Arn)Not/.test(operator)
      if (value === undefined) {
        if (ifExists || negated) continue
        return false
      }
      let any: boolean
      switch (operator) {
        case 'StringEquals':
        case 'StringNotEquals':
        case 'ArnEquals':
        case 'ArnNotEquals':
          any = operator.startsWith('Arn')
            ? wanted.some((w) => wildcard(w, value, false))
            : wanted.includes(value)
          break
        case 'StringEqualsIgnoreCase':
        case 'StringNotEqualsIgnoreCase':
          any = wanted.some((w) => w.toLowerCase() === value.toLowerCase())
          break
        case 'StringLike':
        case 'StringNotLike':
        case 'ArnLike':
        case 'ArnNotLike':
          any = wanted.some((w) => wildcard(w, value, false))
          break
        case 'Bool':
          any = wanted.includes(value)
          break
        default:
          return false
      }
      if (negated ? any : !any) return false
    }
  }
  return true
}

const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v]

/** IAM's wildcard match: `*` any run, `?` one character; actions case-insensitively. */
function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value)
}

function statements(document: string): Statement[] {
  let parsed: { Statement?: Statement | Statement[] }
  try {
    parsed = JSON.parse(document)
  } catch {
    try {
      parsed = JSON.parse(decodeURIComponent(document))
    } catch {
      return []
    }
  }
  const s = parsed.Statement
  return s === undefined ? [] : Array.isArray(s) ? s : [s]
}

function actionMatches(s: Statement, action: string): boolean {
  if (s.Action !== undefined) return list(s.Action).some((a) => wildcard(a, action, true))
  if (s.NotAction !== undefined) return !list(s.NotAction).some((a) => wildcard(a, action, true))
  return false
}

function resourceMatches(s: Statement, resource: string): boolean {
  if (s.Resource !== undefined) return list(s.Resource).some((r) => wildcard(r, resource, false))
  if (s.NotResource !== undefined) return !list(s.NotResource).some((r) => wildcard(r, resource, false))
  return false
}

/**
 * Whether a trust policy Principal names the caller: the caller's own ARN (a user, or the exact
 * assumed-role session), the role behind a session, the caller's account (`arn:aws:iam::<acct>:root`
 * or the bare account id), or anyone ("*"). `viaAccount` says the match was only by account, in
 * which case the caller's identity policies must allow the call too.
 */
function principalMatch(s: Statement, caller: Principal): { matched: boolean; viaAccount: boolean } {
  const p = s.Principal
  if (p === undefined) return { matched: false, viaAccount: false }
  // "*" grants to everyone as a resource policy does (no identity policy needed in the same account).
  if (p === '*') return { matched: true, viaAccount: false }
  const aws = typeof p === 'object' ? list(p.AWS) : []
  const direct = new Set(['*', caller.arn, ...(caller.roleArn ? [caller.roleArn] : [])])
  if (aws.some((v) => direct.has(v))) return { matched: true, viaAccount: false }
  const accountIds = new Set([caller.account, `arn:aws:iam::${caller.account}:root`])
  if (aws.some((v) => accountIds.has(v))) return { matched: true, viaAccount: true }
  return { matched: false, viaAccount: false }
}

/** The trust policy's verdict for the caller: denied, allowed directly, or allowed through its account. */
export function trustVerdict(
  role: Role,
  caller: Principal,
  context: RequestContext = contextOf(caller),
): 'deny' | 'allow' | 'allow-account' | 'none' {
  let verdict: 'allow' | 'allow-account' | 'none' = 'none'
  for (const s of statements(role.AssumeRolePolicyDocument)) {
    if (!actionMatches(s, 'sts:AssumeRole')) continue
    const m = principalMatch(s, caller)
    if (!m.matched || !conditionHolds(s, context)) continue
    if (s.Effect === 'Deny') return 'deny'
    if (s.Effect === 'Allow' && verdict !== 'allow') verdict = m.viaAccount ? 'allow-account' : 'allow'
  }
  return verdict
}

/**
 * What the caller's identity-based policies say to `action` on `resource`: an explicit deny, an
 * allow, or nothing. Users are the emulator's administrators (allow); a role session is judged by
 * the role's inline and attached managed policies (Deny wins), within its permissions boundary
 * when it has one (a boundary allows nothing it does not name).
 */
export function identityVerdict(
  caller: Principal,
  callerState: EmulatorState | undefined,
  action: string,
  resource: string,
  context: RequestContext = contextOf(caller),
): 'deny' | 'allow' | 'none' {
  if (!caller.roleArn) return 'allow'
  const role = callerState?.roles.find((r) => r.Arn.toLowerCase() === caller.roleArn!.toLowerCase())
  if (!role || !callerState) return 'none'
  const doc = (arn: string) => {
    const p = callerState.policies.find((x) => x.Arn === arn)
    return p?.Versions.find((v) => v.VersionId === p.DefaultVersionId)?.Document
  }
  const documents = [
    ...Object.values(role.InlinePolicies),
    ...role.AttachedPolicies.map(doc).filter((d): d is string => d !== undefined),
  ]
  const verdict = (docs: string[]): 'deny' | 'allow' | 'none' => {
    let allowed = false
    for (const d of docs)
      for (const s of statements(d)) {
        if (!actionMatches(s, action) || !resourceMatches(s, resource) || !conditionHolds(s, context))
          continue
        if (s.Effect === 'Deny') return 'deny'
        if (s.Effect === 'Allow') allowed = true
      }
    return allowed ? 'allow' : 'none'
  }
  const own = verdict(documents)
  if (own === 'deny' || !role.PermissionsBoundary) return own
  const boundaryDoc = doc(role.PermissionsBoundary)
  const boundary = boundaryDoc ? verdict([boundaryDoc]) : 'none'
  if (boundary === 'deny') return 'deny'
  return own === 'allow' && boundary === 'allow' ? 'allow' : 'none'
}

export function accessDenied(caller: Principal, action: string, resource: string, why?: string): AwsError {
  return new AwsError(
    'AccessDenied',
    `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource}${why ? ` ${why}` : ''}`,
    403,
  )
}
