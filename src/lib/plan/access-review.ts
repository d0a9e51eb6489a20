/**
 * The access review of a plan: which changes widen access and which narrow it, in the words a
 * reviewer uses. Policies are compared semantically (atoms; wildcards cover specific actions).
 */
import { deepEqual } from '../canonical.js'
import { ABAC_TAG, TAG_TEAM } from '../model/names.js'
import { staleTagKeys } from '../model/profile-tags.js'
import { type PolicyAtom, policyDelta } from '../policies/normalize.js'
import { reviewDataMesh } from './data-mesh-review.js'
import type {
  AccessItem,
  AccessReview,
  Change,
  LfGrantPayload,
  Plan,
  PresignRolePayload,
  RolePayload,
} from './types.js'

export function reviewAccess(plan: Pick<Plan, 'changes'>): AccessReview {
  const widened: AccessItem[] = []
  const narrowed: AccessItem[] = []
  const item = (c: Change, principal: string, description: string): AccessItem => ({
    kind: c.kind,
    key: c.key,
    ...(c.team ? { team: c.team } : {}),
    principal,
    description,
    ...(c.account ? { account: c.account } : {}),
  })
  for (const c of plan.changes) {
    if (c.action === 'manual' || c.action === 'blocked') continue
    // A change without payload (a hand-edited saved plan) describes nothing; apply refuses it anyway.
    if (!c.before && !c.after) continue
    switch (c.kind) {
      case 'profile': {
        const p = (c.after ?? c.before) as Change<'profile'>['after'] & {}
        const who = p.userName || p.userId
        const role = roleName(p.executionRole)
        if (c.action === 'create')
          widened.push(item(c, who, `${who} gains ${c.team}${role ? ` (role ${role})` : ''}`))
        else if (c.action === 'delete')
          narrowed.push(item(c, who, `${who} loses ${c.team} (profile ${p.profileName} deleted)`))
        else if (c.action === 'update') {
          const before = (c.before as Change<'profile'>['before'])?.executionRole
          const held = (c.after as Change<'profile'>['after'])?.repairsAccessOf
          if (held) {
            // A repair: the profile held another team's role or Team tag (a hand change); going back
            // to its own team's takes that team's access away from the person.
            const b = c.before as Change<'profile'>['before'] & {}
            const what = [
              before && before !== p.executionRole ? `role ${roleName(before)}` : '',
              b.tags[ABAC_TAG] !== p.tags[ABAC_TAG] && b.tags[ABAC_TAG] !== undefined
                ? `${ABAC_TAG}=${b.tags[ABAC_TAG]}`
                : '',
            ].filter(Boolean)
            narrowed.push(
              item(
                c,
                who,
                `${who} loses ${held}'s access through their ${c.team} profile (${what.join(', ')}, set by hand); it goes back to ${c.team}'s`,
              ),
            )
          } else if (before && before !== p.executionRole) {
            widened.push(
              item(
                c,
                who,
                `${who}'s ${c.team} profile switches role ${roleName(before)} → ${roleName(p.executionRole)}`,
              ),
            )
          }
          const abac = held ? undefined : abacTagChange(c as Change<'profile'>)
          if (abac) widened.push(item(c, who, `${who}'s ${c.team} profile ${abac}`))
          for (const s of settingsReach(c as Change<'profile'>))
            (s.widens ? widened : narrowed).push(item(c, who, `${who}'s ${c.team} profile ${s.text}`))
        }
        break
      }
      case 'app': {
        const a = c.before as Change<'app'>['before']
        if (c.action === 'delete' && a) {
          const who = a.userName || a.profileName
          narrowed.push(
            item(
              c,
              who,
              `${who}'s ${a.appType} app ${a.appName}${a.spaceName ? ` in space ${a.spaceName}` : ''} stops: it no longer runs with ${c.team}'s role`,
            ),
          )
        }
        break
      }
      case 'assignment': {
        const a = (c.after ?? c.before) as Change<'assignment'>['after'] & {}
        const who = a.principalType === 'GROUP' ? `group ${a.principalName}` : a.principalName
        if (c.action === 'create')
          widened.push(item(c, who, `${who} can open ${c.team}'s application in the access portal`))
        // A user still assigned through a group of the team loses nothing.
        else if (c.action === 'delete' && !a.stillAssignedThrough?.length)
          narrowed.push(item(c, who, `${who} can no longer open ${c.team}'s application`))
        break
      }
      case 'application':
        if (c.action === 'delete')
          narrowed.push(
            item(c, `team ${c.team}`, `${c.team}'s application is deleted: nobody can sign in to it`),
          )
        break
      case 'role':
        reviewRole(c as Change<'role'>, widened, narrowed, item)
        break
      case 'boundary': {
        // The ceiling of every role the tool creates: what it gains, they may gain.
        const before = (c as Change<'boundary'>).before
        const after = (c as Change<'boundary'>).after
        if (c.action !== 'update' || !before || !after) break
        const delta = policyDelta(before.document, after.document)
        if (delta.allowsGained.length)
          widened.push(
            item(
              c,
              after.policyName,
              `the roles' permissions boundary allows ${summarizeAtoms(delta.allowsGained)}`,
            ),
          )
        if (delta.allowsLost.length)
          narrowed.push(
            item(
              c,
              after.policyName,
              `the roles' permissions boundary no longer allows ${summarizeAtoms(delta.allowsLost)}`,
            ),
          )
        break
      }
      case 'presign-role':
        reviewPresignRole(c as Change<'presign-role'>, widened, narrowed, item)
        break
      case 'lf-grant': {
        const g = (c.after ?? c.before) as LfGrantPayload
        const before = c.before as LfGrantPayload | undefined
        const after = c.after as LfGrantPayload | undefined
        const who = `${c.team ?? g.roleName} role`
        // A grant re-made narrower (a value left its expression: a new key, so create + delete)
        // widens nothing: the grant deleted in the same apply covered it, and creates run first.
        if (c.action === 'create' && !coveredByDeletedGrant(g, plan.changes))
          widened.push(item(c, g.roleName, `${who} gains ${g.permissions.join(', ')} on ${describeGrant(g)}`))
        else if (c.action === 'delete')
          narrowed.push(
            item(c, g.roleName, `${who} loses ${g.permissions.join(', ')} on ${describeGrant(g)}`),
          )
        else if (c.action === 'update' && before && after) {
          const gained = after.permissions.filter((p) => !before.permissions.includes(p))
          const lost = before.permissions.filter((p) => !after.permissions.includes(p))
          if (gained.length)
            widened.push(item(c, g.roleName, `${who} gains ${gained.join(', ')} on ${describeGrant(after)}`))
          if (lost.length)
            narrowed.push(item(c, g.roleName, `${who} loses ${lost.join(', ')} on ${describeGrant(after)}`))
        }
        break
      }
      case 'lf-share':
      case 'link-grant':
      case 'mesh-grant':
        reviewDataMesh(c, widened, narrowed, item)
        break
      case 'acs': {
        const before = c.before as Change<'acs'>['before']
        const after = c.after as Change<'acs'>['after']
        if (c.action === 'delete') {
          narrowed.push(item(c, 'ACS', `the ACS ${c.key} is deleted: nobody can open Studio through it`))
          break
        }
        if (c.action === 'create' && after) {
          const limit = after.allowedSourceCidrs?.length
            ? ` from ${after.allowedSourceCidrs.join(', ')}`
            : ' from any address'
          widened.push(
            item(
              c,
              'ACS',
              `the ACS is deployed: assigned users can open Studio through it${limit}, sessions up to ${after.sessionExpirationSeconds} s`,
            ),
          )
        }
        if (!before || !after) break
        if (before.invokeOnlyViaUrl === false && after.invokeOnlyViaUrl)
          narrowed.push(
            item(
              c,
              'ACS',
              'the ACS function can be invoked only through its URL (no direct Invoke by any AWS principal)',
            ),
          )
        if (after.roleBoundary && before.roleBoundary !== after.roleBoundary)
          narrowed.push(
            item(
              c,
              'ACS',
              `the ACS role is bounded by ${after.roleBoundary.split('/').pop()} (permissions boundary)`,
            ),
          )
        // Configuration changes that change who can sign in (teams, certificates, members);
        // CIDRs and the session length follow from the payload below.
        for (const x of after.configChanges ?? []) {
          if (x.effect === 'neutral' || /^(source CIDR|Studio session length)/.test(x.text)) continue
          const target = x.effect === 'widens' ? widened : narrowed
          target.push({
            ...item(c, x.team ? `team ${x.team}` : 'ACS', `ACS: ${x.text}`),
            ...(x.team ? { team: x.team } : {}),
          })
        }
        const b = before.allowedSourceCidrs ?? []
        const a = after.allowedSourceCidrs ?? []
        if (b.length > 0 && a.length === 0)
          widened.push(item(c, 'ACS', 'the ACS no longer restricts presigned URLs by source address'))
        else {
          const added = a.filter((x) => !b.includes(x))
          const removed = b.filter((x) => !a.includes(x))
          if (added.length)
            widened.push(item(c, 'ACS', `the ACS allows presigned URLs from ${added.join(', ')}`))
          if (removed.length && a.length)
            narrowed.push(item(c, 'ACS', `the ACS no longer allows ${removed.join(', ')}`))
          if (b.length === 0 && a.length > 0)
            narrowed.push(item(c, 'ACS', `the ACS restricts presigned URLs to ${a.join(', ')}`))
        }
        const bs = before.sessionExpirationSeconds
        const as = after.sessionExpirationSeconds
        if (bs !== undefined && as !== undefined && as > bs)
          widened.push(item(c, 'ACS', `Studio sessions last longer: ${bs} s → ${as} s`))
        if (bs !== undefined && as !== undefined && as < bs)
          narrowed.push(item(c, 'ACS', `Studio sessions are shorter: ${bs} s → ${as} s`))
        break
      }
      default:
        break
    }
  }
  return { widened, narrowed }
}

