/**
 * Semantic IAM policy comparison: documents are reduced to atoms (effect × action × resource ×
 * condition), so key order, single string vs list, statement order and splitting one statement
 * into equivalent ones never count as a difference.
 */
import type { PolicyDocument, PolicyStatement } from '../plan/types.js'

export interface PolicyAtom {
  effect: 'Allow' | 'Deny'
  /** As written; compared case-insensitively (IAM action names are case-insensitive). */
  action: string
  resource: string
  /** Canonical JSON of the condition block, '' when none. */
  condition: string
  notAction?: boolean
  notResource?: boolean
}

/** Parses a document as IAM returns it (URL-encoded JSON) or as JSON text or as an object. */
export function parsePolicy(doc: PolicyDocument | string): PolicyDocument {
  if (typeof doc !== 'string') return doc
  const text = doc.trim().startsWith('%') ? decodeURIComponent(doc) : doc
  return JSON.parse(text) as PolicyDocument
}

const list = (v: string | string[] | undefined): string[] | undefined =>
  v === undefined ? undefined : [...new Set(Array.isArray(v) ? v : [v])].sort()

function canonicalCondition(
  condition: PolicyStatement['Condition'],
): PolicyStatement['Condition'] | undefined {
  if (!condition || Object.keys(condition).length === 0) return undefined
  const out: NonNullable<PolicyStatement['Condition']> = {}
  for (const op of Object.keys(condition).sort()) {
    const block: Record<string, string | string[] | boolean> = {}
    for (const key of Object.keys(condition[op]).sort()) {
      const v = condition[op][key]
      // A single value and a one-element list mean the same to IAM.
      block[key] = [...new Set((Array.isArray(v) ? v : [v]).map(String))].sort()
    }
    out[op] = block
  }
  return out
}

/** A canonical form: arrays sorted and de-duplicated, conditions sorted, statements in a stable order. */
export function normalizePolicy(doc: PolicyDocument | string): PolicyDocument {
  const parsed = parsePolicy(doc)
  const statements = (Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement]).map((s) => {
    const out: PolicyStatement = { Effect: s.Effect }
    if (s.Sid) out.Sid = s.Sid
    if (s.Principal !== undefined) out.Principal = s.Principal
    for (const k of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) {
      const v = list(s[k])
      if (v) out[k] = v
    }
    const condition = canonicalCondition(s.Condition)
    if (condition) out.Condition = condition
    return out
  })
  statements.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
  return { Version: '2012-10-17', Statement: statements }
}

export function policyAtoms(doc: PolicyDocument | string): PolicyAtom[] {
  const atoms = new Map<string, PolicyAtom>()
  for (const s of normalizePolicy(doc).Statement) {
    const condition = s.Condition ? JSON.stringify(s.Condition) : ''
    const actions = s.Action ?? s.NotAction ?? ['*']
    const principal = s.Principal !== undefined ? `principal:${JSON.stringify(s.Principal)}` : undefined
    const resources = s.Resource ?? s.NotResource ?? [principal ?? '*']
    for (const action of actions as string[]) {
      for (const resource of resources as string[]) {
        const atom: PolicyAtom = { effect: s.Effect, action, resource, condition }
        if (s.NotAction) atom.notAction = true
        if (s.NotResource) atom.notResource = true
        atoms.set(atomKey(atom), atom)
      }
    }
  }
  return [...atoms.values()].sort((a, b) => atomKey(a).localeCompare(atomKey(b)))
}

export function atomKey(atom: PolicyAtom): string {
  return [
    atom.effect,
    atom.notAction ? '!' : '',
    atom.action.toLowerCase(),
    atom.notResource ? '!' : '',
    atom.resource,
    atom.condition,
  ].join('|')
}

export function policiesEqual(a: PolicyDocument | string, b: PolicyDocument | string): boolean {
  const ka = policyAtoms(a).map(atomKey)
  const kb = policyAtoms(b).map(atomKey)
  return ka.length === kb.length && ka.every((k, i) => k === kb[i])
}

function glob(pattern: string, value: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === value
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  )
  return re.test(value)
}

/** True when `atom` is granted (or denied) by one of `by` already: same effect and condition, wider or equal action and resource. */
export function atomCovered(atom: PolicyAtom, by: PolicyAtom[]): boolean {
  return (
    by.some(
      (b) =>
        b.effect === atom.effect &&
        b.condition === atom.condition &&
        !b.notAction &&
        !b.notResource &&
        !atom.notAction &&
        !atom.notResource &&
        glob(b.action, atom.action) &&
        glob(b.resource, atom.resource),
    ) || by.some((b) => atomKey(b) === atomKey(atom))
  )
}

/** What a change of policy gains and loses, atom by atom, after coverage by wildcards. */
export function policyDelta(
  before: PolicyDocument | string | undefined,
  after: PolicyDocument | string | undefined,
) {
  const a = before ? policyAtoms(before) : []
  const b = after ? policyAtoms(after) : []
  const added = b.filter((x) => !atomCovered(x, a))
  const removed = a.filter((x) => !atomCovered(x, b))
  return {
    allowsGained: added.filter((x) => x.effect === 'Allow'),
    allowsLost: removed.filter((x) => x.effect === 'Allow'),
    deniesGained: added.filter((x) => x.effect === 'Deny'),
    deniesLost: removed.filter((x) => x.effect === 'Deny'),
  }
}
