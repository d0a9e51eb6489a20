#!/usr/bin/env node
// Only what running a command needs: the package's index would also load every helper oclif has.
import { execute } from '@oclif/core/execute'

// The AWS SDK prints a multi-line Node.js support notice on every run on Node.js < 22; `doctor`
// reports it once as a check instead. Set the variable to "false" to see the SDK's notice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

await execute({ dir: import.meta.url })