type ItemFn = (c: Change, principal: string, description: string) => AccessItem

/** Whether a grant deleted in the same plan gave the same role at least this, on at least these resources. */
function coveredByDeletedGrant(g: LfGrantPayload, changes: Change[]): boolean {
  return changes.some((d) => {
    if (d.kind !== 'lf-grant' || d.action !== 'delete' || !d.before) return false
    const old = d.before as LfGrantPayload
    if (old.principalArn !== g.principalArn || old.resourceType !== g.resourceType) return false
    if (!g.permissions.every((p) => old.permissions.includes(p))) return false
    // An LF-tag expression matches a resource carrying every key with one of its values: the new one
    // matches no more than the old when it names each old key with a subset of its values.
    return old.expression.every((t) => {
      const mine = g.expression.find((x) => x.TagKey === t.TagKey)
      return !!mine?.TagValues.every((v) => t.TagValues.includes(v))
    })
  })
}

/**
 * The userSettings that change what a profile's apps can reach (README, "The access review"): added or
 * changed they widen access and need approval, unset they narrow it. The app settings count only in
 * the parts that decide what runs with the team's role: lifecycle configurations, custom and default
 * images, code repositories and EMR roles (not instance types or idle shutdown). Other settings (the
 * landing page, hidden UI elements, space storage size, mounting the user's own home) reach nothing new.
 */
