// Entry of the ACS Lambda bundle: the configuration is a file inside the bundle (acs-config.json),
// read once per cold start; nothing comes from environment variables.
import { readFileSync } from 'node:fs'
import type { AcsConfig } from './config.js'
import { createLambdaHandler } from './lambda.js'

const config = JSON.parse(readFileSync(new URL('./acs-config.json', import.meta.url), 'utf8')) as AcsConfig
export const handler = createLambdaHandler(config)
