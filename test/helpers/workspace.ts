/** A temporary copy of teams.example.yaml, optionally changed, for one scenario. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parse, stringify } from 'yaml'
import type { DomainConfig, TeamsFile } from '../../src/lib/config/types.js'
import { ROOT } from './cli.js'

/** teams.example.yaml: a single-domain file, so its `domain:` is there. */
export type ExampleTeamsFile = TeamsFile & { domain: DomainConfig }

export function workspace(change?: (config: ExampleTeamsFile) => void): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'smt-'))
  const config = parse(readFileSync(path.join(ROOT, 'teams.example.yaml'), 'utf8')) as ExampleTeamsFile
  change?.(config)
  const file = path.join(dir, 'teams.yaml')
  writeFileSync(file, stringify(config))
  return file
}

/**
 * The example file with two domains of the caller's account (`domains:` a = the demo domain, b =
 * `secondDomainId`): team1 in a, team2 in b; no ACS and no SAML (one-domain keys removed).
 */
export function twoDomainWorkspace(secondDomainId: string): string {
  return workspace((c) => {
    delete (c as { domain?: unknown }).domain
    delete (c as { acs?: unknown }).acs
    c.domains = { a: { id: 'd-abcdefghijkl' }, b: { id: secondDomainId } }
    c.teams.team1.domain = 'a'
    c.teams.team2.domain = 'b'
    for (const t of Object.values(c.teams)) delete t.saml
  })
}

/** Rewrites a workspace's teams file. */
export function rewrite(file: string, change: (config: TeamsFile) => void): void {
  const config = parse(readFileSync(file, 'utf8')) as TeamsFile
  change(config)
  writeFileSync(file, stringify(config))
}