export const REACH_SETTINGS: Record<string, string> = {
  CustomFileSystemConfigs: 'the file systems (EFS, FSx for Lustre) its apps mount',
  CustomPosixUserConfig: 'the POSIX user and group its apps act as on those file systems',
  SecurityGroups: 'the network its apps can reach',
  JupyterServerAppSettings:
    'what its Jupyter server starts with (lifecycle configurations, images, repositories)',
  KernelGatewayAppSettings: 'what its kernels start with (lifecycle configurations, custom images)',
  JupyterLabAppSettings:
    'what its JupyterLab apps start with (lifecycle configurations, images, repositories, EMR roles)',
  CodeEditorAppSettings: 'what its Code Editor apps start with (lifecycle configurations, images)',
  RSessionAppSettings: 'what its RSessions start with (custom images)',
  TensorBoardAppSettings: 'the image its TensorBoard runs',
  RStudioServerProAppSettings: 'RStudio access and its user group (R_STUDIO_ADMIN)',
  CanvasAppSettings: 'the roles, buckets and services Canvas uses for it',
  SharingSettings: 'where its notebooks are shared (S3 output path, KMS key)',
}

const APP_SETTINGS_REACH = [
  'LifecycleConfigArns',
  'CustomImages',
  'CodeRepositories',
  'EmrSettings',
  'BuiltInLifecycleConfigArn',
  'DefaultResourceSpec',
]

