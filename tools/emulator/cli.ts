/**
 * Runs the emulator until SIGINT/SIGTERM:
 *   node --import tsx tools/emulator/cli.ts [--port N] [--seed FILE] [--latency MS] [--rate-limit RATE[,BURST]]
 *     [--cloudtrail-delay MS] [--account ID[=SEED]]...
 * --rate-limit throttles every operation by its own token bucket (calls per second, bucket size).
 * --cloudtrail-delay: how long a write takes to show in LookupEvents (POST /_emulator/cloudtrail
 * {"delayMs": N} changes it, {"deliver": true} delivers everything recorded so far).
 * --account adds a member account (12 digits), seeded from a YAML file if given; repeatable.
 * Credentials for a role or user of any account: POST /_emulator/credentials {"arn": "…"}.
 */
import { parseArgs } from 'node:util'
import { startEmulator } from './index.js'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    seed: { type: 'string' },
    latency: { type: 'string' },
    'rate-limit': { type: 'string' },
    'no-dynamo': { type: 'boolean' },
    'cloudtrail-delay': { type: 'string' },
    account: { type: 'string', multiple: true },
  },
})
const emulator = await startEmulator({
  port: Number(values.port),
  seed: values.seed,
  dynamo: !values['no-dynamo'],
  cloudTrailDelayMs: Number(values['cloudtrail-delay'] ?? 0),
  accounts: (values.account ?? []).map((a) => {
    const [id, seed] = a.split('=')
    return { id, ...(seed ? { seed } : {}) }
  }),
})
if (values.latency) emulator.setLatency(Number(values.latency))
if (values['rate-limit']) {
  const [rate, burst] = values['rate-limit'].split(',').map(Number)
  emulator.setRateLimit({ rate, ...(burst ? { burst } : {}) })
}
console.log(`emulator listening on ${emulator.url} (accounts: ${emulator.accounts().join(', ')})`)
console.log(
  `export ${Object.entries(emulator.env())
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')}`,
)
const stop = async () => {
  await emulator.close()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
