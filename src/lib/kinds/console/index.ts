/** A team application's console-only SAML settings (a manual step). */

import type { KindDefinition } from '../contract.js'
import { noAccessChange } from '../review.js'

export const consoleKind = {
  kind: 'console',
  scope: 'identity-center',
  accountWide: false,
  dependsOn: [],
  acsDeployment: false,
  engine: () => import('./engine.js').then((m) => m.consoleSteps),
  details: (c) => {
    if (!c.after) return []
    const a = c.after
    return [
      `ACS URL: ${a.acsUrl}`,
      `SAML audience: ${a.audience}`,
      ...Object.entries(a.attributeMappings).map(([k, v]) => `attribute ${k} = ${v}`),
      `save the metadata as: ${a.metadataPath}`,
    ]
  },
  teamScope: 'its-team',
  review: noAccessChange,
  iamActions: [],
} satisfies KindDefinition<'console'>
