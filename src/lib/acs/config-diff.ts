/**
 * What changes between the deployed ACS configuration and the new one, in reviewer words: teams
 * added or removed, signing certificates added, removed or expiring, members added or removed,
 * session settings, source CIDRs. Each item says whether it widens or narrows who can sign in.
 */
import { createHash, X509Certificate } from 'node:crypto'
import { deepEqual } from '../canonical.js'
import { certificateToPem } from '../config/metadata.js'
import type { AcsConfigChange } from '../plan/types.js'
import type { AcsConfig, AcsTeamConfig } from './config.js'

const DAY = 86_400_000
/** A certificate that ends within this many days is named in the plan. */
export const CERT_EXPIRY_WARN_DAYS = 30

/** "sha256 ab12…ef (valid until 2027-01-01)": how a certificate is named to a reviewer. */
export function describeCertificate(b64: string): string {
  const fp = createHash('sha256').update(Buffer.from(b64, 'base64')).digest('hex')
  let until = ''
  try {
    until = ` (valid until ${new Date(new X509Certificate(certificateToPem(b64)).validTo).toISOString().slice(0, 10)})`
  } catch {
    until = ' (unreadable)'
  }
  return `certificate sha256:${fp.slice(0, 16)}${until}`
}

function certificateEnd(b64: string): Date | undefined {
  try {
    return new Date(new X509Certificate(certificateToPem(b64)).validTo)
  } catch {
    return undefined
  }
}

export function diffAcsConfig(before: AcsConfig, after: AcsConfig, now = new Date()): AcsConfigChange[] {
  const out: AcsConfigChange[] = []
  const add = (effect: AcsConfigChange['effect'], text: string, team?: string, member?: string) =>
    out.push({ effect, text, ...(team ? { team } : {}), ...(member ? { member } : {}) })

  for (const team of Object.keys(after.teams).sort()) {
    const a = after.teams[team]
    const b = before.teams[team]
    if (!b) {
      add(
        'widens',
        `team ${team} is added to the ACS: its assigned users can sign in${a.idp ? '' : ' once its metadata is saved'}`,
        team,
      )
      continue
    }
    diffTeam(team, b, a, add, now)
    // The team's members (the ACS refuses anyone else): who joins, who is refused from now on.
    if (a.members && b.members) {
      const name = (id: string) => after.members?.[id] ?? before.members?.[id] ?? id
      for (const id of a.members.filter((x) => !b.members!.includes(x)))
        add('widens', `${name(id)} may sign in to team ${team} at the ACS`, team)
      for (const id of b.members.filter((x) => !a.members!.includes(x)))
        add('narrows', `${name(id)} is refused at login to team ${team} by the ACS`, team)
    }
  }
  for (const team of Object.keys(before.teams).sort())
    if (!after.teams[team])
      add('narrows', `team ${team} is removed from the ACS: its logins are refused`, team)

  const namesOf = (c: AcsConfig) => c.members ?? {}
  const bm = namesOf(before)
  const am = namesOf(after)
  for (const id of Object.keys(am).sort())
    if (!(id in bm))
      add(
        'widens',
        `member ${am[id]} is added: the ACS confirms this user id without an identity store call`,
        undefined,
        am[id],
      )
  for (const id of Object.keys(bm).sort())
    if (!(id in am)) add('narrows', `member ${bm[id]} is removed from the ACS member map`, undefined, bm[id])

  // The email is the other NameID the ACS accepts for a member (nameid.ts).
  const be = before.memberEmails ?? {}
  const ae = after.memberEmails ?? {}
  for (const id of Object.keys(am).sort())
    if (id in bm && be[id] !== ae[id])
      add(
        'neutral',
        `member ${am[id]}: sign-in email ${be[id] ?? '(none)'} → ${ae[id] ?? '(none)'}`,
        undefined,
        am[id],
      )

  const session = (k: keyof AcsConfig, label: string, longerWidens = true) => {
    const b = before[k]
    const a = after[k]
    if (b === a) return
    const effect =
      typeof a === 'number' && typeof b === 'number'
        ? a > b === longerWidens
          ? 'widens'
          : 'narrows'
        : 'neutral'
    add(effect, `${label}: ${String(b)} → ${String(a)}`)
  }
  session('sessionExpirationSeconds', 'Studio session length (s)')
  session('urlExpiresSeconds', 'presigned URL lifetime (s)')
  session('landingUri', 'landing page')
  if (before.provisioning !== after.provisioning) {
    const onLogin = (p: string) => p === 'on-login' || p === 'both'
    add(
      onLogin(after.provisioning) && !onLogin(before.provisioning)
        ? 'widens'
        : !onLogin(after.provisioning) && onLogin(before.provisioning)
          ? 'narrows'
          : 'neutral',
      `profile provisioning: ${before.provisioning} → ${after.provisioning}`,
    )
  }
  const bc = before.allowedSourceCidrs ?? []
  const ac = after.allowedSourceCidrs ?? []
  for (const c of ac.filter((x) => !bc.includes(x)))
    add(bc.length ? 'widens' : 'narrows', `source CIDR ${c} is allowed`)
  for (const c of bc.filter((x) => !ac.includes(x)))
    add(
      ac.length ? 'narrows' : 'widens',
      `source CIDR ${c} is no longer ${ac.length ? 'allowed' : 'required'}`,
    )
  for (const [k, label] of [
    ['baseUrl', 'ACS base URL'],
    ['domainId', 'domain'],
    ['identityStoreId', 'identity store'],
    ['tableName', 'login table'],
  ] as const) {
    if (before[k] !== after[k]) add('neutral', `${label}: ${before[k] ?? '(none)'} → ${after[k] ?? '(none)'}`)
  }
  // The Lambda entry refuses events that did not come through this URL (lambda.ts).
  if (before.functionUrl !== after.functionUrl)
    add(
      before.functionUrl ? 'neutral' : 'narrows',
      before.functionUrl
        ? `function URL ${before.functionUrl} → ${after.functionUrl ?? '(none)'}`
        : `only events of its function URL ${after.functionUrl} are accepted`,
    )
  return out
}

