/** A running Studio app of a profile the file no longer calls for. */

import type { Change } from '../../plan/types.js'
import type { AccessOut, KindDefinition } from '../contract.js'
import { noDetails } from '../details.js'

export const appKind = {
  kind: 'app',
  scope: 'domain',
  accountWide: false,
  dependsOn: [],
  acsDeployment: false,
  engine: () => import('./engine.js').then((m) => m.apps),
  details: noDetails,
  teamScope: 'its-team',
  review,
  iamActions: [{ on: 'domain-profiles', access: 'write', actions: ['sagemaker:DeleteApp'] }],
} satisfies KindDefinition<'app'>

/** Its part of the access review. */
function review(c: Change<'app'>, { narrowed, item }: AccessOut): void {
  const a = c.before as Change<'app'>['before']
  if (c.action === 'delete' && a) {
    const who = a.userName || a.profileName
    narrowed.push(
      item(
        c,
        who,
        `${who}'s ${a.appType} app ${a.appName}${a.spaceName ? ` in space ${a.spaceName}` : ''} stops: it no longer runs with ${c.team}'s role`,
      ),
    )
  }
}
