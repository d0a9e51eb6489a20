import assert from 'node:assert/strict'
import { jsonDiff } from '../../src/lib/plan/json-diff.js'

describe('plan JSON diff', () => {
  it('key order is no difference, in objects and in array elements (IAM reorders policy keys)', () => {
    const desired = {
      Statement: [{ Effect: 'Allow', Action: 'x:Y', Condition: { A: { k: 'v' }, B: { k: 'w' } } }],
    }
    const observed = {
      Statement: [{ Condition: { B: { k: 'w' }, A: { k: 'v' } }, Action: 'x:Y', Effect: 'Allow' }],
    }
    assert.deepEqual(jsonDiff(observed, desired), [])
  })

  it('a real difference shows as - before and + after, printed as written', () => {
    assert.deepEqual(
      jsonDiff(
        { Statement: [{ Effect: 'Allow', Action: 'x:Y' }] },
        { Statement: [{ Effect: 'Allow', Action: 'x:Z' }] },
      ),
      [
        '- Statement[]: {"Effect":"Allow","Action":"x:Y"}',
        '+ Statement[]: {"Effect":"Allow","Action":"x:Z"}',
      ],
    )
    assert.deepEqual(jsonDiff({ a: 1 }, { a: 2, b: true }), ['- a: 1', '+ a: 2', '+ b: true'])
  })
})
