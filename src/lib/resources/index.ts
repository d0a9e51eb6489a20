/**
 * The engine modules of the resource kinds (observe, desire, diff, requests, apply), one per kind;
 * what each kind declares beside its module is in kinds/registry.ts. Exhaustive: a kind without a
 * module does not compile.
 */
import { KINDS, type Kind } from '../plan/types.js'
import { acsDeployment } from './acs.js'
import { apps } from './app.js'
import { applications } from './application.js'
import { assignments } from './assignment.js'
import { boundary } from './boundary.js'
import { consoleSteps } from './console.js'
import { lfGrants } from './lf-grant.js'
import { lfShares } from './lf-share.js'
import { lfTags } from './lf-tag.js'
import { linkGrants } from './link-grant.js'
import { meshGrants } from './mesh-grant.js'
import { presignRoles } from './presign-role.js'
import { profiles } from './profile.js'
import { resourceLinks } from './resource-link.js'
import { roles } from './role.js'
import type { ResourceModule } from './types.js'
import { workgroups } from './workgroup.js'

// biome-ignore lint/suspicious/noExplicitAny: modules differ in their observed/desired types
type AnyModule<K extends Kind> = ResourceModule<K, any, any>

export const MODULE_OF = {
  boundary,
  role: roles,
  'presign-role': presignRoles,
  workgroup: workgroups,
  'lf-tag': lfTags,
  'lf-grant': lfGrants,
  'lf-share': lfShares,
  'resource-link': resourceLinks,
  'link-grant': linkGrants,
  'mesh-grant': meshGrants,
  application: applications,
  assignment: assignments,
  profile: profiles,
  app: apps,
  acs: acsDeployment,
  console: consoleSteps,
} satisfies { [K in Kind]: AnyModule<K> }

/** Every module, in dependency (apply) order. */
export const MODULES: AnyModule<Kind>[] = KINDS.map((k) => MODULE_OF[k] as AnyModule<Kind>)
