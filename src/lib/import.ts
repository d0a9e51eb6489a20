/**
 * `import`: writes a teams file from an account where the tool's resources already exist (set up
 * by an earlier apply, or by hand and then tagged): the managed SAML applications and their
 * assignments, the managed profiles' teams, the team roles, the LF-tag grants and the ACS. It reads
 * through the engine's own observers; the result validates and plans no changes.
 */
import { DescribeGroupCommand, DescribeUserCommand } from '@aws-sdk/client-identitystore'
import { GetFunctionCommand } from '@aws-sdk/client-lambda'
import { DescribeUserProfileCommand } from '@aws-sdk/client-sagemaker'
import pLimit from 'p-limit'
import { Document } from 'yaml'
import type { AcsConfig } from './acs/config.js'
import type { AwsClients } from './aws/clients.js'
import type { LoadedTeams } from './config/load.js'
import type { LfGrantConfig, TeamConfig, TeamsFile } from './config/types.js'
import { discover } from './engine/discovery.js'
import { awsErrorCode } from './errors.js'
import {
  ABAC_TAG,
  TAG_MANAGED,
  TAG_TAG_KEYS,
  TAG_TEAM,
  TAG_USER_ID,
  TAG_USER_NAME,
  teamRoleArn,
  teamRoleName,
} from './names.js'
import { readAcsSettingsTag, readDeployedPackage, TAG_ACS_SETTINGS, TAG_TEAM_ORDER } from './resources/acs.js'
import { applications } from './resources/application.js'
import { assignments } from './resources/assignment.js'
import { lfGrants } from './resources/lf-grant.js'
import { profiles } from './resources/profile.js'
import { readRole } from './resources/role.js'
import type { EngineContext } from './resources/types.js'

export interface ImportOptions {
  region: string
  domainId: string
  functionName?: string
  file: string
}

export async function importTeams(aws: AwsClients, opts: ImportOptions): Promise<TeamsFile> {
  const base: TeamsFile = { version: 1, region: opts.region, domain: { id: opts.domainId }, teams: {} }
  const discovery = await discover(aws, base)
  const stub: LoadedTeams = { file: opts.file, dir: '.', config: base }
  const ctx: EngineContext = {
    aws,
    teams: stub,
    discovery,
    identities: {
      usersByName: new Map(),
      usersById: new Map(),
      groupsByName: new Map(),
      teamUsers: new Map(),
    },
    // prune + full: read the tags of every profile (none is "desired" yet).
    options: { prune: true, force: false, refresh: 'full' },
    warnings: [],
    kept: [],
    observed: async () => {
      throw new Error('not used')
    },
  }
  const apps = (await applications.observe(ctx)).filter((a) => a.tags[TAG_TEAM])
  const teams: Record<string, TeamConfig> = {}
  for (const app of apps.sort((a, b) => a.tags[TAG_TEAM].localeCompare(b.tags[TAG_TEAM]))) {
    teams[app.tags[TAG_TEAM]] = { displayName: app.name, executionRole: { create: true }, members: {} }
  }
  stub.config = { ...base, teams }
  ctx.observed = (async (kind: string) =>
    kind === 'application' ? apps : undefined) as EngineContext['observed']

  const store = await aws.identityStore()
  const assigned = await assignments.observe(ctx)
  const observedProfiles = await profiles.observe(ctx)
  const sm = await aws.sageMaker()
  const iam = await aws.iam()
  // One describe per assigned principal (a team may have hundreds), a few at a time.
  const limit = pLimit(8)
  const principalName = (a: { principalType: string; principalId: string }) =>
    limit(async () => {
      const IdentityStoreId = discovery.identityStoreId
      if (a.principalType === 'USER') {
        const u = await store.send(new DescribeUserCommand({ IdentityStoreId, UserId: a.principalId }))
        return u.UserName ?? a.principalId
      }
      const g = await store.send(new DescribeGroupCommand({ IdentityStoreId, GroupId: a.principalId }))
      return g.DisplayName ?? a.principalId
    })
  for (const [team, t] of Object.entries(teams)) {
    const teamAssignments = assigned.get(team) ?? []
    const names = await Promise.all(teamAssignments.map(principalName))
    const users = names.filter((_, i) => teamAssignments[i].principalType === 'USER')
    const groups = names.filter((_, i) => teamAssignments[i].principalType !== 'USER')
    t.members = {
      ...(users.length ? { users: users.sort() } : {}),
      ...(groups.length ? { groups: groups.sort() } : {}),
    }
    const teamProfiles = [...observedProfiles.byName.values()].filter((p) => p.tags?.[TAG_TEAM] === team)
    const role = await readRole(iam, teamRoleName(team))
    if (role?.tags[TAG_TEAM] === team) {
      t.executionRole = {
        create: true,
        ...(role.managedPolicyArns.length ? { managedPolicyArns: role.managedPolicyArns } : {}),
      }
      t.tags = { [ABAC_TAG]: role.tags[ABAC_TAG] ?? team }
    } else if (teamProfiles.length > 0) {
      const p = await sm.send(
        new DescribeUserProfileCommand({
          DomainId: discovery.domainId,
          UserProfileName: teamProfiles[0].name,
        }),
      )
      t.executionRole = { arn: p.UserSettings?.ExecutionRole ?? discovery.defaultExecutionRole ?? '' }
    }
    const profileTags = teamProfiles[0]?.tags
    if (profileTags) {
      const own = Object.fromEntries(
        Object.entries(profileTags).filter(
          ([k]) => ![TAG_TEAM, TAG_USER_ID, TAG_USER_NAME, TAG_TAG_KEYS].includes(k),
        ),
      )
      if (Object.keys(own).length) t.tags = own
    }
    t.saml = { idpMetadata: `metadata/${team}.xml` }
  }

  const grants = await lfGrants.observe(ctx)
  const usedKeys = new Set<string>()
  const principals = new Map(
    Object.entries(teams).map(([id, t]) => [
      teamRoleArn(t.executionRole, id, discovery.accountId, discovery.partition),
      id,
    ]),
  )
  for (const g of grants.values()) {
    const team = principals.get(g.principalArn)
    if (!team) continue
    const grant: LfGrantConfig = {
      resourceType: g.resourceType,
      expression: Object.fromEntries(g.expression.map((e) => [e.TagKey, e.TagValues])),
      permissions: g.permissions,
    }
    for (const e of g.expression) usedKeys.add(e.TagKey)
    teams[team].lakeFormation = [...(teams[team].lakeFormation ?? []), grant]
  }
  const result: TeamsFile = { version: 1, region: opts.region, domain: { id: opts.domainId }, teams }
  if (usedKeys.size > 0) {
    const { paginateListLFTags } = await import('@aws-sdk/client-lakeformation')
    const tags: Record<string, string[]> = {}
    for await (const page of paginateListLFTags(
      { client: await aws.lakeFormation() },
      { MaxResults: 1000 },
    )) {
      for (const t of page.LFTags ?? [])
        if (t.TagKey && usedKeys.has(t.TagKey)) tags[t.TagKey] = [...(t.TagValues ?? [])].sort()
    }
    result.lakeFormation = { tags }
  }
  const acs = await importAcs(aws, opts.functionName ?? 'sagemaker-teams-acs')
  if (acs) {
    result.acs = acs.settings
    applyDeployedConfig(result, acs.deployed, acs.order)
  }
  return result
}

