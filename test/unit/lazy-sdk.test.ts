/**
 * Start-up stays cheap: loading the commands' modules and the kind registry loads no AWS SDK client;
 * each client's module is loaded when a run first uses it (src/lib/aws/clients.ts and the kinds'
 * dynamic imports), so a plan without a data mesh or a workspace never loads Glue, Athena or S3.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT } from '../helpers/cli.js'

/**
 * The @aws-sdk/client-* packages a fresh Node process has loaded after importing these dist modules
 * (and awaiting `loadEngines()` of those that export it: the kinds' engines).
 */
function clientsLoadedBy(modules: string[]): string[] {
  const urls = modules.map((m) => pathToFileURL(path.join(ROOT, 'dist', m)).href)
  const out = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `for (const u of ${JSON.stringify(urls)}) await (await import(u)).loadEngines?.()
       const { createRequire } = await import('node:module')
       const loaded = Object.keys(createRequire(import.meta.url).cache)
       console.log(JSON.stringify([...new Set(loaded.map((k) => /@aws-sdk\\/(client-[a-z-]+)\\//.exec(k)?.[1]).filter(Boolean))]))`,
    ],
    { encoding: 'utf8' },
  )
  return JSON.parse(out) as string[]
}

describe('AWS SDK clients load lazily', function () {
  this.timeout(60_000)

  it('no command module loads an SDK client (validate, --help, completion never do)', () => {
    const commands = ['plan', 'apply', 'validate', 'show', 'status', 'doctor', 'policy', 'import', 'init']
    assert.deepEqual(clientsLoadedBy(commands.map((c) => `commands/${c}.js`)), [])
  })

  it('the plan engine and its kind registry load only the clients every plan uses: never Glue, Athena, S3 or CloudTrail', () => {
    const loaded = clientsLoadedBy(['lib/engine/plan.js', 'lib/kinds/engines.js'])
    assert.ok(loaded.includes('client-sagemaker'), `the engines were not loaded: ${loaded.join(', ')}`)
    for (const optional of ['client-glue', 'client-athena', 'client-s3', 'client-cloudtrail'])
      assert.ok(!loaded.includes(optional), `${optional} in ${loaded.join(', ')}`)
  })

  it("rendering and reviewing a plan (the kinds' definitions) loads no SDK client: each names its engine lazily", () => {
    assert.deepEqual(
      clientsLoadedBy(['lib/kinds/registry.js', 'lib/plan/render.js', 'lib/plan/access-review.js']),
      [],
    )
  })

  it("the plan's engine loads only Identity Center's clients before its first calls: the kinds' engines load while they are out", () => {
    // The modules `plan` imports before buildPlan sends GetCallerIdentity and ListInstances; the kinds'
    // engines (SageMaker, IAM, Lake Formation, Lambda, DynamoDB) load meanwhile (kinds/engines.ts warmEngines).
    assert.deepEqual(
      clientsLoadedBy([
        'commands/plan.js',
        'lib/engine/scopes.js',
        'lib/engine/plan.js',
        'lib/plan/render.js',
      ]).sort(),
      ['client-identitystore', 'client-sso-admin'],
    )
  })
})
