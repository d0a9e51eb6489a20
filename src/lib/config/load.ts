/**
 * TEMPORARY minimal loader (parse only, defaults applied) so that other modules can build on the
 * interface; the validating loader (issue #2) replaces the body, not the exported shape.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parse } from 'yaml'
import { UserError } from '../errors.js'
import { ACS_DEFAULTS, type TeamsFile } from './types.js'

/** One problem in a teams file, located at file:line:col with the key path. */
export interface Problem {
  file: string
  line: number
  col: number
  /** Dotted key path, e.g. teams.team1.executionRole.arn */
  path: string
  message: string
}

export interface LoadedTeams {
  /** Path as given. */
  file: string
  /** Directory of the file; relative paths in it (idpMetadata) resolve against this. */
  dir: string
  config: TeamsFile
}

export class ConfigError extends UserError {
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => `${p.file}:${p.line}:${p.col}  ${p.path}  ${p.message}`).join('\n'))
    this.name = 'ConfigError'
  }
}

export type LoadResult = { ok: true; teams: LoadedTeams } | { ok: false; problems: Problem[] }

export async function loadTeamsFile(file: string): Promise<LoadResult> {
  const text = await readFile(file, 'utf8')
  const config = parse(text) as TeamsFile
  if (config.acs) config.acs = { ...ACS_DEFAULTS, ...config.acs }
  return { ok: true, teams: { file, dir: path.dirname(path.resolve(file)), config } }
}

/** Loads and validates, throwing a ConfigError with every problem. */
export async function loadTeamsFileOrThrow(file: string): Promise<LoadedTeams> {
  const result = await loadTeamsFile(file)
  if (!result.ok) throw new ConfigError(result.problems)
  return result.teams
}
