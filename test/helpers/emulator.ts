/** One emulator per test file, reset to the demo account before each test. */
import path from 'node:path'
import { type Emulator, type EmulatorOptions, startEmulator } from '../../tools/emulator/index.js'
import { ROOT } from './cli.js'

export const DEMO_ACCOUNT = path.join(ROOT, 'examples', 'demo-account.yaml')

/** Registers mocha hooks; call the returned function inside tests to get the emulator. */
export function useDemoAccount(options: EmulatorOptions = {}): () => Emulator {
  let emu: Emulator | undefined
  before(async () => {
    emu = await startEmulator({ seed: DEMO_ACCOUNT, profileReadyMs: 20, ...options })
  })
  after(() => emu?.close())
  beforeEach(async () => {
    emu!.reset()
    await emu!.dropTables()
    await emu!.seedFile(DEMO_ACCOUNT)
  })
  return () => emu!
}
