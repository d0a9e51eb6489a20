/**
 * CloudTrail event history (LookupEvents) of the emulator's own write calls. Every successful
 * write the emulator answers is recorded as a management event (name, source, resources, time,
 * the request parameters in CloudTrailEvent) that becomes visible only after a delivery delay,
 * as AWS delivers events to the event history minutes after the call. LookupEvents behaves as the
 * API reference says: one lookup attribute at most, newest first, at most 50 events a page, the
 * last 90 days; its 2 calls/s per account limit is a rate limit of the emulator (see index.ts).
 */
import { randomUUID } from 'node:crypto'
import { AwsError, epoch, type Input, inRange, oneOf, paginate } from '../core.js'

export interface TrailEvent {
  EventId: string
  EventName: string
  EventSource: string
  EventTime: Date
  Username: string
  AccessKeyId: string
  /** The caller was a role session (userIdentity type AssumedRole), not an IAM user. */
  assumedRole: boolean
  Resources: { ResourceType?: string; ResourceName: string }[]
  requestParameters: Record<string, unknown>
  requestId: string
  region: string
  /** When the event history shows it (EventTime + the delivery delay at the time of the call). */
  deliverAt: number
}

export interface Trail {
  events: TrailEvent[]
  /** Delivery delay for new events, ms. */
  delayMs: number
}

/** Write operations, by name, as CloudTrail records them as management events (read-only calls are left out). */
const WRITE =
  /^(Create|Update|Delete|Put|Tag|Untag|Attach|Detach|Add|Remove|BatchGrant|BatchRevoke|Grant|Revoke)/

/** Signing/counter service name → CloudTrail event source. */
const SOURCES: Record<string, string> = {
  sagemaker: 'sagemaker.amazonaws.com',
  iam: 'iam.amazonaws.com',
  'sso-admin': 'sso.amazonaws.com',
  lakeformation: 'lakeformation.amazonaws.com',
  identitystore: 'identitystore.amazonaws.com',
  lambda: 'lambda.amazonaws.com',
}

/** Request fields that name the resource a call acts on, with the CloudTrail resource type. */
const RESOURCE_FIELDS: [string, string][] = [
  ['UserProfileName', 'AWS::SageMaker::UserProfile'],
  ['ResourceArn', 'AWS::SageMaker::Resource'],
  ['RoleName', 'AWS::IAM::Role'],
  ['ApplicationArn', 'AWS::SSO::Application'],
  ['FunctionName', 'AWS::Lambda::Function'],
]

const lowerFirst = (s: string) => s[0].toLowerCase() + s.slice(1)

function camel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camel)
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [lowerFirst(k), camel(v)]))
  return value
}

export function newTrail(): Trail {
  return { events: [], delayMs: 0 }
}

/** Records a successful call if it is a write of a service CloudTrail logs. */
export function recordCall(
  trail: Trail,
  call: {
    service: string
    operation: string
    input: Input
    region: string
    requestId: string
    /** Who made the call (default: the emulator's administrator user). */
    caller?: { userName: string; accessKeyId: string; assumedRole: boolean }
  },
): void {
  const source = SOURCES[call.service]
  if (!source || !WRITE.test(call.operation)) return
  const now = Date.now()
  const resources = RESOURCE_FIELDS.filter(([f]) => typeof call.input[f] === 'string').map(([f, type]) => ({
    ResourceType: type,
    ResourceName: String(call.input[f]),
  }))
  trail.events.push({
    EventId: randomUUID(),
    EventName: call.operation,
    EventSource: source,
    EventTime: new Date(now),
    Username: call.caller?.userName ?? 'emulator-admin',
    AccessKeyId: call.caller?.accessKeyId ?? 'AKIAEMULATOR00000000',
    assumedRole: call.caller?.assumedRole ?? false,
    Resources: resources,
    requestParameters: camel(call.input) as Record<string, unknown>,
    requestId: call.requestId,
    region: call.region,
    deliverAt: now + trail.delayMs,
  })
}

