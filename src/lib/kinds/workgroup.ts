/** A team's Athena workgroup (its workspace). */
import type { KindDefinition } from './contract.js'

export const workgroupKind = {
  kind: 'workgroup',
  scope: 'account',
  accountWide: false,
  dependsOn: [],
} satisfies KindDefinition<'workgroup'>
