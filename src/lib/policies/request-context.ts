/**
 * The part of AWS's Service Authorization Reference that the scenario matrix needs to build request
 * context as AWS sends it: per action, whether it takes request tags (`aws:RequestTag/${TagKey}`)
 * and, per resource type (its ARN template), whether AWS sends `aws:ResourceTag/K` and a service's
 * own `<svc>:ResourceTag/K`. The CLI ships this extract instead of the reference itself (a dev
 * dependency); test/policies/request-context.test.ts derives it from the reference for every
 * action of the matrix and fails when it is stale (UPDATE_SNAPSHOTS=1 rewrites the table below).
 */
import { arnTemplateRegex, type ContextReference } from './simulate.js'

export interface ActionContext {
  requestTags: boolean
  resourceTypes: { arn: string; aws: boolean; service?: string }[]
}

export function referenceOf(table: Record<string, ActionContext>): ContextReference {
  const entry = (action: string) => {
    const e = table[action]
    if (!e) throw new Error(`${action} is not in the shipped extract of the Service Authorization Reference`)
    return e
  }
  return {
    async resourceTagKeys(action, arn) {
      if (arn === '*') return { aws: false }
      const types = entry(action).resourceTypes.filter((t) => arnTemplateRegex(t.arn).test(arn))
      const service = types.find((t) => t.service)?.service
      return { aws: types.some((t) => t.aws), ...(service ? { service } : {}) }
    },
    async takesRequestTags(action) {
      return entry(action).requestTags
    },
  }
}

