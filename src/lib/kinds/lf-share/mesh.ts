/**
 * What each part of a data-mesh file plans (the governance account's shares, a consumer account's
 * links and team grants), computed once from the whole file: a part's own file holds only its teams.
 *
 * The flow, as AWS documents it and the seed follows:
 * - the governance (producer's central) account grants the consumer account DESCRIBE on the LF-tag
 *   values its teams use ("When granting to an external account, you must include the grant
 *   option", https://docs.aws.amazon.com/lake-formation/latest/dg/TBAC-granting-tags.html) and the
 *   LF-tag policies its teams use, with PermissionsWithGrantOption: a consumer re-grants an identical
 *   policy only with grantable permissions ("Permission cascading rules",
 *   https://docs.aws.amazon.com/lake-formation/latest/dg/permission-cascading-rules.html;
 *   "Cascading cross-account permissions",
 *   https://docs.aws.amazon.com/lake-formation/latest/dg/cascade-cross-account-permission-procedures.html);
 * - no ASSOCIATE: AWS documents it as what assigning an LF-tag to a Data Catalog resource takes
 *   ("Principals to whom the data lake administrator in the external account grants the Associate
 *   permission can then assign LF-Tags to Data Catalog resources that you shared with their
 *   account", https://docs.aws.amazon.com/lake-formation/latest/dg/TBAC-granting-tags.html), while
 *   the consumer's onward grants of LF-tag expressions to its principals follow the cascading rules
 *   above (the identical policy with the grant option, or DESCRIBE on every tag-value pair), which
 *   name no ASSOCIATE. The tool never tags in a consumer account (the producers tag in the central
 *   catalog), so a consumer gets DESCRIBE only; ASSOCIATE would let it re-tag the shared tables and so
 *   widen what its own grants match. (Cross-account LF-tag grants may carry only DESCRIBE and
 *   ASSOCIATE, https://docs.aws.amazon.com/lake-formation/latest/dg/TBAC-adding-tag-creator.html; the
 *   emulator refuses others, and AddLFTagsToResource without ASSOCIATE.)
 * - the consumer account creates a resource link to each shared database (Glue CreateDatabase with
 *   TargetDatabase, https://docs.aws.amazon.com/lake-formation/latest/dg/resource-links-about.html),
 *   grants DESCRIBE on the link to the team roles that use it (the Lake Formation permission a link
 *   needs, https://docs.aws.amazon.com/lake-formation/latest/dg/resource-links-glue-apis.html) and
 *   re-grants each team role its LF-tag policies with the governance catalog's id.
 */
import {
  type ConsumerShare,
  type DataMesh,
  dataMeshOf,
  type MeshPart,
  teamAccountName,
  teamLinks,
} from '../../config/data-mesh.js'
import type { TeamsFile } from '../../config/types.js'
import type { LfExpressionTerm } from '../../plan/types.js'
import { normaliseExpression } from '../lf-grant/expression.js'

export const policyKey = (resourceType: string, expression: LfExpressionTerm[]) =>
  `${resourceType}|${expression.map((t) => `${t.TagKey}=${t.TagValues.join(',')}`).join(';')}`

/** The shares of every consumer account (teams of the file in it, their LF-tag grants). */
export function consumerShares(config: TeamsFile, mesh: DataMesh): ConsumerShare[] {
  const shares: ConsumerShare[] = []
  for (const consumer of mesh.consumers.values()) {
    const share: ConsumerShare = {
      accountName: consumer.name,
      accountId: consumer.accountId,
      tags: new Map(),
      policies: new Map(),
      teams: [],
    }
    for (const [team, t] of Object.entries(config.teams)) {
      if (teamAccountName(config, team) !== consumer.name || !t.lakeFormation?.length) continue
      share.teams.push(team)
      for (const grant of t.lakeFormation) {
        const expression = normaliseExpression(grant.expression)
        for (const term of expression) {
          const values = share.tags.get(term.TagKey) ?? new Set<string>()
          for (const v of term.TagValues) values.add(v)
          share.tags.set(term.TagKey, values)
        }
        const key = policyKey(grant.resourceType, expression)
        const p = share.policies.get(key) ?? {
          resourceType: grant.resourceType,
          expression,
          permissions: new Set<string>(),
          teams: new Set<string>(),
        }
        for (const perm of grant.permissions) p.permissions.add(perm)
        p.teams.add(team)
        share.policies.set(key, p)
      }
    }
    shares.push(share)
  }
  return shares
}

/** The parts of a data-mesh file: the governance account's, and each consumer account's by name. */
export function meshParts(
  config: TeamsFile,
): { governance: string; forAccount(name: string): MeshPart | undefined } | undefined {
  const mesh = dataMeshOf(config)
  if (!mesh) return undefined
  const accounts = Object.fromEntries(
    Object.values(config.accounts ?? {})
      .filter((a) => a.id !== mesh.governance.accountId)
      .map((a) => [a.id, Object.entries(config.accounts!).find(([, x]) => x === a)![0]]),
  )
  const base = { governanceAccountId: mesh.governance.accountId, accounts }
  return {
    governance: mesh.governance.name,
    forAccount(name) {
      if (name === mesh.governance.name) return { ...base, shares: consumerShares(config, mesh) }
      const consumer = mesh.consumers.get(name)
      if (!consumer) return undefined
      const teams = Object.keys(config.teams).filter((t) => teamAccountName(config, t) === name)
      return {
        ...base,
        links: [...consumer.links.values()],
        teamLinks: Object.fromEntries(
          teams.map((t) => [
            t,
            teamLinks(config, mesh, t).map((l) => ({
              name: l.name,
              targetCatalogId: l.catalogId,
              targetDatabase: l.database,
            })),
          ]),
        ),
      }
    },
  }
}
