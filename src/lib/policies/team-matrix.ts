/**
 * The scenario matrix: what a team role may and may not do, as requests IAM authorises. It is
 * evaluated in the test suite (test/policies/team-matrix.test.ts), by the access review when a
 * role's policies change, and rendered into the README ("What a team role can do").
 *
 * Requests carry what AWS sends, per the Service Authorization Reference: app and space actions
 * carry `sagemaker:OwnerUserProfileArn` / `sagemaker:SpaceSharingType`; tags passed at creation are
 * authorised as a second request, `sagemaker:AddTags` with `sagemaker:TaggingAction` = the create
 * operation. Studio is not assumed to send a Team request tag: the Studio rows come without one,
 * and again with the tags that custom tag propagation sends.
 */
import { ABAC_TAG, TAG_TEAM } from '../model/names.js'
import type { PolicyDocument } from '../plan/types.js'
import type { TeamLink } from './data-mesh.js'
import { evaluateRequest, type SimDecision, type SimPrincipal, type SimRequest } from './simulate.js'
import type { RequestEvaluator } from './simulate-aws.js'

export interface MatrixTeam {
  teamId: string
  /** The team's value of the ABAC tag (the role's and profiles' `Team` tag). */
  tag: string
  roleArn: string
  workspace?: { bucket: string; prefix: string; workGroup: string }
  /** A data mesh's consumer team: the resource links it queries through (teams.<t>.sharedDatabases). */
  links?: TeamLink[]
}

export interface MatrixInput {
  partition: string
  region: string
  accountId: string
  domainId: string
  self: MatrixTeam
  other: MatrixTeam
}

export interface Scenario {
  /** What a reviewer reads: "open JupyterLab in own private space". */
  name: string
  /** Section of the README table. */
  area: string
  expect: 'Allowed' | 'Denied'
  /** A Denied row the guardrails hold even with an `Allow *:*` managed policy attached. */
  guardrail?: boolean
  /** Every request AWS authorises for this step; the step is Allowed only if all are. */
  requests: SimRequest[]
}

export interface ScenarioOutcome {
  name: string
  area: string
  expected: 'Allowed' | 'Denied'
  actual: 'Allowed' | 'Denied'
  requests: { action: string; resource: string; decision: SimDecision }[]
}

