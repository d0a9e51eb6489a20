/** Name of the ACS function's execution role. */
export const acsRoleName = (functionName: string) => `${functionName}-role`.slice(0, 64)

/** The role the ACS assumes in each domain account of a file with accounts:/domains: (presign-role.ts). */
export const PRESIGN_ROLE_NAME = 'sagemaker-teams-acs-presign'

export const presignRoleArn = (accountId: string, partition = 'aws') =>
  `arn:${partition}:iam::${accountId}:role/${PRESIGN_ROLE_NAME}`
