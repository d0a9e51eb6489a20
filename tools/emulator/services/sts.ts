/**
 * sts (awsQuery): GetCallerIdentity for whoever signed the request, and AssumeRole across the
 * emulator's accounts (the target role's trust policy decides; see ../accounts.ts).
 */
import {
  accessDenied,
  contextOf,
  identityVerdict,
  type Principal,
  ROLE_ARN,
  roleSession,
  trustVerdict,
} from '../accounts.js'
import { AwsError, type Operation, required } from '../core.js'
import type { EmulatorState } from '../state.js'

export interface StsDeps {
  /** An account's partition, or undefined for an account the emulator does not have. */
  stateOf(account: string): EmulatorState | undefined
  /** Makes a new session's credentials valid for signing requests. */
  register(session: Principal): void
  /** The caller when a request names none (the default account's administrator). */
  defaultCaller(): Principal
}

/** AWS's limit for a session of a role assumed by a role session (role chaining). */
const CHAINED_MAX_SECONDS = 3600

export function sts(deps: StsDeps): Record<string, Operation> {
  return {
    GetCallerIdentity: (_input, ctx) => {
      const caller = ctx.caller ?? deps.defaultCaller()
      return { UserId: caller.userId, Account: caller.account, Arn: caller.arn }
    },
    AssumeRole: (input, ctx) => {
      required(input, 'RoleArn', 'RoleSessionName')
      const caller = ctx.caller ?? deps.defaultCaller()
      const roleArn = String(input.RoleArn)
      const m = ROLE_ARN.exec(roleArn)
      // AWS answers AccessDenied alike for a role that does not exist and one that does not trust
      // the caller: nothing tells them apart.
      const denied = () => accessDenied(caller, 'sts:AssumeRole', roleArn)
      if (!m) throw new AwsError('ValidationError', `${roleArn} is invalid`, 400)
      const target = deps.stateOf(m[1])
      const role = target?.roles.find((r) => r.Arn.toLowerCase() === roleArn.toLowerCase())
      if (!role) throw denied()
      const context = contextOf(caller, {
        'sts:ExternalId': input.ExternalId === undefined ? undefined : String(input.ExternalId),
        'sts:RoleSessionName': String(input.RoleSessionName),
      })
      const trust = trustVerdict(role, caller, context)
      if (trust === 'deny' || trust === 'none') throw denied()
      const identity = identityVerdict(
        caller,
        deps.stateOf(caller.account),
        'sts:AssumeRole',
        role.Arn,
        context,
      )
      // An explicit Deny in the caller's policies refuses the call whatever the trust policy says;
      // and the caller's policies must allow it when the trust policy trusts only its account, and
      // always across accounts (the caller's account decides what its principals may do).
      const needsIdentity = trust === 'allow-account' || caller.account !== m[1]
      if (identity === 'deny' || (needsIdentity && identity !== 'allow'))
        throw accessDenied(
          caller,
          'sts:AssumeRole',
          roleArn,
          identity === 'deny'
            ? 'with an explicit deny in an identity-based policy'
            : 'because no identity-based policy allows the sts:AssumeRole action',
        )
      const chained = caller.roleArn !== undefined
      const duration = input.DurationSeconds === undefined ? 3600 : Number(input.DurationSeconds)
      if (chained && duration > CHAINED_MAX_SECONDS)
        throw new AwsError(
          'ValidationError',
          'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
        )
      if (duration > role.MaxSessionDuration)
        throw new AwsError(
          'ValidationError',
          'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
        )
      const session = roleSession(role.Arn, String(input.RoleSessionName), {
        roleId: role.RoleId,
        durationSeconds: duration,
        chained,
      })
      deps.register(session)
      return {
        Credentials: {
          AccessKeyId: session.accessKeyId,
          SecretAccessKey: session.secretAccessKey,
          SessionToken: session.sessionToken,
          Expiration: new Date(session.expiresAt!),
        },
        AssumedRoleUser: { AssumedRoleId: session.userId, Arn: session.arn },
      }
    },
  }
}
