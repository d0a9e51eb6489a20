/**
 * `status` of a data mesh, read through the plan's own parts and the kinds' own observers: per
 * consumer account, its resource links (present, missing, pointing elsewhere, not the tool's, no
 * longer used) and whether the governance account's shares to it are in place; per team, its role's
 * DESCRIBE on its links and its LF-tag grants in the governance catalog (see teamMeshReadings).
 */
import type { PlanPart } from './engine/scopes.js'
import type { EngineContext } from './kinds/engine-contract.js'
import { lfShares, type SharesByKey } from './kinds/lf-share/engine.js'
import { type LinkGrants, linkGrants } from './kinds/link-grant/engine.js'
import { type MeshGrants, meshGrants } from './kinds/mesh-grant/engine.js'
import { type DesiredLinks, desiredLinks, type ObservedLinks } from './kinds/resource-link/engine.js'
import { describeShare } from './plan/data-mesh-review.js'
import type { PlanAccount } from './plan/types.js'

export type LinkState = 'present' | 'missing' | 'elsewhere' | 'not-owned' | 'unused'

export interface MeshLinkStatus {
  name: string
  /** What the file points it to: `<catalog id>:<database>`. */
  target: string
  state: LinkState
  /** Where it points (state elsewhere / unused), or what holds the name (not-owned). */
  actual?: string
  /** The account's teams that use it. */
  teams: string[]
}

export interface ConsumerMeshStatus {
  account: string
  id: string
  /** Absent when the account could not be read (its error is on the account). */
  links?: MeshLinkStatus[]
  /** The governance account's grants to this account; absent when the governance account was not read. */
  shares?: { expected: number; inPlace: number; missing: string[] }
}

export interface MeshStatus {
  governance: { account: string; id: string; read: boolean }
  consumers: ConsumerMeshStatus[]
}

/** What a consumer account's team holds of the data mesh: its link grants and its LF-tag grants there. */
export interface TeamMeshReadings {
  grants: MeshGrants
  wantGrants: MeshGrants
  linkGrants: LinkGrants
  wantLinkGrants: LinkGrants
}

/** A consumer account's part: its teams' grants are the governance catalog's (mesh-grant), with DESCRIBE on links. */
export async function teamMeshReadings(ctx: EngineContext): Promise<TeamMeshReadings | undefined> {
  if (!ctx.kinds.includes('mesh-grant')) return undefined
  return {
    grants: await ctx.observed<MeshGrants>('mesh-grant'),
    wantGrants: (await meshGrants.desire(ctx)) as MeshGrants,
    linkGrants: await ctx.observed<LinkGrants>('link-grant'),
    wantLinkGrants: (await linkGrants.desire(ctx)) as LinkGrants,
  }
}

/** A team's DESCRIBE grants on its links: expected and in place. */
export function teamLinkGrants(m: TeamMeshReadings, team: string): { expected: number; inPlace: number } {
  const want = [...m.wantLinkGrants.entries()].filter(([, g]) => g.team === team)
  return {
    expected: want.length,
    inPlace: want.filter(([key]) => m.linkGrants.get(key)?.permissions.includes('DESCRIBE')).length,
  }
}

const covers = (held: string[] = [], wanted: string[] = []) => wanted.every((p) => held.includes(p))

function linkStatuses(desired: DesiredLinks, observed: ObservedLinks): MeshLinkStatus[] {
  const out: MeshLinkStatus[] = []
  const where = (l: { targetCatalogId: string; targetDatabase: string }) =>
    `${l.targetCatalogId}:${l.targetDatabase}`
  for (const [name, want] of desired) {
    const seen = observed.get(name)
    const target = where(want)
    const state: LinkState = !seen
      ? 'missing'
      : !seen.managed
        ? 'not-owned'
        : where(seen) === target
          ? 'present'
          : 'elsewhere'
    out.push({
      name,
      target,
      state,
      ...(seen && state !== 'present'
        ? { actual: seen.plain ? 'a database (not a link)' : where(seen) }
        : {}),
      teams: want.teams,
    })
  }
  for (const [name, seen] of observed)
    if (!desired.has(name) && seen.managed)
      out.push({ name, target: where(seen), state: 'unused', actual: where(seen), teams: [] })
  return out.sort((a, b) => a.name.localeCompare(b.name))
}

