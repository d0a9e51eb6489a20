/**
 * Table tests of a kind's diff: a teams file and what AWS has (observed) go into the kind's engine
 * (`desire`, then `diff`), and the test reads the changes, the kept items and the warnings. No
 * emulator, no CLI: a context of plain values, milliseconds per case. What the emulator suite keeps
 * is the AWS contract (observe, apply, requests) and the commands' behaviour.
 *
 * The engines are taken from the kind registry (one place, below), so a kind's table test follows
 * the kind wherever its engine module lives.
 */
import assert from 'node:assert/strict'
import type { LoadedTeams } from '../../src/lib/config/load.js'
import type { TeamConfig, TeamsFile } from '../../src/lib/config/types.js'
import { acsPlacementOf } from '../../src/lib/engine/scopes.js'
import type { KindEngine } from '../../src/lib/kinds/contract.js'
import {
  type Discovery,
  diffed,
  type EngineContext,
  type Identities,
  type PlanOptions,
  type ResolvedGroup,
  type ResolvedUser,
} from '../../src/lib/kinds/engine-contract.js'
import { KIND_DEFINITIONS } from '../../src/lib/kinds/registry.js'
import { type Change, type KeptItem, KINDS, type Kind } from '../../src/lib/plan/types.js'

/** The kind's engine module (observe, desire, diff, requests, apply), as the registry names it. */
export function engineOf<K extends Kind>(kind: K): Promise<KindEngine<K>> {
  return KIND_DEFINITIONS[kind].engine() as Promise<KindEngine<K>>
}

export const ACCOUNT = '123456789012'
export const DOMAIN_ID = 'd-abcdefghijkl'

