import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import type { PolicyDocument } from '../../src/lib/plan/types.js'
import { ROOT } from '../helpers/cli.js'
import { runInProcess } from '../helpers/in-process.js'
import { workspace } from '../helpers/workspace.js'

const PREFIX: Record<string, string> = {
  'client-sso-admin': 'sso',
  'client-identitystore': 'identitystore',
  'client-sagemaker': 'sagemaker',
  'client-iam': 'iam',
  'client-sts': 'sts',
  'client-lakeformation': 'lakeformation',
  'client-lambda': 'lambda',
  'client-dynamodb': 'dynamodb',
  'client-athena': 'athena',
  'client-s3': 's3',
  'client-cloudtrail': 'cloudtrail',
}
/** Operations IAM authorises under another action's name. */
const AUTHORISED_AS: Record<string, string> = { 's3:HeadBucket': 's3:ListBucket' }
const WAITERS: Record<string, string> = { waitUntilTableExists: 'DescribeTable' }

/** Every AWS action the CLI's code calls, from its SDK imports (commands, paginators, waiters). */
function calledActions(): Set<string> {
  const actions = new Set<string>()
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) =>
      statSync(path.join(dir, f)).isDirectory() ? walk(path.join(dir, f)) : [path.join(dir, f)],
    )
  // The ACS handler runs as the ACS role (its own policy, resources/acs.ts), or with your credentials
  // under `acs serve`: its presign is not the CLI's.
  const ACS_HANDLER = path.join(ROOT, 'src', 'lib', 'acs', 'handler.ts')
  for (const file of walk(path.join(ROOT, 'src')).filter((f) => f.endsWith('.ts') && f !== ACS_HANDLER)) {
    const text = readFileSync(file, 'utf8')
    // Static imports and `const { … } = await import('@aws-sdk/…')` in lazily loading modules.
    for (const m of text.matchAll(
      /(?:import\s*\{([^}]+)\}\s*from\s*|const\s*\{([^}]+)\}\s*=\s*await import\()'@aws-sdk\/(client-[a-z-]+)'/g,
    )) {
      const prefix = PREFIX[m[3]]
      assert.ok(prefix, `unknown client ${m[3]} in ${file}`)
      for (const raw of (m[1] ?? m[2]).split(',')) {
        const name = raw.replace(/\btype\b/, '').trim()
        if (!name || !new RegExp(`\\b${name}\\(`).test(text)) continue
        const op = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1] ?? WAITERS[name]
        if (op) actions.add(AUTHORISED_AS[`${prefix}:${op}`] ?? `${prefix}:${op}`)
      }
    }
  }
  return actions
}

describe('policy', () => {
  it('grants every action the code calls (derived from the code, not a list)', async () => {
    const called = calledActions()
    assert.ok(called.size > 50, `found ${called.size} calls`)
    // With team workspaces, so that the workgroup and bucket calls are in play too, and a managed
    // policy to attach: AttachRolePolicy is granted only for the ones the file names.
    const file = workspace((c) => {
      c.workspace = {}
      c.teams.team1.executionRole.managedPolicyArns = ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess']
    })
    const r = await runInProcess(['policy', '-f', file, '--account-id', '123456789012'])
    assert.equal(r.code, 0, r.stderr)
    const doc = JSON.parse(r.stdout) as PolicyDocument
    const granted = new Set(
      doc.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action!])).map((a) =>
        a.toLowerCase(),
      ),
    )
    const missing = [...called].filter((a) => !granted.has(a.toLowerCase()))
    assert.deepEqual(missing, [], `actions called without a policy line: ${missing.join(', ')}`)
  })

  it('scopes resources to the domain, roles and the ACS; --for plan is read-only', async () => {
    const doc = JSON.parse(
      (await runInProcess(['policy', '-f', 'teams.example.yaml', '--account-id', '123456789012'])).stdout,
    ) as PolicyDocument
    const sm = doc.Statement.find((s) => s.Sid === 'SageMakerDomainProfiles')!
    assert.ok(
      (sm.Resource as string[]).includes(
        'arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abcdefghijkl/*',
      ),
    )
    const iam = doc.Statement.find((s) => s.Sid === 'BoundedRoleWrites')!
    // The file's roles by name: never a pattern that would match the account role (sagemaker-teams-admin).
    assert.deepEqual(iam.Resource, [
      'arn:aws:iam::123456789012:role/sagemaker-teams-team1',
      'arn:aws:iam::123456789012:role/sagemaker-teams-team2',
      'arn:aws:iam::123456789012:role/sagemaker-teams-acs-role',
    ])
    assert.deepEqual(iam.Condition, {
      StringEquals: {
        'iam:PermissionsBoundary': 'arn:aws:iam::123456789012:policy/sagemaker-teams-boundary',
      },
    })
    // No managed policies in the file: nothing may be attached.
    assert.equal(
      doc.Statement.find((s) => s.Sid === 'AttachFileManagedPolicies'),
      undefined,
    )
    const plan = JSON.parse(
      (
        await runInProcess([
          'policy',
          '-f',
          'teams.example.yaml',
          '--account-id',
          '123456789012',
          '--for',
          'plan',
        ])
      ).stdout,
    ) as PolicyDocument
    const actions = plan.Statement.flatMap((s) => s.Action as string[])
    assert.ok(actions.length > 20)
    assert.deepEqual(
      actions.filter((a) =>
        /:(Create|Update|Delete|Put|Tag|Attach|Detach|Add|Batch(Grant|Revoke)|PassRole)/.test(a),
      ),
      [],
    )
  })
})
