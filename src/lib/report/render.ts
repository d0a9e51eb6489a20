/**
 * The report's views: one self-contained HTML page (inline CSS and a little inline JS to sort
 * tables; no request of any kind, so it opens from a file, an artifact or a mail attachment and
 * prints readably), one CSV per table, and the JSON document (schema/access-report.schema.json).
 */
import type { AccessReport } from './types.js'

interface Table {
  /** File name stem and HTML id. */
  id: string
  title: string
  columns: string[]
  rows: (string | number)[][]
}

/** Every table of the report, as the HTML page and the CSV files show them. */
export function reportTables(r: AccessReport): Table[] {
  return [
    {
      id: 'findings',
      title: 'Findings',
      columns: ['team', 'kind', 'subject', 'finding'],
      rows: r.findings.map((f) => [f.team, f.kind, f.subject, f.message]),
    },
    {
      id: 'teams',
      title: 'Teams',
      columns: [
        'team',
        'name',
        'account',
        'domain',
        'role',
        'members',
        'profiles',
        'workspace',
        'LF-tag grants',
        'console steps',
        'evaluated',
      ],
      rows: r.teams.map((t) => [
        t.team,
        t.displayName ?? '',
        t.accountId,
        t.domainId,
        t.roleArn,
        t.members.length,
        t.profiles.length,
        t.data.workspace
          ? `s3://${t.data.workspace.bucket}/${t.data.workspace.prefix} · ${t.data.workspace.workGroup}`
          : '',
        t.data.lakeFormation
          .map(
            (g) =>
              `${g.resourceType} ${g.expression}: ${g.permissions.join(', ')}${g.catalogId ? ` (catalog ${g.catalogId})` : ''}`,
          )
          .join(' / '),
        t.consoleSteps.verified ? `verified (last ${t.consoleSteps.lastLogin})` : 'never verified',
        t.evaluation.evaluated ? 'yes' : `no: ${t.evaluation.reason}`,
      ]),
    },
    {
      id: 'members',
      title: 'Members',
      columns: [
        'team',
        'user',
        'user id',
        'email',
        'member through',
        'profile',
        'last sign-in',
        'sign-ins',
        'stale',
      ],
      rows: r.teams.flatMap((t) =>
        t.members.map((m) => [
          t.team,
          m.userName,
          m.userId,
          m.email ?? '',
          m.via.join(', '),
          m.profile ?? '',
          m.lastSignIn ?? '',
          m.signIns,
          m.stale ? 'yes' : 'no',
        ]),
      ),
    },
    {
      id: 'profiles',
      title: 'Profiles',
      columns: ['team', 'profile', 'user', 'user id', 'status', 'member now', 'last sign-in'],
      rows: r.teams.flatMap((t) =>
        t.profiles.map((p) => [
          t.team,
          p.name,
          p.userName ?? '',
          p.userId ?? '',
          p.status ?? '',
          p.member ? 'yes' : 'no (kept)',
          p.lastSignIn ?? '',
        ]),
      ),
    },
    {
      id: 'reach',
      title: "What each team's role can reach",
      columns: ['team', 'area', 'scenario', 'outcome', 'intended'],
      rows: r.teams.flatMap((t) => t.reach.map((x) => [t.team, x.area, x.scenario, x.outcome, x.expected])),
    },
    {
      id: 'cross-team',
      title: "One team's role on another team's resources (expected: all Denied)",
      columns: ['team', 'other team', 'scenario', 'outcome'],
      rows: r.crossTeam.map((c) => [c.team, c.otherTeam, c.scenario, c.outcome]),
    },
  ]
}

/** RFC 4180, and a cell that a spreadsheet would run as a formula is quoted with a leading `'`. */
function csvCell(v: string | number): string {
  let s = String(v)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** file name → CSV text, one per table. */
export function renderCsv(r: AccessReport): Map<string, string> {
  const out = new Map<string, string>()
  for (const t of reportTables(r))
    out.set(
      `${t.id}.csv`,
      `${[t.columns, ...t.rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`,
    )
  return out
}

const esc = (s: string | number) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  )

