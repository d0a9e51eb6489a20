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
    // A socket error is a plain Error whose errno code (ECONNREFUSED, …) says more than its name.
    return e.Code ?? (e.name && e.name !== 'Error' ? e.name : undefined) ?? e.code ?? e.name
  }
  return undefined
}

/** "CODE: message (resource)" for an AWS failure, as every report prints it. */
export function describeAwsError(err: unknown, resource?: string): string {
  const code = awsErrorCode(err) ?? 'Error'
  const message = err instanceof Error ? err.message : String(err)
  return `${code}: ${message}${resource ? ` (${resource})` : ''}`
}

const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'TokenRefreshRequired',
])

/** A fix hint for failures every AWS call can hit (credentials, network); undefined otherwise. */
export function commonAwsHint(err: unknown): string | undefined {
  const code = awsErrorCode(err) ?? ''
  if (CREDENTIAL_ERRORS.has(code))
    return 'Configure AWS credentials: --profile, AWS_PROFILE, `aws sso login`, or environment variables.'
  const errno = (err as { code?: string } | undefined)?.code ?? ''
  if (code === 'EndpointTimeout')
    return 'The endpoint accepted no connection or gave no answer in time: check the network, proxy settings and AWS_ENDPOINT_URL; AWS_CONNECT_TIMEOUT_MS and AWS_REQUEST_TIMEOUT_MS set the limits.'
  if (/^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET)$/.test(errno) || code === 'TimeoutError')
    return `AWS could not be reached (${errno || code}): check the network, proxy settings and AWS_ENDPOINT_URL.`
  return undefined
}
