/** A member's SageMaker user profile. */
import type { KindDefinition } from './contract.js'

export const profileKind = {
  kind: 'profile',
  scope: 'domain',
  accountWide: false,
  dependsOn: ['role'],
} satisfies KindDefinition<'profile'>
