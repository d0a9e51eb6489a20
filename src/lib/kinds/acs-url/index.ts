/** The ACS function's URL (auth NONE: browsers post SAML responses to it). */

import { jsonDiff } from '../../plan/json-diff.js'
import type { Change } from '../../plan/types.js'
import { followFunction } from '../acs-shared/index.js'
import type { AccessOut, KindDefinition } from '../contract.js'

export const acsUrlKind = {
  kind: 'acs-url',
  scope: 'acs',
  accountWide: true,
  acsDeployment: true,
  engine: () => import('./engine.js').then((m) => m.acsUrlEngine),
  dependsOn: ['acs-function'],
  // The configuration it bakes in is the function's (shown there).
  details: (c) => {
    const shown = (p: object) => Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'config'))
    return c.action === 'update' && c.before && c.after ? jsonDiff(shown(c.before), shown(c.after)) : []
  },
  teamScope: followFunction,
  review,
  iamActions: [
    { on: 'acs-function', access: 'read', actions: ['lambda:GetFunctionUrlConfig'] },
    {
      on: 'acs-function',
      access: 'write',
      // A created URL is baked into the function's package (UpdateFunctionCode, its config tag).
      actions: [
        'lambda:CreateFunctionUrlConfig',
        'lambda:TagResource',
        'lambda:UpdateFunctionCode',
        'lambda:UpdateFunctionUrlConfig',
      ],
    },
    { on: 'retired-acs-function', access: 'write', actions: ['lambda:DeleteFunctionUrlConfig'] },
  ],
} satisfies KindDefinition<'acs-url'>

/** Who can reach the function through its URL. */
function review(c: Change<'acs-url'>, { widened, narrowed, item }: AccessOut): void {
  const { before, after } = c
  const fn = (after ?? before)!.functionName
  if (c.action === 'delete') {
    narrowed.push(item(c, 'ACS', `the function URL of ${fn} is deleted: nobody can post to the ACS`))
    return
  }
  if (!after) return
  const open = after.authType === 'NONE'
  if (c.action === 'create')
    widened.push(
      item(
        c,
        'ACS',
        open
          ? `the function URL of ${fn} is created, public (auth NONE): anyone can post to it, the ACS verifies each signed SAML response`
          : `the function URL of ${fn} is created (auth ${after.authType})`,
      ),
    )
  else if (before && before.authType !== after.authType)
    (open ? widened : narrowed).push(
      item(
        c,
        'ACS',
        `the function URL of ${fn} changes auth ${before.authType} → ${after.authType}${open ? ': anyone can post to it again, as the ACS needs' : ''}`,
      ),
    )
}
