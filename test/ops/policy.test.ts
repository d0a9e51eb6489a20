import assert from 'node:assert/strict'
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse, stringify } from 'yaml'
import type { AccountPolicy } from '../../src/lib/account-policies.js'
import type { TeamsFile } from '../../src/lib/config/types.js'
import { fileAccounts } from '../../src/lib/model/topology.js'
import { operatorPolicy } from '../../src/lib/operator-policy.js'
import type { PolicyDocument } from '../../src/lib/plan/types.js'
import { MANAGED_POLICY_MAX, policySize, splitPolicy } from '../../src/lib/policies/size.js'
import { setupBoundaries } from '../../src/lib/setup.js'
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
  'client-glue': 'glue',
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

/** `policy --json` for a one-domain file, its parts (when over IAM's managed-policy size) joined. */
async function policyOf(args: string[]): Promise<PolicyDocument> {
  const r = await runInProcess(['policy', ...args, '--account-id', '123456789012', '--json'])
  assert.equal(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout) as PolicyDocument | PolicyDocument[]
  const parts = Array.isArray(out) ? out : [out]
  return { Version: '2012-10-17', Statement: parts.flatMap((p) => p.Statement) }
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
    // The apply policy and the one-time set-up's (the boundaries' new versions are setup's only);
    // only what a statement allows counts (the apply policy's denies name actions too).
    const doc = await policyOf(['-f', file])
    const setup = await policyOf(['-f', file, '--for', 'setup'])
    const granted = new Set(
      [...doc.Statement, ...setup.Statement]
        .filter((s) => s.Effect === 'Allow')
        .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action!]))
        .map((a) => a.toLowerCase()),
    )
    // The data mesh's calls (grants to accounts, resource links) are in play only with dataMesh:.
    const mesh = await runInProcess([
      'policy',
      '-f',
      'examples/teams-data-mesh.yaml',
      '--account-id',
      '123456789012',
      '--json',
    ])
    assert.equal(mesh.code, 0, mesh.stderr)
    for (const { document } of JSON.parse(mesh.stdout) as { document: PolicyDocument }[])
      for (const s of document.Statement)
        for (const a of Array.isArray(s.Action) ? s.Action : [s.Action!]) granted.add(a.toLowerCase())
    const missing = [...called].filter((a) => !granted.has(a.toLowerCase()))
    assert.deepEqual(missing, [], `actions called without a policy line: ${missing.join(', ')}`)
  })

  it('scopes resources to the domain, roles and the ACS; --for plan is read-only', async () => {
    const doc = await policyOf(['-f', 'teams.example.yaml'])
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
    ])
    assert.deepEqual(iam.Condition, {
      StringEquals: {
        'iam:PermissionsBoundary': 'arn:aws:iam::123456789012:policy/sagemaker-teams-boundary',
      },
    })
    // The ACS role with the ACS's own boundary (a team role can never be given it).
    const acsRole = doc.Statement.find((s) => s.Sid === 'BoundedAcsRoleWrites')!
    assert.equal(acsRole.Resource, 'arn:aws:iam::123456789012:role/sagemaker-teams-acs-role')
    assert.deepEqual(acsRole.Condition, {
      StringEquals: {
        'iam:PermissionsBoundary': 'arn:aws:iam::123456789012:policy/sagemaker-teams-acs-boundary',
      },
    })
    // No managed policies in the file: nothing may be attached.
    assert.equal(
      doc.Statement.find((s) => s.Sid === 'AttachFileManagedPolicies'),
      undefined,
    )
    const plan = await policyOf(['-f', 'teams.example.yaml', '--for', 'plan'])
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

