/** The ACS function: the handler code and the configuration baked into its package. */

import { jsonDiff } from '../../plan/json-diff.js'
import type { Change } from '../../plan/types.js'
import { EFFECT_MARK, scopedFunction } from '../acs-shared/index.js'
import type { AccessOut, KindDefinition } from '../contract.js'

export const acsFunctionKind = {
  kind: 'acs-function',
  scope: 'acs',
  accountWide: true,
  acsDeployment: true,
  engine: () => import('./engine.js').then((m) => m.acsFunctionEngine),
  dependsOn: ['acs-role', 'acs-table'],
  details: (c) => (c.action === 'update' && c.before && c.after ? functionDetails(c) : []),
  // The function when its configuration changes only for the named teams, or when it is created
  // while no other team can be reached yet (otherwise deploying it would carry other teams' changes
  // too; it is then shown as blocked, with the teams it waits for).
  teamScope: scopedFunction,
  review,
  iamActions: [
    // Without an acs section, the tool's earlier deployments are found by listing (acs/retired.ts).
    { on: 'unscoped-acs', access: 'read', actions: ['dynamodb:ListTables', 'lambda:ListFunctions'] },
    { on: 'acs-function', access: 'read', actions: ['lambda:GetFunction'] },
    {
      on: 'acs-function',
      access: 'write',
      actions: [
        'lambda:CreateFunction',
        'lambda:PutFunctionConcurrency',
        'lambda:TagResource',
        'lambda:UpdateFunctionCode',
      ],
    },
    { on: 'acs-role-to-lambda', access: 'write', actions: ['iam:PassRole'] },
    // A retired ACS: read (its function, URL, permissions, role and table) and its function deleted.
    {
      on: 'retired-acs-function',
      access: 'read',
      actions: ['lambda:GetFunction', 'lambda:GetFunctionUrlConfig', 'lambda:GetPolicy'],
    },
    { on: 'retired-acs-function', access: 'write', actions: ['lambda:DeleteFunction'] },
    {
      on: 'retired-acs-role',
      access: 'read',
      actions: ['iam:GetRole', 'iam:ListRolePolicies', 'iam:ListRoleTags'],
    },
    {
      on: 'retired-acs-table',
      access: 'read',
      actions: ['dynamodb:DescribeTable', 'dynamodb:ListTagsOfResource'],
    },
  ],
} satisfies KindDefinition<'acs-function'>

/**
 * An update in words: each configuration change (the code version is in the reason), then the other
 * settings that differ. The package and configuration hashes say nothing to a reviewer.
 */
function functionDetails(c: Change<'acs-function'>): string[] {
  const opaque = [
    'codeSha256',
    'configSha256',
    'codeVersion',
    'configChanges',
    'config',
    'tags',
    'functionArn',
  ]
  const strip = (p: object) => Object.fromEntries(Object.entries(p).filter(([k]) => !opaque.includes(k)))
  // CIDRs and the session length are in the configuration changes when those could be read.
  const shown = c.after?.configChanges
    ? (p: object) => {
        const { allowedSourceCidrs: _c, sessionExpirationSeconds: _s, ...rest } = strip(p)
        return rest
      }
    : strip
  return [
    ...(c.after?.configChanges ?? []).map((x) => `${EFFECT_MARK[x.effect]} ${x.text}`),
    ...jsonDiff(shown(c.before ?? {}), shown(c.after ?? {})),
  ]
}

/** Who can sign in through the ACS, from where, for how long. */
function review(c: Change<'acs-function'>, { widened, narrowed, item }: AccessOut): void {
  const { before, after } = c
  if (c.action === 'delete') {
    narrowed.push(item(c, 'ACS', `the ACS ${c.key} is deleted: nobody can open Studio through it`))
    return
  }
  if (c.action === 'create' && after) {
    const limit = after.allowedSourceCidrs?.length
      ? ` from ${after.allowedSourceCidrs.join(', ')}`
      : ' from any address'
    widened.push(
      item(
        c,
        'ACS',
        `the ACS is deployed: assigned users can open Studio through it${limit}, sessions up to ${after.sessionExpirationSeconds} s`,
      ),
    )
  }
  if (!before || !after) return
  // Configuration changes that change who can sign in (teams, certificates, members);
  // CIDRs and the session length follow from the payload below.
  for (const x of after.configChanges ?? []) {
    if (x.effect === 'neutral' || /^(source CIDR|Studio session length)/.test(x.text)) continue
    const target = x.effect === 'widens' ? widened : narrowed
    target.push({
      ...item(c, x.team ? `team ${x.team}` : 'ACS', `ACS: ${x.text}`),
      ...(x.team ? { team: x.team } : {}),
    })
  }
  const b = before.allowedSourceCidrs ?? []
  const a = after.allowedSourceCidrs ?? []
  if (b.length > 0 && a.length === 0)
    widened.push(item(c, 'ACS', 'the ACS no longer restricts presigned URLs by source address'))
  else {
    const added = a.filter((x) => !b.includes(x))
    const removed = b.filter((x) => !a.includes(x))
    if (added.length) widened.push(item(c, 'ACS', `the ACS allows presigned URLs from ${added.join(', ')}`))
    if (removed.length && a.length)
      narrowed.push(item(c, 'ACS', `the ACS no longer allows ${removed.join(', ')}`))
    if (b.length === 0 && a.length > 0)
      narrowed.push(item(c, 'ACS', `the ACS restricts presigned URLs to ${a.join(', ')}`))
  }
  const bs = before.sessionExpirationSeconds
  const as = after.sessionExpirationSeconds
  if (bs !== undefined && as !== undefined && as > bs)
    widened.push(item(c, 'ACS', `Studio sessions last longer: ${bs} s → ${as} s`))
  if (bs !== undefined && as !== undefined && as < bs)
    narrowed.push(item(c, 'ACS', `Studio sessions are shorter: ${bs} s → ${as} s`))
}
