/**
 * `doctor`: preflight checks with a pass / warn / fail line each and a hint to fix it. Every
 * check is independent; an AWS failure becomes a failed check with its error code, never a crash.
 */
import { X509Certificate } from 'node:crypto'
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { AwsClients } from './aws/clients.js'
import type { LoadedTeams } from './config/load.js'
import { certificateFindings, certificateToPem, readIdpMetadata } from './config/metadata.js'
import { DEFAULT_PROFILE_QUOTA, type TeamsFile } from './config/types.js'
import { describeAwsError } from './errors.js'
import { boundaryPolicyArn, teamRoleArn } from './model/names.js'
import { allOperatorActions } from './operator-policy.js'

export type CheckStatus = 'pass' | 'warn' | 'fail'

export interface Check {
  name: string
  status: CheckStatus
  detail: string
  hint?: string
}

/** The AWS SDK for JavaScript v3 requires this Node.js major from January 2027 on. */
export const NODE_RECOMMENDED = 22

/**
 * `teams` is a loaded file, or the reason none could be loaded: then the account-level checks
 * (credentials, region, Identity Center) still run, and the file's own checks are one failure.
 */
export async function runDoctor(
  aws: AwsClients,
  teams: LoadedTeams | { problem: string; hint?: string },
  now = new Date(),
): Promise<Check[]> {
  const checks: Check[] = []
  const add = (name: string, status: CheckStatus, detail: string, hint?: string) =>
    checks.push({ name, status, detail, ...(hint ? { hint } : {}) })
  if ('problem' in teams) add('teams file', 'fail', teams.problem, teams.hint)
  const config: Partial<LoadedTeams['config']> = 'config' in teams ? teams.config : {}

  // Credentials first: without them every other AWS check would fail the same way.
  let callerArn: string | undefined
  try {
    const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts')
    const me = await (await aws.sts()).send(new GetCallerIdentityCommand({}))
    callerArn = me.Arn
    add('credentials', 'pass', `account ${me.Account} as ${me.Arn}`)
  } catch (err) {
    add(
      'credentials',
      'fail',
      describeAwsError(err),
      'Configure credentials: --profile, AWS_PROFILE, aws sso login, or environment variables.',
    )
  }
  const nodeMajor = Number(process.versions.node.split('.')[0])
  add(
    'node runtime',
    nodeMajor >= NODE_RECOMMENDED ? 'pass' : 'warn',
    nodeMajor >= NODE_RECOMMENDED
      ? `Node.js ${process.versions.node}`
      : `Node.js ${process.versions.node}: AWS SDK for JavaScript v3 releases after the first week of January 2027 require Node.js ${NODE_RECOMMENDED} or later (this CLI silences the SDK's per-run notice and reports it here)`,
    `Install Node.js ${NODE_RECOMMENDED} LTS or later.`,
  )
  add(
    'region',
    /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(aws.region) ? 'pass' : 'fail',
    aws.region,
    'Set region: in the teams file, --region or AWS_REGION.',
  )

  if (callerArn) {
    let instanceArn = config.identityCenter?.instanceArn
    let storeId = config.identityCenter?.identityStoreId
    try {
      const { ListApplicationsCommand, paginateListInstances } = await import('@aws-sdk/client-sso-admin')
      const client = await aws.ssoAdmin()
      const instances: { InstanceArn?: string; IdentityStoreId?: string }[] = []
      for await (const page of paginateListInstances({ client }, {}))
        instances.push(...(page.Instances ?? []))
      const match = instances.filter((i) => !instanceArn || i.InstanceArn === instanceArn)
      if (match.length === 1) {
        instanceArn = match[0].InstanceArn
        storeId ??= match[0].IdentityStoreId
        await client.send(new ListApplicationsCommand({ InstanceArn: instanceArn, MaxResults: 1 }))
        add('identity center', 'pass', `${instanceArn} (identity store ${storeId}), administrable`)
        const { listSamlApplications, teamsWithDuplicates } = await import('./kinds/application/engine.js')
        const duplicates = teamsWithDuplicates(await listSamlApplications(client, instanceArn!))
        if (duplicates.size === 0) add('applications', 'pass', 'one application per team')
        else
          add(
            'applications',
            'fail',
            [...duplicates]
              .map(
                ([team, apps]) =>
                  `team ${team} has ${apps.length} applications: ${apps.map((a) => a.arn).join(', ')}`,
              )
              .join('; '),
            'Two applies ran at once (or an application was copied): run plan --prune, which deletes the newer ones.',
          )
      } else if (instances.length === 0) {
        add(
          'identity center',
          'fail',
          `no IAM Identity Center instance in ${aws.region}`,
          'Enable IAM Identity Center in this region, or set the region where it is enabled.',
        )
      } else {
        add(
          'identity center',
          'fail',
          `${match.length} matching instances: ${instances.map((i) => i.InstanceArn).join(', ')}`,
          'Set identityCenter.instanceArn and identityStoreId in the teams file.',
        )
      }
    } catch (err) {
      add(
        'identity center',
        'fail',
        describeAwsError(err),
        'Use credentials of the management account or the delegated administrator of IAM Identity Center.',
      )
    }
    if (storeId) {
      try {
        const { ListUsersCommand } = await import('@aws-sdk/client-identitystore')
        await (await aws.identityStore()).send(
          new ListUsersCommand({ IdentityStoreId: storeId, MaxResults: 1 }),
        )
        add('identity store', 'pass', storeId)
      } catch (err) {
        add(
          'identity store',
          'fail',
          describeAwsError(err, storeId),
          'The credentials need identitystore read access (see `sagemaker-teams policy`).',
        )
      }
    }
    // The domains of the caller's own account (a one-domain file's `domain:`, or `domains:` without account:).
    const { fileDomains } = await import('./model/topology.js')
    for (const d of fileDomains(config as TeamsFile).filter((x) => x.account === undefined))
      await checkDomain(aws, d.id, d.profileQuota ?? config.profileQuota, add, teamRoles(config, callerArn))
    // Each account of accounts: can be acted in, and each of its domains is usable there.
    if ('teams' in config && config.teams) await checkAccounts(aws, config as TeamsFile, add)
    await checkPermissions(
      aws,
      callerArn,
      add,
      'teams' in config && config.teams
        ? Object.values(config.teams).flatMap((t) => t.executionRole?.managedPolicyArns ?? [])
        : [],
    )
    if ('config' in teams) await checkLakeFormation(aws, callerArn, teams.config, add)
  }

  if (!('config' in teams)) return checks
  for (const [team, t] of Object.entries(teams.config.teams)) {
    const rel = t.saml?.idpMetadata ?? `metadata/${team}.xml`
    const file = path.resolve(teams.dir, rel)
    if (!existsSync(file)) {
      add(
        `metadata ${team}`,
        'warn',
        `${rel} is missing`,
        `Download the SAML metadata of "${t.displayName}" from the IAM Identity Center console to ${rel} (see \`sagemaker-teams sso checklist\`).`,
      )
      continue
    }
    try {
      const m = await readIdpMetadata(file)
      const findings = certificateFindings(m.certificates, now)
      for (const f of findings)
        add(`metadata ${team}`, f.severity === 'error' ? 'fail' : 'warn', `${rel}: ${f.message}`, f.hint)
      if (findings.length === 0) {
        const ends = m.certificates.map((c) => new Date(new X509Certificate(certificateToPem(c)).validTo))
        const soonest = new Date(Math.min(...ends.map((d) => d.getTime())))
        add(
          `metadata ${team}`,
          'pass',
          `${rel}: ${m.certificates.length} certificate(s), valid until ${soonest.toISOString().slice(0, 10)}`,
        )
      }
    } catch (err) {
      add(
        `metadata ${team}`,
        'fail',
        `${rel}: ${(err as Error).message}`,
        'Download the SAML metadata of the application from the IAM Identity Center console again.',
      )
    }
  }
  return checks
}