/** Every scenario for `self`'s role against its own and `other`'s resources. */
export function teamScenarios(m: MatrixInput): Scenario[] {
  const sm = `arn:${m.partition}:sagemaker:${m.region}:${m.accountId}`
  const own = m.self.teamId
  const their = m.other.teamId
  const profile = (team: string) => `${sm}:user-profile/${m.domainId}/${team}-user`
  const ownTags = { [ABAC_TAG]: m.self.tag }
  const theirTags = { [ABAC_TAG]: m.other.tag }
  /** Tags that custom tag propagation copies from the profile onto what Studio creates. */
  const propagated = { [ABAC_TAG]: m.self.tag, [TAG_TEAM]: own }
  const rows: Scenario[] = []
  const row = (
    area: string,
    name: string,
    expect: Scenario['expect'],
    requests: SimRequest[],
    guardrail = false,
  ) => rows.push({ area, name, expect, requests, ...(guardrail ? { guardrail } : {}) })

  // ── Studio: apps and spaces ────────────────────────────────────────────────────────────────
  const space = (ownerTeam: string, sharing: 'Private' | 'Shared') => ({
    'sagemaker:OwnerUserProfileArn': profile(ownerTeam),
    'sagemaker:SpaceSharingType': sharing,
  })
  const createApp = (
    spaceName: string,
    appType: string,
    context: Record<string, string> | undefined,
    tags?: Record<string, string>,
  ): SimRequest[] => {
    const resource = `${sm}:app/${m.domainId}/${spaceName}/${appType}/default`
    const create: SimRequest = { action: 'sagemaker:CreateApp', resource, ...(context ? { context } : {}) }
    if (!tags) return [create]
    return [
      { ...create, requestTags: tags },
      {
        action: 'sagemaker:AddTags',
        resource,
        requestTags: tags,
        context: { 'sagemaker:TaggingAction': 'CreateApp' },
      },
    ]
  }
  const studio = 'Studio apps and spaces'
  row(
    studio,
    'open JupyterLab in own private space',
    'Allowed',
    createApp('my-space', 'JupyterLab', space(own, 'Private')),
  )
  row(
    studio,
    'open Code Editor in own private space',
    'Allowed',
    createApp('my-space', 'CodeEditor', space(own, 'Private')),
  )
  row(
    studio,
    'open JupyterLab in own private space, with custom tag propagation (profile tags sent)',
    'Allowed',
    createApp('my-space', 'JupyterLab', space(own, 'Private'), propagated),
  )
  row(
    studio,
    'open JupyterLab in a shared space of own team',
    'Allowed',
    createApp('team-space', 'JupyterLab', space(own, 'Shared')),
  )
  row(
    studio,
    'open an app in own user profile (Studio Classic)',
    'Allowed',
    createApp(`${own}-user`, 'JupyterServer', undefined),
  )
  const createSpace = (
    name: string,
    ownerTeam: string,
    sharing: 'Private' | 'Shared',
    tags?: Record<string, string>,
  ) => {
    const resource = `${sm}:space/${m.domainId}/${name}`
    const create: SimRequest = {
      action: 'sagemaker:CreateSpace',
      resource,
      context: space(ownerTeam, sharing),
    }
    if (!tags) return [create]
    return [
      { ...create, requestTags: tags },
      {
        action: 'sagemaker:AddTags',
        resource,
        requestTags: tags,
        context: { 'sagemaker:TaggingAction': 'CreateSpace' },
      },
    ]
  }
  row(studio, 'create a private space in own profile', 'Allowed', createSpace('new-space', own, 'Private'))
  row(studio, 'create a shared space of own team', 'Allowed', createSpace('new-shared', own, 'Shared'))
  row(
    studio,
    'create a shared space of own team, with custom tag propagation',
    'Allowed',
    createSpace('new-shared', own, 'Shared', propagated),
  )
  const spaceArn = (name: string) => `${sm}:space/${m.domainId}/${name}`
  row(studio, 'start a remote session in own space', 'Allowed', [
    { action: 'sagemaker:StartSession', resource: spaceArn('my-space'), resourceTags: ownTags },
  ])
  row(studio, "delete an app in own team's space", 'Allowed', [
    {
      action: 'sagemaker:DeleteApp',
      resource: `${sm}:app/${m.domainId}/team-space/JupyterLab/default`,
      resourceTags: ownTags,
      context: space(own, 'Shared'),
    },
  ])
  row(
    studio,
    "create an app in another team's user profile",
    'Denied',
    createApp(`${their}-user`, 'JupyterServer', undefined, ownTags),
    true,
  )
  row(
    studio,
    "create an app in another team's private space",
    'Denied',
    createApp('their-space', 'JupyterLab', space(their, 'Private'), ownTags),
    true,
  )
  row(
    studio,
    "create an app in another team's space named like own team's profiles",
    'Denied',
    createApp(`${own}-trap`, 'JupyterLab', space(their, 'Shared')),
    true,
  )
  row(
    studio,
    "create a space owned by another team's profile",
    'Denied',
    createSpace('their-new', their, 'Private', ownTags),
    true,
  )
  row(
    studio,
    "start a remote session in another team's space",
    'Denied',
    [{ action: 'sagemaker:StartSession', resource: spaceArn('their-space'), resourceTags: theirTags }],
    true,
  )
  row(
    studio,
    "delete an app in another team's space",
    'Denied',
    [
      {
        action: 'sagemaker:DeleteApp',
        resource: `${sm}:app/${m.domainId}/their-space/JupyterLab/default`,
        resourceTags: theirTags,
        context: space(their, 'Private'),
      },
    ],
    true,
  )

  // ── Jobs, models, pipelines ────────────────────────────────────────────────────────────────
  const work = 'Jobs, models and pipelines'
  const kinds: [string, string, string][] = [
    ['processing job', 'CreateProcessingJob', 'processing-job/job1'],
    ['training job', 'CreateTrainingJob', 'training-job/job1'],
    // Models and model packages are named for the team (a transform job names its model by ARN).
    ['model', 'CreateModel', `model/${own}-model1`],
    ['endpoint', 'CreateEndpoint', 'endpoint/endpoint1'],
    ['pipeline', 'CreatePipeline', 'pipeline/pipeline1'],
    ['experiment', 'CreateExperiment', 'experiment/experiment1'],
    ['model package', 'CreateModelPackage', `model-package/${own}-package1`],
    ['feature group', 'CreateFeatureGroup', 'feature-group/features1'],
  ]
  const created = (op: string, path: string, tags?: Record<string, string>): SimRequest[] => {
    const resource = `${sm}:${path}`
    if (!tags) return [{ action: `sagemaker:${op}`, resource }]
    return [
      { action: `sagemaker:${op}`, resource, requestTags: tags },
      {
        action: 'sagemaker:AddTags',
        resource,
        requestTags: tags,
        context: { 'sagemaker:TaggingAction': op },
      },
    ]
  }
  for (const [what, op, path] of kinds) {
    const a = /^[aeiou]/.test(what) ? `an ${what}` : `a ${what}`
    row(work, `create ${a} with own Team tag`, 'Allowed', created(op, path, ownTags))
    row(work, `create ${a} with another team's Team tag`, 'Denied', created(op, path, theirTags), true)
    row(work, `create ${a} without a Team tag`, 'Denied', created(op, path))
  }
  const onResource = (action: string, path: string, tags: Record<string, string>): SimRequest[] => [
    { action: `sagemaker:${action}`, resource: `${sm}:${path}`, resourceTags: tags },
  ]
  for (const [verb, action, path] of [
    ['stop', 'StopTrainingJob', 'training-job/job1'],
    ['update', 'UpdateEndpoint', 'endpoint/endpoint1'],
    ['delete', 'DeleteModel', 'model/model1'],
    ['start', 'StartPipelineExecution', 'pipeline/pipeline1'],
  ] as const) {
    const noun = path.split('/')[0].replace(/-/g, ' ')
    row(work, `${verb} own team's ${noun}`, 'Allowed', onResource(action, path, ownTags))
    row(work, `${verb} another team's ${noun}`, 'Denied', onResource(action, path, theirTags))
  }
  row(
    work,
    "read records of own team's feature group",
    'Allowed',
    onResource('GetRecord', 'feature-group/features1', ownTags),
  )
  row(
    work,
    "read records of another team's feature group (GetRecord)",
    'Denied',
    onResource('GetRecord', 'feature-group/features2', theirTags),
  )
  row(
    work,
    "read records of another team's feature group (BatchGetRecord)",
    'Denied',
    onResource('BatchGetRecord', 'feature-group/features2', theirTags),
  )
  row(
    work,
    'read metadata of any SageMaker resource (Describe*/List*)',
    'Allowed',
    onResource('DescribeTrainingJob', 'training-job/other', theirTags),
  )

  // ── Models, endpoints and experiments: what a new resource is built from ─────────────────────
  const built = 'Models, endpoints and experiments'
  const ownModel = `${sm}:model/${own}-model1`
  const theirModel = `${sm}:model/${their}-model1`
  /** A create request whose tags are authorised too, plus requests on what it is built from. */
  const build = (
    op: string,
    path: string,
    context: Record<string, string>,
    from: SimRequest[] = [],
  ): SimRequest[] => [
    { action: `sagemaker:${op}`, resource: `${sm}:${path}`, requestTags: ownTags, context },
    {
      action: 'sagemaker:AddTags',
      resource: `${sm}:${path}`,
      requestTags: ownTags,
      context: { 'sagemaker:TaggingAction': op },
    },
    ...from,
  ]
  const usesModel = (arn: string) => ({ 'sagemaker:ModelArn': arn })
  row(
    built,
    'run a transform job with own model',
    'Allowed',
    build('CreateTransformJob', `transform-job/${own}-batch1`, usesModel(ownModel)),
  )
  row(
    built,
    "run a transform job with another team's model",
    'Denied',
    build('CreateTransformJob', `transform-job/${own}-batch1`, usesModel(theirModel)),
    true,
  )
  row(
    built,
    'create an endpoint configuration with own model',
    'Allowed',
    build('CreateEndpointConfig', `endpoint-config/${own}-config1`, usesModel(ownModel)),
  )
  row(
    built,
    "create an endpoint configuration with another team's model",
    'Denied',
    build('CreateEndpointConfig', `endpoint-config/${own}-config1`, usesModel(theirModel)),
    true,
  )
  // The request's tags are in its context whichever of its resources IAM authorises.
  const onConfig = (tags: Record<string, string>, op = 'CreateEndpoint'): SimRequest => ({
    action: `sagemaker:${op}`,
    resource: `${sm}:endpoint-config/config1`,
    resourceTags: tags,
    ...(op === 'CreateEndpoint' ? { requestTags: ownTags } : {}),
  })
  row(
    built,
    'create an endpoint from own endpoint configuration',
    'Allowed',
    build('CreateEndpoint', `endpoint/${own}-endpoint1`, {}, [onConfig(ownTags)]),
  )
  row(
    built,
    "create an endpoint from another team's endpoint configuration",
    'Denied',
    build('CreateEndpoint', `endpoint/${own}-endpoint1`, {}, [onConfig(theirTags)]),
    true,
  )
  row(
    built,
    "point own endpoint at another team's endpoint configuration (UpdateEndpoint)",
    'Denied',
    [
      { action: 'sagemaker:UpdateEndpoint', resource: `${sm}:endpoint/endpoint1`, resourceTags: ownTags },
      onConfig(theirTags, 'UpdateEndpoint'),
    ],
    true,
  )
  const onEndpoint = (tags: Record<string, string>): SimRequest => ({
    action: 'sagemaker:CreateInferenceComponent',
    resource: `${sm}:endpoint/endpoint1`,
    resourceTags: tags,
    requestTags: ownTags,
  })
  row(
    built,
    'create an inference component with own model on own endpoint',
    'Allowed',
    build('CreateInferenceComponent', `inference-component/${own}-ic1`, usesModel(ownModel), [
      onEndpoint(ownTags),
    ]),
  )
  row(
    built,
    "create an inference component with another team's model",
    'Denied',
    build('CreateInferenceComponent', `inference-component/${own}-ic1`, usesModel(theirModel), [
      onEndpoint(ownTags),
    ]),
    true,
  )
  row(
    built,
    "create an inference component on another team's endpoint",
    'Denied',
    build('CreateInferenceComponent', `inference-component/${own}-ic1`, usesModel(ownModel), [
      onEndpoint(theirTags),
    ]),
    true,
  )
  row(
    built,
    'create a model package group named for own team',
    'Allowed',
    build('CreateModelPackageGroup', `model-package-group/${own}-models`, {}),
  )
  row(
    built,
    'register an Approved version in own model package group',
    'Allowed',
    build('CreateModelPackage', `model-package/${own}-models/1`, {
      'sagemaker:ModelApprovalStatus': 'Approved',
    }),
  )
  row(
    built,
    "register an Approved version in another team's model package group",
    'Denied',
    build('CreateModelPackage', `model-package/${their}-models/1`, {
      'sagemaker:ModelApprovalStatus': 'Approved',
    }),
    true,
  )
  row(
    built,
    "approve a version in another team's model package group",
    'Denied',
    [
      {
        action: 'sagemaker:UpdateModelPackage',
        resource: `${sm}:model-package/${their}-models/1`,
        resourceTags: ownTags,
        context: { 'sagemaker:ModelApprovalStatus': 'Approved' },
      },
    ],
    true,
  )
  row(
    built,
    "create a model named like another team's",
    'Denied',
    build('CreateModel', `model/${their}-model2`, {}),
    true,
  )
  const onExperiment = (tags: Record<string, string>): SimRequest => ({
    action: 'sagemaker:CreateTrial',
    resource: `${sm}:experiment/experiment1`,
    resourceTags: tags,
    requestTags: ownTags,
  })
  row(
    built,
    'add a trial to own experiment',
    'Allowed',
    build('CreateTrial', `experiment-trial/${own}-trial1`, {}, [onExperiment(ownTags)]),
  )
  row(
    built,
    "add a trial to another team's experiment",
    'Denied',
    build('CreateTrial', `experiment-trial/${own}-trial1`, {}, [onExperiment(theirTags)]),
    true,
  )
  row(built, "add a trial component to another team's trial", 'Denied', [
    {
      action: 'sagemaker:AssociateTrialComponent',
      resource: `${sm}:experiment-trial/trial2`,
      resourceTags: theirTags,
    },
  ])

  // ── Logs: the team's own streams (SageMaker's names start with the job, endpoint or profile) ───
  const logs = 'Logs'
  const lg = `arn:${m.partition}:logs:${m.region}:${m.accountId}:log-group:/aws/sagemaker`
  const stream = (group: string, name: string) => `${lg}/${group}:log-stream:${name}`
  row(logs, "read own training job's logs", 'Allowed', [
    { action: 'logs:DescribeLogStreams', resource: `${lg}/TrainingJobs` },
    { action: 'logs:GetLogEvents', resource: stream('TrainingJobs', `${own}-job1/algo-1-1764892800`) },
  ])
  row(logs, "write own training job's and endpoint's logs", 'Allowed', [
    { action: 'logs:CreateLogStream', resource: stream('TrainingJobs', `${own}-job1/algo-1-1764892800`) },
    { action: 'logs:PutLogEvents', resource: stream('TrainingJobs', `${own}-job1/algo-1-1764892800`) },
    { action: 'logs:CreateLogGroup', resource: `${lg}/Endpoints/${own}-endpoint1` },
    { action: 'logs:PutLogEvents', resource: stream(`Endpoints/${own}-endpoint1`, 'AllTraffic/i-0abc') },
  ])
  row(logs, "read own transform job's and own Studio app's logs", 'Allowed', [
    { action: 'logs:GetLogEvents', resource: stream('TransformJobs', `${own}-batch1/i-0abc-1764892800`) },
    {
      action: 'logs:GetLogEvents',
      resource: stream('studio', `${m.domainId}/${own}-user/JupyterLab/default`),
    },
  ])
  row(logs, "read another team's training job logs", 'Denied', [
    { action: 'logs:GetLogEvents', resource: stream('TrainingJobs', `${their}-job1/algo-1-1764892800`) },
  ])
  row(logs, "write into another team's endpoint log stream", 'Denied', [
    { action: 'logs:PutLogEvents', resource: stream(`Endpoints/${their}-endpoint1`, 'AllTraffic/i-0abc') },
  ])
  row(logs, "read another team's Studio user's app logs", 'Denied', [
    {
      action: 'logs:GetLogEvents',
      resource: stream('studio', `${m.domainId}/${their}-user/JupyterLab/default`),
    },
  ])
  row(logs, 'read every SageMaker log of a group at once (FilterLogEvents)', 'Denied', [
    { action: 'logs:FilterLogEvents', resource: `${lg}/TrainingJobs` },
  ])

  // ── Tags ───────────────────────────────────────────────────────────────────────────────────
  const tagging = 'Tags'
  const addTags = (
    resourceTags: Record<string, string>,
    requestTags: Record<string, string>,
  ): SimRequest[] => [
    { action: 'sagemaker:AddTags', resource: `${sm}:training-job/job1`, resourceTags, requestTags },
  ]
  row(
    tagging,
    "add a tag (not Team) to own team's training job",
    'Allowed',
    addTags(ownTags, { project: 'x' }),
  )
  row(
    tagging,
    "take another team's training job (AddTags Team=own)",
    'Denied',
    addTags(theirTags, ownTags),
    true,
  )
  row(
    tagging,
    'give own training job away (AddTags Team=another team)',
    'Denied',
    addTags(ownTags, theirTags),
    true,
  )
  row(tagging, 'claim an untagged resource (AddTags Team=own)', 'Denied', addTags({}, ownTags), true)
  row(
    tagging,
    `set a tool tag (${TAG_TEAM}) on own training job`,
    'Denied',
    addTags(ownTags, { [TAG_TEAM]: own }),
    true,
  )
  row(
    tagging,
    "remove the Team tag from own team's training job",
    'Denied',
    [
      {
        action: 'sagemaker:DeleteTags',
        resource: `${sm}:training-job/job1`,
        resourceTags: ownTags,
        context: { 'aws:TagKeys': [ABAC_TAG] },
      },
    ],
    true,
  )
  row(
    tagging,
    `remove a tool tag (${TAG_TEAM}) from own profile`,
    'Denied',
    [
      {
        action: 'sagemaker:DeleteTags',
        resource: profile(own),
        resourceTags: ownTags,
        context: { 'aws:TagKeys': [TAG_TEAM] },
      },
    ],
    true,
  )

  // ── Domain and profiles ────────────────────────────────────────────────────────────────────
  const admin = 'Domain and user profiles'
  row(
    admin,
    'create a user profile',
    'Denied',
    [
      {
        action: 'sagemaker:CreateUserProfile',
        resource: `${sm}:user-profile/${m.domainId}/x`,
        requestTags: ownTags,
      },
    ],
    true,
  )
  row(
    admin,
    'update own user profile (e.g. its execution role)',
    'Denied',
    onResource('UpdateUserProfile', `user-profile/${m.domainId}/${own}-user`, ownTags),
    true,
  )
  row(
    admin,
    'delete own user profile',
    'Denied',
    onResource('DeleteUserProfile', `user-profile/${m.domainId}/${own}-user`, ownTags),
    true,
  )
  row(admin, 'change the domain', 'Denied', onResource('UpdateDomain', `domain/${m.domainId}`, {}), true)
  row(
    admin,
    "sign in as another team's profile (CreatePresignedDomainUrl)",
    'Denied',
    onResource('CreatePresignedDomainUrl', `user-profile/${m.domainId}/${their}-user`, theirTags),
    true,
  )

  // ── IAM and Lake Formation ─────────────────────────────────────────────────────────────────
  const idn = 'IAM and Lake Formation'
  const trust: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  }
  row(idn, 'pass own role to SageMaker (jobs, models)', 'Allowed', [
    {
      action: 'iam:PassRole',
      resource: m.self.roleArn,
      context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
    },
  ])
  row(
    idn,
    'change its own Team tag (iam:TagRole on itself)',
    'Denied',
    [{ action: 'iam:TagRole', resource: m.self.roleArn, requestTags: theirTags }],
    true,
  )
  row(
    idn,
    'remove its own Team tag (iam:UntagRole on itself)',
    'Denied',
    [{ action: 'iam:UntagRole', resource: m.self.roleArn, context: { 'aws:TagKeys': [ABAC_TAG] } }],
    true,
  )
  row(
    idn,
    'remove its own guardrails (iam:DeleteRolePolicy on itself)',
    'Denied',
    [{ action: 'iam:DeleteRolePolicy', resource: m.self.roleArn }],
    true,
  )
  row(
    idn,
    "pass another team's role",
    'Denied',
    [
      {
        action: 'iam:PassRole',
        resource: m.other.roleArn,
        context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
      },
    ],
    true,
  )
  row(
    idn,
    "assume another team's role (sts:AssumeRole)",
    'Denied',
    [{ action: 'sts:AssumeRole', resource: m.other.roleArn, resourcePolicy: trust }],
    true,
  )
  row(
    idn,
    "change another team's role (iam:PutRolePolicy)",
    'Denied',
    [{ action: 'iam:PutRolePolicy', resource: m.other.roleArn }],
    true,
  )
  row(
    idn,
    'make itself a Lake Formation admin (PutDataLakeSettings)',
    'Denied',
    [{ action: 'lakeformation:PutDataLakeSettings', resource: '*' }],
    true,
  )
  row(
    idn,
    'grant itself Lake Formation permissions',
    'Denied',
    [{ action: 'lakeformation:GrantPermissions', resource: '*' }],
    true,
  )

  // ── Workspace: Athena and S3 ───────────────────────────────────────────────────────────────
  const ws = m.self.workspace
  const theirWs = m.other.workspace
  if (ws && theirWs) {
    const area = 'Workspace: Athena and S3'
    const wg = (name: string) => `arn:${m.partition}:athena:${m.region}:${m.accountId}:workgroup/${name}`
    const bucket = (b: string) => `arn:${m.partition}:s3:::${b}`
    const object = (w: { bucket: string; prefix: string }, key: string) =>
      `${bucket(w.bucket)}/${w.prefix}${key}`
    const table = `arn:${m.partition}:glue:${m.region}:${m.accountId}:table/sales/orders`
    row(area, 'run an Athena query in own workgroup, reading through Lake Formation', 'Allowed', [
      { action: 'athena:StartQueryExecution', resource: wg(ws.workGroup) },
      { action: 'glue:GetTable', resource: table },
      { action: 'lakeformation:GetDataAccess', resource: '*' },
      { action: 's3:GetBucketLocation', resource: bucket(ws.bucket) },
      { action: 's3:PutObject', resource: object(ws, 'athena-results/q1.csv') },
      { action: 'athena:GetQueryResults', resource: wg(ws.workGroup) },
    ])
    row(area, "run an Athena query in another team's workgroup", 'Denied', [
      { action: 'athena:StartQueryExecution', resource: wg(theirWs.workGroup) },
    ])
    row(area, "read another team's Athena results", 'Denied', [
      { action: 'athena:GetQueryResults', resource: wg(theirWs.workGroup) },
    ])
    row(area, 'read and write objects under own prefix', 'Allowed', [
      { action: 's3:GetObject', resource: object(ws, 'data/a.csv') },
      { action: 's3:PutObject', resource: object(ws, 'data/b.csv') },
      { action: 's3:DeleteObject', resource: object(ws, 'data/b.csv') },
    ])
    row(area, 'list own prefix', 'Allowed', [
      { action: 's3:ListBucket', resource: bucket(ws.bucket), context: { 's3:prefix': ws.prefix } },
    ])
    row(area, "read objects under another team's prefix", 'Denied', [
      { action: 's3:GetObject', resource: object(theirWs, 'data/a.csv') },
    ])
    row(area, "write objects under another team's prefix", 'Denied', [
      { action: 's3:PutObject', resource: object(theirWs, 'data/x.csv') },
    ])
    row(area, "list another team's prefix", 'Denied', [
      { action: 's3:ListBucket', resource: bucket(theirWs.bucket), context: { 's3:prefix': theirWs.prefix } },
    ])
    row(area, 'list the whole bucket', 'Denied', [
      { action: 's3:ListBucket', resource: bucket(ws.bucket), context: { 's3:prefix': '' } },
    ])
  }

  // ── Data mesh: Athena's Glue reads through a resource link (and Lake Formation's data access) ──
  const glue = (account: string, what: string) => `arn:${m.partition}:glue:${m.region}:${account}:${what}`
  const queryThrough = (l: TeamLink): SimRequest[] => [
    { action: 'glue:GetDatabase', resource: glue(m.accountId, `database/${l.name}`) },
    { action: 'glue:GetTable', resource: glue(m.accountId, `table/${l.name}/shared_table`) },
    { action: 'glue:GetDatabase', resource: glue(l.targetCatalogId, `database/${l.targetDatabase}`) },
    { action: 'glue:GetTable', resource: glue(l.targetCatalogId, `table/${l.targetDatabase}/shared_table`) },
    {
      action: 'glue:GetPartitions',
      resource: glue(l.targetCatalogId, `table/${l.targetDatabase}/shared_table`),
    },
    { action: 'lakeformation:GetDataAccess', resource: '*' },
  ]
  const mesh = 'Data mesh (queries through resource links)'
  for (const l of m.self.links ?? [])
    row(mesh, `query a shared table through own resource link ${l.name}`, 'Allowed', queryThrough(l))
  for (const l of m.other.links ?? [])
    if (!(m.self.links ?? []).some((x) => x.name === l.name))
      row(
        mesh,
        `query a shared table through another team's resource link ${l.name}`,
        'Denied',
        queryThrough(l),
      )
  return rows
}

