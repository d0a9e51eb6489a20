/**
 * The same teams in the two forms of a teams file (#25: a one-domain file is the one-account case):
 * `domain:` (one domain of the caller's account), and `accounts:`/`domains:` with the caller's own
 * account named without a role, or a domain without `account:`.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { idpMetadata } from '../../tools/idp/idp.js'
import { type ExampleTeamsFile, workspace } from './workspace.js'

/** The demo account's caller and domain. */
export const CALLER = '123456789012'
export const DOMAIN = 'd-abcdefghijkl'

export type FormName = 'one-domain' | 'accounts' | 'domains'
export const FORMS: readonly FormName[] = ['one-domain', 'accounts', 'domains']

export interface FormOptions {
  /** Keep the example's ACS and the teams' SAML metadata (written beside the file). */
  acs?: boolean
  change?: (c: ExampleTeamsFile) => void
}

/** The example's teams (without the ACS and SAML unless `acs`) in the one-domain form. */
export function oneDomain(change?: (c: ExampleTeamsFile) => void, options: Omit<FormOptions, 'change'> = {}) {
  let teams: string[] = []
  const file = workspace((c) => {
    if (!options.acs) {
      delete (c as { acs?: unknown }).acs
      for (const t of Object.values(c.teams)) delete t.saml
    }
    change?.(c)
    teams = Object.keys(c.teams)
  })
  if (options.acs) {
    mkdirSync(path.join(path.dirname(file), 'metadata'), { recursive: true })
    for (const team of teams)
      writeFileSync(path.join(path.dirname(file), 'metadata', `${team}.xml`), idpMetadata())
  }
  return file
}

/** The same teams as `accounts:`/`domains:`: the caller's own account named (`named`), or a domain without `account:`. */
export function accountsForm(
  named: boolean,
  change?: (c: ExampleTeamsFile) => void,
  options: Omit<FormOptions, 'change'> = {},
) {
  return oneDomain((c) => {
    delete (c as { domain?: unknown }).domain
    if (named) c.accounts = { me: { id: CALLER } }
    c.domains = { main: { ...(named ? { account: 'me' } : {}), id: DOMAIN } }
    for (const t of Object.values(c.teams)) t.domain = 'main'
    change?.(c)
  }, options)
}

/** A file of the named form. */
export function form(name: FormName, options: FormOptions = {}): string {
  if (name === 'one-domain') return oneDomain(options.change, options)
  return accountsForm(name === 'accounts', options.change, options)
}