/** Team id → its execution role ARN, for the account of the caller. */
function teamRoles(config: Partial<LoadedTeams['config']>, callerArn: string): Map<string, string> {
  const account = callerArn.split(':')[4]
  const partition = callerArn.split(':')[1]
  return new Map(
    Object.entries(config.teams ?? {}).map(([team, t]) => [
      team,
      teamRoleArn(t.executionRole, team, account, partition),
    ]),
  )
}

/**
 * The domain settings the team roles rely on (src/lib/policies/team-role.ts):
 * - custom tag propagation, so that the spaces and apps people create in Studio carry their
 *   profile's `Team` tag, on which the role's session, update and delete rights for them depend
 *   (creating apps and spaces does not: it is bound to the team's profiles by name and owner);
 * - the execution role of shared spaces (DefaultSpaceSettings.ExecutionRole): every team's shared
 *   spaces run as that one role, so it must not be a team's role.
 */
export function domainSettingsChecks(
  domainId: string,
  d: { TagPropagation?: string; DefaultSpaceSettings?: { ExecutionRole?: string } },
  teamRoleArns: Map<string, string>,
): Check[] {
  const checks: Check[] = []
  if (d.TagPropagation === 'ENABLED')
    checks.push({
      name: 'tag propagation',
      status: 'pass',
      detail: "custom tag propagation is on: spaces and apps created in Studio carry the profile's Team tag",
    })
  else
    checks.push({
      name: 'tag propagation',
      status: 'warn',
      detail: `custom tag propagation is ${d.TagPropagation ?? 'DISABLED'}: spaces and apps created in Studio get no Team tag, so team roles cannot start remote sessions in, update or delete their own spaces (creating apps and spaces still works)`,
      hint: `aws sagemaker update-domain --domain-id ${domainId} --tag-propagation ENABLED`,
    })
  const spaceRole = d.DefaultSpaceSettings?.ExecutionRole
  const team = [...teamRoleArns].find(([, arn]) => arn === spaceRole)?.[0]
  if (!spaceRole)
    checks.push({
      name: 'shared spaces role',
      status: 'pass',
      detail: 'the domain sets no execution role for shared spaces (DefaultSpaceSettings)',
    })
  else if (team)
    checks.push({
      name: 'shared spaces role',
      status: 'fail',
      detail: `shared spaces run as ${spaceRole}, team ${team}'s role: every team's shared spaces get team ${team}'s access`,
      hint: 'Set DefaultSpaceSettings.ExecutionRole to a role with no team data access (aws sagemaker update-domain --default-space-settings).',
    })
  else
    checks.push({
      name: 'shared spaces role',
      status: 'warn',
      detail: `shared spaces of every team run as ${spaceRole} (DefaultSpaceSettings), not as a team role: they get no team's Lake Formation grants or workspace, and whatever that role may do, every team's shared space may do`,
    })
  return checks
}

