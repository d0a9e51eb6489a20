import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import {
  base32,
  PROFILE_NAME_PATTERN,
  profileName,
  teamRoleName,
  USER_ID_PATTERN,
} from '../../src/lib/model/names.js'

const GUID = '9a6b6c1d-2e3f-4a5b-8c7d-0e1f2a3b4c5d'
const PREFIXED = '906753a9f1-9a6b6c1d-2e3f-4a5b-8c7d-0e1f2a3b4c5d'
const LONGEST_TEAM = 'abcdefghij-klmnopq9' + 'z' // 20 chars

describe('names', () => {
  it('uses {team}-{userId} lowercased when it fits', () => {
    assert.equal(profileName('team1', GUID.toUpperCase()), `team1-${GUID}`)
    assert.equal(profileName('team1', PREFIXED), `team1-${PREFIXED}`)
  })

  it('hashes when {team}-{userId} is longer than 63 characters', () => {
    assert.equal(LONGEST_TEAM.length, 20)
    const name = profileName(LONGEST_TEAM, PREFIXED) // 20 + 1 + 47 = 68
    const expected = base32(createHash('sha256').update(PREFIXED).digest()).slice(0, 24)
    assert.equal(name, `${LONGEST_TEAM}-${expected}`)
    assert.match(name, PROFILE_NAME_PATTERN)
    assert.ok(name.length <= 63)
  })

  it('keeps exactly 63 characters unhashed and hashes 64', () => {
    const team15 = 'abcdefghijklmno' // 15 + 1 + 47 = 63
    assert.equal(profileName(team15, PREFIXED), `${team15}-${PREFIXED}`)
    const team16 = 'abcdefghijklmnop' // 64
    assert.notEqual(profileName(team16, PREFIXED), `${team16}-${PREFIXED}`)
    assert.equal(profileName(team16, PREFIXED).length, 16 + 1 + 24)
  })

  it('hashes user ids with characters SageMaker refuses', () => {
    const name = profileName('team1', 'user_1@example.com')
    assert.match(name, /^team1-[a-z2-7]{24}$/)
  })

  it('is deterministic and distinct per user', () => {
    assert.equal(profileName('t', 'x_y'), profileName('t', 'x_y'))
    assert.notEqual(profileName('t', 'x_y'), profileName('t', 'x_z'))
  })

  it('refuses invalid team ids', () => {
    assert.throws(() => profileName('Team1', GUID))
    assert.throws(() => profileName('a'.repeat(21), GUID))
  })

  it('base32 matches RFC 4648 vectors', () => {
    assert.equal(base32(Buffer.from('foobar')), 'mzxw6ytboi')
    assert.equal(base32(Buffer.from('f')), 'my')
  })

  it('user id pattern accepts both identity store forms', () => {
    assert.match(GUID, USER_ID_PATTERN)
    assert.match(PREFIXED, USER_ID_PATTERN)
    assert.doesNotMatch('user1@example.com', USER_ID_PATTERN)
    assert.doesNotMatch(`${GUID}x`, USER_ID_PATTERN)
  })

  it('role names fit IAM', () => {
    assert.ok(teamRoleName(LONGEST_TEAM).length <= 64)
  })
})