/** The part of a setting's value that decides reach (for app settings: not the instance type). */
function reachPart(key: string, value: unknown): unknown {
  if (!key.endsWith('AppSettings') || key === 'RStudioServerProAppSettings' || key === 'CanvasAppSettings')
    return emptyToUndefined(value)
  if (!value || typeof value !== 'object') return undefined
  const out: Record<string, unknown> = {}
  for (const k of APP_SETTINGS_REACH) {
    let v = (value as Record<string, unknown>)[k]
    if (k === 'DefaultResourceSpec' && v && typeof v === 'object') {
      const { InstanceType: _, ...spec } = v as Record<string, unknown>
      v = spec
    }
    if (emptyToUndefined(v) !== undefined) out[k] = v
  }
  return emptyToUndefined(out)
}

function emptyToUndefined(value: unknown): unknown {
  if (value === null || value === undefined) return undefined
  if (Array.isArray(value) && value.length === 0) return undefined
  if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) return undefined
  return value
}

/** What a profile update does to the reach of its settings (see REACH_SETTINGS). */
function settingsReach(c: Change<'profile'>): { widens: boolean; text: string }[] {
  const before = c.before?.userSettings
  const after = c.after
  if (!before || !after) return []
  const out: { widens: boolean; text: string }[] = []
  for (const [key, why] of Object.entries(REACH_SETTINGS)) {
    const was = reachPart(key, before[key])
    if (after.unsetSettings?.includes(key)) {
      if (was !== undefined) out.push({ widens: false, text: `no longer has ${key}: ${why}` })
      continue
    }
    if (!after.userSettings || !(key in after.userSettings)) continue
    const now = reachPart(key, after.userSettings[key])
    if (deepEqual(was, now)) continue
    if (now === undefined) out.push({ widens: false, text: `no longer has ${key}: ${why}` })
    else out.push({ widens: true, text: `${was === undefined ? 'gets' : 'changes'} ${key}: ${why}` })
  }
  return out
}

/**
 * The ACS presign role of an account (files with accounts:/domains:): whom it trusts is who may
 * presign — open Studio as — the tool's profiles of the teams its policy names. Created, widened,
 * narrowed or deleted, that is access, per team.
 */
