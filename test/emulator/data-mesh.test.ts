/**
 * The emulator's Glue Data Catalog and Lake Formation's cross-account rules, through the real SDK
 * clients: a governance catalog grants a consumer account, the consumer re-grants only with the
 * grant option, sees only the LF-tag values it was granted DESCRIBE on, links the shared database
 * and its role reads (by the emulator's rules) exactly the tables its expression matches.
 */
import assert from 'node:assert/strict'
import * as glue from '@aws-sdk/client-glue'
import * as lf from '@aws-sdk/client-lakeformation'
import { type Emulator, startEmulator } from '../../tools/emulator/index.js'
import type { SeedData } from '../../tools/emulator/state.js'

const CENTRAL = '444444444444'
const CONSUMER = '666666666666'
const RISK = `arn:aws:iam::${CONSUMER}:role/sagemaker-teams-risk`
const FRAUD = `arn:aws:iam::${CONSUMER}:role/sagemaker-teams-fraud`

const central: SeedData = {
  lfTags: { domain: ['consumer-banking', 'investment-banking'], sensitivity: ['public', 'confidential'] },
  glue: {
    databases: [
      {
        name: 'credit_card',
        lfTags: { domain: ['consumer-banking'] },
        tables: [
          { name: 'credit_risk', lfTags: { sensitivity: ['public'] } },
          { name: 'card_fraud', lfTags: { domain: ['investment-banking'], sensitivity: ['public'] } },
        ],
      },
    ],
  },
}
const consumer: SeedData = { roles: [{ name: 'sagemaker-teams-risk' }, { name: 'sagemaker-teams-fraud' }] }

const policy = (CatalogId: string, values: Record<string, string[]>) => ({
  LFTagPolicy: {
    CatalogId,
    ResourceType: 'TABLE' as const,
    Expression: Object.entries(values).map(([TagKey, TagValues]) => ({ TagKey, TagValues })),
  },
})

