// Test-process settings.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { register } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'

// The built CLI, run in process by some tests, is loaded without tsx (see dist-loader.mjs).
register('./dist-loader.mjs', import.meta.url)

// The SDK's Node-version notice is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

// The IAM simulator's results (the policy tests' and the emulators' SimulateCustomPolicy) are shared
// by every test process through files in the OS temp dir (src/lib/policies/simulate-cache.ts:
// content-addressed, so a result found is the engine's own): the two mocha workers, and the next
// run, evaluate each request once. It is the only thing a run leaves in the temp folder (a few
// thousand files of a few dozen bytes; remove it at will).
process.env.IAM_SIMULATE_CACHE ??= path.join(tmpdir(), 'sagemaker-teams-iam-simulate')

// The CLI's own caches (the V8 code cache of its CommonJS modules, the ACS package hashes) of the
// CLI runs that tests make go there too, not into the user's ~/.cache: a test installs and runs
// the CLI from many temporary paths, each of which would leave a code-cache file of a few MB.
process.env.SAGEMAKER_TEAMS_CACHE_DIR ??= path.join(tmpdir(), 'sagemaker-teams-test-cache')

// Every temporary file of a test process — and of the CLI processes it starts, which inherit
// TMPDIR — goes under one scratch folder that is emptied after each test file and removed at
// exit, so a run leaves nothing else in the machine's temp folder.
const scratch = mkdtempSync(path.join(tmpdir(), 'smt-test-'))
process.env.TMPDIR = scratch

function emptyScratch(): void {
  for (const entry of readdirSync(scratch))
    rmSync(path.join(scratch, entry), { recursive: true, force: true })
}

export const mochaHooks = {
  afterAll(): void {
    emptyScratch()
  },
}

process.on('exit', () => rmSync(scratch, { recursive: true, force: true }))