/** The data mesh's status from a plan's parts; undefined when the file has no data mesh. */
export async function readMeshStatus(
  parts: PlanPart[],
  accounts: PlanAccount[],
): Promise<MeshStatus | undefined> {
  const governancePart = parts.find((p) => p.ctx.kinds.includes('lf-share'))
  const mesh = parts.find((p) => p.ctx.discovery.dataMesh)?.ctx.discovery.dataMesh
  if (!mesh) return undefined
  const governanceAccount = accounts.find((a) => a.id === mesh.governanceAccountId)
  const governance = {
    account: governanceAccount?.name ?? mesh.governanceAccountId,
    id: mesh.governanceAccountId,
    read: Boolean(governancePart),
  }
  let shares: { desired: SharesByKey; observed: SharesByKey } | undefined
  if (governancePart) {
    shares = {
      desired: (await lfShares.desire(governancePart.ctx)) as SharesByKey,
      observed: await governancePart.ctx.observed<SharesByKey>('lf-share'),
    }
  }
  const consumers: ConsumerMeshStatus[] = []
  for (const s of governancePart?.ctx.discovery.dataMesh?.shares ?? []) {
    if (!consumers.some((c) => c.id === s.accountId))
      consumers.push({ account: s.accountName, id: s.accountId })
  }
  for (const part of parts) {
    if (!part.ctx.kinds.includes('resource-link') || part.domain !== undefined) continue
    let c = consumers.find((x) => x.id === part.accountId)
    if (!c) {
      c = { account: part.account, id: part.accountId }
      consumers.push(c)
    }
    c.links = linkStatuses(desiredLinks(part.ctx), await part.ctx.observed<ObservedLinks>('resource-link'))
  }
  if (shares)
    for (const c of consumers) {
      const want = [...shares.desired.values()].filter((s) => s.accountId === c.id)
      const missing = want.filter((s) => {
        const held = [...shares!.observed.values()].find(
          (o) =>
            o.accountId === s.accountId &&
            o.resourceType === s.resourceType &&
            o.tagKey === s.tagKey &&
            JSON.stringify(o.expression) === JSON.stringify(s.expression),
        )
        return !(
          held &&
          covers(held.permissions, s.permissions) &&
          covers(held.grantable, s.grantable) &&
          covers(held.tagValues, s.tagValues)
        )
      })
      c.shares = {
        expected: want.length,
        inPlace: want.length - missing.length,
        missing: missing.map(describeShare),
      }
    }
  return { governance, consumers: consumers.sort((a, b) => a.account.localeCompare(b.account)) }
}

const LINK_TEXT: Record<LinkState, (l: MeshLinkStatus) => string> = {
  present: (l) => `present → ${l.target}`,
  missing: (l) => `MISSING (→ ${l.target})`,
  elsewhere: (l) => `POINTS ELSEWHERE: ${l.actual}, the file says ${l.target}`,
  'not-owned': (l) => `NOT THE TOOL'S: ${l.actual} holds the name (the file says → ${l.target})`,
  unused: (l) => `unused → ${l.actual} (no team uses it; kept until plan --prune)`,
}

/** Lines under the accounts: the governance account, then each consumer's shares and links. */
export function renderMeshStatus(s: MeshStatus): string[] {
  const out = [
    `Data mesh: governance catalog ${s.governance.account} (${s.governance.id})${s.governance.read ? '' : ' NOT READ'}`,
  ]
  for (const c of s.consumers) {
    out.push(`  Consumer ${c.account} (${c.id})`)
    out.push(
      c.shares
        ? `    shares from ${s.governance.account}: ${c.shares.inPlace}/${c.shares.expected} in place${c.shares.missing.length ? ', missing:' : ''}`
        : `    shares from ${s.governance.account}: NOT CHECKED (the governance account was not read)`,
      ...(c.shares?.missing ?? []).map((m) => `      - ${m}`),
    )
    if (!c.links) out.push('    resource links: NOT CHECKED (the account was not read)')
    for (const l of c.links ?? [])
      out.push(
        `    link ${l.name}: ${LINK_TEXT[l.state](l)}${l.teams.length ? ` [${l.teams.join(', ')}]` : ''}`,
      )
  }
  return out
}

/** What the file asks of the data mesh that is not in place (status exits 1 when any). */
export function meshMissingItems(s: MeshStatus | undefined): string[] {
  const out: string[] = []
  for (const c of s?.consumers ?? []) {
    if (c.shares && c.shares.inPlace < c.shares.expected)
      out.push(
        `account ${c.account}: ${c.shares.expected - c.shares.inPlace} of ${c.shares.expected} shares from ${s!.governance.account} missing`,
      )
    for (const l of c.links ?? [])
      if (l.state !== 'present' && l.state !== 'unused')
        out.push(
          `account ${c.account}: resource link ${l.name} ${l.state === 'missing' ? 'missing' : l.state === 'elsewhere' ? `points to ${l.actual}, not ${l.target}` : 'is not the tool’s'}`,
        )
  }
  return out
}
