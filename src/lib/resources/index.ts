/** The registry: every resource kind the engine plans and applies, in dependency (apply) order. */
import { KINDS } from '../plan/types.js'
import { applications } from './application.js'
import { assignments } from './assignment.js'
import { consoleSteps } from './console.js'
import { profiles } from './profile.js'
import type { ResourceModule } from './types.js'

// biome-ignore lint/suspicious/noExplicitAny: modules differ in their observed/desired types
export const MODULES: ResourceModule<any, any, any>[] = [
  applications,
  assignments,
  profiles,
  consoleSteps,
].sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind))