function reviewPresignRole(
  c: Change<'presign-role'>,
  widened: AccessItem[],
  narrowed: AccessItem[],
  item: ItemFn,
) {
  const { before, after } = c
  const perTeam = (p: PresignRolePayload, teams: string[], verb: string) =>
    teams.map((team) => ({
      ...item(
        c,
        trusted(p).join(', ') || p.roleName,
        `${trusted(p).join(', ') || 'its trusted principals'} ${verb} ${team}'s profiles in ${presignDomains(p).join(', ')} (through ${p.roleName})`,
      ),
      team,
    }))
  if (c.action === 'create' && after) widened.push(...perTeam(after, presignTeams(after), 'can presign'))
  if (c.action === 'delete' && before)
    narrowed.push(...perTeam(before, presignTeams(before), 'can no longer presign'))
  if (c.action !== 'update' || !before || !after) return
  const gainedBy = trusted(after).filter((p) => !trusted(before).includes(p))
  const lostBy = trusted(before).filter((p) => !trusted(after).includes(p))
  if (gainedBy.length)
    widened.push(item(c, gainedBy.join(', '), `${after.roleName} now trusts ${gainedBy.join(', ')}`))
  if (lostBy.length)
    narrowed.push(item(c, lostBy.join(', '), `${after.roleName} no longer trusts ${lostBy.join(', ')}`))
  const teamsGained = presignTeams(after).filter((t) => !presignTeams(before).includes(t))
  const teamsLost = presignTeams(before).filter((t) => !presignTeams(after).includes(t))
  widened.push(...perTeam(after, teamsGained, 'can presign'))
  narrowed.push(...perTeam(before, teamsLost, 'can no longer presign'))
  // Anything else the policy gains or loses (a domain, an action), whatever the teams did.
  if (teamsGained.length || teamsLost.length) return
  const delta = policyDelta(before.policy, after.policy)
  if (delta.allowsGained.length)
    widened.push(item(c, after.roleName, `${after.roleName} allows ${summarizeAtoms(delta.allowsGained)}`))
  if (delta.allowsLost.length)
    narrowed.push(
      item(c, after.roleName, `${after.roleName} no longer allows ${summarizeAtoms(delta.allowsLost)}`),
    )
}

/** Who may assume a presign role: the aws:PrincipalArn its trust policy names (else its principals). */
function trusted(p: PresignRolePayload): string[] {
  const out = new Set<string>()
  for (const s of p.trustPolicy.Statement ?? []) {
    if (s.Effect !== 'Allow') continue
    const named = Object.values(s.Condition ?? {}).flatMap((c) =>
      Object.entries(c as Record<string, unknown>)
        .filter(([k]) => k.toLowerCase() === 'aws:principalarn')
        .flatMap(([, v]) => (Array.isArray(v) ? v : [v]).map(String)),
    )
    const principals = (s.Principal as { AWS?: string | string[] } | undefined)?.AWS
    for (const x of named.length ? named : principals ? [principals].flat() : []) out.add(x)
  }
  return [...out].sort()
}

/** The teams whose profiles a presign role may presign (its tag condition). */
function presignTeams(p: PresignRolePayload): string[] {
  const teams = new Set<string>()
  for (const s of p.policy.Statement ?? []) {
    const actions = [s.Action ?? []].flat()
    if (s.Effect !== 'Allow' || !actions.includes('sagemaker:CreatePresignedDomainUrl')) continue
    for (const c of Object.values(s.Condition ?? {}))
      for (const [k, v] of Object.entries(c as Record<string, unknown>))
        if (k === `sagemaker:ResourceTag/${TAG_TEAM}`) for (const t of [v].flat()) teams.add(String(t))
  }
  return [...teams].sort()
}

/** The domains of the profiles a presign role names. */
function presignDomains(p: PresignRolePayload): string[] {
  const domains = new Set<string>()
  for (const s of p.policy.Statement ?? [])
    for (const r of [s.Resource ?? []].flat()) {
      const m = /:user-profile\/([^/]+)\//.exec(String(r))
      if (m) domains.add(m[1])
    }
  return [...domains].sort()
}

/**
 * What an update does to a profile's ABAC tag (`Team`), which the team roles' tag conditions compare;
 * undefined when it stays. Only what apply will do counts: a value that changes, or a key that goes
 * because the tool recorded it (staleTagKeys); a foreign `Team` tag the file does not name stays.
 * Listed as widening either way: the role's policies decide what a changed or missing tag allows
 * (apps launched before keep their tags).
 */
function abacTagChange(c: Change<'profile'>): string | undefined {
  const before = c.before?.tags
  const after = c.after?.tags
  if (!before || !after) return undefined
  const was = before[ABAC_TAG]
  const now = after[ABAC_TAG]
  if (now !== undefined && now !== was)
    return was === undefined
      ? `gets the ABAC tag ${ABAC_TAG}=${now}`
      : `changes its ABAC tag ${ABAC_TAG}: ${was} → ${now}`
  if (now === undefined && staleTagKeys(before, after).includes(ABAC_TAG))
    return `loses its ABAC tag ${ABAC_TAG}=${was}: tag conditions on ${ABAC_TAG} no longer match it`
  return undefined
}

