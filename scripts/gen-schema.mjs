#!/usr/bin/env node
// Generates the published JSON Schemas from the TypeScript types (the types are the source of truth).
// Usage: node scripts/gen-schema.mjs [--check]   (--check exits 1 when a committed schema is stale)
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createGenerator } from 'ts-json-schema-generator'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export const SCHEMAS = [
  {
    source: 'src/lib/config/types.ts',
    type: 'TeamsFile',
    out: 'schema/teams.schema.json',
    id: 'teams.schema.json',
  },
  { source: 'src/lib/plan/types.ts', type: 'Plan', out: 'schema/plan.schema.json', id: 'plan.schema.json' },
  {
    source: 'src/lib/report/types.ts',
    type: 'AccessReport',
    out: 'schema/access-report.schema.json',
    id: 'access-report.schema.json',
  },
]

export function generate(spec) {
  const schema = createGenerator({
    path: path.join(root, spec.source),
    tsconfig: path.join(root, 'tsconfig.json'),
    type: spec.type,
    additionalProperties: false,
    skipTypeCheck: true,
    expose: 'export',
    topRef: true,
  }).createSchema(spec.type)
  schema.$id = `https://sagemaker-teams.dev/schema/${spec.id}`
  return `${JSON.stringify(schema, null, 2)}\n`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check')
  let stale = 0
  for (const spec of SCHEMAS) {
    const text = generate(spec)
    const file = path.join(root, spec.out)
    if (check) {
      let current = ''
      try {
        current = readFileSync(file, 'utf8')
      } catch {}
      if (current !== text) {
        console.error(`${spec.out} is out of date: run npm run schema`)
        stale++
      }
    } else {
      writeFileSync(file, text)
      console.log(`wrote ${spec.out}`)
    }
  }
  process.exit(stale ? 1 : 0)
}
