import assert from 'node:assert/strict'
import { runCli } from '../helpers/cli.js'

describe('AWS failures every command can hit', function () {
  this.timeout(60_000)
  // A closed loopback port and no credentials anywhere: nothing leaves 127.0.0.1.
  const env = {
    AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PROFILE: '',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined,
  }

  it('no credentials: the AWS error code and a hint, exit 1, no stack trace, no SDK notice', async () => {
    const r = await runCli(['plan', '-f', 'teams.example.yaml'], {
      env: {
        ...env,
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SESSION_TOKEN: undefined,
      },
    })
    assert.equal(r.code, 1, r.stderr)
    assert.match(r.stderr, /CredentialsProviderError/)
    assert.match(r.stderr, /^Hint: Configure AWS credentials/m)
    assert.doesNotMatch(r.stderr, /^\s+at /m)
    assert.doesNotMatch(r.stderr, /NodeVersionSupportWarning/)
  })

  it('AWS unreachable: the network error and a hint', async () => {
    const r = await runCli(['plan', '-f', 'teams.example.yaml'], {
      env: { ...env, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'not-a-secret' },
    })
    assert.equal(r.code, 1, r.stderr)
    assert.match(r.stderr, /ECONNREFUSED/)
    assert.match(r.stderr, /^Hint: AWS could not be reached \(ECONNREFUSED\)/m)
  })
})