function reviewRole(c: Change<'role'>, widened: AccessItem[], narrowed: AccessItem[], item: ItemFn) {
  const before = c.before as RolePayload | undefined
  const after = c.after as RolePayload | undefined
  const role = (after ?? before)!.roleName
  if (c.action === 'create' && after) {
    const delta = policyDelta(undefined, {
      Version: '2012-10-17',
      Statement: Object.values(after.inlinePolicies).flatMap((p) => p.Statement),
    })
    widened.push(
      item(
        c,
        role,
        `role ${role} is created with ${summarizeAtoms(delta.allowsGained)}${after.managedPolicyArns.length ? ` and ${after.managedPolicyArns.join(', ')}` : ''}`,
      ),
    )
    return
  }
  if (c.action === 'delete' && before) {
    narrowed.push(item(c, role, `role ${role} is deleted`))
    return
  }
  if (!before || !after) return
  if (after.permissionsBoundary && before.permissionsBoundary !== after.permissionsBoundary)
    narrowed.push(
      item(
        c,
        role,
        `role ${role} is bounded by ${after.permissionsBoundary.split('/').pop()} (permissions boundary)`,
      ),
    )
  const names = new Set([...Object.keys(before.inlinePolicies), ...Object.keys(after.inlinePolicies)])
  // Compare the union of inline policies: moving a statement between policies is no change.
  const all = (p: RolePayload) => ({
    Version: '2012-10-17' as const,
    Statement: [...names].flatMap((n) => p.inlinePolicies[n]?.Statement ?? []),
  })
  const delta = policyDelta(all(before), all(after))
  if (delta.allowsGained.length)
    widened.push(item(c, role, `role ${role} gains ${summarizeAtoms(delta.allowsGained)}`))
  if (delta.deniesLost.length)
    widened.push(item(c, role, `role ${role} loses the deny of ${summarizeAtoms(delta.deniesLost)}`))
  if (delta.allowsLost.length)
    narrowed.push(item(c, role, `role ${role} loses ${summarizeAtoms(delta.allowsLost)}`))
  if (delta.deniesGained.length)
    narrowed.push(item(c, role, `role ${role} gains a deny of ${summarizeAtoms(delta.deniesGained)}`))
  for (const arn of after.managedPolicyArns.filter((a) => !before.managedPolicyArns.includes(a)))
    widened.push(item(c, role, `role ${role} gains managed policy ${arn}`))
  for (const arn of before.managedPolicyArns.filter((a) => !after.managedPolicyArns.includes(a)))
    narrowed.push(item(c, role, `role ${role} loses managed policy ${arn}`))
  const trust = policyDelta(before.trustPolicy, after.trustPolicy)
  if (trust.allowsGained.length)
    widened.push(
      item(c, role, `role ${role} can be assumed by more principals: ${summarizeAtoms(trust.allowsGained)}`),
    )
}

function summarizeAtoms(atoms: PolicyAtom[]): string {
  const actions = [...new Set(atoms.map((a) => a.action))]
  const shown = actions.slice(0, 4).join(', ')
  const conditional = atoms.some((a) => a.condition) ? ' (some with conditions)' : ''
  return `${actions.length} action${actions.length === 1 ? '' : 's'}: ${shown}${actions.length > 4 ? ', …' : ''}${conditional}`
}

export function describeGrant(g: Pick<LfGrantPayload, 'resourceType' | 'expression'>): string {
  return `${g.resourceType} where ${g.expression.map((t) => `${t.TagKey}=${t.TagValues.join('|')}`).join(' and ')}`
}

function roleName(arn: string | undefined): string {
  return arn?.split('/').pop() ?? ''
}
