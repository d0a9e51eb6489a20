// `npm run build` (and so `npm pack`): bundles the ACS handler once, beside the compiled
// lambda-entry.js, so plan and apply read it instead of running esbuild (seconds of wall time) on
// every run, and an installed CLI deploys the bytes it was packed with.
import { writePrebuiltBundle } from '../dist/lib/acs/bundle.js'

const bytes = await writePrebuiltBundle()
console.log(`ACS handler bundled: ${(bytes / 1024).toFixed(0)} KiB`)