function diffTeam(
  team: string,
  b: AcsTeamConfig,
  a: AcsTeamConfig,
  add: (effect: AcsConfigChange['effect'], text: string, team?: string) => void,
  now: Date,
) {
  if (!b.idp && a.idp)
    add('widens', `${team}: IdP metadata is added (${a.idp.entityId}): logins are accepted`, team)
  else if (b.idp && !a.idp) add('narrows', `${team}: IdP metadata is removed: logins are refused`, team)
  else if (b.idp && a.idp) {
    if (b.idp.entityId !== a.idp.entityId)
      add('widens', `${team}: IdP issuer ${b.idp.entityId} → ${a.idp.entityId}`, team)
    for (const c of a.idp.certificates.filter((x) => !b.idp!.certificates.includes(x)))
      add('widens', `${team}: ${describeCertificate(c)} is added: logins signed by it are accepted`, team)
    for (const c of b.idp.certificates.filter((x) => !a.idp!.certificates.includes(x)))
      add('narrows', `${team}: ${describeCertificate(c)} is removed: logins signed by it are refused`, team)
  }
  for (const c of a.idp?.certificates ?? []) {
    const end = certificateEnd(c)
    if (!end) continue
    const days = Math.floor((end.getTime() - now.getTime()) / DAY)
    if (days < 0)
      add('narrows', `${team}: ${describeCertificate(c)} has expired: logins signed by it fail`, team)
    else if (days < CERT_EXPIRY_WARN_DAYS)
      add(
        'neutral',
        `${team}: ${describeCertificate(c)} expires in ${days} days: rotate it in the console`,
        team,
      )
  }
  if (b.roleArn !== a.roleArn)
    add(
      'widens',
      `${team}: profiles the ACS creates get role ${a.roleArn.split('/').pop()} (was ${b.roleArn.split('/').pop()})`,
      team,
    )
  if (b.audience !== a.audience)
    add('neutral', `${team}: SAML audience ${b.audience} → ${a.audience} (set the same in the console)`, team)
  if (b.acsUrl !== a.acsUrl)
    add('neutral', `${team}: ACS URL ${b.acsUrl ?? '(function URL)'} → ${a.acsUrl ?? '(function URL)'}`, team)
  if (!deepEqual(b.tags, a.tags)) {
    const keys = [...new Set([...Object.keys(b.tags), ...Object.keys(a.tags)])].sort()
    const changes = keys
      .filter((k) => b.tags[k] !== a.tags[k])
      .map((k) => `${k}: ${b.tags[k] ?? '(none)'} → ${a.tags[k] ?? '(none)'}`)
    add('neutral', `${team}: tags of profiles the ACS creates: ${changes.join(', ')}`, team)
  }
  if (b.metadataPath !== a.metadataPath)
    add(
      'neutral',
      `${team}: metadata file ${b.metadataPath ?? '(none)'} → ${a.metadataPath ?? '(none)'}`,
      team,
    )
  if (!deepEqual(b.userSettings ?? {}, a.userSettings ?? {}))
    add('neutral', `${team}: user settings of profiles the ACS creates change`, team)
}
