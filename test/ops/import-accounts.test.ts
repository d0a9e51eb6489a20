/**
 * import across domains and accounts (issue #17): --domain repeatable, a domain of another account
 * named ACCOUNT_ID[:ROLE]:DOMAIN_ID; the round trip (apply → import → plan shows no changes) over
 * the three-account emulator; a team in two domains is refused, never merged.
 */
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import type { TeamsFile } from '../../src/lib/config/types.js'
import {
  type ImportOptions,
  importTeams,
  parseImportAccount,
  parseImportDomain,
  renderTeamsFile,
} from '../../src/lib/import.js'
import { idpMetadata } from '../../tools/idp/idp.js'
import { runCli } from '../helpers/cli.js'
import {
  applyMany,
  CALLER,
  callerClients,
  DEV,
  DOMAINS,
  member,
  organizationWorkspace,
  PROD,
  planMany,
  QA,
  useOrganization,
  withEnv,
} from '../helpers/organization.js'
import { rewrite } from '../helpers/workspace.js'

const MAIN = 'd-abcdefghijkl'
const out = () => path.join(mkdtempSync(path.join(tmpdir(), 'import-')), 'teams.yaml')

describe('import --domain', () => {
  it('reads DOMAIN_ID, ACCOUNT_ID:DOMAIN_ID and ACCOUNT_ID:ROLE:DOMAIN_ID', () => {
    assert.deepEqual(parseImportDomain(MAIN), { domainId: MAIN })
    assert.deepEqual(parseImportDomain(`${DEV}:${DOMAINS.dev}`), {
      domainId: DOMAINS.dev,
      account: { id: DEV },
    })
    assert.deepEqual(parseImportDomain(`${DEV}:ops-admin@x:${DOMAINS.dev}`), {
      domainId: DOMAINS.dev,
      account: { id: DEV, role: 'ops-admin@x' },
    })
    assert.deepEqual(parseImportDomain(`${DEV}@eu-west-1:${DOMAINS.dev}`), {
      domainId: DOMAINS.dev,
      account: { id: DEV, region: 'eu-west-1' },
    })
    assert.deepEqual(parseImportDomain(`${DEV}@eu-west-1:ops:${DOMAINS.dev}`), {
      domainId: DOMAINS.dev,
      account: { id: DEV, role: 'ops', region: 'eu-west-1' },
    })
    for (const bad of [
      'abc',
      `2222:${MAIN}`,
      `${DEV}:role/path:${MAIN}`,
      `${DEV}:${MAIN}:x`,
      `${DEV}@mars:${MAIN}`,
    ])
      assert.throws(
        () => parseImportDomain(bad),
        /expected DOMAIN_ID, ACCOUNT_ID:DOMAIN_ID or ACCOUNT_ID:ROLE:DOMAIN_ID/,
      )
  })
})

