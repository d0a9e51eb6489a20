/**
 * The CLI's plan and apply against the demo-account emulator, as the engine tests drive them: the
 * built commands run in the test process (see runInProcess); runCli where a real process is the point.
 */
import assert from 'node:assert/strict'
import type { Plan } from '../../src/lib/plan/types.js'
import type { Emulator } from '../../tools/emulator/index.js'
import { useDemoAccount } from './emulator.js'
import { runInProcess } from './in-process.js'

/** Registers the emulator hooks (see useDemoAccount); call the helpers inside tests. */
export function useReconcile() {
  const account = useDemoAccount()
  const emu = (): Emulator => account()
  const cli = (args: string[]) => runInProcess(args, { env: emu().env() })
  /** `plan --json`, which must succeed. */
  const plan = async (file: string, ...flags: string[]): Promise<Plan> => {
    const r = await cli(['plan', '-f', file, '--json', ...flags])
    assert.equal(r.code, 0, r.stderr)
    return JSON.parse(r.stdout) as Plan
  }
  /** "action kind key" of every change but the console steps and the ACS (its config follows the members). */
  const actions = (p: Plan) =>
    p.changes
      .filter((c) => c.action !== 'manual' && !c.kind.startsWith('acs-'))
      .map((c) => `${c.action} ${c.kind} ${c.key}`)
      .sort()
  /** `apply --yes`, which must succeed. */
  const applied = async (file: string, ...flags: string[]) => {
    const r = await cli(['apply', '-f', file, '--yes', ...flags])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    return r
  }
  /**
   * `apply --yes` of a plan with `blocked` blocked changes: everything else applies (none failed),
   * and the apply exits 1 (blocked is a result, not a footnote).
   */
  const appliedBlocked = async (file: string, blocked: number, ...flags: string[]) => {
    const r = await cli(['apply', '-f', file, '--yes', ...flags])
    assert.equal(r.code, 1, r.stdout + r.stderr)
    assert.match(
      r.stdout,
      new RegExp(
        `^Apply incomplete: (\\d+ done, 0 failed, \\d+ manual, \\d+ skipped, |nothing to apply, )${blocked} blocked\\.$`,
        'm',
      ),
    )
    return r
  }
  return { emu, cli, plan, actions, applied, appliedBlocked }
}
