/** Wires `acs serve`: discovery, configuration, store and server. */
import type { SageMakerClient } from '@aws-sdk/client-sagemaker'
import type { AwsClients } from '../aws/clients.js'
import type { LoadedTeams } from '../config/load.js'
import { findInstance, partitionOf } from '../engine/discovery.js'
import { resolveIdentities } from '../engine/identities.js'
import { acsUrl } from '../model/names.js'
import { type FileAccount, fileAccounts, fileDomains } from '../model/topology.js'
import { type AcsConfig, buildAcsConfig } from './config.js'
import type { AcsLogEntry } from './handler.js'
import { acsDeps } from './runtime.js'
import { type AcsServer, startAcsServer } from './server.js'
import { DynamoStore } from './stores.js'

export async function serveAcs(
  aws: AwsClients,
  teams: LoadedTeams,
  opts: {
    host: string
    port: number
    replayTable?: string
    /** Where each request's log line goes (default: stderr, one JSON line). */
    log?: (entry: AcsLogEntry) => void
  },
  say: (line: string) => void,
): Promise<AcsServer> {
  const { config, clients, sagemakerFor } = await servedConfig(aws, teams, opts.replayTable)
  const store = opts.replayTable ? new DynamoStore(await clients.dynamoDb(), opts.replayTable) : undefined
  const deps = acsDeps(config, {
    store,
    log: opts.log ?? ((e) => process.stderr.write(`${JSON.stringify(e)}\n`)),
  })
  deps.sagemaker = await clients.sageMaker()
  deps.identityStore = await clients.identityStore()
  if (sagemakerFor) deps.sagemakerFor = sagemakerFor
  const server = await startAcsServer(deps, opts)
  // Without acs.url the base URL is this server's address, known once it listens.
  if (!config.baseUrl) {
    config.baseUrl = server.url
    for (const [team, t] of Object.entries(config.teams)) t.acsUrl = acsUrl(server.url, team)
  }
  say(`ACS listening on ${server.url}`)
  for (const [team, t] of Object.entries(config.teams)) {
    say(
      `  ${team}: ACS URL ${t.acsUrl}  audience ${t.audience}${t.idp ? '' : '  (no IdP metadata yet: logins refused)'}`,
    )
  }
  return server
}

interface ServedConfig {
  config: AcsConfig
  /** The clients of the ACS's own account (its table, its domains' profiles, the identity store). */
  clients: AwsClients
  /** The SageMaker client of each team of another account than the ACS's. */
  sagemakerFor?: (team: string) => SageMakerClient
}

/**
 * The configuration `apply` bakes (each team's account, domain and presign role; the members as
 * `apply` resolves them, so a local login takes the Lambda's path: no identity store call for a
 * member of the file). The Lambda reaches another account's profiles through that account's
 * presign role, which trusts only the function's role; a local server runs as whoever starts it,
 * so it reaches them as the CLI does: as plan acts in each account (its role, or the caller's own
 * credentials in the caller's own account unless the file names a role there).
 */
async function servedConfig(
  aws: AwsClients,
  teams: LoadedTeams,
  replayTable: string | undefined,
): Promise<ServedConfig> {
  const { acsPlacementOf, accountClients: clientsOf, IDENTITY_CENTER } = await import('../engine/scopes.js')
  const file = teams.config
  const partition = partitionOf(aws.region)
  const icRole = file.identityCenter?.roleArn
  const ic = icRole ? await aws.assumeRole(icRole, { accountName: IDENTITY_CENTER }) : aws
  const [icAccountId, instance] = await Promise.all([ic.accountId(), findInstance(ic, file)])
  const identities = await resolveIdentities(ic, file, instance.identityStoreId)
  const domains = fileDomains(file)
  const callerAccountId = domains.some((d) => d.account === undefined) ? await aws.accountId() : undefined
  // The ACS's own account: acs.account, or the Identity Center account.
  const acsAccount = file.acs?.account
    ? fileAccounts(file).find((a) => a.name === file.acs!.account)
    : undefined
  const acsAccountId = acsAccount?.id ?? icAccountId
  const placement = acsPlacementOf(file, { callerAccountId, acsAccountId, partition })
  const accountClients = (account: FileAccount) => clientsOf(aws, ic, account, partition)
  const clients = acsAccount ? await accountClients(acsAccount) : ic
  const config = await buildAcsConfig({
    teams,
    accountId: acsAccountId,
    partition,
    region: clients.region,
    domainId: domains[0].id,
    // Outside the Identity Center account the ACS confirms users from the baked members only.
    ...(acsAccount ? {} : { identityStoreId: instance.identityStoreId }),
    identities,
    tableName: replayTable ?? null,
    placement,
  })
  // One SageMaker client per account of a team outside the ACS's own account.
  const byAccount = new Map<string, SageMakerClient>()
  for (const { accountId, presignRoleArn } of Object.values(placement)) {
    if (!presignRoleArn || byAccount.has(accountId)) continue
    const account = fileAccounts(file).find((a) => a.id === accountId)
    byAccount.set(accountId, await (account ? await accountClients(account) : aws).sageMaker())
  }
  return {
    config,
    clients,
    sagemakerFor: (team) => byAccount.get(placement[team].accountId)!,
  }
}
