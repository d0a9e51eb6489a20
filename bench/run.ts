/**
 * `npm run bench`: reconcile cost at scale and the ACS hot path, side by side in one run.
 * Prints a table and writes bench/results.md. Figures, not assertions: a missed target is a finding.
 *
 *   node --import tsx bench/run.ts [--latency 30] [--quick] [--only acs-login,plan]
 *
 * --only runs some sections (bench/sections.ts: each is bench/<name>.ts) and replaces just their rows
 * in bench/results.md (npm run bench -- --only acs-login).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { args, fmt, LATENCY, notes, ROOT, rows, type Section, startSection } from './common.js'
import { SECTIONS as NAMES } from './sections.js'

const SECTIONS: ({ name: string } & Section)[] = []
for (const name of NAMES) {
  const loaded: { default?: Section } = await import(`./${name}.ts`)
  if (!(loaded.default?.label instanceof RegExp) || typeof loaded.default.run !== 'function')
    throw new Error(`bench/${name}.ts: no default export { label, run } (see Section in bench/common.ts)`)
  SECTIONS.push({ name, ...loaded.default })
}
const only = args.only?.split(',').map((n) => n.trim())
for (const n of only ?? [])
  if (!SECTIONS.some((x) => x.name === n))
    throw new Error(`--only: no section ${n} (sections: ${SECTIONS.map((x) => x.name).join(', ')})`)

const started = performance.now()
console.log(
  `sagemaker-teams bench: ${LATENCY} ms injected latency per AWS call${args.quick ? ' (quick)' : ''}${only ? ` (only ${only.join(', ')})` : ''}\n`,
)
for (const x of SECTIONS) {
  if (only && !only.includes(x.name)) continue
  startSection(x.name)
  await x.run()
}

const RESULTS = path.join(ROOT, 'bench', 'results.md')
const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
const machine = `${os.type()} ${os.release()}, ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${LATENCY} ms injected latency per AWS call`
const tableRow = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`
let runLines = [
  `Run ${new Date().toISOString()} with \`npm run bench\` on ${machine}; total ${fmt(performance.now() - started)}.`,
]
let table = rows.map((r) => ({ section: r.section, line: tableRow(r.cells) }))
// A note's section rides along as an HTML comment (not shown when rendered).
let noteLines = notes.map((n) => `- ${n.text} <!-- ${n.section} -->`)
if (only) {
  // A partial run replaces its sections' rows in the last results and keeps every other row.
  const previous = readFileSync(RESULTS, 'utf8').split('\n')
  const sectionOf = (line: string) =>
    SECTIONS.find((x) => x.label.test(line.replace(/^\|\s*/, '')))?.name ?? ''
  const kept = previous
    .filter((l) => l.startsWith('| ') && !l.startsWith('| measurement'))
    .map((line) => ({ section: sectionOf(line), line }))
    .filter((r) => !only.includes(r.section))
  const order = (name: string) => SECTIONS.findIndex((x) => x.name === name)
  table = [...kept, ...table].sort((a, b) => order(a.section) - order(b.section))
  runLines = [
    ...previous.filter((l) => /^(Run|Rows of) /.test(l) && !only.some((n) => l.includes(`--only ${n}`))),
    `Rows of ${only.join(', ')} re-run ${new Date().toISOString()} with \`npm run bench -- --only ${only.join(',')}${args.quick ? ' --quick' : ''}\` on ${machine}; load average ${os.loadavg()[0].toFixed(1)}.`,
  ]
  // Earlier notes stay unless their section was re-run (or, without a section, this run wrote them again).
  const earlierNotes = previous
    .filter((l) => l.startsWith('- '))
    .filter((l) => {
      const marked = / <!-- ([\w-]+) -->$/.exec(l)?.[1]
      return marked ? !only.includes(marked) : !notes.some((n) => l === `- ${n.text}`)
    })
  noteLines = [...earlierNotes, ...noteLines]
}
const md = [
  '# Benchmark results',
  '',
  ...runLines.flatMap((l) => [l, '']),
  '| measurement | calls / figure | time | result | ratio (baseline ÷ ours) |',
  '|---|---|---|---|---|',
  ...table.map((r) => r.line),
  '',
  'Baseline: a generic per-resource refresh (one describe plus one tag read per expected resource, 10 at a time, and one user lookup per named user) over the same converged account. ACS login rows: the sequential order the ACS had before #19 (verify, claim, DescribeUserProfile, create and wait on a first login, presign, record), replayed in the bench with the same clients.',
  'Events rows (#18): the emulator delivers CloudTrail events 1 s after the call and the CLI assumes `--events-delay 5`; the refresh point was recorded by `apply --refresh events` after the converging apply; hand changes are half execution roles (UpdateUserProfile), half `Team` tags (AddTags), made through the API; "found" counts the changed profiles the plan names. Terraform: 1.11 with hashicorp/aws 5.100.0 from the filesystem mirror, every profile as `aws_sagemaker_user_profile` with an `import` block, endpoints at the emulator. Wall times come from a shared 2-core machine under load (see the load average above) and are noisy; the read counts are exact.',
  ...(noteLines.length ? ['', 'Notes:', ...noteLines] : []),
  '',
].join('\n')
writeFileSync(RESULTS, md)
console.log(`\nWrote bench/results.md (${fmt(performance.now() - started)})`)
