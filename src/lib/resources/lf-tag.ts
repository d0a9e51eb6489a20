/**
 * LF-tags listed under `lakeFormation.tags`: each key exists with at least the listed values.
 * Values are removed only with --prune, and only keys the file lists are ever touched (so a key
 * is never deleted: once it leaves the file it is no longer the tool's to change).
 */
import {
  CreateLFTagCommand,
  GetLFTagCommand,
  paginateListLFTags,
  UpdateLFTagCommand,
} from '@aws-sdk/client-lakeformation'
import { awsErrorCode } from '../errors.js'
import type { Change, LfTagPayload } from '../plan/types.js'
import type { ResourceModule } from './types.js'

export type ObservedLfTags = Map<string, string[]>
export type DesiredLfTags = Map<string, string[]>

export const lfTags: ResourceModule<'lf-tag', ObservedLfTags, DesiredLfTags> = {
  kind: 'lf-tag',

  async observe(ctx) {
    const observed: ObservedLfTags = new Map()
    if (!ctx.teams.config.lakeFormation) return observed
    const client = await ctx.aws.lakeFormation()
    for await (const page of paginateListLFTags({ client }, { MaxResults: 1000 })) {
      for (const t of page.LFTags ?? []) if (t.TagKey) observed.set(t.TagKey, [...(t.TagValues ?? [])].sort())
    }
    return observed
  },

  desire(ctx) {
    return new Map(
      Object.entries(ctx.teams.config.lakeFormation?.tags ?? {}).map(([k, v]) => [k, [...new Set(v)].sort()]),
    )
  },

  diff(desired, observed, ctx) {
    const changes: Change<'lf-tag'>[] = []
    for (const [tagKey, values] of desired) {
      const present = observed.get(tagKey)
      if (!present) {
        changes.push({
          kind: 'lf-tag',
          key: tagKey,
          action: 'create',
          summary: `${tagKey} = ${values.join(', ')}`,
          after: { tagKey, values },
        })
        continue
      }
      const missing = values.filter((v) => !present.includes(v))
      const extra = ctx.options.prune ? present.filter((v) => !values.includes(v)) : []
      if (missing.length === 0 && extra.length === 0) continue
      const after: LfTagPayload = {
        tagKey,
        values: ctx.options.prune ? values : [...new Set([...present, ...values])].sort(),
      }
      changes.push({
        kind: 'lf-tag',
        key: tagKey,
        action: 'update',
        summary: tagKey,
        before: { tagKey, values: present },
        after,
        reason: [
          missing.length ? `add ${missing.join(', ')}` : '',
          extra.length ? `remove ${extra.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; '),
      })
    }
    return changes
  },

  async apply(change, ctx) {
    const client = await ctx.aws.lakeFormation()
    const after = change.after!
    let before = change.before?.values
    if (change.action === 'create') {
      try {
        await client.send(new CreateLFTagCommand({ TagKey: after.tagKey, TagValues: after.values }))
        return
      } catch (err) {
        if (awsErrorCode(err) !== 'AlreadyExistsException') throw err
        before = (await client.send(new GetLFTagCommand({ TagKey: after.tagKey }))).TagValues ?? []
      }
    }
    const add = after.values.filter((v) => !(before ?? []).includes(v))
    const remove = (before ?? []).filter((v) => !after.values.includes(v))
    if (add.length === 0 && remove.length === 0) return
    await client.send(
      new UpdateLFTagCommand({
        TagKey: after.tagKey,
        ...(add.length ? { TagValuesToAdd: add } : {}),
        ...(remove.length ? { TagValuesToDelete: remove } : {}),
      }),
    )
  },
}
