/**
 * The bench's sections, in table order. A section is bench/<name>.ts with a default export
 * `{ label, run } satisfies Section` (see common.ts); adding one is that file and its name here.
 */
export const SECTIONS = ['startup', 'cli', 'acs', 'acs-login', 'plan', 'apply', 'accounts', 'events'] as const
