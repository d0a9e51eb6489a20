/** A member's SageMaker user profile. */

import { deepEqual } from '../../canonical.js'
import { ABAC_TAG } from '../../model/names.js'
import { staleTagKeys } from '../../model/profile-tags.js'
import type { Change } from '../../plan/types.js'
import type { AccessOut, KindDefinition } from '../contract.js'
import { noDetails } from '../details.js'
import { roleName } from '../review.js'

export const profileKind = {
  kind: 'profile',
  scope: 'domain',
  accountWide: false,
  dependsOn: ['role'],
  acsDeployment: false,
  engine: () => import('./engine.js').then((m) => m.profiles),
  details: noDetails,
  teamScope: 'its-team',
  review,
  iamActions: [
    {
      on: 'unscoped',
      access: 'read',
      actions: ['sagemaker:ListApps', 'sagemaker:ListSpaces', 'sagemaker:ListUserProfiles'],
    },
    {
      on: 'domain-profiles',
      access: 'read',
      actions: ['sagemaker:DescribeUserProfile', 'sagemaker:ListTags'],
    },
    {
      on: 'domain-profiles',
      access: 'write',
      actions: [
        'sagemaker:AddTags',
        'sagemaker:DeleteApp',
        'sagemaker:DeleteTags',
        'sagemaker:DeleteUserProfile',
        'sagemaker:UpdateUserProfile',
      ],
    },
    { on: 'new-team-profiles', access: 'write', actions: ['sagemaker:CreateUserProfile'] },
    { on: 'team-roles-to-sagemaker', access: 'write', actions: ['iam:PassRole'] },
  ],
} satisfies KindDefinition<'profile'>

/** Its part of the access review. */
function review(c: Change<'profile'>, { widened, narrowed, item }: AccessOut): void {
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
