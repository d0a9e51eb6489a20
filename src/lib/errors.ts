/** Errors a user can act on: printed as one message (never a stack trace) with an exit code. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly hint?: string,
  ) {
    super(message)
    this.name = 'UserError'
  }
}

/** The AWS error code (`name`) of an SDK error, or undefined. */
export function awsErrorCode(err: unknown): string | undefined {
  if (err && typeof err === 'object') {
    const e = err as { name?: string; Code?: string; code?: string }
    return e.Code ?? e.name ?? e.code
  }
  return undefined
}

/** "CODE: message (resource)" for an AWS failure, as every report prints it. */
export function describeAwsError(err: unknown, resource?: string): string {
  const code = awsErrorCode(err) ?? 'Error'
  const message = err instanceof Error ? err.message : String(err)
  return `${code}: ${message}${resource ? ` (${resource})` : ''}`
}