/**
 * What only the file said, read back from the ACS's deployed configuration: each team's
 * userSettings, tags and metadata path, and the teams' order (a function tag, as far as it holds).
 */
function applyDeployedConfig(result: TeamsFile, deployed: AcsConfig | undefined, order: string[]) {
  for (const [id, t] of Object.entries(result.teams)) {
    const d = deployed?.teams[id]
    if (!d) continue
    if (d.userSettings && Object.keys(d.userSettings).length) t.userSettings = d.userSettings
    if (d.metadataPath) t.saml = { idpMetadata: d.metadataPath }
    if (Object.keys(d.tags).length) t.tags = d.tags
  }
  const ids = Object.keys(result.teams)
  const known = order.filter((id) => ids.includes(id))
  const sorted = [...known, ...ids.filter((id) => !known.includes(id)).sort()]
  result.teams = Object.fromEntries(sorted.map((id) => [id, result.teams[id]]))
}

async function importAcs(
  aws: AwsClients,
  functionName: string,
): Promise<{ settings: NonNullable<TeamsFile['acs']>; deployed?: AcsConfig; order: string[] } | undefined> {
  try {
    const fn = await (await aws.lambda()).send(new GetFunctionCommand({ FunctionName: functionName }))
    const tags = fn.Tags ?? {}
    if (tags[TAG_MANAGED] !== 'true') return undefined
    const deployed = fn.Code?.Location ? (await readDeployedPackage(fn.Code.Location)).config : undefined
    const order = (tags[TAG_TEAM_ORDER] ?? '').split(' ').filter(Boolean)
    const settings = readAcsSettingsTag(tags[TAG_ACS_SETTINGS]) as Partial<NonNullable<TeamsFile['acs']>>
    const cidrs = (tags['sagemaker-teams:source-cidrs'] ?? '').split(' ').filter(Boolean)
    const acs: NonNullable<TeamsFile['acs']> = {
      functionName,
      audience: settings.audience ?? 'urn:sagemaker-teams:acs',
      url: settings.url ?? null,
      sessionExpirationSeconds: Number(tags['sagemaker-teams:session-seconds'] || 43200),
      urlExpiresSeconds: settings.urlExpiresSeconds ?? 60,
      landingUri: settings.landingUri ?? 'studio::',
      ...(cidrs.length ? { allowedSourceCidrs: cidrs } : {}),
      provisioning: settings.provisioning ?? 'both',
    }
    return { settings: acs, deployed, order }
  } catch (err) {
    if (awsErrorCode(err) === 'ResourceNotFoundException') return undefined
    throw err
  }
}

export function renderTeamsFile(config: TeamsFile, schemaRef: string): string {
  const doc = new Document(config)
  doc.commentBefore = ` yaml-language-server: $schema=${schemaRef}\n Imported by \`sagemaker-teams import\`. Review it, then \`sagemaker-teams plan\` should show no changes.\n Download each team's SAML metadata to the idpMetadata paths (see \`sagemaker-teams sso checklist\`).`
  return doc.toString({ lineWidth: 0 })
}
