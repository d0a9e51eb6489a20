/** A team's IAM Identity Center SAML application. */

import type { KindDefinition } from './contract.js'
import { noDetails } from './details.js'

export const applicationKind = {
  kind: 'application',
  scope: 'identity-center',
  accountWide: false,
  dependsOn: [],
  details: noDetails,
  teamScope: 'its-team',
} satisfies KindDefinition<'application'>