// generated:start
export const REQUEST_CONTEXT: Record<string, ActionContext> = {
  'athena:GetQueryResults': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:athena:${Region}:${Account}:workgroup/${WorkGroupName}',
        aws: true,
      },
    ],
  },
  'athena:StartQueryExecution': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:athena:${Region}:${Account}:workgroup/${WorkGroupName}',
        aws: true,
      },
    ],
  },
  'glue:GetDatabase': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:glue:${Region}:${Account}:catalog/${CatalogName}',
        aws: true,
      },
      {
        arn: 'arn:${Partition}:glue:${Region}:${Account}:database/${DatabaseName}',
        aws: true,
      },
      {
        arn: 'arn:${Partition}:glue:${Region}:${Account}:catalog',
        aws: false,
      },
    ],
  },
  'glue:GetPartitions': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:glue:${Region}:${Account}:catalog/${CatalogName}',
        aws: true,
      },
      {
        arn: 'arn:${Partition}:glue:${Region}:${Account}:database/${DatabaseName}',
        aws: true,
      },
      {
        arn: 'arn:${Partition}:glue:${Region}:${Account}:catalog',
        aws: false,
      },
      {
        arn: 'arn:${Partition}:glue:${Region}:${Account}:table/${DatabaseName}/${TableName}',
        aws: true,
      },
    ],
  },
  'glue:GetTable': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:glue:${Region}:${Account}:catalog/${CatalogName}',
        aws: true,
      },
      {
        arn: 'arn:${Partition}:glue:${Region}:${Account}:database/${DatabaseName}',
        aws: true,
      },
      {
        arn: 'arn:${Partition}:glue:${Region}:${Account}:catalog',
        aws: false,
      },
      {
        arn: 'arn:${Partition}:glue:${Region}:${Account}:table/${DatabaseName}/${TableName}',
        aws: true,
      },
    ],
  },
  'iam:DeleteRolePolicy': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}',
        aws: true,
        service: 'iam',
      },
    ],
  },
  'iam:PassRole': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}',
        aws: true,
        service: 'iam',
      },
    ],
  },
  'iam:PutRolePolicy': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}',
        aws: true,
        service: 'iam',
      },
    ],
  },
  'iam:TagRole': {
    requestTags: true,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}',
        aws: true,
        service: 'iam',
      },
    ],
  },
  'iam:UntagRole': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}',
        aws: true,
        service: 'iam',
      },
    ],
  },
  'lakeformation:GetDataAccess': {
    requestTags: false,
    resourceTypes: [],
  },
  'lakeformation:GrantPermissions': {
    requestTags: false,
    resourceTypes: [],
  },
  'lakeformation:PutDataLakeSettings': {
    requestTags: false,
    resourceTypes: [],
  },
  'logs:CreateLogGroup': {
    requestTags: true,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}',
        aws: true,
      },
    ],
  },
  'logs:CreateLogStream': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}',
        aws: true,
      },
    ],
  },
  'logs:DescribeLogStreams': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}',
        aws: true,
      },
    ],
  },
  'logs:FilterLogEvents': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}',
        aws: true,
      },
    ],
  },
  'logs:GetLogEvents': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}',
        aws: true,
      },
    ],
  },
  'logs:PutLogEvents': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}',
        aws: true,
      },
    ],
  },
  's3:DeleteObject': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}/object/${ObjectName}',
        aws: true,
      },
      {
        arn: 'arn:${Partition}:s3:::${BucketName}/${ObjectName}',
        aws: true,
      },
    ],
  },
  's3:GetBucketLocation': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}',
        aws: true,
      },
      {
        arn: 'arn:${Partition}:s3:::${BucketName}',
        aws: true,
      },
    ],
  },
  's3:GetObject': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}/object/${ObjectName}',
        aws: true,
      },
      {
        arn: 'arn:${Partition}:s3:::${BucketName}/${ObjectName}',
        aws: true,
      },
    ],
  },
  's3:ListBucket': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}',
        aws: true,
      },
      {
        arn: 'arn:${Partition}:s3:::${BucketName}',
        aws: true,
      },
    ],
  },
  's3:PutObject': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}/object/${ObjectName}',
        aws: true,
      },
      {
        arn: 'arn:${Partition}:s3:::${BucketName}/${ObjectName}',
        aws: true,
      },
    ],
  },
  'sagemaker:AddTags': {
    requestTags: true,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:action/${ActionName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:ai-benchmark-job/${AIBenchmarkJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:ai-recommendation-job/${AIRecommendationJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:ai-workload-config/${AIWorkloadConfigName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:algorithm/${AlgorithmName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:app/${DomainId}/${UserProfileName}/${AppType}/${AppName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:app-image-config/${AppImageConfigName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:artifact/${HashOfArtifactSource}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:automl-job/${AutoMLJobJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:cluster/${ClusterId}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:cluster-scheduler-config/${ClusterSchedulerConfigId}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:code-repository/${CodeRepositoryName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:compilation-job/${CompilationJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:compute-quota/${ComputeQuotaId}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:context/${ContextName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:data-quality-job-definition/${DataQualityJobDefinitionName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:device-fleet/${DeviceFleetName}/device/${DeviceName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:device-fleet/${DeviceFleetName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:domain/${DomainId}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:edge-deployment/${EdgeDeploymentPlanName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:edge-packaging-job/${EdgePackagingJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:endpoint/${EndpointName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:endpoint-config/${EndpointConfigName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:experiment/${ExperimentName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:experiment-trial/${TrialName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:experiment-trial-component/${TrialComponentName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:feature-group/${FeatureGroupName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:flow-definition/${FlowDefinitionName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:hub/${HubName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:hub-content/${HubName}/${HubContentType}/${HubContentName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:human-task-ui/${HumanTaskUiName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:hyper-parameter-tuning-job/${HyperParameterTuningJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:image/${ImageName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:inference-component/${InferenceComponentName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:inference-recommendations-job/${InferenceRecommendationsJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:job/${JobCategory}/${JobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:labeling-job/${LabelingJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:mlflow-app/${MLflowAppId}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:mlflow-tracking-server/${MlflowTrackingServerName}',
        aws: false,
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:model/${ModelName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:model-bias-job-definition/${ModelBiasJobDefinitionName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:model-card/${ModelCardName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:model-explainability-job-definition/${ModelExplainabilityJobDefinitionName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:model-package/${ModelPackageName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:model-package-group/${ModelPackageGroupName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:model-quality-job-definition/${ModelQualityJobDefinitionName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:monitoring-schedule/${MonitoringScheduleName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:notebook-instance/${NotebookInstanceName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:notebook-instance-lifecycle-config/${NotebookInstanceLifecycleConfigName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:optimization-job/${OptimizationJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:partner-app/${AppId}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:pipeline/${PipelineName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:processing-job/${ProcessingJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:project/${ProjectName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:reserved-capacity/${RandomString}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:space/${DomainId}/${SpaceName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:studio-lifecycle-config/${StudioLifecycleConfigName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:training-job/${TrainingJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:training-plan/${TrainingPlanName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:transform-job/${TransformJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:user-profile/${DomainId}/${UserProfileName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:workteam/${WorkteamName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:AssociateTrialComponent': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:experiment-trial/${TrialName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:experiment-trial-component/${TrialComponentName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:BatchGetRecord': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:feature-group/${FeatureGroupName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:CreateApp': {
    requestTags: true,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:app/${DomainId}/${UserProfileName}/${AppType}/${AppName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:CreateEndpoint': {
    requestTags: true,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:endpoint/${EndpointName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:endpoint-config/${EndpointConfigName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:CreateEndpointConfig': {
    requestTags: true,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:endpoint-config/${EndpointConfigName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:CreateExperiment': {
    requestTags: true,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:experiment/${ExperimentName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:CreateFeatureGroup': {
    requestTags: true,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:feature-group/${FeatureGroupName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:CreateInferenceComponent': {
    requestTags: true,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:endpoint/${EndpointName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:inference-component/${InferenceComponentName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:CreateModel': {
    requestTags: true,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:model/${ModelName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:CreateModelPackage': {
    requestTags: true,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:model-package/${ModelPackageName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:CreateModelPackageGroup': {
    requestTags: true,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:model-package-group/${ModelPackageGroupName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:CreatePipeline': {
    requestTags: true,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:pipeline/${PipelineName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:CreatePresignedDomainUrl': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:user-profile/${DomainId}/${UserProfileName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:CreateProcessingJob': {
    requestTags: true,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:processing-job/${ProcessingJobName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:CreateSpace': {
    requestTags: true,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:space/${DomainId}/${SpaceName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:CreateTrainingJob': {
    requestTags: true,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:reserved-capacity/${RandomString}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:training-job/${TrainingJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:training-plan/${TrainingPlanName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:CreateTransformJob': {
    requestTags: true,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:transform-job/${TransformJobName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:CreateTrial': {
    requestTags: true,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:experiment/${ExperimentName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:experiment-trial/${TrialName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:CreateUserProfile': {
    requestTags: true,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:user-profile/${DomainId}/${UserProfileName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:DeleteApp': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:app/${DomainId}/${UserProfileName}/${AppType}/${AppName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:DeleteModel': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:model/${ModelName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:DeleteTags': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:action/${ActionName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:ai-benchmark-job/${AIBenchmarkJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:ai-recommendation-job/${AIRecommendationJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:ai-workload-config/${AIWorkloadConfigName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:algorithm/${AlgorithmName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:app/${DomainId}/${UserProfileName}/${AppType}/${AppName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:app-image-config/${AppImageConfigName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:artifact/${HashOfArtifactSource}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:automl-job/${AutoMLJobJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:cluster/${ClusterId}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:cluster-scheduler-config/${ClusterSchedulerConfigId}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:code-repository/${CodeRepositoryName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:compilation-job/${CompilationJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:compute-quota/${ComputeQuotaId}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:context/${ContextName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:data-quality-job-definition/${DataQualityJobDefinitionName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:device-fleet/${DeviceFleetName}/device/${DeviceName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:device-fleet/${DeviceFleetName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:domain/${DomainId}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:edge-deployment/${EdgeDeploymentPlanName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:edge-packaging-job/${EdgePackagingJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:endpoint/${EndpointName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:endpoint-config/${EndpointConfigName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:experiment/${ExperimentName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:experiment-trial/${TrialName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:experiment-trial-component/${TrialComponentName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:feature-group/${FeatureGroupName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:flow-definition/${FlowDefinitionName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:hub/${HubName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:hub-content/${HubName}/${HubContentType}/${HubContentName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:human-task-ui/${HumanTaskUiName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:hyper-parameter-tuning-job/${HyperParameterTuningJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:image/${ImageName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:inference-component/${InferenceComponentName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:inference-recommendations-job/${InferenceRecommendationsJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:job/${JobCategory}/${JobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:labeling-job/${LabelingJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:mlflow-app/${MLflowAppId}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:mlflow-tracking-server/${MlflowTrackingServerName}',
        aws: false,
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:model/${ModelName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:model-bias-job-definition/${ModelBiasJobDefinitionName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:model-card/${ModelCardName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:model-explainability-job-definition/${ModelExplainabilityJobDefinitionName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:model-package/${ModelPackageName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:model-package-group/${ModelPackageGroupName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:model-quality-job-definition/${ModelQualityJobDefinitionName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:monitoring-schedule/${MonitoringScheduleName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:notebook-instance/${NotebookInstanceName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:notebook-instance-lifecycle-config/${NotebookInstanceLifecycleConfigName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:optimization-job/${OptimizationJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:partner-app/${AppId}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:pipeline/${PipelineName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:processing-job/${ProcessingJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:project/${ProjectName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:reserved-capacity/${RandomString}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:space/${DomainId}/${SpaceName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:studio-lifecycle-config/${StudioLifecycleConfigName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:training-job/${TrainingJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:training-plan/${TrainingPlanName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:transform-job/${TransformJobName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:user-profile/${DomainId}/${UserProfileName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:workteam/${WorkteamName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:DeleteUserProfile': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:user-profile/${DomainId}/${UserProfileName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:DescribeTrainingJob': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:training-job/${TrainingJobName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:GetRecord': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:feature-group/${FeatureGroupName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:StartPipelineExecution': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:pipeline/${PipelineName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:StartSession': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:space/${DomainId}/${SpaceName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:StopTrainingJob': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:training-job/${TrainingJobName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:UpdateDomain': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:domain/${DomainId}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:UpdateEndpoint': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:endpoint/${EndpointName}',
        aws: true,
        service: 'sagemaker',
      },
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:endpoint-config/${EndpointConfigName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:UpdateModelPackage': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:model-package/${ModelPackageName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sagemaker:UpdateUserProfile': {
    requestTags: false,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:sagemaker:${Region}:${Account}:user-profile/${DomainId}/${UserProfileName}',
        aws: true,
        service: 'sagemaker',
      },
    ],
  },
  'sts:AssumeRole': {
    requestTags: true,
    resourceTypes: [
      {
        arn: 'arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}',
        aws: true,
        service: 'iam',
      },
    ],
  },
}
// generated:end

/** The reference as the CLI ships it. */
export const shippedReference: ContextReference = referenceOf(REQUEST_CONTEXT)
