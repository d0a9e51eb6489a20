/** What the ACS parts observe and read from each other (src/lib/kinds/acs-<part>/engine.ts). */
import type { AcsUrlPayload } from '../plan/types.js'
import type { DeployedPackage } from './deployment.js'
import type { RetiredAcs } from './retired.js'

export interface ObservedAcsFunction {
  function?: {
    codeSha256?: string
    role?: string
    tags: Record<string, string>
    arn?: string
    version?: string
    lastModified?: string
    /** GetFunction's Concurrency.ReservedConcurrentExecutions; absent: none reserved. */
    reservedConcurrency?: number
  }
  /** A function of the name exists without the tool's tag: no ACS part changes anything of it. */
  foreign: boolean
  /** The configuration in the deployed package, read only when its hash differs from the new one. */
  deployed?: DeployedPackage
  /** Without an acs section: the tool's ACS deployments to remove (retired.ts), for every part. */
  retired?: RetiredAcs[]
}

export interface ObservedAcsUrl {
  url?: AcsUrlPayload
  retired?: RetiredAcs[]
}