describe('emulator: Glue resource links and Lake Formation across accounts', function () {
  this.timeout(60_000)
  let emu: Emulator
  const as = (account: string) => {
    const c = emu.credentialsFor(`arn:aws:iam::${account}:role/sagemaker-teams-admin`)
    const config = { region: 'us-east-1', endpoint: emu.url, credentials: c, maxAttempts: 1 }
    return { lf: new lf.LakeFormationClient(config), glue: new glue.GlueClient(config) }
  }
  before(async () => {
    emu = await startEmulator({
      dynamo: false,
      accounts: [
        { id: CENTRAL, seed: central },
        { id: CONSUMER, seed: consumer },
      ],
    })
  })
  after(() => emu?.close())
  beforeEach(() => emu.reset())

  const share = (withGrantOption: boolean) =>
    as(CENTRAL).lf.send(
      new lf.GrantPermissionsCommand({
        Principal: { DataLakePrincipalIdentifier: CONSUMER },
        Resource: policy(CENTRAL, { domain: ['consumer-banking'] }),
        Permissions: ['SELECT', 'DESCRIBE'],
        ...(withGrantOption ? { PermissionsWithGrantOption: ['SELECT', 'DESCRIBE'] } : {}),
      }),
    )
  const regrant = (principal: string) =>
    as(CONSUMER).lf.send(
      new lf.BatchGrantPermissionsCommand({
        Entries: [
          {
            Id: '0',
            Principal: { DataLakePrincipalIdentifier: principal },
            Resource: policy(CENTRAL, { domain: ['consumer-banking'] }),
            Permissions: ['SELECT', 'DESCRIBE'],
          },
        ],
      }),
    )
  const link = async () => {
    await as(CONSUMER).glue.send(
      new glue.CreateDatabaseCommand({
        DatabaseInput: {
          Name: 'rl_credit_card',
          TargetDatabase: { CatalogId: CENTRAL, DatabaseName: 'credit_card' },
        },
      }),
    )
    await as(CONSUMER).lf.send(
      new lf.GrantPermissionsCommand({
        Principal: { DataLakePrincipalIdentifier: RISK },
        Resource: { Database: { Name: 'rl_credit_card' } },
        Permissions: ['DESCRIBE'],
      }),
    )
  }

  it('a consumer re-grants the shared LF-tag policy only with the grant option (rule 1)', async () => {
    await share(false)
    const refused = await regrant(RISK)
    assert.equal(refused.Failures?.[0]?.Error?.ErrorCode, 'AccessDeniedException')
    await share(true)
    const granted = await regrant(RISK)
    assert.deepEqual(granted.Failures, [])
  })

  it("another catalog's LF-tags show only the values the account holds DESCRIBE on", async () => {
    const list = () => as(CONSUMER).lf.send(new lf.ListLFTagsCommand({ CatalogId: CENTRAL }))
    assert.deepEqual((await list()).LFTags, [])
    await as(CENTRAL).lf.send(
      new lf.GrantPermissionsCommand({
        Principal: { DataLakePrincipalIdentifier: CONSUMER },
        Resource: { LFTag: { CatalogId: CENTRAL, TagKey: 'domain', TagValues: ['consumer-banking'] } },
        Permissions: ['DESCRIBE'],
        PermissionsWithGrantOption: ['DESCRIBE'],
      }),
    )
    assert.deepEqual(
      (await list()).LFTags?.map((t) => `${t.TagKey}=${t.TagValues?.join('|')}`),
      ['domain=consumer-banking'],
    )
  })

  it('a resource link lists the target’s tables, takes only DESCRIBE/DROP, and DeleteDatabase removes only the link', async () => {
    await link()
    const consumerGlue = as(CONSUMER).glue
    const db = await consumerGlue.send(new glue.GetDatabaseCommand({ Name: 'rl_credit_card' }))
    assert.deepEqual(db.Database?.TargetDatabase, { CatalogId: CENTRAL, DatabaseName: 'credit_card' })
    const tables = await consumerGlue.send(new glue.GetTablesCommand({ DatabaseName: 'rl_credit_card' }))
    assert.deepEqual(tables.TableList?.map((t) => `${t.CatalogId}:${t.Name}`).sort(), [
      `${CENTRAL}:card_fraud`,
      `${CENTRAL}:credit_risk`,
    ])
    await assert.rejects(
      as(CONSUMER).lf.send(
        new lf.GrantPermissionsCommand({
          Principal: { DataLakePrincipalIdentifier: RISK },
          Resource: { Database: { Name: 'rl_credit_card' } },
          Permissions: ['CREATE_TABLE'],
        }),
      ),
      /not valid on a resource link/,
    )
    await consumerGlue.send(new glue.DeleteDatabaseCommand({ Name: 'rl_credit_card' }))
    assert.equal(emu.accountState(CENTRAL).glueTables.length, 2)
  })

  it('canRead: DESCRIBE on the link, the role’s grant on the central policy, and the account’s share all count', async () => {
    await share(true)
    await regrant(RISK)
    await link()
    const read = (role: string, table: string) =>
      emu.lakeFormationCanRead(role, { database: 'rl_credit_card', table }).allowed
    assert.equal(read(RISK, 'credit_risk'), true)
    assert.equal(read(RISK, 'card_fraud'), false, 'another domain’s table')
    assert.equal(read(FRAUD, 'credit_risk'), false, 'no DESCRIBE on the link, no grant')
    // The share revoked in the governance account: the consumer's re-grant no longer reads.
    await as(CENTRAL).lf.send(
      new lf.RevokePermissionsCommand({
        Principal: { DataLakePrincipalIdentifier: CONSUMER },
        Resource: policy(CENTRAL, { domain: ['consumer-banking'] }),
        Permissions: ['SELECT', 'DESCRIBE'],
        PermissionsWithGrantOption: ['SELECT', 'DESCRIBE'],
      }),
    )
    assert.match(
      emu.lakeFormationCanRead(RISK, { database: 'rl_credit_card', table: 'credit_risk' }).reason,
      /grants account 666666666666 no SELECT/,
    )
  })

  it('ASSOCIATE (not DESCRIBE) lets the consumer assign the central tag; re-granting a shared policy needs none', async () => {
    const tagGrant = (Permissions: ('DESCRIBE' | 'ASSOCIATE')[], grantable = true) =>
      as(CENTRAL).lf.send(
        new lf.GrantPermissionsCommand({
          Principal: { DataLakePrincipalIdentifier: CONSUMER },
          Resource: { LFTag: { CatalogId: CENTRAL, TagKey: 'sensitivity', TagValues: ['confidential'] } },
          Permissions,
          ...(grantable ? { PermissionsWithGrantOption: Permissions } : {}),
        }),
      )
    const assign = () =>
      as(CONSUMER).lf.send(
        new lf.AddLFTagsToResourceCommand({
          Resource: { Table: { CatalogId: CENTRAL, DatabaseName: 'credit_card', Name: 'card_fraud' } },
          LFTags: [{ CatalogId: CENTRAL, TagKey: 'sensitivity', TagValues: ['confidential'] }],
        }),
      )
    // The cascading rule 1 grant works without any grant on the LF-tag itself.
    await share(true)
    assert.deepEqual((await regrant(RISK)).Failures, [])
    await tagGrant(['DESCRIBE'])
    assert.equal((await assign()).Failures?.[0]?.Error?.ErrorCode, 'AccessDeniedException')
    await tagGrant(['ASSOCIATE'])
    assert.deepEqual((await assign()).Failures, [])
    assert.deepEqual(
      emu.accountState(CENTRAL).glueTables.find((t) => t.Name === 'card_fraud')?.lfTags.sensitivity,
      ['confidential'],
    )
    // Cross-account LF-tag grants: only DESCRIBE and ASSOCIATE, and always with the grant option.
    await assert.rejects(tagGrant(['DESCRIBE'], false), /must include the grant option/)
    await assert.rejects(
      as(CENTRAL).lf.send(
        new lf.GrantPermissionsCommand({
          Principal: { DataLakePrincipalIdentifier: CONSUMER },
          Resource: { LFTag: { CatalogId: CENTRAL, TagKey: 'sensitivity', TagValues: ['confidential'] } },
          Permissions: ['GRANT_WITH_LF_TAG_EXPRESSION'],
          PermissionsWithGrantOption: ['GRANT_WITH_LF_TAG_EXPRESSION'],
        }),
      ),
      /cannot be granted to another account/,
    )
  })

  it('every Glue request is checked against the service model', async () => {
    await assert.rejects(
      as(CONSUMER).glue.send(new glue.CreateDatabaseCommand({ DatabaseInput: { Name: '' } })),
      (err: Error) => err.name === 'ValidationException',
    )
  })
})
