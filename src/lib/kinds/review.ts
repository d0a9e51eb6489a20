/** Words of the access review shared by kinds (KindDefinition.review). */
import type { PolicyAtom } from '../policies/normalize.js'

/** A kind that changes nobody's access (a workgroup's result location, an LF-tag, a console step). */
export const noAccessChange = (): void => {}

export function summarizeAtoms(atoms: PolicyAtom[]): string {
  const actions = [...new Set(atoms.map((a) => a.action))]
  const shown = actions.slice(0, 4).join(', ')
  const conditional = atoms.some((a) => a.condition) ? ' (some with conditions)' : ''
  return `${actions.length} action${actions.length === 1 ? '' : 's'}: ${shown}${actions.length > 4 ? ', …' : ''}${conditional}`
}

export function roleName(arn: string | undefined): string {
  return arn?.split('/').pop() ?? ''
}
