import assert from 'node:assert/strict'
import { TAG_USER_NAME } from '../../src/lib/model/names.js'
import { profileTags } from '../../src/lib/model/profile-tags.js'

/** SageMaker's tag rules (AddTags, CreateUserProfile): keys 1–128, values 0–256, this character set. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u

describe('profile tags', () => {
  it('keep a user name SageMaker would refuse as a tag value valid', () => {
    const tags = profileTags(
      'team1',
      { Team: 'Team1' },
      '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d',
      "o'brien#1@example.com",
    )
    assert.equal(tags[TAG_USER_NAME], 'o_brien_1@example.com')
    for (const [key, value] of Object.entries(tags)) {
      assert.ok(key.length >= 1 && key.length <= 128 && TAG_TEXT.test(key), key)
      assert.ok(value.length <= 256 && TAG_TEXT.test(value), `${key}=${value}`)
    }
  })

  it('keep an ordinary user name as it is, and cut a long one at 256 characters', () => {
    const id = '906712345a-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d'
    assert.equal(profileTags('t', {}, id, 'Ana Müller@example.com')[TAG_USER_NAME], 'Ana Müller@example.com')
    assert.equal(profileTags('t', {}, id, 'x'.repeat(300))[TAG_USER_NAME].length, 256)
  })
})
