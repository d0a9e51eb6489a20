#!/usr/bin/env node
// The V8 code cache for the CommonJS modules (the AWS SDK) first: oclif and the commands load after it.
import { installCompileCache } from '../dist/lib/compile-cache.js'

// The AWS SDK prints a multi-line Node.js support notice on every run on Node.js < 22; `doctor`
// reports it once as a check instead. Set the variable to "false" to see the SDK's notice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

installCompileCache()
// Only what running a command needs: the package's index would also load every helper oclif has.
const { execute } = await import('@oclif/core/execute')
await execute({ dir: import.meta.url })
