/**
 * The kinds' engine modules, loaded through their definitions (each names its engine lazily), once
 * per process: the plan and apply engines await {@link loadEngines} before they read any.
 */
import { KINDS, type Kind } from '../plan/types.js'
import type { KindEngine } from './contract.js'
import { KIND_DEFINITIONS } from './registry.js'

export type Engines = { readonly [K in Kind]: KindEngine<K> }

let loading: Promise<Engines> | undefined
let loaded: Engines | undefined

/** Loads every kind's engine module (the first call imports them, later calls share it). */
export function loadEngines(): Promise<Engines> {
  loading ??= Promise.all(KINDS.map((k) => KIND_DEFINITIONS[k].engine())).then((modules) => {
    loaded = Object.fromEntries(KINDS.map((k, i) => [k, modules[i]])) as unknown as Engines
    return loaded
  })
  return loading
}

/**
 * Loads the engines one kind at a time, for a caller whose first round trips are out: each import is
 * a short synchronous stretch (the kind's SDK client among it), and between two the answers are read
 * and the next calls sent, where {@link loadEngines} would hold the thread for all of them at once.
 * Never rejects: loadEngines reports a module that cannot be loaded.
 */
export async function warmEngines(): Promise<void> {
  for (const k of KINDS) await KIND_DEFINITIONS[k].engine().catch(() => undefined)
}

/** A kind's engine module, once {@link loadEngines} has been awaited (a bug otherwise). */
export function engineOf<K extends Kind>(kind: K): KindEngine<K> {
  if (!loaded) throw new Error(`the engine of kind ${kind} is read before loadEngines() was awaited`)
  return loaded[kind]
}
