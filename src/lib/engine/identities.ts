/**
 * Resolves the teams file's users (UserName) and groups (DisplayName) to identity store ids and
 * expands group members. For a few names it asks by name (GetUserId / GetGroupId); for many it
 * pages through the store (100 a page), so the cost grows with pages, not with members × teams.
 */
import {
  DescribeUserCommand,
  GetGroupIdCommand,
  GetUserIdCommand,
  type IdentitystoreClient,
  paginateListGroupMemberships,
  paginateListGroups,
  paginateListUsers,
} from '@aws-sdk/client-identitystore'
import pLimit from 'p-limit'
import { primaryEmail } from '../acs/nameid.js'
import type { AwsClients } from '../aws/clients.js'
import type { TeamsFile } from '../config/types.js'
import { awsErrorCode, describeAwsError, UserError } from '../errors.js'
import type { Identities, MissingMember, ResolvedGroup, ResolvedUser } from '../kinds/engine-contract.js'
import type { PlanError } from '../plan/types.js'

/** Up to this many names are looked up one by one; beyond it a paginated listing is cheaper. */
export const LOOKUP_THRESHOLD = 20
const CONCURRENCY = 8

export async function resolveIdentities(
  aws: AwsClients,
  config: TeamsFile,
  identityStoreId: string,
): Promise<Identities> {
  const client = await aws.identityStore()
  const userNames = new Set<string>()
  const groupNames = new Set<string>()
  for (const team of Object.values(config.teams)) {
    for (const u of team.members?.users ?? []) userNames.add(u)
    for (const g of team.members?.groups ?? []) groupNames.add(g)
  }

  const usersByName = new Map<string, ResolvedUser>()
  const usersById = new Map<string, ResolvedUser>()
  const remember = (u: ResolvedUser) => {
    usersByName.set(u.userName.toLowerCase(), u)
    usersById.set(u.userId, u)
  }
  const [, groupIds] = await Promise.all([
    findUsers(client, identityStoreId, [...userNames], remember),
    findGroups(client, identityStoreId, [...groupNames]),
  ])

  // A member the store does not have is an error of its team alone (see holdBackMissingMembers):
  // the other teams plan and apply, and revocations still run.
  const missing: MissingMember[] = []
  for (const [team, spec] of Object.entries(config.teams)) {
    for (const [index, name] of (spec.members?.users ?? []).entries())
      if (!usersByName.has(name.toLowerCase())) missing.push({ team, kind: 'user', name, index })
    for (const [index, name] of (spec.members?.groups ?? []).entries())
      if (!groupIds.has(name)) missing.push({ team, kind: 'group', name, index })
  }

  // Group members, then the names of members the file does not name itself.
  const limit = pLimit(CONCURRENCY)
  const groupsByName = new Map<string, ResolvedGroup>()
  await Promise.all(
    [...groupIds].map(([displayName, groupId]) =>
      limit(async () => {
        const memberIds: string[] = []
        for await (const page of paginateListGroupMemberships(
          { client },
          { IdentityStoreId: identityStoreId, GroupId: groupId, MaxResults: 100 },
        )) {
          for (const m of page.GroupMemberships ?? [])
            if (m.MemberId && 'UserId' in m.MemberId && m.MemberId.UserId) memberIds.push(m.MemberId.UserId)
        }
        groupsByName.set(displayName, { groupId, displayName, memberIds })
      }),
    ),
  )
  const unknownIds = [...new Set([...groupsByName.values()].flatMap((g) => g.memberIds))].filter(
    (id) => !usersById.has(id),
  )
  if (unknownIds.length > LOOKUP_THRESHOLD) {
    for await (const page of paginateListUsers(
      { client },
      { IdentityStoreId: identityStoreId, MaxResults: 100 },
    )) {
      for (const u of page.Users ?? [])
        if (u.UserId && u.UserName) remember({ userId: u.UserId, userName: u.UserName, ...primaryEmail(u) })
    }
  } else {
    await Promise.all(
      unknownIds.map((id) =>
        limit(async () => {
          const u = await client.send(
            new DescribeUserCommand({ IdentityStoreId: identityStoreId, UserId: id }),
          )
          remember({ userId: id, userName: u.UserName ?? id, ...primaryEmail(u) })
        }),
      ),
    )
  }

  const teamUsers = new Map<string, Map<string, ResolvedUser>>()
  for (const [teamId, team] of Object.entries(config.teams)) {
    const members = new Map<string, ResolvedUser>()
    for (const name of team.members?.users ?? []) {
      const u = usersByName.get(name.toLowerCase())
      if (u) members.set(u.userId, u)
    }
    for (const name of team.members?.groups ?? []) {
      for (const id of groupsByName.get(name)?.memberIds ?? []) {
        const u = usersById.get(id)
        if (u) members.set(id, u)
      }
    }
    teamUsers.set(teamId, members)
  }
  return { usersByName, usersById, groupsByName, teamUsers, ...(missing.length ? { missing } : {}) }
}

/** The user names and group display names the identity store does not have (init checks its answers). */
export async function unknownMembers(
  aws: AwsClients,
  identityStoreId: string,
  users: string[],
  groups: string[],
): Promise<{ users: string[]; groups: string[] }> {
  const client = await aws.identityStore()
  const found = new Set<string>()
  const [, groupIds] = await Promise.all([
    findUsers(client, identityStoreId, [...new Set(users)], (u) => found.add(u.userName.toLowerCase())),
    findGroups(client, identityStoreId, [...new Set(groups)]),
  ])
  return {
    users: [...new Set(users)].filter((u) => !found.has(u.toLowerCase())),
    groups: [...new Set(groups)].filter((g) => !groupIds.has(g)),
  }
}

