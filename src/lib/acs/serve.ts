/** Wires `acs serve`: discovery, configuration, store and server. */
import type { AwsClients } from '../aws/clients.js'
import type { LoadedTeams } from '../config/load.js'
import { discover } from '../engine/discovery.js'
import { resolveIdentities } from '../engine/identities.js'
import { acsUrl } from '../names.js'
import { buildAcsConfig } from './config.js'
import { acsDeps } from './runtime.js'
import { type AcsServer, startAcsServer } from './server.js'
import { DynamoStore } from './stores.js'

export async function serveAcs(
  aws: AwsClients,
  teams: LoadedTeams,
  opts: { host: string; port: number; replayTable?: string },
  say: (line: string) => void,
): Promise<AcsServer> {
  const discovery = await discover(aws, teams.config)
  // The members as `apply` resolves and bakes them, so a local login takes the Lambda's path: no
  // identity store call for a member of the file.
  const identities = await resolveIdentities(aws, teams.config, discovery.identityStoreId)
  const config = await buildAcsConfig({
    teams,
    accountId: discovery.accountId,
    partition: discovery.partition,
    region: aws.region,
    domainId: discovery.domainId,
    identityStoreId: discovery.identityStoreId,
    identities,
    tableName: opts.replayTable ?? null,
  })
  const store = opts.replayTable ? new DynamoStore(await aws.dynamoDb(), opts.replayTable) : undefined
  const deps = acsDeps(config, { store, log: (e) => process.stderr.write(`${JSON.stringify(e)}\n`) })
  deps.sagemaker = await aws.sageMaker()
  deps.identityStore = await aws.identityStore()
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