const HISTORY_MS = 90 * 24 * 3600 * 1000
const ATTRIBUTE_KEYS = [
  'EventId',
  'EventName',
  'ReadOnly',
  'Username',
  'ResourceType',
  'ResourceName',
  'EventSource',
  'AccessKeyId',
]

const toDate = (v: unknown): Date | undefined =>
  v === undefined || v === null ? undefined : new Date(typeof v === 'number' ? v * 1000 : String(v))

export function cloudTrail(trail: Trail) {
  return {
    LookupEvents: (input: Input) => {
      const attrs = (input.LookupAttributes ?? []) as { AttributeKey?: string; AttributeValue?: string }[]
      if (!Array.isArray(attrs) || attrs.length > 1)
        throw new AwsError(
          'InvalidLookupAttributesException',
          'You cannot specify more than one lookup attribute.',
        )
      for (const a of attrs) {
        oneOf(a.AttributeKey, ATTRIBUTE_KEYS, 'LookupAttributes.member.attributeKey')
        if (
          typeof a.AttributeValue !== 'string' ||
          a.AttributeValue.length < 1 ||
          a.AttributeValue.length > 2000
        )
          throw new AwsError('InvalidLookupAttributesException', 'The attribute value is not valid.')
      }
      inRange(input.MaxResults, 1, 50, 'MaxResults', 'InvalidMaxResultsException')
      const now = Date.now()
      const start = toDate(input.StartTime) ?? new Date(now - HISTORY_MS)
      const end = toDate(input.EndTime) ?? new Date(now)
      if (start.getTime() > end.getTime())
        throw new AwsError('InvalidTimeRangeException', 'Start time must be earlier than end time.')
      const [filter] = attrs
      const matching = trail.events
        .filter(
          (e) =>
            e.deliverAt <= now &&
            e.EventTime.getTime() >= Math.max(start.getTime(), now - HISTORY_MS) &&
            e.EventTime.getTime() <= end.getTime() &&
            (!filter || attributeOf(e, filter.AttributeKey!).includes(filter.AttributeValue!)),
        )
        .sort((a, b) => b.EventTime.getTime() - a.EventTime.getTime())
      const { page, nextToken } = paginate(matching, input, {
        max: 50,
        // Without EndTime the end is "now" on every page; a token stays valid across pages (newer
        // events delivered meanwhile only repeat a few of the page boundary, as a moving end would).
        scope: `lookup:${JSON.stringify(attrs)}:${start.getTime()}:${input.EndTime === undefined ? 'now' : end.getTime()}`,
        errorCode: 'InvalidNextTokenException',
      })
      return {
        Events: page.map((e) => ({
          EventId: e.EventId,
          EventName: e.EventName,
          ReadOnly: 'false',
          AccessKeyId: e.AccessKeyId,
          EventTime: epoch(e.EventTime),
          EventSource: e.EventSource,
          Username: e.Username,
          Resources: e.Resources,
          CloudTrailEvent: JSON.stringify({
            eventVersion: '1.09',
            userIdentity: {
              type: e.assumedRole ? 'AssumedRole' : 'IAMUser',
              userName: e.Username,
              accessKeyId: e.AccessKeyId,
            },
            eventTime: e.EventTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
            eventSource: e.EventSource,
            eventName: e.EventName,
            awsRegion: e.region,
            requestParameters: e.requestParameters,
            responseElements: null,
            requestID: e.requestId,
            eventID: e.EventId,
            readOnly: false,
            eventType: 'AwsApiCall',
            managementEvent: true,
            eventCategory: 'Management',
          }),
        })),
        NextToken: nextToken,
      }
    },
  }
}

function attributeOf(e: TrailEvent, key: string): string[] {
  switch (key) {
    case 'EventId':
      return [e.EventId]
    case 'EventName':
      return [e.EventName]
    case 'ReadOnly':
      return ['false']
    case 'Username':
      return [e.Username]
    case 'EventSource':
      return [e.EventSource]
    case 'AccessKeyId':
      return [e.AccessKeyId]
    case 'ResourceType':
      return e.Resources.map((r) => r.ResourceType ?? '')
    case 'ResourceName':
      return e.Resources.map((r) => r.ResourceName)
    default:
      return []
  }
}