/** The test engine (`@cloud-copilot/iam-simulate`, a dev dependency), one request at a time. */
export const libraryEvaluator: RequestEvaluator = async (principal, requests) => {
  const out: SimDecision[] = []
  for (const r of requests) out.push((await evaluateRequest(principal, r)).decision)
  return out
}

/**
 * Evaluates scenarios for one principal, in order: with the test engine by default, or with IAM's
 * own simulator (simulate-aws.ts awsEvaluator), which gets every request of every scenario at once.
 */
export async function evaluateScenarios(
  principal: SimPrincipal,
  scenarios: Scenario[],
  evaluate: RequestEvaluator = libraryEvaluator,
): Promise<ScenarioOutcome[]> {
  const decisions = await evaluate(
    principal,
    scenarios.flatMap((sc) => sc.requests),
  )
  let i = 0
  return scenarios.map((sc) => {
    const requests = sc.requests.map((r) => ({
      action: r.action,
      resource: r.resource,
      decision: decisions[i++],
    }))
    const actual = requests.every((r) => r.decision === 'Allowed') ? 'Allowed' : 'Denied'
    return { name: sc.name, area: sc.area, expected: sc.expect, actual, requests }
  })
}

export const README_MATRIX_START =
  '<!-- team-role-matrix:start (generated by test/policies/team-matrix.test.ts) -->'
export const README_MATRIX_END = '<!-- team-role-matrix:end -->'

/**
 * The README's "What a team role can do" table: each scenario, its outcome for team1's role, and
 * its outcome with an `Allow *:*` managed policy attached.
 */
export function renderMatrixMarkdown(plain: ScenarioOutcome[], allowAll: ScenarioOutcome[]): string {
  const withAll = new Map(allowAll.map((o) => [o.name, o.actual]))
  const mark = (o: 'Allowed' | 'Denied' | undefined) =>
    o === 'Allowed' ? '✅ allowed' : o === 'Denied' ? '⛔ denied' : ''
  const lines: string[] = []
  let area = ''
  for (const o of plain) {
    if (o.area !== area) {
      area = o.area
      lines.push(
        '',
        `**${area}**`,
        '',
        "| team1's role … | outcome | with `Allow *:*` attached |",
        '|---|---|---|',
      )
    }
    lines.push(`| ${o.name.replace(/\*/g, '\\*')} | ${mark(o.actual)} | ${mark(withAll.get(o.name))} |`)
  }
  return [README_MATRIX_START, ...lines.slice(1), README_MATRIX_END].join('\n')
}
