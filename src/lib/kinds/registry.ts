/**
 * The kind registry: one line per kind (its folder's definition, which names its engine), and what
 * the rest of the tool derives from them. `satisfies KindRegistry` makes a kind missing here, or a
 * definition or engine missing a piece, a compile error (test/unit/kind-pieces.test.ts).
 */
import { KINDS, type Kind } from '../plan/types.js'
import { acsFunctionKind } from './acs-function/index.js'
import { acsPermissionKind } from './acs-permission/index.js'
import { acsRoleKind } from './acs-role/index.js'
import { acsTableKind } from './acs-table/index.js'
import { acsUrlKind } from './acs-url/index.js'
import { appKind } from './app/index.js'
import { applicationKind } from './application/index.js'
import { assignmentKind } from './assignment/index.js'
import { boundaryKind } from './boundary/index.js'
import { consoleKind } from './console/index.js'
import type { KindDefinition, KindScope } from './contract.js'
import { lfGrantKind } from './lf-grant/index.js'
import { lfShareKind } from './lf-share/index.js'
import { lfTagKind } from './lf-tag/index.js'
import { linkGrantKind } from './link-grant/index.js'
import { meshGrantKind } from './mesh-grant/index.js'
import { presignRoleKind } from './presign-role/index.js'
import { profileKind } from './profile/index.js'
import { resourceLinkKind } from './resource-link/index.js'
import { roleKind } from './role/index.js'
import { workgroupKind } from './workgroup/index.js'

const definitions = {
  boundary: boundaryKind,
  role: roleKind,
  'presign-role': presignRoleKind,
  workgroup: workgroupKind,
  'lf-tag': lfTagKind,
  'lf-grant': lfGrantKind,
  'lf-share': lfShareKind,
  'resource-link': resourceLinkKind,
  'link-grant': linkGrantKind,
  'mesh-grant': meshGrantKind,
  application: applicationKind,
  assignment: assignmentKind,
  profile: profileKind,
  app: appKind,
  'acs-role': acsRoleKind,
  'acs-table': acsTableKind,
  'acs-function': acsFunctionKind,
  'acs-url': acsUrlKind,
  'acs-permission': acsPermissionKind,
  console: consoleKind,
} satisfies KindRegistry

/** Every kind's definition, each of its own kind. */
export type KindRegistry = { readonly [K in Kind]: KindDefinition<K> }

/** Kind → its definition. */
export const KIND_DEFINITIONS: KindRegistry = definitions

/** The kinds of the given scopes, in apply order. */
export function kindsIn(...scopes: KindScope[]): Kind[] {
  return KINDS.filter((k) => scopes.includes(KIND_DEFINITIONS[k].scope))
}

/** Kinds whose creates and updates wait for the same team's change of another kind. */
export const DEPENDS_ON: Readonly<Partial<Record<Kind, readonly Kind[]>>> = Object.fromEntries(
  KINDS.filter((k) => KIND_DEFINITIONS[k].dependsOn.length > 0).map((k) => [
    k,
    KIND_DEFINITIONS[k].dependsOn,
  ]),
)

/** Kinds whose deletes wait for the same team's deletes of another kind: the dependencies reversed. */
export const DELETE_DEPENDS_ON: Readonly<Partial<Record<Kind, readonly Kind[]>>> = Object.fromEntries(
  KINDS.map((k) => [k, KINDS.filter((d) => KIND_DEFINITIONS[d].dependsOn.includes(k))] as const).filter(
    ([, ds]) => ds.length > 0,
  ),
)