type AddCheck = (name: string, status: CheckStatus, detail: string, hint?: string) => void

async function checkDomain(
  aws: AwsClients,
  domainId: string,
  profileQuota: number | undefined,
  add: AddCheck,
  teamRoleArns: Map<string, string>,
) {
  try {
    const { DescribeDomainCommand, paginateListUserProfiles } = await import('@aws-sdk/client-sagemaker')
    const sm = await aws.sageMaker()
    const d = await sm.send(new DescribeDomainCommand({ DomainId: domainId }))
    if (d.AuthMode === 'IAM') add('domain', 'pass', `${domainId} (${d.DomainName}) in IAM auth mode`)
    else {
      add(
        'domain',
        'fail',
        `${domainId} uses ${d.AuthMode} authentication`,
        'Use a domain in IAM auth mode: in IAM Identity Center mode SageMaker maps each person to exactly one profile.',
      )
    }
    for (const c of domainSettingsChecks(domainId, d, teamRoleArns)) add(c.name, c.status, c.detail, c.hint)
    let profiles = 0
    for await (const page of paginateListUserProfiles(
      { client: sm },
      { DomainIdEquals: domainId, MaxResults: 100 },
    ))
      profiles += page.UserProfiles?.length ?? 0
    const quota = profileQuota ?? DEFAULT_PROFILE_QUOTA
    const status: CheckStatus = profiles >= quota ? 'fail' : profiles >= quota * 0.8 ? 'warn' : 'pass'
    add(
      'profile quota',
      status,
      `${profiles} of ${quota} user profiles used`,
      status === 'pass'
        ? undefined
        : 'Request a higher "user profiles per domain" quota in Service Quotas, then raise profileQuota.',
    )
  } catch (err) {
    add(
      'domain',
      'fail',
      describeAwsError(err, domainId),
      'Check domain.id and region (aws sagemaker list-domains).',
    )
  }
}

async function checkLakeFormation(
  aws: AwsClients,
  callerArn: string,
  config: LoadedTeams['config'],
  add: AddCheck,
) {
  const grants =
    Object.values(config.teams).some((t) => t.lakeFormation?.length) || Boolean(config.lakeFormation)
  try {
    const { GetDataLakeSettingsCommand } = await import('@aws-sdk/client-lakeformation')
    const s = await (await aws.lakeFormation()).send(new GetDataLakeSettingsCommand({}))
    const admins = (s.DataLakeSettings?.DataLakeAdmins ?? []).map((a) => a.DataLakePrincipalIdentifier)
    const me = principalArn(callerArn)
    if (admins.includes(me)) add('lake formation', 'pass', `${me} is a data lake administrator`)
    else
      add(
        'lake formation',
        grants ? 'fail' : 'warn',
        `${me} is not a data lake administrator`,
        'Add it under Lake Formation → Administrative roles and tasks, or grant it LF-tag permissions with grant option.',
      )
  } catch (err) {
    add('lake formation', grants ? 'fail' : 'warn', describeAwsError(err))
  }
}

/** The IAM principal behind an STS caller ARN (an assumed role's role ARN). */
export function principalArn(arn: string): string {
  const m = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(arn)
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : arn
}

