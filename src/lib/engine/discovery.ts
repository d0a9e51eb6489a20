/** Finds the Identity Center instance and a SageMaker domain, and checks the preconditions (engine/scopes.ts calls these per scope). */

import type { DescribeDomainCommandOutput } from '@aws-sdk/client-sagemaker'
import { paginateListInstances } from '@aws-sdk/client-sso-admin'
import type { AwsClients } from '../aws/clients.js'
import type { TeamsFile } from '../config/types.js'
import { awsErrorCode, commonAwsHint, describeAwsError, UserError } from '../errors.js'

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn'
  if (region.startsWith('us-gov-')) return 'aws-us-gov'
  return 'aws'
}

export async function findInstance(
  aws: AwsClients,
  config: TeamsFile,
): Promise<{ instanceArn: string; identityStoreId: string }> {
  const configured = config.identityCenter ?? {}
  if (configured.instanceArn && configured.identityStoreId) {
    return { instanceArn: configured.instanceArn, identityStoreId: configured.identityStoreId }
  }
  const client = await aws.ssoAdmin()
  const instances: { InstanceArn?: string; IdentityStoreId?: string }[] = []
  try {
    for await (const page of paginateListInstances({ client }, {})) instances.push(...(page.Instances ?? []))
  } catch (err) {
    throw new UserError(
      `cannot list IAM Identity Center instances: ${describeAwsError(err)}`,
      1,
      commonAwsHint(err) ??
        'Run with credentials of the management account or the delegated administrator of IAM Identity Center.',
    )
  }
  const matching = instances.filter(
    (i) =>
      (!configured.instanceArn || i.InstanceArn === configured.instanceArn) &&
      (!configured.identityStoreId || i.IdentityStoreId === configured.identityStoreId),
  )
  if (matching.length === 1)
    return { instanceArn: matching[0].InstanceArn!, identityStoreId: matching[0].IdentityStoreId! }
  if (instances.length === 0) {
    throw new UserError(
      `no IAM Identity Center instance is visible in ${aws.region}`,
      1,
      'Enable IAM Identity Center in this region, or set --region / region: to where it is.',
    )
  }
  if (matching.length === 0) {
    throw new UserError(
      `identityCenter in the teams file matches none of the instances: ${instances.map((i) => `${i.InstanceArn} (${i.IdentityStoreId})`).join(', ')}`,
    )
  }
  throw new UserError(
    `several IAM Identity Center instances are visible: ${matching.map((i) => `${i.InstanceArn} (identity store ${i.IdentityStoreId})`).join(' and ')}`,
    1,
    'Choose one with identityCenter.instanceArn and identityCenter.identityStoreId in the teams file.',
  )
}

export async function findDomain(aws: AwsClients, domainId: string) {
  // Imported here: the first calls (the caller, the instance) go out before SageMaker's client loads.
  const [{ DescribeDomainCommand }, client] = await Promise.all([
    import('@aws-sdk/client-sagemaker'),
    aws.sageMaker(),
  ])
  let out: DescribeDomainCommandOutput
  try {
    out = await client.send(new DescribeDomainCommand({ DomainId: domainId }))
  } catch (err) {
    if (awsErrorCode(err) === 'ResourceNotFound') {
      throw new UserError(
        `SageMaker domain ${domainId} does not exist in ${aws.region}${aws.options.accountName ? ` (account ${aws.options.accountName})` : ''}`,
        1,
        'Check domain.id and region in the teams file (aws sagemaker list-domains).',
      )
    }
    throw new UserError(
      `cannot describe SageMaker domain ${domainId}: ${describeAwsError(err)}`,
      1,
      commonAwsHint(err),
    )
  }
  if (out.AuthMode !== 'IAM') {
    throw new UserError(
      `SageMaker domain ${domainId} uses ${out.AuthMode} authentication; sagemaker-teams needs a domain in IAM auth mode`,
      1,
      'In IAM Identity Center auth mode SageMaker maps each person to exactly one user profile, so one person cannot have a profile per team. Use (or create) a domain with AuthMode IAM; users reach it through the team applications and the ACS.',
    )
  }
  return {
    id: domainId,
    name: out.DomainName,
    arn: out.DomainArn!,
    defaultExecutionRole: out.DefaultUserSettings?.ExecutionRole,
  }
}
