/** Builds the handler's dependencies from a configuration: SDK clients, the store, the logger. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { IdentitystoreClient } from '@aws-sdk/client-identitystore'
import { SageMakerClient } from '@aws-sdk/client-sagemaker'
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers'
import { doesIdentityRequireRefresh, isIdentityExpired, memoizeIdentityProvider } from '@smithy/core'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types'
import type { AcsConfig } from './config.js'
import type { AcsDeps, AcsLogEntry } from './handler.js'
import { type AcsStore, DynamoStore, MemoryStore } from './stores.js'

/**
 * One SageMaker client per presign role (one per domain account), made on first use and kept for
 * the warm Lambda's life: its credentials come from one AssumeRole, renewed by the SDK's provider
 * five minutes before they expire, so a warm login costs no STS call.
 */
export function presignClients(
  config: AcsConfig,
  clientConfig: Record<string, unknown>,
  source?: AwsCredentialIdentity | AwsCredentialIdentityProvider,
): (team: string) => SageMakerClient {
  const byRole = new Map<string, SageMakerClient>()
  return (team) => {
    const roleArn = config.teams[team]!.presignRoleArn!
    let client = byRole.get(roleArn)
    if (!client) {
      const provider = fromTemporaryCredentials({
        params: { RoleArn: roleArn, RoleSessionName: 'sagemaker-teams-acs' },
        ...(source ? { masterCredentials: source } : {}),
        clientConfig: { region: config.region },
      })
      client = new SageMakerClient({
        ...clientConfig,
        credentials: memoizeIdentityProvider(provider, isIdentityExpired, doesIdentityRequireRefresh),
      })
      byRole.set(roleArn, client)
    }
    return client
  }
}

export function acsDeps(
  config: AcsConfig,
  opts: {
    store?: AcsStore
    log?: (e: AcsLogEntry) => void
    profileWait?: AcsDeps['profileWait']
    /** The function's own credentials (default: the SDK chain — in Lambda, its execution role). */
    credentials?: AwsCredentialIdentity
  } = {},
): AcsDeps {
  const clientConfig = {
    region: config.region,
    retryMode: 'adaptive',
    maxAttempts: 4,
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
  }
  const remote = Object.values(config.teams).some((t) => t.presignRoleArn)
  return {
    config,
    sagemaker: new SageMakerClient(clientConfig),
    ...(remote ? { sagemakerFor: presignClients(config, clientConfig, opts.credentials) } : {}),
    identityStore: config.identityStoreId ? new IdentitystoreClient(clientConfig) : undefined,
    store:
      opts.store ??
      (config.tableName
        ? new DynamoStore(new DynamoDBClient(clientConfig), config.tableName)
        : new MemoryStore()),
    log: opts.log ?? ((e) => process.stdout.write(`${JSON.stringify(e)}\n`)),
    ...(opts.profileWait ? { profileWait: opts.profileWait } : {}),
  }
}
