// `npm run build`, last: each vendored service model (schema/aws-model/<service>.json) also as
// dist/aws-model/<service>.json, laid out to be read in part: one line per operation and per shape,
// which src/lib/aws/model.ts parses only when something reads it. The SageMaker model is 400 KB,
// nearly all shapes, and `validate`, `plan` and `apply` read a few dozen of its 2,000 shapes: parsing
// it whole was on every run's path before the first AWS call. Same content: test/unit/aws-model.test.ts.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const from = path.join(root, 'schema', 'aws-model')
const to = path.join(root, 'dist', 'aws-model')

/**
 * The partly-read layout of one model (the text of the file): the model without its operations and
 * shapes on the first line, then one line per operation (`O <name> <json>`) and per shape
 * (`S <name> <json>`). JSON has no raw line break, and the names no space.
 */
export function lazyModelText(model) {
  const { operations, shapes, ...rest } = model
  const lines = [JSON.stringify(rest)]
  for (const [name, op] of Object.entries(operations)) lines.push(`O ${name} ${JSON.stringify(op)}`)
  for (const [name, shape] of Object.entries(shapes)) lines.push(`S ${name} ${JSON.stringify(shape)}`)
  return `${lines.join('\n')}\n`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(to, { recursive: true })
  const files = readdirSync(from).filter((f) => f.endsWith('.json'))
  for (const f of files)
    writeFileSync(path.join(to, f), lazyModelText(JSON.parse(readFileSync(path.join(from, f), 'utf8'))))
  console.log(`AWS models laid out to be read in part: ${files.length} in dist/aws-model`)
}
