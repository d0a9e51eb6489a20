/** An LF-tag of the file, in the catalog that holds them. */
import type { KindDefinition } from './contract.js'

export const lfTagKind = {
  kind: 'lf-tag',
  scope: 'lake',
  accountWide: true,
  dependsOn: [],
} satisfies KindDefinition<'lf-tag'>
