/** The Lambda entry refuses events that did not come through the function's own URL. */
import assert from 'node:assert/strict'
import type { AcsConfig } from '../../src/lib/acs/config.js'
import type { AcsDeps, AcsLogEntry } from '../../src/lib/acs/handler.js'
import { createLambdaHandler, eventRefusal } from '../../src/lib/acs/lambda.js'

const URL_ID = 'abcdefghijklmnopqrstuvwxyz012345'
const FUNCTION_URL = `https://${URL_ID}.lambda-url.us-east-1.on.aws/`

const config: AcsConfig = {
  version: 1,
  region: 'us-east-1',
  accountId: '123456789012',
  partition: 'aws',
  domainId: 'd-abcdefghijkl',
  functionUrl: FUNCTION_URL,
  provisioning: 'both',
  sessionExpirationSeconds: 43200,
  urlExpiresSeconds: 60,
  landingUri: 'studio::',
  teams: {},
  members: {},
}

/** A function URL event (payload format 2.0) as Lambda delivers it, for host `domainName`. */
function urlEvent(domainName = `${URL_ID}.lambda-url.us-east-1.on.aws`) {
  const apiId = domainName.split('.')[0]
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/saml/acs/team1',
    rawQueryString: '',
    headers: { 'content-type': 'application/x-www-form-urlencoded', host: domainName },
    requestContext: {
      accountId: 'anonymous',
      apiId,
      domainName,
      domainPrefix: apiId,
      http: { method: 'POST', path: '/saml/acs/team1', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7' },
      requestId: 'r1',
      routeKey: '$default',
      stage: '$default',
    },
    body: 'SAMLResponse=eA%3D%3D',
    isBase64Encoded: false,
  }
}

describe('ACS Lambda entry: only events of its own function URL', () => {
  function handler(c: AcsConfig = config) {
    const logs: AcsLogEntry[] = []
    // No AWS client is reached: every event here is refused before (or without) any AWS call.
    const deps = { config: c, store: {}, log: (e: AcsLogEntry) => logs.push(e) } as unknown as AcsDeps
    return { handle: createLambdaHandler(c, deps), logs }
  }

  it('refuses a direct-invoke-shaped event, with the reason code in the log line', async () => {
    const { handle, logs } = handler()
    // What `aws lambda invoke --payload` sends: whatever JSON the caller writes, here a forged
    // request without the function URL's request context.
    const forged = {
      rawPath: '/saml/acs/team1',
      headers: { 'content-type': 'application/x-www-form-urlencoded', host: 'attacker.example' },
      body: 'SAMLResponse=eA%3D%3D',
      requestContext: { domainName: 'attacker.example', http: { method: 'POST', sourceIp: '10.100.10.7' } },
    }
    const res = await handle(forged)
    assert.equal(res.statusCode, 400)
    assert.deepEqual(logs, [
      { event: 'acs', outcome: 'refused', reason: 'not_function_url_event', status: 400, ms: 0 },
    ])
    assert.equal(eventRefusal({}, config), 'not_function_url_event')
    assert.equal(eventRefusal(null, config), 'not_function_url_event')
  })

  it('refuses a well-formed event of another function URL (or another region)', async () => {
    const { handle, logs } = handler()
    const res = await handle(urlEvent('zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz.lambda-url.us-east-1.on.aws'))
    assert.equal(res.statusCode, 400)
    assert.equal(logs.at(-1)?.reason, 'foreign_function_url')
    assert.equal(
      eventRefusal(urlEvent(`${URL_ID}.lambda-url.eu-west-1.on.aws`), config),
      'not_function_url_event',
    )
    // apiId and host must agree, as Lambda sets them.
    const mixed = urlEvent()
    mixed.requestContext.apiId = 'other'
    assert.equal(eventRefusal(mixed, config), 'not_function_url_event')
  })

  it('without acs.url and without a known function URL, no host is trusted', () => {
    const { functionUrl: _, ...unknown } = config
    assert.equal(eventRefusal(urlEvent(), unknown), 'function_url_unknown')
    // With acs.url the expected Destination comes from the configuration, not from the host.
    assert.equal(eventRefusal(urlEvent(), { ...unknown, baseUrl: 'https://login.example.com' }), undefined)
  })

  it('passes an event of its own URL on to the handler', async () => {
    const { handle, logs } = handler()
    const res = await handle(urlEvent())
    // The handler answers (no team1 in this configuration): the event got past the entry check.
    assert.equal(res.statusCode, 404)
    assert.equal(logs.at(-1)?.reason, 'unknown_team')
  })
})
