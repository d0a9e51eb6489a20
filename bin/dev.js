#!/usr/bin/env node
// Development entry: runs the TypeScript sources through tsx without a build.
import { execute } from '@oclif/core'

await execute({ development: true, dir: import.meta.url })
