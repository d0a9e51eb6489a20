/** lambda (restJson1): functions, code, configuration, function URLs, permissions, tags. */
import { createHash } from 'node:crypto'
import { AwsError, type Input, matches, required } from '../core.js'
import type { EmulatorState, LambdaFunction } from '../state.js'

const NAME = /^(arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[a-zA-Z0-9-_]{1,64}$/
const RUNTIMES = ['nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'python3.12', 'python3.13']

export interface LambdaRoute {
  method: string
  pattern: RegExp
  operation: string
}

/** Routes of the restJson1 Lambda API that the tool uses. */
export const LAMBDA_ROUTES: LambdaRoute[] = [
  { method: 'POST', pattern: /^\/2015-03-31\/functions\/?$/, operation: 'CreateFunction' },
  { method: 'GET', pattern: /^\/2015-03-31\/functions\/?$/, operation: 'ListFunctions' },
  {
    method: 'GET',
    pattern: /^\/2015-03-31\/functions\/([^/]+)\/configuration$/,
    operation: 'GetFunctionConfiguration',
  },
  {
    method: 'PUT',
    pattern: /^\/2015-03-31\/functions\/([^/]+)\/configuration$/,
    operation: 'UpdateFunctionConfiguration',
  },
  { method: 'PUT', pattern: /^\/2015-03-31\/functions\/([^/]+)\/code$/, operation: 'UpdateFunctionCode' },
  { method: 'POST', pattern: /^\/2015-03-31\/functions\/([^/]+)\/policy$/, operation: 'AddPermission' },
  { method: 'GET', pattern: /^\/2015-03-31\/functions\/([^/]+)\/policy$/, operation: 'GetPolicy' },
  {
    method: 'DELETE',
    pattern: /^\/2015-03-31\/functions\/([^/]+)\/policy\/([^/]+)$/,
    operation: 'RemovePermission',
  },
  {
    method: 'PUT',
    pattern: /^\/2017-10-31\/functions\/([^/]+)\/concurrency$/,
    operation: 'PutFunctionConcurrency',
  },
  {
    method: 'DELETE',
    pattern: /^\/2017-10-31\/functions\/([^/]+)\/concurrency$/,
    operation: 'DeleteFunctionConcurrency',
  },
  {
    method: 'GET',
    pattern: /^\/2019-09-30\/functions\/([^/]+)\/concurrency$/,
    operation: 'GetFunctionConcurrency',
  },
  { method: 'GET', pattern: /^\/2015-03-31\/functions\/([^/]+)$/, operation: 'GetFunction' },
  { method: 'DELETE', pattern: /^\/2015-03-31\/functions\/([^/]+)$/, operation: 'DeleteFunction' },
  {
    method: 'POST',
    pattern: /^\/2021-10-31\/functions\/([^/]+)\/url$/,
    operation: 'CreateFunctionUrlConfig',
  },
  { method: 'GET', pattern: /^\/2021-10-31\/functions\/([^/]+)\/url$/, operation: 'GetFunctionUrlConfig' },
  { method: 'PUT', pattern: /^\/2021-10-31\/functions\/([^/]+)\/url$/, operation: 'UpdateFunctionUrlConfig' },
  {
    method: 'DELETE',
    pattern: /^\/2021-10-31\/functions\/([^/]+)\/url$/,
    operation: 'DeleteFunctionUrlConfig',
  },
  { method: 'POST', pattern: /^\/2017-03-31\/tags\/(.+)$/, operation: 'TagResource' },
  { method: 'GET', pattern: /^\/2017-03-31\/tags\/(.+)$/, operation: 'ListTags' },
]

/** The account's concurrency quota (AWS's default) and the part Lambda always keeps unreserved. */
const ACCOUNT_CONCURRENCY = 1000
const UNRESERVED_MINIMUM = 100

export function lambda(
  state: EmulatorState,
): Record<string, (input: Input, param: string, param2?: string) => { status?: number; body: Input }> {
  const fn = (nameOrArn: string) => {
    matches(nameOrArn, NAME, 'FunctionName', 'InvalidParameterValueException', 170)
    const name = nameOrArn.split(':').pop()
    const f = state.functions.find((x) => x.FunctionName === name)
    if (!f)
      throw new AwsError(
        'ResourceNotFoundException',
        `Function not found: arn:aws:lambda:${state.region}:${state.account}:function:${name}`,
        404,
      )
    return f
  }
  const config = (f: LambdaFunction) => ({
    FunctionName: f.FunctionName,
    FunctionArn: f.FunctionArn,
    Runtime: f.Runtime,
    Role: f.Role,
    Handler: f.Handler,
    CodeSize: f.CodeSize,
    CodeSha256: f.CodeSha256,
    Description: f.Description,
    Timeout: f.Timeout,
    MemorySize: f.MemorySize,
    LastModified: f.LastModified,
    Version: f.Version,
    Environment: f.Environment,
    Architectures: f.Architectures,
    State: 'Active',
    LastUpdateStatus: 'Successful',
    RevisionId: f.RevisionId,
  })
  const touch = (f: LambdaFunction) => {
    f.LastModified = new Date().toISOString().replace('Z', '+0000')
    f.RevisionId = createHash('sha256')
      .update(`${f.CodeSha256}${JSON.stringify(f.Environment)}${f.Role}${f.LastModified}${Math.random()}`)
      .digest('hex')
      .slice(0, 36)
  }
  const code = (zip: unknown) => {
    if (typeof zip !== 'string' || zip.length === 0)
      throw new AwsError('InvalidParameterValueException', 'Code.ZipFile is required')
    const bytes = Buffer.from(zip, 'base64')
    if (bytes.length > 50 * 1024 * 1024)
      throw new AwsError('RequestEntityTooLargeException', 'Request must be smaller than 69905067 bytes', 413)
    return {
      CodeSha256: createHash('sha256').update(bytes).digest('base64'),
      CodeSize: bytes.length,
      ZipFile: zip,
    }
  }
  const validate = (input: Input) => {
    if (input.Runtime !== undefined && !RUNTIMES.includes(input.Runtime))
      throw new AwsError(
        'InvalidParameterValueException',
        `Value ${input.Runtime} at 'runtime' failed to satisfy constraint`,
      )
    if (input.Role !== undefined) {
      const roleName = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(input.Role)?.[1]
      if (!roleName)
        throw new AwsError(
          'ValidationException',
          `1 validation error detected: Value '${input.Role}' at 'role' failed to satisfy constraint`,
        )
      if (!state.roles.some((r) => r.RoleName === roleName))
        throw new AwsError(
          'InvalidParameterValueException',
          'The role defined for the function cannot be assumed by Lambda.',
        )
    }
    if (input.Timeout !== undefined && (input.Timeout < 1 || input.Timeout > 900))
      throw new AwsError('InvalidParameterValueException', 'Timeout must be 1..900')
    if (input.MemorySize !== undefined && (input.MemorySize < 128 || input.MemorySize > 10240))
      throw new AwsError('InvalidParameterValueException', 'MemorySize must be 128..10240')
  }
  return {
    CreateFunction: (input) => {
      required(input, 'FunctionName', 'Role', 'Code')
      matches(input.FunctionName, NAME, 'FunctionName', 'InvalidParameterValueException', 64)
      validate(input)
      if (state.functions.some((f) => f.FunctionName === input.FunctionName)) {
        throw new AwsError('ResourceConflictException', `Function already exist: ${input.FunctionName}`, 409)
      }
      const f: LambdaFunction = {
        FunctionName: input.FunctionName,
        FunctionArn: `arn:aws:lambda:${state.region}:${state.account}:function:${input.FunctionName}`,
        Runtime: input.Runtime,
        Role: input.Role,
        Handler: input.Handler ?? 'index.handler',
        ...code(input.Code.ZipFile),
        Description: input.Description ?? '',
        Timeout: input.Timeout ?? 3,
        MemorySize: input.MemorySize ?? 128,
        LastModified: '',
        Version: '$LATEST',
        Architectures: input.Architectures ?? ['x86_64'],
        Environment: input.Environment,
        Tags: input.Tags ?? {},
        Policy: [],
        RevisionId: '',
      }
      touch(f)
      state.functions.push(f)
      return { status: 201, body: config(f) }
    },
    GetFunction: (_input, name) => {
      const f = fn(name)
      return {
        body: {
          Configuration: config(f),
          // AWS answers a presigned S3 URL valid for 10 minutes; the emulator serves the package
          // itself (the server prefixes its own address).
          Code: {
            RepositoryType: 'S3',
            Location: `/_emulator/lambda-code/${encodeURIComponent(f.FunctionName)}`,
          },
          Tags: f.Tags,
          ...(f.ReservedConcurrentExecutions !== undefined
            ? { Concurrency: { ReservedConcurrentExecutions: f.ReservedConcurrentExecutions } }
            : {}),
        },
      }
    },
    // Lambda keeps at least UNRESERVED_MINIMUM of the account's concurrency unreserved: a
    // reservation that would leave less is refused with AWS's message.
    PutFunctionConcurrency: (input, name) => {
      const f = fn(name)
      const n = input.ReservedConcurrentExecutions as number
      const others = state.functions
        .filter((x) => x !== f)
        .reduce((sum, x) => sum + (x.ReservedConcurrentExecutions ?? 0), 0)
      if (ACCOUNT_CONCURRENCY - others - n < UNRESERVED_MINIMUM)
        throw new AwsError(
          'InvalidParameterValueException',
          `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${UNRESERVED_MINIMUM}].`,
        )
      f.ReservedConcurrentExecutions = n
      return { body: { ReservedConcurrentExecutions: n } }
    },
    GetFunctionConcurrency: (_input, name) => {
      const f = fn(name)
      return {
        body:
          f.ReservedConcurrentExecutions !== undefined
            ? { ReservedConcurrentExecutions: f.ReservedConcurrentExecutions }
            : {},
      }
    },
    DeleteFunctionConcurrency: (_input, name) => {
      delete fn(name).ReservedConcurrentExecutions
      return { status: 204, body: {} }
    },
    GetFunctionConfiguration: (_input, name) => ({ body: config(fn(name)) }),
    UpdateFunctionCode: (input, name) => {
      const f = fn(name)
      Object.assign(f, code(input.ZipFile))
      touch(f)
      return { body: config(f) }
    },
    UpdateFunctionConfiguration: (input, name) => {
      const f = fn(name)
      validate(input)
      for (const k of [
        'Role',
        'Handler',
        'Description',
        'Timeout',
        'MemorySize',
        'Environment',
        'Runtime',
      ] as const) {
        if (input[k] !== undefined) (f as unknown as Input)[k] = input[k]
      }
      touch(f)
      return { body: config(f) }
    },
    // Paginated like Lambda: MaxItems (default 50) and an opaque Marker (query parameters).
    ListFunctions: (input) => {
      const max = Math.min(Number(input.MaxItems ?? 50), 50)
      const start = input.Marker ? Number(Buffer.from(String(input.Marker), 'base64').toString()) : 0
      const page = state.functions.slice(start, start + max)
      const next = start + max < state.functions.length ? start + max : undefined
      return {
        body: {
          Functions: page.map(config),
          ...(next !== undefined ? { NextMarker: Buffer.from(String(next)).toString('base64') } : {}),
        },
      }
    },
    DeleteFunctionUrlConfig: (_input, name) => {
      const f = fn(name)
      if (!f.Url)
        throw new AwsError('ResourceNotFoundException', 'The resource you requested does not exist.', 404)
      delete f.Url
      return { status: 204, body: {} }
    },
    DeleteFunction: (_input, name) => {
      const f = fn(name)
      state.functions = state.functions.filter((x) => x !== f)
      return { status: 204, body: {} }
    },
    AddPermission: (input, name) => {
      const f = fn(name)
      required(input, 'StatementId', 'Action', 'Principal')
      if (f.Policy.some((s) => s.Sid === input.StatementId)) {
        throw new AwsError(
          'ResourceConflictException',
          `The statement id (${input.StatementId}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
          409,
        )
      }
      // The InvokedViaFunctionUrl member (October 2025) is only valid on lambda:InvokeFunction.
      if (input.InvokedViaFunctionUrl !== undefined && input.Action !== 'lambda:InvokeFunction')
        throw new AwsError(
          'InvalidParameterValueException',
          'InvokedViaFunctionUrl is only supported for the lambda:InvokeFunction action.',
        )
      if (input.FunctionUrlAuthType !== undefined && !['NONE', 'AWS_IAM'].includes(input.FunctionUrlAuthType))
        throw new AwsError('ValidationException', 'FunctionUrlAuthType must be NONE or AWS_IAM')
      const condition: Record<string, Record<string, string>> = {}
      if (input.FunctionUrlAuthType)
        condition.StringEquals = { 'lambda:FunctionUrlAuthType': input.FunctionUrlAuthType }
      if (input.InvokedViaFunctionUrl === true) condition.Bool = { 'lambda:InvokedViaFunctionUrl': 'true' }
      const statement = {
        Sid: input.StatementId,
        Effect: 'Allow',
        Principal: input.Principal === '*' ? '*' : { Service: input.Principal },
        Action: input.Action,
        Resource: f.FunctionArn,
        ...(Object.keys(condition).length ? { Condition: condition } : {}),
      }
      f.Policy.push(statement)
      return { status: 201, body: { Statement: JSON.stringify(statement) } }
    },
    GetPolicy: (_input, name) => {
      const f = fn(name)
      if (f.Policy.length === 0)
        throw new AwsError('ResourceNotFoundException', 'The resource you requested does not exist.', 404)
      return {
        body: {
          Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: f.Policy }),
          RevisionId: f.RevisionId,
        },
      }
    },
    RemovePermission: (_input, name, sid) => {
      const f = fn(name)
      if (!f.Policy.some((s) => s.Sid === sid))
        throw new AwsError(
          'ResourceNotFoundException',
          `Statement ${sid} is not found in resource policy.`,
          404,
        )
      f.Policy = f.Policy.filter((s) => s.Sid !== sid)
      f.RevisionId = createHash('sha256').update(`${f.RevisionId}${sid}`).digest('hex').slice(0, 36)
      return { status: 204, body: {} }
    },
    CreateFunctionUrlConfig: (input, name) => {
      const f = fn(name)
      required(input, 'AuthType')
      if (!['NONE', 'AWS_IAM'].includes(input.AuthType))
        throw new AwsError('ValidationException', 'AuthType must be NONE or AWS_IAM')
      if (f.Url)
        throw new AwsError(
          'ResourceConflictException',
          `Failed to create function url config for [functionArn = ${f.FunctionArn}]. Error message:  FunctionUrlConfig exists for this Lambda function`,
          409,
        )
      const now = new Date().toISOString()
      f.Url = {
        FunctionUrl: `https://${createHash('sha256').update(f.FunctionArn).digest('hex').slice(0, 32)}.lambda-url.${state.region}.on.aws/`,
        AuthType: input.AuthType,
        CreationTime: now,
        LastModifiedTime: now,
        Cors: input.Cors,
      }
      return {
        status: 201,
        body: {
          FunctionUrl: f.Url.FunctionUrl,
          FunctionArn: f.FunctionArn,
          AuthType: f.Url.AuthType,
          CreationTime: now,
          Cors: input.Cors,
        },
      }
    },
    GetFunctionUrlConfig: (_input, name) => {
      const f = fn(name)
      if (!f.Url)
        throw new AwsError('ResourceNotFoundException', 'The resource you requested does not exist.', 404)
      return {
        body: {
          FunctionUrl: f.Url.FunctionUrl,
          FunctionArn: f.FunctionArn,
          AuthType: f.Url.AuthType,
          CreationTime: f.Url.CreationTime,
          LastModifiedTime: f.Url.LastModifiedTime,
          Cors: f.Url.Cors,
        },
      }
    },
    UpdateFunctionUrlConfig: (input, name) => {
      const f = fn(name)
      if (!f.Url)
        throw new AwsError('ResourceNotFoundException', 'The resource you requested does not exist.', 404)
      if (input.AuthType) f.Url.AuthType = input.AuthType
      f.Url.LastModifiedTime = new Date().toISOString()
      return {
        body: {
          FunctionUrl: f.Url.FunctionUrl,
          FunctionArn: f.FunctionArn,
          AuthType: f.Url.AuthType,
          CreationTime: f.Url.CreationTime,
          LastModifiedTime: f.Url.LastModifiedTime,
        },
      }
    },
    TagResource: (input, arn) => {
      const f = fn(decodeURIComponent(arn))
      Object.assign(f.Tags, input.Tags ?? {})
      return { status: 204, body: {} }
    },
    ListTags: (_input, arn) => ({ body: { Tags: fn(decodeURIComponent(arn)).Tags } }),
  }
}
