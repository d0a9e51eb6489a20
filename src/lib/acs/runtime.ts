/** Builds the handler's dependencies from a configuration: SDK clients, the store, the logger. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { IdentitystoreClient } from '@aws-sdk/client-identitystore'
import { SageMakerClient } from '@aws-sdk/client-sagemaker'
import type { AcsConfig } from './config.js'
import type { AcsDeps, AcsLogEntry } from './handler.js'
import { type AcsStore, DynamoStore, MemoryStore } from './stores.js'

export function acsDeps(
  config: AcsConfig,
  opts: { store?: AcsStore; log?: (e: AcsLogEntry) => void; profileWait?: AcsDeps['profileWait'] } = {},
): AcsDeps {
  const clientConfig = { region: config.region, retryMode: 'adaptive', maxAttempts: 4 }
  return {
    config,
    sagemaker: new SageMakerClient(clientConfig),
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