describe('policy: document sizes within IAM limits', () => {
  // IAM counts characters without whitespace: 6,144 per managed policy.
  const files: [string, ((c: TeamsFile) => void)?][] = [
    ['teams.example.yaml'],
    [
      'teams.example.yaml without acs:',
      (c) => {
        delete c.acs
      },
    ],
    ['examples/teams-organization.yaml'],
  ]
  for (const [name, edit] of files)
    for (const purpose of ['apply', 'plan', 'setup'] as const)
      it(`${name} (--for ${purpose}): every printed document fits a managed policy, and the parts together are the whole`, async () => {
        const source = name.split(' ')[0]
        const file = copyWith(source, edit)
        const r = await runInProcess([
          'policy',
          '-f',
          file,
          '--account-id',
          '123456789012',
          '--for',
          purpose,
          '--json',
        ])
        assert.equal(r.code, 0, r.stderr)
        const out = JSON.parse(r.stdout) as PolicyDocument | PolicyDocument[] | AccountPolicy[]
        const docs: PolicyDocument[] = (Array.isArray(out) ? out : [out]).map((d) =>
          'document' in d ? d.document : d,
        )
        for (const d of docs)
          assert.ok(
            policySize(d) <= MANAGED_POLICY_MAX,
            `${policySize(d)} characters: ${JSON.stringify(d).slice(0, 80)}`,
          )
        // Split or not, the statements are those of the generated documents.
        const config = parse(readFileSync(file, 'utf8')) as TeamsFile
        if (!config.accounts && purpose !== 'setup') {
          const whole = operatorPolicy({ config, accountId: '123456789012', region: config.region }, purpose)
          assert.deepEqual(
            docs.flatMap((d) => d.Statement),
            whole.Statement,
          )
          if (policySize(whole) > MANAGED_POLICY_MAX) {
            assert.ok(docs.length > 1)
            assert.match(r.stderr, /over IAM's 6144 for a managed policy: printed as \d parts/)
          }
        }
      })

  it('the permissions boundaries (managed policies setup writes) fit a managed policy in every account', () => {
    for (const source of [
      'teams.example.yaml',
      'examples/teams-organization.yaml',
      'examples/teams-data-mesh.yaml',
    ]) {
      const config = parse(readFileSync(path.join(ROOT, source), 'utf8')) as TeamsFile
      for (const accountId of new Set(['123456789012', ...fileAccounts(config).map((a) => a.id)]))
        for (const b of setupBoundaries(
          config,
          { accountId, region: config.region, partition: 'aws' },
          '123456789012',
        )) {
          const size = policySize(b.document)
          if (process.env.SHOW_SIZES) process.stdout.write(`${source} ${accountId} ${b.policyName} ${size}\n`)
          assert.ok(size <= MANAGED_POLICY_MAX, `${source} ${accountId} ${b.policyName}: ${size} characters`)
        }
    }
  })

  it('--for setup: the boundaries of the account, read and written; nothing else', async () => {
    const doc = await policyOf(['-f', 'teams.example.yaml', '--for', 'setup'])
    assert.deepEqual(
      doc.Statement.map((s) => [s.Sid, s.Resource]),
      [
        ['WhoAmI', '*'],
        [
          'WriteBoundaries',
          [
            'arn:aws:iam::123456789012:policy/sagemaker-teams-acs-boundary',
            'arn:aws:iam::123456789012:policy/sagemaker-teams-boundary',
          ],
        ],
      ],
    )
    // A file with accounts:: the CLI's own account, and the role setup assumes in each other one.
    const r = await runInProcess([
      'policy',
      '-f',
      'examples/teams-organization.yaml',
      '--account-id',
      '123456789012',
      '--for',
      'setup',
      '--json',
    ])
    assert.equal(r.code, 0, r.stderr)
    const docs = JSON.parse(r.stdout) as AccountPolicy[]
    assert.ok(docs.length > 1)
    assert.ok(docs.every((d) => d.purpose === 'setup'))
    const assume = docs[0].document.Statement.find((s) => s.Sid === 'AssumeSetupRoles')
    assert.ok(
      [assume?.Resource ?? []].flat().every((arn) => /:role\/OrganizationAccountAccessRole$/.test(arn)),
      JSON.stringify(assume),
    )
  })

  it('splits a document statement by statement; one that fits stays whole', () => {
    const statement = (n: number) => ({
      Sid: `S${n}`,
      Effect: 'Allow' as const,
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${'b'.repeat(60)}/${'k'.repeat(900)}${n}`,
    })
    const doc: PolicyDocument = { Version: '2012-10-17', Statement: [1, 2, 3, 4, 5, 6, 7, 8].map(statement) }
    const parts = splitPolicy(doc)
    assert.ok(parts.length > 1)
    for (const p of parts) assert.ok(policySize(p) <= MANAGED_POLICY_MAX)
    assert.deepEqual(
      parts.flatMap((p) => p.Statement),
      doc.Statement,
    )
    assert.deepEqual(splitPolicy({ Version: '2012-10-17', Statement: [statement(1)] }).length, 1)
  })
})

/** The source itself, or an edited copy beside it (its relative paths, e.g. IdP metadata, still hold). */
function copyWith(source: string, edit?: (c: TeamsFile) => void): string {
  const original = path.join(ROOT, source)
  if (!edit) return original
  const config = parse(readFileSync(original, 'utf8')) as TeamsFile
  edit(config)
  const file = path.join(path.dirname(original), `.policy-size-${process.pid}-${path.basename(source)}`)
  writeFileSync(file, stringify(config))
  after(() => rmSync(file, { force: true }))
  return file
}