const STYLE = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
body { margin: 2rem; color: #1b1f24; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; }
p.meta { color: #57606a; margin-top: 0; }
ul.summary { padding-left: 1.2rem; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; margin-top: .5rem; }
th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th button::after { content: " \\2195"; color: #8c959f; }
th[aria-sort="ascending"] button::after { content: " \\2191"; color: #1b1f24; }
th[aria-sort="descending"] button::after { content: " \\2193"; color: #1b1f24; }
td.Allowed { color: #1a7f37; font-weight: 600; }
td.Denied { color: #57606a; }
tr.flag td { background: #fff8c5; }
p.empty { color: #57606a; font-style: italic; }
@media print {
  body { margin: 0; font-size: 9pt; }
  th button::after { content: ""; }
  table { page-break-inside: auto; }
  tr { page-break-inside: avoid; }
  thead { display: table-header-group; }
  h2 { page-break-after: avoid; }
}
`

/** Sorts a table by the clicked column: numbers as numbers, the rest as text; a second click reverses. */
const SCRIPT = `
document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, col) {
    var button = th.querySelector('button');
    button.addEventListener('click', function () {
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].textContent, y = b.cells[col].textContent;
        var n = Number(x) - Number(y);
        var c = x !== '' && y !== '' && !isNaN(n) ? n : x.localeCompare(y);
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
`

export function renderHtml(r: AccessReport): string {
  const tables = reportTables(r)
  const count = (kind: string) => r.findings.filter((f) => f.kind === kind).length
  const flagged = (t: Table, row: (string | number)[]) =>
    (t.id === 'members' && row[8] === 'yes') ||
    (t.id === 'profiles' && row[5] !== 'yes') ||
    (t.id === 'cross-team' && row[3] === 'Allowed') ||
    (t.id === 'reach' && row[3] !== row[4])
  const section = (t: Table) =>
    `<section id="${esc(t.id)}">
<h2>${esc(t.title)} (${t.rows.length})</h2>
${
  t.rows.length === 0
    ? '<p class="empty">None.</p>'
    : `<table class="sortable" data-table="${esc(t.id)}">
<thead><tr>${t.columns.map((c) => `<th scope="col"><button type="button">${esc(c)}</button></th>`).join('')}</tr></thead>
<tbody>
${t.rows
  .map(
    (row) =>
      `<tr${flagged(t, row) ? ' class="flag"' : ''}>${row.map((c) => `<td class="${esc(String(c).split(' ')[0])}">${esc(c)}</td>`).join('')}</tr>`,
  )
  .join('\n')}
</tbody>
</table>`
}
</section>`
  const where = reportPlace(r)
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Access certification — ${esc(where.domains)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Access certification report</h1>
<p class="meta">${esc(where.accountsLabel)} ${esc(where.accounts)} · ${esc(r.region)} · ${esc(where.domainsLabel)} ${esc(where.domains)} · generated ${esc(r.generatedAt)} · stale after ${r.staleDays} days</p>
<ul class="summary">
<li>${r.teams.length} teams, ${r.teams.reduce((n, t) => n + t.members.length, 0)} memberships, ${r.teams.reduce((n, t) => n + t.profiles.length, 0)} profiles</li>
<li>${count('stale-member')} members without a sign-in within ${r.staleDays} days; ${count('kept-profile')} profiles kept after their member left</li>
<li>${count('cross-team-access')} things a team's role can reach of another team's (expected: 0); ${count('console-not-verified')} teams whose console steps were never verified</li>
${
  r.teams.some((t) => !t.evaluation.evaluated)
    ? `<li>Not evaluated: ${r.teams
        .filter((t) => !t.evaluation.evaluated)
        .map((t) => `${esc(t.team)} (${esc(t.evaluation.reason ?? '')})`)
        .join('; ')}</li>`
    : ''
}
</ul>
${tables.map(section).join('\n')}
<script>${SCRIPT}</script>
</body>
</html>
`
}

/** The accounts and domains the report's teams are in (the report's own when it has no team). */
function reportPlace(r: AccessReport) {
  const accounts = [...new Set(r.teams.map((t) => t.accountId))]
  const domains = [...new Set(r.teams.map((t) => t.domainId))]
  if (accounts.length === 0) accounts.push(r.accountId)
  if (domains.length === 0) domains.push(r.domainId)
  return {
    accountsLabel: accounts.length === 1 ? 'Account' : 'Accounts',
    accounts: accounts.join(', '),
    domainsLabel: domains.length === 1 ? 'domain' : 'domains',
    domains: domains.join(', '),
  }
}

/** The terminal summary: what was written and what needs attention. */
export function renderSummary(r: AccessReport, written: string[]): string {
  const lines = [
    `Access report for ${reportPlace(r).domainsLabel} ${reportPlace(r).domains}: ${r.teams.length} teams, ${r.findings.length} findings`,
  ]
  for (const f of r.findings) lines.push(`  ${f.team}  ${f.kind}  ${f.subject}: ${f.message}`)
  lines.push('', ...written.map((w) => `Wrote ${w}`))
  return `${lines.join('\n')}\n`
}
