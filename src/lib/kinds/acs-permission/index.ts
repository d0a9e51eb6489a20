/** One statement of the ACS function's resource policy: who may invoke it, and only how. */

import type { AcsPermissionPayload, Change, Plan } from '../../plan/types.js'
import { followFunction } from '../acs-shared/index.js'
import type { AccessOut, KindDefinition } from '../contract.js'
import { updateDiff } from '../details.js'

export const acsPermissionKind = {
  kind: 'acs-permission',
  scope: 'acs',
  accountWide: true,
  acsDeployment: true,
  engine: () => import('./engine.js').then((m) => m.acsPermissionEngine),
  dependsOn: ['acs-function'],
  details: updateDiff,
  teamScope: followFunction,
  review,
  iamActions: [
    { on: 'acs-function', access: 'read', actions: ['lambda:GetPolicy'] },
    { on: 'acs-function', access: 'write', actions: ['lambda:AddPermission', 'lambda:RemovePermission'] },
    { on: 'retired-acs-function', access: 'write', actions: ['lambda:RemovePermission'] },
  ],
} satisfies KindDefinition<'acs-permission'>

const who = (p: AcsPermissionPayload) => (p.principal === '*' ? 'anyone' : p.principal)

/** Invoking the function directly, not only through its URL. */
const direct = (p: AcsPermissionPayload | undefined) =>
  p?.action === 'lambda:InvokeFunction' && !p.invokedViaFunctionUrl

const ONLY_VIA_URL =
  'the ACS function can be invoked only through its URL (no direct Invoke by any AWS principal)'

function review(
  c: Change<'acs-permission'>,
  { widened, narrowed, item }: AccessOut,
  plan: Pick<Plan, 'changes'>,
): void {
  const { before, after } = c
  if (c.action === 'delete' && before) {
    // A retired ACS's statements go with its function (reviewed there).
    if (!before.action) return
    narrowed.push(
      item(
        c,
        who(before),
        direct(before)
          ? ONLY_VIA_URL
          : `${who(before)} can no longer ${before.action} the ACS function ${before.functionName} (statement ${before.statementId})`,
      ),
    )
    return
  }
  if (!after) return
  if (c.action === 'update' && direct(before) && !direct(after)) {
    narrowed.push(item(c, who(after), ONLY_VIA_URL))
    return
  }
  // The statement that replaces an unconditioned InvokeFunction narrows with it (reviewed there).
  const replacesDirect = plan.changes.some(
    (x) =>
      x.kind === 'acs-permission' && x.action !== 'create' && direct((x as Change<'acs-permission'>).before),
  )
  if (after.invokedViaFunctionUrl && replacesDirect) return
  const how =
    after.action === 'lambda:InvokeFunctionUrl'
      ? `call the function URL of ${after.functionName}${after.functionUrlAuthType ? ` (auth ${after.functionUrlAuthType})` : ''}`
      : `invoke the ACS function ${after.functionName}${after.invokedViaFunctionUrl ? ' only through its function URL' : ' directly'}`
  widened.push(
    item(c, who(after), `${who(after)} may ${how} (${after.action}, statement ${after.statementId})`),
  )
}