async function checkPermissions(
  aws: AwsClients,
  callerArn: string,
  add: (n: string, s: CheckStatus, d: string, h?: string) => void,
  managedPolicyArns: string[],
) {
  if (/:root$/.test(callerArn)) {
    add(
      'permissions',
      'warn',
      'the account root user: not simulated',
      'Use a role with `sagemaker-teams policy` instead of the root user.',
    )
    return
  }
  try {
    const { SimulatePrincipalPolicyCommand } = await import('@aws-sdk/client-iam')
    // The policy allows role writes only with the boundary, AttachRolePolicy only for the file's
    // managed policies and PassRole only to a service: simulate the requests apply makes.
    const [, partition, , , account] = callerArn.split(':')
    const context = [
      ['iam:PermissionsBoundary', boundaryPolicyArn(account, partition)],
      ['iam:PassedToService', 'sagemaker.amazonaws.com'],
      ...(managedPolicyArns.length ? [['iam:PolicyARN', managedPolicyArns[0]]] : []),
    ].map(([ContextKeyName, value]) => ({
      ContextKeyName,
      ContextKeyValues: [value],
      ContextKeyType: 'string' as const,
    }))
    const actions = allOperatorActions('apply').filter(
      (a) => managedPolicyArns.length > 0 || a !== 'iam:AttachRolePolicy',
    )
    const denied: string[] = []
    for (let i = 0; i < actions.length; i += 100) {
      const out = await (await aws.iam()).send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: principalArn(callerArn),
          ActionNames: actions.slice(i, i + 100),
          ContextEntries: context,
        }),
      )
      for (const r of out.EvaluationResults ?? [])
        if (r.EvalDecision !== 'allowed' && r.EvalActionName) denied.push(r.EvalActionName)
    }
    if (denied.length === 0)
      add('permissions', 'pass', `all ${actions.length} actions the tool calls are allowed`)
    else
      add(
        'permissions',
        'fail',
        `${denied.length} actions denied: ${denied.slice(0, 8).join(', ')}${denied.length > 8 ? ', …' : ''}`,
        'Attach the output of `sagemaker-teams policy` to the caller.',
      )
  } catch (err) {
    add(
      'permissions',
      'warn',
      `cannot simulate (${describeAwsError(err)}); the reads above passed`,
      'Allow iam:SimulatePrincipalPolicy on yourself for a complete check.',
    )
  }
}

export function renderChecks(checks: Check[]): string {
  const mark: Record<CheckStatus, string> = { pass: '✓ pass', warn: '! warn', fail: '✗ fail' }
  const width = Math.max(...checks.map((c) => c.name.length))
  const lines = checks.map(
    (c) =>
      `${mark[c.status]}  ${c.name.padEnd(width)}  ${c.detail}${c.hint && c.status !== 'pass' ? `\n        ${' '.repeat(width)}  → ${c.hint}` : ''}`,
  )
  const fails = checks.filter((c) => c.status === 'fail').length
  const warns = checks.filter((c) => c.status === 'warn').length
  return `${lines.join('\n')}\n\n${fails ? `${fails} failed` : 'No failures'}, ${warns} warning${warns === 1 ? '' : 's'}.\n`
}

/**
 * One check per account of `accounts:`: plan can act there (its role assumed, or the caller's own
 * credentials in the caller's own account unless the file names a role there) and its domains are there.
 */
async function checkAccounts(
  aws: AwsClients,
  config: TeamsFile,
  add: (name: string, status: 'pass' | 'warn' | 'fail', detail: string, hint?: string) => void,
) {
  const { fileAccounts, fileDomains } = await import('./model/topology.js')
  const { accountClients, accountError, assumedRoleArn } = await import('./engine/scopes.js')
  const { partitionOf } = await import('./engine/discovery.js')
  const partition = partitionOf(aws.region)
  for (const account of fileAccounts(config)) {
    const name = `account ${account.name}`
    let roleArn: string | undefined
    try {
      roleArn = await assumedRoleArn(aws, account, partition)
      const clients = await accountClients(aws, aws, account, partition)
      await clients.checkCredentials()
      const { DescribeDomainCommand } = await import('@aws-sdk/client-sagemaker')
      const sm = await clients.sageMaker()
      const domains = fileDomains(config).filter((d) => d.account === account.name)
      const modes = await Promise.all(
        domains.map((d) =>
          sm.send(new DescribeDomainCommand({ DomainId: d.id })).then((o) => `${d.name} ${o.AuthMode}`),
        ),
      )
      const notIam = modes.filter((m) => !m.endsWith(' IAM'))
      const how = roleArn ? `${roleArn} assumed` : "own credentials (the caller's account)"
      if (notIam.length) add(name, 'fail', `${how}; domains not in IAM auth mode: ${notIam.join(', ')}`)
      else add(name, 'pass', `${how}; ${modes.join(', ') || 'no domains'}`)
    } catch (err) {
      const e = accountError({ name: account.name, id: account.id, ...(roleArn ? { roleArn } : {}) }, err)
      add(name, 'fail', e.message, e.hint)
    }
  }
}