/** Looks names up one by one (a few at a time); a name the store does not have is left out. */
async function lookupEach(
  names: string[],
  what: string,
  lookup: (name: string) => Promise<string | undefined>,
  found: (name: string, id: string) => void,
) {
  const limit = pLimit(CONCURRENCY)
  await Promise.all(
    names.map((name) =>
      limit(async () => {
        try {
          const id = await lookup(name)
          if (id) found(name, id)
        } catch (err) {
          if (awsErrorCode(err) !== 'ResourceNotFoundException')
            throw new UserError(`cannot look up ${what} ${name}: ${describeAwsError(err)}`)
        }
      }),
    ),
  )
}

async function findUsers(
  client: IdentitystoreClient,
  storeId: string,
  names: string[],
  remember: (u: ResolvedUser) => void,
) {
  if (names.length <= LOOKUP_THRESHOLD) {
    const byName = (name: string) =>
      client.send(
        new GetUserIdCommand({
          IdentityStoreId: storeId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: name } },
        }),
      )
    const ids = new Map<string, string>() // user id → a spelling from the file
    await lookupEach(
      names,
      'user',
      async (name) => (await byName(name)).UserId,
      (userName, userId) => ids.set(userId, userName),
    )
    // GetUserId matches userName case-insensitively and returns only the id. Tags and the ACS
    // member map take the store's UserName, as the listing below does: not the file's spelling,
    // nor whichever of two spellings ("A@x", "a@x") answered last.
    const limit = pLimit(CONCURRENCY)
    await Promise.all(
      [...ids].map(([userId, spelled]) =>
        limit(async () => {
          const u = await client.send(new DescribeUserCommand({ IdentityStoreId: storeId, UserId: userId }))
          remember({ userId, userName: u.UserName ?? spelled, ...primaryEmail(u) })
        }),
      ),
    )
    return
  }
  const wanted = new Set(names.map((n) => n.toLowerCase()))
  let found = 0
  for await (const page of paginateListUsers({ client }, { IdentityStoreId: storeId, MaxResults: 100 })) {
    for (const u of page.Users ?? []) {
      if (!u.UserId || !u.UserName) continue
      remember({ userId: u.UserId, userName: u.UserName, ...primaryEmail(u) })
      if (wanted.has(u.UserName.toLowerCase())) found++
    }
    if (found >= wanted.size) break
  }
}

async function findGroups(
  client: IdentitystoreClient,
  storeId: string,
  names: string[],
): Promise<Map<string, string>> {
  const ids = new Map<string, string>()
  if (names.length <= LOOKUP_THRESHOLD) {
    const byName = (name: string) =>
      client.send(
        new GetGroupIdCommand({
          IdentityStoreId: storeId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'displayName', AttributeValue: name } },
        }),
      )
    await lookupEach(
      names,
      'group',
      async (name) => (await byName(name)).GroupId,
      (name, id) => ids.set(name, id),
    )
    return ids
  }
  const wanted = new Set(names)
  for await (const page of paginateListGroups({ client }, { IdentityStoreId: storeId, MaxResults: 100 })) {
    for (const g of page.Groups ?? [])
      if (g.GroupId && g.DisplayName && wanted.has(g.DisplayName)) ids.set(g.DisplayName, g.GroupId)
    if (ids.size >= wanted.size) break
  }
  return ids
}

/**
 * The plan's errors for members the identity store does not have (of the teams in scope), each at
 * file:line:column of the member in the teams file. The file is parsed again only here: a plan
 * with every member found never pays for it.
 */
export async function missingMemberErrors(
  file: string,
  missing: MissingMember[],
  identityStoreId: string,
  scope?: string[],
): Promise<PlanError[]> {
  const inScope = missing.filter((m) => !scope?.length || scope.includes(m.team))
  if (inScope.length === 0) return []
  const where = await memberLocations(file, inScope)
  return inScope.map((m, i) => ({
    team: m.team,
    message: `${where[i]}${m.kind} ${m.name} of team ${m.team} is not in identity store ${identityStoreId}: team ${m.team}'s changes are held back (its revocations still run); the other teams are planned`,
    hint: 'Users are matched by UserName and groups by DisplayName, exactly as IAM Identity Center shows them: fix the name in the file, or add the member to the identity store.',
  }))
}

/** "teams.yaml:12:9  teams.team1.members.users.1  " of each member, or just the path when the file cannot be read. */
async function memberLocations(file: string, missing: MissingMember[]): Promise<string[]> {
  const segments = (m: MissingMember) => [
    'teams',
    m.team,
    'members',
    m.kind === 'user' ? 'users' : 'groups',
    m.index,
  ]
  try {
    const [{ readFile }, { LineCounter, parseDocument }, { Locator }] = await Promise.all([
      import('node:fs/promises'),
      import('yaml'),
      import('../config/problems.js'),
    ])
    const lines = new LineCounter()
    const doc = parseDocument(await readFile(file, 'utf8'), { lineCounter: lines })
    const locate = new Locator(file, doc, lines)
    return missing.map((m) => {
      const p = locate.problem(segments(m), '')
      return `${p.file}:${p.line}:${p.col}  ${p.path}  `
    })
  } catch {
    return missing.map((m) => `${file}  ${segments(m).join('.')}  `)
  }
}