/** What discovery finds in the table tests' account (the demo account's values). */
export const DISCOVERY: Discovery = {
  accountId: ACCOUNT,
  region: 'us-east-1',
  partition: 'aws',
  instanceArn: 'arn:aws:sso:::instance/ssoins-72230a1b2c3d4e5f',
  identityStoreId: 'd-9067c1a2b3',
  domainId: DOMAIN_ID,
  domainArn: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:domain/${DOMAIN_ID}`,
  defaultExecutionRole: `arn:aws:iam::${ACCOUNT}:role/SageMakerDefaultExecution`,
}

/** A team of the file; what it leaves out: displayName = its id, the tool's role, no members. */
export type TeamSpec = Partial<TeamConfig>

/** A team with these direct members. */
export function team(users: string[] = [], more: TeamSpec = {}): TeamSpec {
  return { members: { users }, ...more }
}

/** A one-domain teams file of these teams. */
export function teamsFile(teams: Record<string, TeamSpec>, more: Partial<TeamsFile> = {}): TeamsFile {
  return {
    version: 1,
    region: 'us-east-1',
    domain: { id: DOMAIN_ID },
    ...more,
    teams: Object.fromEntries(
      Object.entries(teams).map(([id, t]) => [
        id,
        { displayName: id, executionRole: { create: true }, ...t } satisfies TeamConfig,
      ]),
    ),
  }
}

/** The identity store's user id of a user name in these tests: readable, and a valid profile-name part. */
export const userId = (userName: string) => `id-${userName.split('@')[0].replace(/[^a-z0-9]/gi, '')}`

/** The identity store: user names, and groups by display name with their members' user names. */
export interface Directory {
  users?: string[]
  groups?: Record<string, string[]>
}

/**
 * The identities as resolveIdentities finds them: every user named in the file or the directory
 * exists (unless listed in `missing`), groups expand to their members.
 */
export function identitiesOf(config: TeamsFile, directory: Directory = {}): Identities {
  const usersByName = new Map<string, ResolvedUser>()
  const usersById = new Map<string, ResolvedUser>()
  const add = (userName: string) => {
    const u: ResolvedUser = { userId: userId(userName), userName }
    usersByName.set(userName.toLowerCase(), u)
    usersById.set(u.userId, u)
    return u
  }
  for (const name of directory.users ?? []) add(name)
  for (const members of Object.values(directory.groups ?? {})) for (const name of members) add(name)
  const groupsByName = new Map<string, ResolvedGroup>(
    Object.entries(directory.groups ?? {}).map(([displayName, members]) => [
      displayName,
      { groupId: `g-${displayName}`, displayName, memberIds: members.map(userId) },
    ]),
  )
  const teamUsers = new Map<string, Map<string, ResolvedUser>>()
  for (const [id, t] of Object.entries(config.teams)) {
    const members = new Map<string, ResolvedUser>()
    for (const name of t.members?.users ?? []) {
      const u = usersByName.get(name.toLowerCase())
      if (u) members.set(u.userId, u)
    }
    for (const g of t.members?.groups ?? [])
      for (const memberId of groupsByName.get(g)?.memberIds ?? [])
        members.set(memberId, usersById.get(memberId)!)
    teamUsers.set(id, members)
  }
  return { usersByName, usersById, groupsByName, teamUsers }
}

export interface TableContext {
  config: TeamsFile
  /** The identity store (the file's users always exist unless `directory.users` is given). */
  directory?: Directory
  options?: Partial<PlanOptions>
  discovery?: Partial<Discovery>
  /** Other kinds' observations, for a diff or desire that reads them (ctx.observed). */
  observations?: Partial<Record<Kind, unknown>>
  /** The kinds the context plans (default: every kind, as for a one-domain file's own account). */
  kinds?: Kind[]
}

/** An engine context of plain values: any AWS client it asks for is a test failure. */
export function tableContext(t: TableContext): EngineContext {
  const fileUsers = Object.values(t.config.teams).flatMap((x) => x.members?.users ?? [])
  const directory = { users: t.directory?.users ?? fileUsers, groups: t.directory?.groups }
  const noAws = new Proxy(
    {},
    {
      get(_, name) {
        throw new Error(`a table test reached for the AWS client ${String(name)}`)
      },
    },
  ) as EngineContext['aws']
  const teams: LoadedTeams = { file: 'teams.yaml', dir: '.', config: t.config }
  return {
    aws: noAws,
    teams,
    discovery: {
      ...DISCOVERY,
      // With an ACS and no presign role named: the ACS's own account, as the engine's part of a
      // one-domain file's account has it (where each team's profiles are).
      ...(t.config.acs && !t.discovery?.acsRoleArn
        ? {
            acsPlacement: acsPlacementOf(t.config, {
              callerAccountId: ACCOUNT,
              acsAccountId: ACCOUNT,
              partition: 'aws',
            }),
          }
        : {}),
      ...t.discovery,
    },
    identities: identitiesOf(t.config, directory),
    options: { prune: false, force: false, refresh: 'existence', ...t.options },
    kinds: t.kinds ?? [...KINDS],
    warnings: [],
    kept: [],
    observed<T>(kind: Kind): Promise<T> {
      if (!t.observations || !(kind in t.observations))
        throw new Error(`the table test gave no observation of ${kind}`)
      return Promise.resolve(t.observations[kind] as T)
    },
  }
}

/** What the kind's own `desire` wants for this context (e.g. to build what apply leaves behind). */
export async function desireOf<K extends Kind>(kind: K, context: TableContext | EngineContext) {
  const ctx = 'aws' in context ? context : tableContext(context)
  // biome-ignore lint/suspicious/noExplicitAny: each kind has its own desired type
  return (await engineOf(kind)).desire(ctx) as Promise<any>
}

export interface DiffResult<K extends Kind> {
  changes: Change<K>[]
  kept: KeptItem[]
  warnings: string[]
  /** "action key" of each change, in the diff's order. */
  lines: string[]
}

/**
 * The kind's diff of `observed` against what the file wants: `desired` as the kind's own `desire`
 * computes it from the context (or as given).
 */
export async function diffKind<K extends Kind>(
  kind: K,
  context: TableContext | EngineContext,
  observed: unknown,
  desired?: unknown,
): Promise<DiffResult<K>> {
  const ctx = 'aws' in context ? context : tableContext(context)
  // biome-ignore lint/suspicious/noExplicitAny: each kind has its own observed and desired types
  const engine = (await engineOf(kind)) as any
  const want = desired ?? (await engine.desire(ctx))
  const written = [ctx.warnings.length, ctx.kept.length]
  const { changes, warnings, kept } = diffed<K>(engine.diff(want, observed, ctx))
  // A diff is pure: its warnings and kept items come back with its changes.
  assert.deepEqual([ctx.warnings.length, ctx.kept.length], written, `${kind}'s diff wrote into the context`)
  return {
    changes,
    kept: [...ctx.kept, ...kept],
    warnings: [...ctx.warnings, ...warnings],
    lines: changes.map((c) => `${c.action} ${c.key}`),
  }
}

/** The change of this key (the test fails when there is none). */
export function changeOf<K extends Kind>(result: DiffResult<K>, key: string): Change<K> {
  const c = result.changes.find((x) => x.key === key)
  if (!c) throw new Error(`no change of ${key}; the changes: ${result.lines.join(', ') || '(none)'}`)
  return c
}
