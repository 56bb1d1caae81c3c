// Records every call the AWS stand-ins receive as IAM authorizes it: who signed it (the access key id in its
// SigV4 Authorization header, so a test that gives each principal its own credentials knows whose call it
// was), the IAM action, the resource as the request names it, and the condition keys the request sets. The
// stand-ins speak AWS JSON 1.1 (Secrets Manager, EventBridge, SSM) and 1.0 (DynamoDB): the operation is in
// `X-Amz-Target` and the input is the JSON body either way.
// test/iam evaluates these calls against the policies of the synthesized template.
import type { IncomingMessage } from 'node:http';
import { ACCOUNT_ID, observeRequests, REGION } from './aws-json.js';

/** The values of a request's condition keys, by key (`events:source` is multivalued: one per entry). */
export type ConditionKeys = Readonly<Record<string, string | readonly string[]>>;

export interface RecordedAwsCall {
  /** The access key id the request was signed with; undefined for an unsigned request. */
  readonly accessKeyId: string | undefined;
  /** The IAM action, e.g. `secretsmanager:GetSecretValue`; undefined for a request this recorder cannot name. */
  readonly action: string | undefined;
  /** The resource as the request names it: a SecretId as sent (name or ARN), or the ARN IAM authorizes (a table's, a bus's, ...). */
  readonly resource: string;
  readonly conditionKeys: ConditionKeys;
}

export interface CallRecorder {
  /** Every call so far, in the order the stand-ins read them. */
  readonly calls: readonly RecordedAwsCall[];
  stop(): void;
}

type JsonObject = Record<string, unknown>;

/** The IAM service prefix of each `X-Amz-Target` prefix the stand-ins answer. */
const IAM_SERVICES: Readonly<Record<string, string>> = {
  secretsmanager: 'secretsmanager',
  AWSEvents: 'events',
  AmazonSSM: 'ssm',
  DynamoDB_20120810: 'dynamodb',
};

/** Starts recording every request any stand-in reads, until stop(). */
export function startCallRecorder(): CallRecorder {
  const calls: RecordedAwsCall[] = [];
  const stop = observeRequests((request, body) => calls.push(...recordedCalls(request, body)));
  return { calls, stop };
}

function recordedCalls(request: IncomingMessage, body: string): RecordedAwsCall[] {
  const accessKeyId = /Credential=([^/,\s]+)\//.exec(request.headers.authorization ?? '')?.[1];
  const target = request.headers['x-amz-target'];
  const [prefix = '', operation = ''] = typeof target === 'string' ? target.split('.') : [];
  const service = IAM_SERVICES[prefix];
  if (service === undefined) return [{ accessKeyId, action: undefined, resource: `${request.method} ${request.url}`, conditionKeys: {} }];
  const input = parseJson(body);
  const action = `${service}:${operation}`;
  if (service === 'events' && operation === 'PutEvents') return putEventsCalls(accessKeyId, input);
  if (service === 'ssm') return [{ accessKeyId, action, resource: parameterArn(input.Path ?? input.Name), conditionKeys: ssmKeys(input) }];
  if (service === 'dynamodb') return [{ accessKeyId, action, resource: tableArn(input.TableName), conditionKeys: {} }];
  return [{ accessKeyId, action, resource: stringOr(input.SecretId, '*'), conditionKeys: secretsManagerKeys(operation, input) }];
}

/** One call per event bus the entries name: IAM authorizes PutEvents on each, with the sources of its entries. */
function putEventsCalls(accessKeyId: string | undefined, input: JsonObject): RecordedAwsCall[] {
  const entries = (Array.isArray(input.Entries) ? input.Entries : []) as JsonObject[];
  const buses = [...new Set(entries.map((entry) => busArn(entry.EventBusName)))];
  return buses.map((resource) => {
    const onBus = entries.filter((entry) => busArn(entry.EventBusName) === resource);
    return {
      accessKeyId,
      action: 'events:PutEvents',
      resource,
      conditionKeys: {
        'events:source': onBus.map((entry) => stringOr(entry.Source, '')),
        'events:detail-type': onBus.map((entry) => stringOr(entry.DetailType, '')),
      },
    };
  });
}

/** GetSecretValue's version, and the label UpdateSecretVersionStage moves, are condition keys. */
function secretsManagerKeys(operation: string, input: JsonObject): ConditionKeys {
  const keys: Record<string, string> = {};
  if (operation === 'GetSecretValue' || operation === 'UpdateSecretVersionStage') {
    if (typeof input.VersionStage === 'string') keys['secretsmanager:VersionStage'] = input.VersionStage;
  }
  if (operation === 'GetSecretValue' && typeof input.VersionId === 'string') keys['secretsmanager:VersionId'] = input.VersionId;
  return keys;
}

function ssmKeys(input: JsonObject): ConditionKeys {
  return typeof input.Recursive === 'boolean' ? { 'ssm:Recursive': String(input.Recursive) } : {};
}

function busArn(name: unknown): string {
  const bus = stringOr(name, 'default');
  return bus.startsWith('arn:') ? bus : `arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/${bus}`;
}

/** A table's ARN: the item operations name their table by name (or by ARN) in `TableName`. */
function tableArn(name: unknown): string {
  const table = stringOr(name, '');
  return table.startsWith('arn:') ? table : `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${table}`;
}

/** A parameter's (or a path's) ARN: its name without the leading slash after `parameter/`. */
function parameterArn(name: unknown): string {
  return `arn:aws:ssm:${REGION}:${ACCOUNT_ID}:parameter/${stringOr(name, '').replace(/^\//, '')}`;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function parseJson(body: string): JsonObject {
  try {
    const parsed: unknown = JSON.parse(body === '' ? '{}' : body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as JsonObject) : {};
  } catch {
    return {};
  }
}
