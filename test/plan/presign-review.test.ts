/**
 * The access review of the ACS presign role (files with accounts:/domains:): who may presign into
 * which team's profiles is access, so creating, widening, narrowing or removing it shows, per team.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import type { TeamsFile } from '../../src/lib/config/types.js'
import {
  PRESIGN_ROLE_NAME,
  presignRoleArn,
  presignRolePolicy,
  presignTrustPolicy,
} from '../../src/lib/kinds/presign-role/engine.js'
import { reviewAccess } from '../../src/lib/plan/access-review.js'
import type { Change, PresignRolePayload } from '../../src/lib/plan/types.js'
import { ROOT } from '../helpers/cli.js'

const PROD = '333333333333'
const ACS = 'arn:aws:iam::123456789012:role/sagemaker-teams-acs-role'
const OTHER_ACS = 'arn:aws:iam::555555555555:role/sagemaker-teams-acs-role'
const example = parse(readFileSync(path.join(ROOT, 'teams.example.yaml'), 'utf8')) as TeamsFile
const d = {
  partition: 'aws',
  region: 'us-east-1',
  accountId: PROD,
  domainId: 'd-prodaaaaaaaa',
  teamDomainIds: { team2: 'd-prodaaaaaaaa', team3: 'd-prodbbbbbbbb' },
}

function payload(teams: string[], acsRole = ACS): PresignRolePayload {
  const config = {
    ...example,
    teams: Object.fromEntries(teams.map((t) => [t, { ...example.teams.team2, tags: { Team: t } }])),
  }
  return {
    roleName: PRESIGN_ROLE_NAME,
    roleArn: presignRoleArn(PROD),
    trustPolicy: presignTrustPolicy(acsRole),
    policy: presignRolePolicy(config, d),
  }
}

const review = (change: Omit<Change<'presign-role'>, 'kind' | 'key' | 'summary'>) => {
  const r = reviewAccess({
    changes: [
      { kind: 'presign-role', key: PRESIGN_ROLE_NAME, summary: PRESIGN_ROLE_NAME, ...change } as Change,
    ],
  })
  return {
    widened: r.widened.map((i) => `${i.team ?? '-'}: ${i.description}`),
    narrowed: r.narrowed.map((i) => `${i.team ?? '-'}: ${i.description}`),
  }
}

describe('access review: the ACS presign role', () => {
  it('created: each of its teams can be presigned by the ACS role', () => {
    assert.deepEqual(review({ action: 'create', after: payload(['team2', 'team3']) }), {
      widened: [
        `team2: ${ACS} can presign team2's profiles in d-prodaaaaaaaa, d-prodbbbbbbbb (through ${PRESIGN_ROLE_NAME})`,
        `team3: ${ACS} can presign team3's profiles in d-prodaaaaaaaa, d-prodbbbbbbbb (through ${PRESIGN_ROLE_NAME})`,
      ],
      narrowed: [],
    })
  })

  it('deleted: its teams can no longer be presigned', () => {
    const r = review({ action: 'delete', before: payload(['team2']) })
    assert.deepEqual(r.widened, [])
    assert.deepEqual(r.narrowed, [
      `team2: ${ACS} can no longer presign team2's profiles in d-prodaaaaaaaa (through ${PRESIGN_ROLE_NAME})`,
    ])
  })

  it('updated: a team gained widens, a team lost narrows', () => {
    const r = review({ action: 'update', before: payload(['team2']), after: payload(['team3']) })
    assert.deepEqual(r.widened, [
      `team3: ${ACS} can presign team3's profiles in d-prodbbbbbbbb (through ${PRESIGN_ROLE_NAME})`,
    ])
    assert.deepEqual(r.narrowed, [
      `team2: ${ACS} can no longer presign team2's profiles in d-prodaaaaaaaa (through ${PRESIGN_ROLE_NAME})`,
    ])
  })

  it('updated: trusting another ACS role widens (the new one) and narrows (the old one)', () => {
    const r = review({
      action: 'update',
      before: payload(['team2']),
      after: payload(['team2'], OTHER_ACS),
    })
    assert.deepEqual(r.widened, [`-: ${PRESIGN_ROLE_NAME} now trusts ${OTHER_ACS}`])
    assert.deepEqual(r.narrowed, [`-: ${PRESIGN_ROLE_NAME} no longer trusts ${ACS}`])
  })

  it('updated: any other permission it gains shows too', () => {
    const before = payload(['team2'])
    const after = structuredClone(before)
    after.policy.Statement.push({
      Sid: 'Extra',
      Effect: 'Allow',
      Action: 'sagemaker:DeleteUserProfile',
      Resource: `arn:aws:sagemaker:us-east-1:${PROD}:user-profile/d-prodaaaaaaaa/*`,
    })
    const r = review({ action: 'update', before, after })
    assert.deepEqual(r.widened, [`-: ${PRESIGN_ROLE_NAME} allows 1 action: sagemaker:DeleteUserProfile`])
  })
})
