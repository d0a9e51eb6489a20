/**
 * What a principal that signs people in needs on Studio user profiles: the ACS role (for its own
 * account) and each account's ACS presign role hold exactly these statements.
 */
import { TAG_TEAM } from '../model/names.js'
import type { PolicyStatement } from '../plan/types.js'

/**
 * Describe, presign and create only the tool's profiles (tagged with one of `teams`), tag them only
 * at creation, and pass only `roles` (the teams' execution roles) to SageMaker.
 */
export function managedProfileStatements(
  profiles: string | string[],
  teams: string[],
  roles: string[],
): PolicyStatement[] {
  return [
    {
      Sid: 'ManagedProfiles',
      Effect: 'Allow',
      Action: ['sagemaker:DescribeUserProfile', 'sagemaker:CreatePresignedDomainUrl'],
      Resource: profiles,
      Condition: { StringEquals: { [`sagemaker:ResourceTag/${TAG_TEAM}`]: teams } },
    },
    {
      Sid: 'CreateManagedProfiles',
      Effect: 'Allow',
      Action: 'sagemaker:CreateUserProfile',
      Resource: profiles,
      Condition: { StringEquals: { [`aws:RequestTag/${TAG_TEAM}`]: teams } },
    },
    {
      // SageMaker authorises the tags of CreateUserProfile as sagemaker:AddTags with TaggingAction
      // CreateUserProfile; AddTags on an existing profile carries no TaggingAction and is refused.
      Sid: 'TagOnCreateOnly',
      Effect: 'Allow',
      Action: 'sagemaker:AddTags',
      Resource: profiles,
      Condition: {
        StringEquals: {
          'sagemaker:TaggingAction': 'CreateUserProfile',
          [`aws:RequestTag/${TAG_TEAM}`]: teams,
        },
      },
    },
    {
      Sid: 'PassTeamRoles',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: [...new Set(roles)].sort(),
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    },
  ]
}
