import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { loadTeamsFile } from '../../src/lib/config/load.js'
import { fileAccounts, fileDomains, teamDomainName } from '../../src/lib/model/topology.js'
import { ROOT } from '../helpers/cli.js'
import { runInProcess } from '../helpers/in-process.js'

const team = (id: string, domain?: string) =>
  `  ${id}:\n${domain ? `    domain: ${domain}\n` : ''}    displayName: ${id}\n    executionRole: { create: true }\n    tags: { Team: ${id} }\n`

const MANY = `version: 1
region: us-east-1
accounts:
  dev: { id: "222222222222" }
  prod: { id: "333333333333", role: platform-admin, region: eu-west-1 }
domains:
  dev: { account: dev, id: d-devaaaaaaaaa }
  prod-a: { account: prod, id: d-prodaaaaaaaa, profileQuota: 40 }
  prod-b: { account: prod, id: d-prodbbbbbbbb }
teams:
${team('team1', 'dev')}${team('team2', 'prod-a')}${team('team3', 'prod-a')}${team('team4', 'prod-b')}`

function write(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'smt-accounts-')), 'teams.yaml')
  writeFileSync(file, text)
  return file
}

describe('teams file: accounts and domains', () => {
  it('a file with accounts, domains and team domains is valid and resolves each team to its domain', async () => {
    const r = await loadTeamsFile(write(MANY))
    assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.problems))
    if (!r.ok) return
    const config = r.teams.config
    assert.deepEqual(
      fileDomains(config).map((d) => `${d.name}:${d.account}:${d.id}:${d.profileQuota ?? '-'}`),
      ['dev:dev:d-devaaaaaaaaa:-', 'prod-a:prod:d-prodaaaaaaaa:40', 'prod-b:prod:d-prodbbbbbbbb:-'],
    )
    assert.deepEqual(
      fileAccounts(config).map((a) => `${a.name}:${a.id}:${a.role}:${a.region ?? '-'}`),
      ['dev:222222222222:sagemaker-teams-admin:-', 'prod:333333333333:platform-admin:eu-west-1'],
    )
    assert.deepEqual(
      ['team1', 'team2', 'team3', 'team4'].map((t) => teamDomainName(config, t)),
      ['dev', 'prod-a', 'prod-a', 'prod-b'],
    )
  })

  it('a file without accounts/domains means one domain, named default, for every team', async () => {
    const r = await loadTeamsFile(
      write(`version: 1\nregion: us-east-1\ndomain: { id: d-abcdefghijkl }\nteams:\n${team('team1')}`),
    )
    assert.ok(r.ok)
    if (!r.ok) return
    assert.deepEqual(fileDomains(r.teams.config), [{ name: 'default', id: 'd-abcdefghijkl' }])
    assert.equal(teamDomainName(r.teams.config, 'team1'), 'default')
  })

  it('a team id is unique across the file, whatever its domain (it is the SAML teamid)', async () => {
    const r = await loadTeamsFile(write(`${MANY}${team('team2', 'dev')}`))
    assert.equal(r.ok, false)
    if (r.ok) return
    assert.ok(
      r.problems.some((p) => p.line === 31 && p.path === 'teams.team2' && /duplicate key/.test(p.message)),
      JSON.stringify(r.problems),
    )
  })

  it('a domain id longer than SageMaker allows is refused with the AWS model limit', async () => {
    const long = `d-${'a-'.repeat(31)}a`
    const r = await loadTeamsFile(write(MANY.replace('d-prodbbbbbbbb', long)))
    assert.equal(r.ok, false)
    if (r.ok) return
    const p = r.problems.find((x) => x.path === 'domains.prod-b.id')
    assert.ok(p, JSON.stringify(r.problems))
    assert.match(
      p.message,
      /domain id 65 characters: SageMaker DescribeDomain DomainId takes 0 to 63 characters/,
    )
  })

  it('acs.account names an account of accounts: (did you mean), with its line', async () => {
    const acs = (account: string) =>
      `${MANY}acs:\n  functionName: sagemaker-teams-acs\n  audience: urn:x\n  account: ${account}\n`
    assert.ok((await loadTeamsFile(write(acs('prod')))).ok)
    const r = await loadTeamsFile(write(acs('prdo')))
    assert.equal(r.ok, false)
    if (r.ok) return
    const p = r.problems.find((x) => x.path === 'acs.account')
    assert.ok(p, JSON.stringify(r.problems))
    assert.equal(p.line, 34)
    assert.match(p.message, /account "prdo" is not declared under accounts \(did you mean "prod"\?\)/)
  })

  it('identityCenter.roleArn must be a role ARN', async () => {
    const r = await loadTeamsFile(
      write(MANY.replace('accounts:', 'identityCenter:\n  roleArn: arn:aws:iam::1:role/x\naccounts:')),
    )
    assert.equal(r.ok, false)
    if (!r.ok) assert.ok(r.problems.some((p) => p.path === 'identityCenter.roleArn'))
  })

  it('examples/policy-organization.txt is what `policy` prints for examples/teams-organization.yaml', async () => {
    const r = await runInProcess([
      'policy',
      '-f',
      'examples/teams-organization.yaml',
      '--account-id',
      '123456789012',
    ])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, readFileSync(path.join(ROOT, 'examples', 'policy-organization.txt'), 'utf8'))
  })
})
