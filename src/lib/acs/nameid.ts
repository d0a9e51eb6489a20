/**
 * The signed NameID binds the person: it must name the member whose `ssouserid` the assertion
 * carries, by that member's identity store UserName or primary email, as `apply` baked them.
 *
 * How the values are compared, and why: IAM Identity Center treats a UserName as one name whatever
 * its case (GetUserId finds `User1@Example.com` for `user1@example.com`, and the store refuses a
 * second user whose UserName differs only in case), and the domain of an email address is
 * case-insensitive (RFC 5321; in practice mail systems and IAM Identity Center fold the local part
 * too). So both sides are compared after Unicode NFC normalisation, trimming XML whitespace and
 * locale-independent lower-casing: a NameID that differs from the baked value only in case is the
 * same person, one with any other difference is refused. Anything looser (stripping `+tags`,
 * dots) would let one mailbox name stand for another person's.
 */
import { createHash } from 'node:crypto'

export const normaliseName = (value: string): string =>
  value
    .normalize('NFC')
    .replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '')
    .toLowerCase()

/** Whether the signed NameID names this member (its UserName or its primary email). */
export function nameIdMatches(nameId: string, member: { userName: string; email?: string }): boolean {
  const got = normaliseName(nameId)
  if (got === '') return false
  return [member.userName, member.email].some((v) => v !== undefined && v !== '' && normaliseName(v) === got)
}

/**
 * What the log line carries instead of the NameID: the first 16 hex characters of the SHA-256 of the
 * normalised NameID. An admin who knows a user's email can compute it (`printf %s user@example.com |
 * sha256sum`) to find their log lines; the log itself never holds the address.
 */
export const nameIdHash = (nameId: string): string =>
  createHash('sha256').update(normaliseName(nameId)).digest('hex').slice(0, 16)

/**
 * The user's primary email (the first when none is marked primary), from DescribeUser or ListUsers:
 * with the UserName, the NameID the ACS accepts for that member.
 */
export function primaryEmail(u: { Emails?: { Value?: string; Primary?: boolean }[] }): { email?: string } {
  const emails = (u.Emails ?? []).filter((e) => e.Value)
  const email = (emails.find((e) => e.Primary) ?? emails[0])?.Value
  return email ? { email } : {}
}
