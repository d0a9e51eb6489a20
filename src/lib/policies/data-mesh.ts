/**
 * A team role's catalog access in a data-mesh consumer account: Athena and Glue read a shared table
 * through a resource link, and IAM must allow the Glue reads on both the link (in the role's
 * account) and the target (in the catalog that owns it), as "Accessing the underlying data of a
 * shared table" lists (https://docs.aws.amazon.com/lake-formation/latest/dg/cross-account-read-data.html)
 * and "Resource link handling in AWS Glue APIs" requires (IAM and Lake Formation permissions on both
 * the target and the link). Lake Formation still decides which tables and columns the role sees;
 * `lakeformation:GetDataAccess` (no resource type) lets it vend the data credentials.
 */
import type { PolicyDocument, PolicyStatement } from '../plan/types.js'

export interface TeamLink {
  /** The resource link's name in the team's account. */
  name: string
  /** The target database and the account id of its catalog. */
  targetCatalogId: string
  targetDatabase: string
}

/** Glue reads Athena makes for a query through a link (and the table listing Studio shows). */
export const SHARED_CATALOG_READ_ACTIONS = [
  'glue:GetDatabase',
  'glue:GetDatabases',
  'glue:GetTable',
  'glue:GetTables',
  'glue:GetPartition',
  'glue:GetPartitions',
  'glue:BatchGetPartition',
] as const

export function meshCatalogStatements(t: {
  partition: string
  region: string
  accountId: string
  links: TeamLink[]
}): PolicyStatement[] {
  const arn = (account: string, what: string) => `arn:${t.partition}:glue:${t.region}:${account}:${what}`
  const resources = new Set<string>()
  for (const link of t.links) {
    resources.add(arn(t.accountId, 'catalog'))
    resources.add(arn(t.accountId, `database/${link.name}`))
    resources.add(arn(t.accountId, `table/${link.name}/*`))
    resources.add(arn(link.targetCatalogId, 'catalog'))
    resources.add(arn(link.targetCatalogId, `database/${link.targetDatabase}`))
    resources.add(arn(link.targetCatalogId, `table/${link.targetDatabase}/*`))
  }
  return [
    {
      Sid: 'LakeFormationDataAccess',
      Effect: 'Allow',
      Action: ['lakeformation:GetDataAccess'],
      Resource: '*',
    },
    ...(resources.size > 0
      ? [
          {
            Sid: 'SharedDatabasesThroughResourceLinks',
            Effect: 'Allow' as const,
            Action: [...SHARED_CATALOG_READ_ACTIONS],
            Resource: [...resources],
          },
        ]
      : []),
  ]
}

/**
 * The baseline policy of a team of a data-mesh consumer account: its catalog reads (the statement
 * `CatalogReadForLakeFormation`, every database) become the reads of its links and their targets.
 */
export function withMeshCatalog(
  t: { partition: string; region: string; accountId: string; dataMesh?: { links: TeamLink[] } },
  doc: PolicyDocument,
): PolicyDocument {
  if (!t.dataMesh) return doc
  return {
    ...doc,
    Statement: doc.Statement.flatMap((s) =>
      s.Sid === 'CatalogReadForLakeFormation'
        ? meshCatalogStatements({ ...t, links: t.dataMesh!.links })
        : [s],
    ),
  }
}
