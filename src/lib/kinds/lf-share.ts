/** Data mesh: a grant to a consumer account in the governance catalog. */
import type { KindDefinition } from './contract.js'

export const lfShareKind = {
  kind: 'lf-share',
  scope: 'mesh-governance',
  accountWide: true,
  dependsOn: [],
} satisfies KindDefinition<'lf-share'>
