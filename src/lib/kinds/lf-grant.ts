/** A team role's LF-tag policy grant. */
import type { KindDefinition } from './contract.js'

export const lfGrantKind = {
  kind: 'lf-grant',
  scope: 'lake',
  accountWide: false,
  dependsOn: ['role', 'lf-tag'],
} satisfies KindDefinition<'lf-grant'>
