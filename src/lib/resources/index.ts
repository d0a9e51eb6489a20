/** The registry: every resource kind the engine plans and applies, in dependency (apply) order. */
import { KINDS } from '../plan/types.js'
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
export const MODULES: ResourceModule<any, any, any>[] = [
  boundary,
  roles,
  presignRoles,
  workgroups,
  lfTags,
  lfGrants,
  lfShares,
  resourceLinks,
  linkGrants,
  meshGrants,
  applications,
  assignments,
  profiles,
  apps,
  acsDeployment,
  consoleSteps,
].sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind))
