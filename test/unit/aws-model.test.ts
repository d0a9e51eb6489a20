import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { types } from 'node:util'
import {
  awsValidationMessage,
  patternRegExp,
  serviceModel,
  validateRequest,
} from '../../src/lib/aws/model.js'
import { certificateFindings } from '../../src/lib/config/metadata.js'
import { ROOT } from '../helpers/cli.js'

const MODEL_DIR = path.join(ROOT, 'schema', 'aws-model')

describe('AWS model data (schema/aws-model)', () => {
  it('is what scripts/gen-aws-model.mjs generates from the botocore it names (drift)', function () {
    this.timeout(60_000)
    const recorded = String(JSON.parse(readFileSync(path.join(MODEL_DIR, 'sagemaker.json'), 'utf8')).source)
    const version = recorded.replace(/^botocore /, '')
    let dataDir: string | undefined
    try {
      const found = execFileSync(
        'python3',
        ['-c', 'import botocore,os;print(botocore.__version__, os.path.dirname(botocore.__file__))'],
        {
          encoding: 'utf8',
        },
      )
        .trim()
        .split(' ')
      if (found[0] === version) dataDir = path.join(found[1], 'data')
    } catch {}
    if (!dataDir) {
      // Else a wheel of that version on this machine (pip's download cache layout).
      const wheel = ['/opt/pypi/files', '/opt/pypi-more/files']
        .map((d) => path.join(d, `botocore-${version}-py3-none-any.whl`))
        .find((f) => existsSync(f))
      if (!wheel) {
        console.log(`      (botocore ${version} is not on this machine: only the SDK enum check runs)`)
        this.skip()
      }
      const dir = mkdtempSync(path.join(tmpdir(), 'botocore-'))
      execFileSync('python3', ['-m', 'zipfile', '-e', wheel!, dir])
      dataDir = path.join(dir, 'botocore', 'data')
    }
    execFileSync(
      'node',
      [path.join(ROOT, 'scripts', 'gen-aws-model.mjs'), '--check', '--botocore', dataDir, version],
      {
        stdio: 'pipe',
      },
    )
  })

  it('knows every enum value of the AWS SDK the CLI ships (an SDK upgrade with new values fails here)', async () => {
    const sagemaker = await import('@aws-sdk/client-sagemaker')
    const lakeformation = await import('@aws-sdk/client-lakeformation')
    const lambda = await import('@aws-sdk/client-lambda')
    const pairs: [string, string, Record<string, string>][] = [
      ['sagemaker', 'AppInstanceType', sagemaker.AppInstanceType],
      ['sagemaker', 'StudioWebPortal', sagemaker.StudioWebPortal],
      ['lakeformation', 'Permission', lakeformation.Permission],
      ['lambda', 'Runtime', lambda.Runtime],
    ]
    for (const [service, shape, sdkEnum] of pairs) {
      const vendored = serviceModel(service)!.shapes[shape].enum!
      const missing = Object.values(sdkEnum).filter((v) => !vendored.includes(v))
      assert.deepEqual(missing, [], `${service} ${shape}: regenerate schema/aws-model`)
    }
  })

  it('compiles every pattern but the few Java-only ones', () => {
    const unsupported: string[] = []
    let total = 0
    for (const file of readdirSync(MODEL_DIR)) {
      for (const shape of Object.values(serviceModel(file.replace(/\.json$/, ''))!.shapes)) {
        if (!shape.pattern) continue
        total++
        if (!patternRegExp(shape.pattern)) unsupported.push(shape.pattern)
      }
    }
    assert.ok(total > 600, `${total} patterns`)
    assert.ok(unsupported.length <= 4, unsupported.join('\n'))
  })

  it('matches patterns against the whole value, as AWS does', () => {
    const re = patternRegExp('[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}')!
    assert.ok(re.test('team1-abc'))
    assert.ok(!re.test('team-'))
    assert.ok(!re.test('-team'))
  })

  it('reports violations with the message AWS answers with', () => {
    const v = validateRequest('sso-admin', 'CreateApplication', {
      InstanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
      ApplicationProviderArn: 'arn:aws:sso::aws:applicationProvider/custom-saml',
      Name: 'x'.repeat(101),
    })!
    assert.equal(v.length, 1)
    assert.equal(
      awsValidationMessage(v),
      `1 validation error detected: Value '${'x'.repeat(101)}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 100`,
    )
    const deep = validateRequest('sagemaker', 'CreateUserProfile', {
      DomainId: 'd-abc',
      UserProfileName: 'team1-u',
      UserSettings: { JupyterLabAppSettings: { DefaultResourceSpec: { InstanceType: 'ml.nope' } } },
      Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })),
    })!
    assert.deepEqual(deep.map((x) => [x.path.join('.'), x.constraint]).sort(), [
      ['Tags', 'length'],
      ['UserSettings.JupyterLabAppSettings.DefaultResourceSpec.InstanceType', 'enum'],
    ])
    assert.equal(validateRequest('sagemaker', 'NoSuchOperation', {}), undefined)
  })
})