describe('import across domains and accounts', function () {
  this.timeout(180_000)
  const emu = useOrganization()
  // The four teams of the three-account set-up, plus team5 in the caller's own domain; the ACS,
  // and team2's IdP metadata (the other teams have no saml: key).
  const file = () => {
    const f = organizationWorkspace((c) => {
      c.domains!.main = { id: MAIN }
      c.teams.team5 = { ...c.teams.team3, domain: 'main', displayName: 'Team 5', tags: { Team: 'Team5' } }
      c.acs = { functionName: 'sagemaker-teams-acs', audience: 'urn:sagemaker-teams:acs' }
      c.teams.team2.saml = { idpMetadata: 'metadata/team2.xml' }
    })
    mkdirSync(path.join(path.dirname(f), 'metadata'))
    writeFileSync(path.join(path.dirname(f), 'metadata', 'team2.xml'), idpMetadata())
    return f
  }
  const everyDomain = [MAIN, `${DEV}:${DOMAINS.dev}`, `${PROD}:${DOMAINS.prodA}`, `${PROD}:${DOMAINS.prodB}`]
  const importIn = (domains: string[]) =>
    withEnv(emu().env(), () =>
      importTeams(callerClients(), {
        region: 'us-east-1',
        domains: domains.map(parseImportDomain),
        file: out(),
      } satisfies ImportOptions),
    )

  it('apply → import (--domain repeated, three accounts, the ACS) → plan shows no changes', async () => {
    const f = file()
    await withEnv(emu().env(), () => applyMany(f))
    // Next to the original: its metadata path resolves to the same file.
    const imported = path.join(path.dirname(f), 'imported.yaml')
    const r = await runCli(
      ['import', ...everyDomain.flatMap((d) => ['--domain', d]), '--region', 'us-east-1', '-f', imported],
      { env: emu().env() },
    )
    assert.equal(r.code, 0, r.stderr)
    const config = parse(readFileSync(imported, 'utf8')) as TeamsFile
    assert.equal(config.domain, undefined)
    assert.deepEqual(config.accounts, { [DEV]: { id: DEV }, [PROD]: { id: PROD } })
    assert.deepEqual(config.domains, {
      'demo-domain': { id: MAIN },
      [DOMAINS.dev]: { account: DEV, id: DOMAINS.dev },
      [DOMAINS.prodA]: { account: PROD, id: DOMAINS.prodA },
      [DOMAINS.prodB]: { account: PROD, id: DOMAINS.prodB },
    })
    assert.deepEqual(
      Object.entries(config.teams).map(([id, t]) => `${id} ${t.domain}`),
      [
        `team1 ${DOMAINS.dev}`,
        `team2 ${DOMAINS.prodA}`,
        `team3 ${DOMAINS.prodA}`,
        `team4 ${DOMAINS.prodB}`,
        'team5 demo-domain',
      ],
    )
    // Each team role was found in its own account (created by the tool, not named by ARN).
    assert.deepEqual(
      Object.values(config.teams).map((t) => t.executionRole),
      Object.values(config.teams).map(() => ({ create: true })),
    )
    const plan = await withEnv(emu().env(), () => planMany(imported))
    assert.deepEqual(
      plan.plan.context.accounts?.filter((a) => a.error),
      [],
    )
    assert.deepEqual(
      plan.plan.changes
        .filter((c) => c.action !== 'manual')
        .map((c) => `${c.account} ${c.action} ${c.kind} ${c.key}`),
      [],
    )
    // One lakeFormation.tags for every account: a value only prod has is a warning for dev.
    emu()
      .accountState(PROD)
      .lfTags.find((t) => t.TagKey === 'sensitivity')!
      .TagValues.push('secret')
    const uneven = await importIn(everyDomain)
    assert.deepEqual(uneven.config.lakeFormation?.tags.sensitivity, ['confidential', 'public', 'secret'])
    assert.deepEqual(
      uneven.warnings.filter((w) => w.includes('secret')).map((w) => w.split(' (')[0]),
      [
        `LF-tag sensitivity in account 123456789012 lacks secret`,
        `LF-tag sensitivity in account ${DEV} lacks secret`,
      ],
    )
    // The caller's account alone: a one-domain file, as import always wrote.
    const one = await importIn([MAIN])
    assert.deepEqual(one.config.domain, { id: MAIN })
    assert.equal(one.config.domains, undefined)
    assert.deepEqual(Object.keys(one.config.teams), ['team1', 'team2', 'team3', 'team4', 'team5'])
  })

  it('a team with profiles in two domains is refused, naming both; an account whose role cannot be assumed fails', async () => {
    const f = file()
    await withEnv(emu().env(), () => applyMany(f))
    // team4 moves to prod-a; without --prune its old profiles stay in prod-b.
    rewrite(f, (c) => {
      c.teams.team4.domain = 'prod-a'
    })
    await withEnv(emu().env(), () => applyMany(f))
    await assert.rejects(importIn(everyDomain), (err: Error & { hint?: string }) => {
      assert.match(
        err.message,
        new RegExp(
          `team team4 has profiles in domain ${DOMAINS.prodA} \\(account ${PROD}\\) and in domain ${DOMAINS.prodB} \\(account ${PROD}\\)`,
        ),
      )
      assert.match(err.message, /unique in the teams file/)
      assert.match(err.hint ?? '', /apply --prune/)
      return true
    })
    // Only prod-b of prod: team4 is there alone; the teams of the other domains are left out, with a warning each.
    const partial = await importIn([`${PROD}:${DOMAINS.prodB}`])
    assert.deepEqual(
      Object.entries(partial.config.teams).map(([id, t]) => `${id} ${t.domain}`),
      [`team4 ${DOMAINS.prodB}`],
    )
    assert.deepEqual(
      partial.warnings.map((w) => w.replace(/ left out: .* domain (\S+) of account (\d+), .*/, ' $1 $2')),
      [
        `team1 ${DOMAINS.dev} ${DEV}`,
        `team2 ${DOMAINS.prodA} ${PROD}`,
        `team3 ${DOMAINS.prodA} ${PROD}`,
        `team5 ${MAIN} 123456789012`,
      ].map((w) => `team ${w}`),
    )

    // An account in another region: read there (dev's profiles are in us-east-1: not found in
    // eu-west-1), and its accounts: entry says so (an account whose domain is in eu-west-1).
    await assert.rejects(
      importIn([`${DEV}@eu-west-1:${DOMAINS.dev}`]),
      /arn:aws:sagemaker:eu-west-1:222222222222:user-profile/,
    )
    const WEST = '555555555555'
    emu().addAccount(WEST, member(WEST, ['d-westdomain001'], true, 'eu-west-1'))
    const west = await importIn([`${WEST}@eu-west-1:d-westdomain001`])
    assert.deepEqual(west.config.accounts, { [WEST]: { id: WEST, region: 'eu-west-1' } })
    await assert.rejects(
      importIn([`${WEST}@eu-west-1:d-westdomain001`, `${WEST}:d-westdomain002`]),
      new RegExp(
        `account ${WEST} is named twice differently \\(role sagemaker-teams-admin in eu-west-1; role sagemaker-teams-admin in us-east-1\\)`,
      ),
    )

    const r = await runCli(
      ['import', '--domain', `${QA}:${DOMAINS.qa}`, '--region', 'us-east-1', '-f', out()],
      {
        env: emu().env(),
      },
    )
    assert.equal(r.code, 1, r.stdout)
    assert.match(
      r.stderr,
      new RegExp(
        `account ${QA} \\(${QA}\\): cannot assume arn:aws:iam::${QA}:role/sagemaker-teams-admin: AccessDenied`,
      ),
    )
    assert.match(r.stderr, /trust policy/)
    assert.ok(CALLER)
  })
  it('the ACS in a member account (acs.account, --acs-account): apply → import → plan shows no changes', async () => {
    const f = organizationWorkspace((c) => {
      // reservedConcurrency other than the default: import reads it back (it did not, and plan updated it).
      c.acs = {
        functionName: 'sagemaker-teams-acs',
        audience: 'urn:sagemaker-teams:acs',
        account: 'prod',
        reservedConcurrency: 3,
      }
      c.teams.team1.saml = { idpMetadata: 'metadata/team1.xml' }
    })
    mkdirSync(path.join(path.dirname(f), 'metadata'))
    writeFileSync(path.join(path.dirname(f), 'metadata', 'team1.xml'), idpMetadata())
    await withEnv(emu().env(), () => applyMany(f))
    assert.deepEqual(parseImportAccount(`${PROD}@us-east-1:ops`), {
      id: PROD,
      role: 'ops',
      region: 'us-east-1',
    })
    const { config, warnings } = await withEnv(emu().env(), () =>
      importTeams(callerClients(), {
        region: 'us-east-1',
        domains: everyDomain.slice(1).map(parseImportDomain),
        acsAccount: parseImportAccount(PROD),
        file: 'teams.yaml',
      }),
    )
    assert.deepEqual(warnings, [])
    assert.equal(config.acs?.account, PROD)
    assert.equal(config.acs?.reservedConcurrency, 3)
    const imported = path.join(path.dirname(f), 'imported.yaml')
    writeFileSync(imported, renderTeamsFile(config, 'schema.json'))
    const plan = await withEnv(emu().env(), () => planMany(imported))
    assert.deepEqual(
      plan.plan.changes
        .filter((c) => c.action !== 'manual')
        .map((c) => `${c.account} ${c.action} ${c.kind} ${c.key}`),
      [],
    )
  })
})
