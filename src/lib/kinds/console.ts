/** A team application's console-only SAML settings (a manual step). */
import type { KindDefinition } from './contract.js'

export const consoleKind = {
  kind: 'console',
  scope: 'identity-center',
  accountWide: false,
  dependsOn: [],
} satisfies KindDefinition<'console'>
