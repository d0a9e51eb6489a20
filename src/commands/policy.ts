import { Flags } from '@oclif/core'
import type { AccountPolicy } from '../lib/account-policies.js'
import { BaseCommand } from '../lib/command.js'
import type { PolicyDocument } from '../lib/plan/types.js'
import { type PolicyResult, policyView } from '../lib/views/policy.js'

export default class Policy extends BaseCommand<typeof Policy> {
  static override summary = 'Print the least-privilege IAM policy this CLI needs for the teams file.'
  static override description =
    'One statement per service, with resources scoped to the domain, the identity store and instance, the roles and the ACS function and table the file manages. --for plan prints the read-only subset for CI jobs that only plan; --for setup what the one-time `setup` needs (writing the permissions boundaries, which the apply policy may not change). The account comes from --account-id, else STS.'
  static override examples = [
    '<%= config.bin %> policy > sagemaker-teams-admin.json',
    '<%= config.bin %> policy --for plan --account-id 123456789012',
    '<%= config.bin %> policy --for setup',
  ]
  static override view = policyView
  static override flags = {
    for: Flags.option({
      options: ['apply', 'plan', 'setup'] as const,
      default: 'apply' as const,
      summary: 'apply: everything apply needs; plan: read-only; setup: writing the permissions boundaries.',
    })(),
    'account-id': Flags.string({
      summary: 'Account of the resources (default: the caller account from STS).',
    }),
  }

  async run(): Promise<PolicyResult> {
    return this.show(policyView, await this.policies())
  }

  private async policies(): Promise<PolicyResult> {
    const teams = await this.loadTeams()
    const region = this.flags.region ?? teams.config.region
    const accountId = this.flags['account-id'] ?? (await (await this.awsClients(region)).accountId())
    const { accountPolicies, assumedAccounts, setupAccountPolicies } = await import(
      '../lib/account-policies.js'
    )
    // One document per principal: the CLI's own, and each assumed account role's permissions and trust.
    // The principal running this is who the account roles trust unless the file names others.
    const needsCaller =
      this.flags.for !== 'setup' &&
      assumedAccounts(teams.config, accountId).some(
        (a) => !teams.config.accounts?.[a.name]?.trustedPrincipals?.length,
      )
    const callerArn = needsCaller ? await this.callerArn(region) : undefined
    const docs =
      this.flags.for === 'setup'
        ? await setupAccountPolicies(teams.config, { callerAccountId: accountId, region })
        : accountPolicies(teams.config, {
            callerAccountId: accountId,
            region,
            purpose: this.flags.for,
            ...(callerArn ? { callerArn } : {}),
          })
    return docs.length === 1 ? this.one(docs[0].document) : this.each(docs)
  }

  /**
   * Every document, shown headed with whose it is (several principals). A permissions document over
   * the managed-policy size is split in parts, as IAM takes it.
   */
  private async each(policies: AccountPolicy[]): Promise<AccountPolicy[]> {
    const { splitAccountPolicies } = await import('../lib/account-policies.js')
    return splitAccountPolicies(policies)
  }

  /** Only the CLI's own document (every domain in the caller's account): as IAM takes it. */
  private async one(doc: PolicyDocument): Promise<PolicyDocument | PolicyDocument[]> {
    const { splitPolicy, MANAGED_POLICY_MAX, policySize } = await import('../lib/policies/size.js')
    const parts = splitPolicy(doc)
    if (parts.length === 1) return doc
    // Over IAM's managed-policy size: parts that each fit (or the whole as one inline policy).
    // On stderr also with --json (oclif's warn is silent there): stdout holds the parts.
    process.stderr.write(
      `Warning: the policy is ${policySize(doc)} characters, over IAM's ${MANAGED_POLICY_MAX} for a managed policy: printed as ${parts.length} parts, attach each as its own managed policy (or the whole as one inline policy, up to 10,240)\n`,
    )
    return parts
  }

  /** The caller's ARN (STS GetCallerIdentity), or undefined without credentials (--account-id offline). */
  private async callerArn(region: string): Promise<string | undefined> {
    try {
      const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts')
      const aws = await this.awsClients(region)
      return (await (await aws.sts()).send(new GetCallerIdentityCommand({}))).Arn
    } catch {
      return undefined
    }
  }
}
