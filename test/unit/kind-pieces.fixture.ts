/**
 * What the compiler says when a kind misses a piece. `npm run lint` (tsc -p tsconfig.test.json)
 * fails if any line below compiles; test/unit/kind-pieces.test.ts compiles this file without the
 * `@ts-expect-error` lines and checks that each error names the missing piece.
 */
import type { KindDefinition, KindEngine } from '../../src/lib/kinds/contract.js'
import { KIND_DEFINITIONS, type KindRegistry } from '../../src/lib/kinds/registry.js'
import { roleKind } from '../../src/lib/kinds/role/index.js'

// A registry without a line for one kind. expect: Property 'console' is missing
const { console: _console, ...withoutConsole } = KIND_DEFINITIONS
// @ts-expect-error
withoutConsole satisfies KindRegistry

// A definition without its access review. expect: Property 'review' is missing
const { review: _review, ...withoutReview } = roleKind
// @ts-expect-error
withoutReview satisfies KindDefinition<'role'>

// A definition without the IAM actions its engine calls. expect: Property 'iamActions' is missing
const { iamActions: _iamActions, ...withoutIamActions } = roleKind
// @ts-expect-error
withoutIamActions satisfies KindDefinition<'role'>

// A definition without its engine. expect: Property 'engine' is missing
const { engine: _engine, ...withoutEngine } = roleKind
// @ts-expect-error
withoutEngine satisfies KindDefinition<'role'>

// An engine without the write requests the preflight checks. expect: Property 'requests' is missing
declare const withoutRequests: Omit<KindEngine<'role'>, 'requests'>
// @ts-expect-error
withoutRequests satisfies KindEngine<'role'>

// An engine without apply. expect: Property 'apply' is missing
declare const withoutApply: Omit<KindEngine<'role'>, 'apply'>
// @ts-expect-error
;({ ...roleKind, engine: async () => withoutApply }) satisfies KindDefinition<'role'>

// An engine module of another kind. expect: Type '"role"' is not assignable to type '"profile"'
declare const profileKind: KindDefinition<'profile'>
// @ts-expect-error
;({ ...profileKind, engine: async () => ({}) as KindEngine<'role'> }) satisfies KindDefinition<'profile'>