describe('AWS models as the built CLI reads them (dist/aws-model, npm run build)', () => {
  type Model = typeof import('../../src/lib/aws/model.js')
  const built = () =>
    import(pathToFileURL(path.join(ROOT, 'dist', 'lib', 'aws', 'model.js')).href) as Promise<Model>

  it('are the vendored models, shape for shape, read in part: a shape is parsed when first read', async () => {
    const { serviceModel: builtModel } = await built()
    const services = readdirSync(MODEL_DIR).filter((f) => f.endsWith('.json'))
    assert.ok(services.length >= 10)
    for (const f of services) {
      const service = f.replace(/\.json$/, '')
      const model = builtModel(service)!
      // Read in part: shapes and operations are parsed as they are read.
      assert.ok(types.isProxy(model.shapes) && types.isProxy(model.operations), service)
      const first = Object.keys(model.shapes)[0]
      assert.deepEqual(
        JSON.parse(JSON.stringify(model)),
        JSON.parse(readFileSync(path.join(MODEL_DIR, f), 'utf8')),
        service,
      )
      // Read once, it is kept.
      assert.equal(model.shapes[first], model.shapes[first])
    }
  })

  it('validate requests as the whole models do', async () => {
    const { validateRequest: builtValidate } = await built()
    const requests: [string, string, unknown][] = [
      ['sagemaker', 'CreateUserProfile', { DomainId: 'd-1', UserProfileName: 'x'.repeat(70) }],
      [
        'sagemaker',
        'CreateUserProfile',
        { DomainId: 'd-1', UserProfileName: 'ok', UserSettings: { ExecutionRole: 'nope' } },
      ],
      ['lakeformation', 'CreateLFTag', { TagKey: '', TagValues: [] }],
      ['iam', 'CreateRole', { RoleName: 'a b', AssumeRolePolicyDocument: '{}' }],
      ['sso-admin', 'CreateApplication', { Name: 'n', InstanceArn: 'bad', ApplicationProviderArn: 'x' }],
    ]
    for (const [service, operation, input] of requests)
      assert.deepEqual(
        builtValidate(service, operation, input),
        validateRequest(service, operation, input),
        `${service} ${operation}`,
      )
  })
})

describe('signing certificate findings', () => {
  const pem = readFileSync(path.join(ROOT, 'tools', 'idp', 'keys', 'idp.cert.pem'), 'utf8')
  const b64 = pem.replace(/-----[^-]+-----|\s/g, '')
  const end = new Date(new X509Certificate(pem).validTo)
  const days = (n: number) => new Date(end.getTime() - n * 86_400_000)

  it('is silent for a certificate far from its end', () => {
    assert.deepEqual(certificateFindings([b64], days(31)), [])
  })

  it('warns within 30 days of the end', () => {
    const f = certificateFindings([b64], days(10))
    assert.deepEqual(
      f.map((x) => x.severity),
      ['warning'],
    )
    assert.match(f[0].message, /expires in 10 days/)
  })

  it('is an error once every certificate has expired, a warning when a rotation left one', () => {
    assert.deepEqual(
      certificateFindings([b64], days(-1)).map((x) => x.severity),
      ['error'],
    )
    assert.deepEqual(
      certificateFindings(['bm90IGEgY2VydA==', b64], days(100)).map((x) => x.severity),
      ['warning'],
    )
    assert.deepEqual(
      certificateFindings(['bm90IGEgY2VydA=='], days(100)).map((x) => x.severity),
      ['error'],
    )
  })
})
