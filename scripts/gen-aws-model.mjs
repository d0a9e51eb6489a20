#!/usr/bin/env node
// Vendors the request constraints of the AWS services the tool and its emulator speak, from
// botocore's service models (the JSON models the AWS CLI and boto3 are generated from, carrying
// every member's required/min/max/pattern/enum). No npm package ships them: the v2 `aws-sdk`
// package ships only `*.min.json` (constraints stripped) and the v3 clients' schemas carry no
// constraint traits. Output: schema/aws-model/<service>.json, input shapes only, no docs.
//
// Usage: node scripts/gen-aws-model.mjs [--botocore DIR] [--check]
//   DIR defaults to the botocore package of `python3` (pip install botocore).
//   --check exits 1 when the committed files differ from what DIR generates (drift).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const OUT_DIR = path.join(root, 'schema', 'aws-model')

/** Services whose requests the CLI sends or the emulator answers (every operation of each). */
export const SERVICES = [
  'sagemaker',
  'sso-admin',
  'identitystore',
  'iam',
  'sts',
  'lakeformation',
  'lambda',
  'dynamodb',
  'athena',
  'glue',
  'cloudtrail',
]

/** Shape keys a request validator needs; everything else (documentation, examples…) is dropped. */
const SHAPE_KEYS = [
  'type',
  'required',
  'min',
  'max',
  'pattern',
  'enum',
  'member',
  'key',
  'value',
  'union',
  'document',
]
const MEMBER_KEYS = ['shape', 'location', 'locationName', 'idempotencyToken']

export function botocoreDir() {
  const out = execFileSync(
    'python3',
    ['-c', 'import botocore,os;print(botocore.__version__, os.path.dirname(botocore.__file__))'],
    {
      encoding: 'utf8',
    },
  ).trim()
  const [version, dir] = out.split(' ')
  return { version, dir: path.join(dir, 'data') }
}

function readModel(dataDir, service) {
  const versions = readdirSync(path.join(dataDir, service)).sort()
  const dir = path.join(dataDir, service, versions[versions.length - 1])
  const gz = path.join(dir, 'service-2.json.gz')
  const raw = existsSync(gz) ? gunzipSync(readFileSync(gz)) : readFileSync(path.join(dir, 'service-2.json'))
  return JSON.parse(raw.toString('utf8'))
}

export function extract(model, source) {
  const shapes = {}
  const visit = (name) => {
    if (!name || shapes[name]) return
    const s = model.shapes[name]
    const out = {}
    for (const k of SHAPE_KEYS)
      if (s[k] !== undefined) out[k] = k === 'member' || k === 'key' || k === 'value' ? s[k].shape : s[k]
    shapes[name] = out
    if (s.members) {
      out.members = {}
      for (const [m, ref] of Object.entries(s.members)) {
        const r = {}
        for (const k of MEMBER_KEYS) if (ref[k] !== undefined) r[k] = ref[k]
        out.members[m] = r
        visit(ref.shape)
      }
    }
    for (const k of ['member', 'key', 'value']) if (s[k]) visit(s[k].shape)
  }
  const operations = {}
  for (const name of Object.keys(model.operations).sort()) {
    const op = model.operations[name]
    operations[name] = {
      http: { method: op.http?.method ?? 'POST', requestUri: op.http?.requestUri ?? '/' },
      ...(op.input ? { input: op.input.shape } : {}),
      errors: (op.errors ?? []).map((e) => e.shape).sort(),
    }
    visit(op.input?.shape)
  }
  const m = model.metadata
  return {
    source,
    service: m.uid,
    protocol: m.protocol,
    ...(m.targetPrefix ? { targetPrefix: m.targetPrefix } : {}),
    signingName: m.signingName ?? m.endpointPrefix,
    operations,
    shapes: Object.fromEntries(Object.entries(shapes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  }
}

export function generateAll(dataDir, version) {
  return Object.fromEntries(
    SERVICES.map((s) => [s, `${JSON.stringify(extract(readModel(dataDir, s), `botocore ${version}`))}\n`]),
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const at = args.indexOf('--botocore')
  const found = at >= 0 ? { dir: args[at + 1], version: args[at + 2] ?? 'unknown' } : botocoreDir()
  const files = generateAll(found.dir, found.version)
  mkdirSync(OUT_DIR, { recursive: true })
  let stale = 0
  for (const [service, text] of Object.entries(files)) {
    const file = path.join(OUT_DIR, `${service}.json`)
    if (args.includes('--check')) {
      const current = existsSync(file) ? readFileSync(file, 'utf8') : ''
      if (current !== text) {
        stale++
        console.error(`${path.relative(root, file)} differs from botocore ${found.version}`)
      }
    } else writeFileSync(file, text)
  }
  if (stale) process.exit(1)
  if (!args.includes('--check'))
    console.log(`wrote ${Object.keys(files).length} models from botocore ${found.version}`)
}
