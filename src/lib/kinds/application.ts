/** A team's IAM Identity Center SAML application. */
import type { KindDefinition } from './contract.js'

export const applicationKind = {
  kind: 'application',
  scope: 'identity-center',
  accountWide: false,
  dependsOn: [],
} satisfies KindDefinition<'application'>
