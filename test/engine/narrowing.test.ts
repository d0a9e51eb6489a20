/**
 * What the file no longer grants is taken away by a plain apply, and every widening is reviewed
 * (issue #29, items 1 and 2): LF grant permissions and expression values, managed policies the tool
 * attached, userSettings keys the tool set; userSettings that change reach need approval. The CLI's
 * commands (in process) against the emulator.
 */
import assert from 'node:assert/strict'
import type { Plan } from '../../src/lib/plan/types.js'
import { useReconcile } from '../helpers/reconcile.js'
import { rewrite, workspace } from '../helpers/workspace.js'

const USER1 = '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'
const ROLE1 = 'arn:aws:iam::123456789012:role/sagemaker-teams-team1'
const S3_READ = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'
const ATHENA = 'arn:aws:iam::aws:policy/AmazonAthenaFullAccess'
const READ_ONLY = 'arn:aws:iam::aws:policy/AmazonSageMakerReadOnly'
const EFS_ROOT = [{ EFSFileSystemConfig: { FileSystemId: 'fs-0123456789abcdef0', FileSystemPath: '/' } }]
const POSIX = { Uid: 10001, Gid: 1001 }
const SG = ['sg-0123456789abcdef0']

describe('narrowing is applied and widening is reviewed', function () {
  this.timeout(240_000)
  const { emu, cli, plan, actions, applied } = useReconcile()

  /** The team1 grants as the emulator holds them: "TYPE key=v|v … : PERMS". */
  const team1Grants = () =>
    emu()
      .state.lfGrants.filter((g) => g.principal === ROLE1)
      .map((g) => {
        const p = g.resource.LFTagPolicy as {
          ResourceType: string
          Expression: { TagKey: string; TagValues: string[] }[]
        }
        const expr = p.Expression.map((t) => `${t.TagKey}=${[...t.TagValues].sort().join('|')}`).join(' ')
        return `${p.ResourceType} ${expr}: ${[...g.permissions].sort().join(',')}`
      })
      .sort()
  const role1 = () => emu().state.roles.find((r) => r.RoleName === 'sagemaker-teams-team1')!
  const profile1 = () => emu().state.profiles.find((p) => p.UserProfileName === `team1-${USER1}`)!

  it('removing a grant permission, an expression value, a managed policy and userSettings keys narrows on a plain apply; what someone else set stays', async () => {
    const file = workspace((c) => {
      c.teams.team1.lakeFormation = [
        {
          resourceType: 'TABLE',
          expression: { domain: ['consumer-banking'], sensitivity: ['public'] },
          permissions: ['SELECT', 'DESCRIBE'],
        },
        {
          resourceType: 'DATABASE',
          expression: { domain: ['consumer-banking', 'investment-banking'] },
          permissions: ['DESCRIBE'],
        },
      ]
      c.teams.team1.executionRole.managedPolicyArns = [S3_READ, ATHENA]
      c.teams.team1.userSettings = {
        CustomFileSystemConfigs: EFS_ROOT,
        CustomPosixUserConfig: POSIX,
        SecurityGroups: SG,
      }
    })
    await applied(file)
    assert.deepEqual(team1Grants(), [
      'DATABASE domain=consumer-banking|investment-banking: DESCRIBE',
      'TABLE domain=consumer-banking sensitivity=public: DESCRIBE,SELECT',
    ])
    // Someone else sets a userSettings key, attaches a managed policy and puts an inline policy on the role.
    profile1().UserSettings.DefaultLandingUri = 'app:JupyterServer:'
    role1().AttachedPolicies.push(READ_ONLY)
    const handPolicy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }],
    }
    role1().InlinePolicies['hand-made'] = JSON.stringify(handPolicy)
    assert.equal((await cli(['plan', '-f', file, '--refresh', 'full', '--detailed-exitcode'])).code, 0)

    rewrite(file, (c) => {
      c.teams.team1.lakeFormation = [
        {
          resourceType: 'TABLE',
          expression: { domain: ['consumer-banking'], sensitivity: ['public'] },
          permissions: ['DESCRIBE'],
        },
        { resourceType: 'DATABASE', expression: { domain: ['consumer-banking'] }, permissions: ['DESCRIBE'] },
      ]
      c.teams.team1.executionRole.managedPolicyArns = [S3_READ]
      c.teams.team1.userSettings = { SecurityGroups: SG }
    })
    for (const refresh of ['existence', 'full']) {
      const r = await cli(['plan', '-f', file, '--refresh', refresh, '--detailed-exitcode'])
      assert.equal(r.code, 2, `${refresh}: ${r.stdout}${r.stderr}`)
      assert.doesNotMatch(r.stdout, /The account matches/)
    }
    const p = await plan(file, '--refresh', 'full')
    const narrowed = p.accessReview!.narrowed.map((i) => i.description)
    for (const line of [
      'team1 role loses SELECT on TABLE where domain=consumer-banking and sensitivity=public',
      'team1 role loses DESCRIBE on DATABASE where domain=consumer-banking|investment-banking',
      `role sagemaker-teams-team1 loses managed policy ${ATHENA}`,
      `user1@example.com's team1 profile no longer has CustomFileSystemConfigs: the file systems (EFS, FSx for Lustre) its apps mount`,
    ])
      assert.ok(narrowed.includes(line), `${line}\n${narrowed.join('\n')}`)
    // The grant re-made without the value widens nothing; what someone else put there is not counted.
    assert.deepEqual(
      p.accessReview!.widened.map((i) => i.description),
      [],
      JSON.stringify(p.accessReview!.widened),
    )
    assert.ok(
      !narrowed.some((l) => /AmazonSageMakerReadOnly|s3:ListBucket|DefaultLandingUri/.test(l)),
      narrowed.join('\n'),
    )
    // CustomPosixUserConfig cannot be unset by UpdateUserProfile (Uid and Gid are required): said, not hidden.
    assert.ok(
      p.warnings.some((w) =>
        /team team1: userSettings CustomPosixUserConfig left the file but stays on 1 profile:/.test(w),
      ),
      p.warnings.join('\n'),
    )

    await applied(file) // no --prune
    assert.deepEqual(team1Grants(), [
      'DATABASE domain=consumer-banking: DESCRIBE',
      'TABLE domain=consumer-banking sensitivity=public: DESCRIBE',
    ])
    assert.deepEqual([...role1().AttachedPolicies].sort(), [S3_READ, READ_ONLY].sort())
    assert.ok(role1().InlinePolicies['hand-made'], 'an inline policy someone else put there stays')
    const settings = profile1().UserSettings
    assert.equal(settings.CustomFileSystemConfigs, undefined)
    assert.deepEqual(settings.SecurityGroups, SG)
    assert.deepEqual(settings.CustomPosixUserConfig, POSIX)
    assert.equal(settings.DefaultLandingUri, 'app:JupyterServer:', 'a key set by hand stays')

    const after = await cli(['plan', '-f', file, '--refresh', 'full', '--detailed-exitcode'])
    assert.equal(after.code, 0, after.stdout + after.stderr)
    assert.deepEqual(actions(await plan(file, '--refresh', 'full')), [])

    // --prune still removes what someone else attached (the role is the tool's).
    const pruned = await plan(file, '--prune')
    assert.match(
      pruned.changes.find((c) => c.kind === 'role')?.reason ?? '',
      /extra managed policy arn:aws:iam::aws:policy\/AmazonSageMakerReadOnly/,
    )
  })

  it('a userSettings key removed by hand from the file only after the tool set it is unset; keys the tool never recorded stay', async () => {
    const file = workspace((c) => {
      c.teams.team1.userSettings = {
        JupyterLabAppSettings: { DefaultResourceSpec: { InstanceType: 'ml.t3.medium' } },
      }
    })
    await applied(file)
    profile1().UserSettings.SecurityGroups = ['sg-0aaaaaaaaaaaaaaaa'] // set by someone else
    rewrite(file, (c) => {
      c.teams.team1.userSettings = {}
    })
    const p = await plan(file)
    const update = p.changes.find((c) => c.kind === 'profile' && c.key === `team1-${USER1}`)
    assert.deepEqual(update?.after && (update.after as { unsetSettings?: string[] }).unsetSettings, [
      'JupyterLabAppSettings',
    ])
    await applied(file)
    assert.equal(profile1().UserSettings.JupyterLabAppSettings, undefined)
    assert.deepEqual(profile1().UserSettings.SecurityGroups, ['sg-0aaaaaaaaaaaaaaaa'])
    const next = await cli(['plan', '-f', file, '--refresh', 'full', '--detailed-exitcode'])
    assert.equal(next.code, 0, next.stdout)
  })

  /** Each userSettings field that changes reach, as the README lists it. */
  const REACH: [string, Record<string, unknown>][] = [
    ['CustomFileSystemConfigs', { CustomFileSystemConfigs: EFS_ROOT }],
    ['CustomPosixUserConfig', { CustomPosixUserConfig: POSIX }],
    ['SecurityGroups', { SecurityGroups: SG }],
    [
      'JupyterLabAppSettings',
      {
        JupyterLabAppSettings: {
          LifecycleConfigArns: ['arn:aws:sagemaker:us-east-1:123456789012:studio-lifecycle-config/mount-all'],
        },
      },
    ],
    [
      'KernelGatewayAppSettings',
      {
        KernelGatewayAppSettings: {
          CustomImages: [{ ImageName: 'tools', AppImageConfigName: 'tools-config' }],
        },
      },
    ],
    [
      'CodeEditorAppSettings',
      {
        CodeEditorAppSettings: {
          LifecycleConfigArns: ['arn:aws:sagemaker:us-east-1:123456789012:studio-lifecycle-config/mount-all'],
        },
      },
    ],
    [
      'JupyterServerAppSettings',
      {
        JupyterServerAppSettings: {
          CodeRepositories: [{ RepositoryUrl: 'https://github.com/example/tools' }],
        },
      },
    ],
    [
      'RStudioServerProAppSettings',
      { RStudioServerProAppSettings: { AccessStatus: 'ENABLED', UserGroup: 'R_STUDIO_ADMIN' } },
    ],
    [
      'SharingSettings',
      { SharingSettings: { NotebookOutputOption: 'Allowed', S3OutputPath: 's3://shared/notebooks' } },
    ],
  ]

  for (const [field, settings] of REACH) {
    it(`adding ${field} widens access: listed in the review, refused without a terminal unless --yes`, async () => {
      const file = workspace()
      await applied(file)
      rewrite(file, (c) => {
        c.teams.team1.userSettings = settings
      })
      const p: Plan = await plan(file)
      const widened = p.accessReview!.widened.map((i) => i.description)
      assert.ok(
        widened.includes(`user1@example.com's team1 profile gets ${field}: ${reachWhy(field)}`),
        widened.join('\n'),
      )
      const refused = await cli(['apply', '-f', file])
      assert.equal(refused.code, 1, refused.stdout + refused.stderr)
      assert.match(refused.stderr, /approval required \(--require-approval destructive\)/)
      assert.match(refused.stderr, new RegExp(`gets ${field}`))
      assert.equal(profile1().UserSettings[field], undefined, 'nothing applied')
      await applied(file)
      assert.ok(profile1().UserSettings[field], 'applied with --yes')
    })
  }

  it('settings that reach nothing new (instance type, landing page) need no approval', async () => {
    const file = workspace()
    await applied(file)
    rewrite(file, (c) => {
      c.teams.team1.userSettings = {
        DefaultLandingUri: 'studio::',
        JupyterLabAppSettings: { DefaultResourceSpec: { InstanceType: 'ml.t3.large' } },
      }
    })
    const p = await plan(file)
    assert.deepEqual(p.accessReview!.widened, [])
    const r = await cli(['apply', '-f', file])
    assert.equal(r.code, 0, r.stdout + r.stderr)
  })
})

function reachWhy(field: string): string {
  const why: Record<string, string> = {
    CustomFileSystemConfigs: 'the file systems (EFS, FSx for Lustre) its apps mount',
    CustomPosixUserConfig: 'the POSIX user and group its apps act as on those file systems',
    SecurityGroups: 'the network its apps can reach',
    JupyterServerAppSettings:
      'what its Jupyter server starts with (lifecycle configurations, images, repositories)',
    KernelGatewayAppSettings: 'what its kernels start with (lifecycle configurations, custom images)',
    JupyterLabAppSettings:
      'what its JupyterLab apps start with (lifecycle configurations, images, repositories, EMR roles)',
    CodeEditorAppSettings: 'what its Code Editor apps start with (lifecycle configurations, images)',
    RStudioServerProAppSettings: 'RStudio access and its user group (R_STUDIO_ADMIN)',
    SharingSettings: 'where its notebooks are shared (S3 output path, KMS key)',
  }
  return why[field]
}
