import { Duration } from 'aws-cdk-lib';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import type { Node } from 'constructs';
import { DEFAULT_ROTATION_INTERVAL_DAYS } from '../../lambda/contract/stack.js';
import { MAX_CONCURRENCY } from '../../lambda/contract/environment.js';
import { SECRET_FORMATS, type SecretFormat } from '../../lambda/contract/secret-formats.js';
import { firstRepeatedWorkspaceId, isWorkspaceId, secretConflicts, WORKSPACE_ID_RULE } from '../../lambda/contract/workspaces.js';
import { ROTATION_MODES, type RotationMode } from '../construct/native-rotation.js';
import { scheduleInterval } from '../construct/schedule-interval.js';

/** One workspace from the `workspaces` context key, with its optional key and format. */
export interface WorkspaceSetting {
  readonly workspaceId: string;
  /** `<id>=<existing secret name or complete ARN>` adopts that secret. */
  readonly existingSecret?: string;
  /** From `secretKeys`: the customer-managed KMS key of the workspace's secret. */
  readonly encryptionKeyArn?: string;
  /** From `secretFormats`: `plain` stores the bare signing secret instead of JSON. */
  readonly format?: SecretFormat;
}

/** The deployment's settings, read from CDK context (`cdk.json` or `-c key=value`). */
export interface StackSettings {
  readonly workspaces: WorkspaceSetting[];
  readonly schedule: string;
  readonly timeZone: string;
  readonly scheduleEnabled: boolean;
  readonly stalenessThresholdDays?: number;
  readonly tokenSecret?: string;
  /** The customer-managed KMS key of the token secret. */
  readonly tokenSecretKeyArn?: string;
  readonly alarmEmail?: string;
  /** Deploys an example webhook receiver for the first workspace, behind a Function URL. */
  readonly exampleReceiver: boolean;
  /** How many workspaces one invocation works on at once; the construct's default when not given. */
  readonly concurrency?: number;
  /** Deploys the function's shareable console test events. */
  readonly testEvents: boolean;
  /** Who starts each rotation: the construct's schedules, or Secrets Manager's own rotation; the construct's default when not given. */
  readonly rotation?: RotationMode;
}

/** The context keys this app reads; any other key that is not the CDK's own is a typo. */
export const CONTEXT_KEYS = [
  'workspaces',
  'schedule',
  'timeZone',
  'scheduleEnabled',
  'stalenessThresholdDays',
  'tokenSecret',
  'tokenSecretKey',
  'secretKeys',
  'secretFormats',
  'alarmEmail',
  'exampleReceiver',
  'concurrency',
  'testEvents',
  'rotation',
  // Read by stack-name.ts: the stack's name is not one of its settings.
  'stackName',
] as const;
// The CDK's own keys: feature flags (@aws-cdk/...), CLI and lookup keys (aws:cdk:..., with a colon), and these.
const CDK_CONTEXT_KEYS = new Set(['cli-telemetry', 'acknowledged-issue-numbers']);

const DEFAULT_SCHEDULE = ScheduleExpression.rate(Duration.days(DEFAULT_ROTATION_INTERVAL_DAYS)).expressionString;
const DEFAULT_TIME_ZONE = 'Etc/UTC';

// Secrets Manager's own rules: names use these characters; a complete ARN ends in "-" and 6 characters.
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const COMPLETE_SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:([A-Za-z0-9/_+=.@-]+)-[A-Za-z0-9]{6}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** Reads and validates every context key; the first problem is thrown with the key's name. */
export function readStackSettings(node: Node): StackSettings {
  rejectUnknownKeys(node);
  const context = (key: (typeof CONTEXT_KEYS)[number]): unknown => node.tryGetContext(key);
  const keys = readWorkspaceMap(context('secretKeys'), 'secretKeys', readKeyArn);
  const formats = readWorkspaceMap(context('secretFormats'), 'secretFormats', readFormat);
  const workspaces = readWorkspaces(context('workspaces')).map((workspace) => ({
    ...workspace,
    ...(keys.has(workspace.workspaceId) ? { encryptionKeyArn: keys.get(workspace.workspaceId) } : {}),
    ...(formats.has(workspace.workspaceId) ? { format: formats.get(workspace.workspaceId) } : {}),
  }));
  for (const [key, map] of [['secretKeys', keys], ['secretFormats', formats]] as const) {
    const stray = [...map.keys()].find((workspaceId) => !workspaces.some((workspace) => workspace.workspaceId === workspaceId));
    if (stray !== undefined) throw new Error(`Context key "${key}" names workspace "${stray}", which is not in "workspaces"`);
  }
  const settings = {
    workspaces,
    schedule: readString(context('schedule'), 'schedule') ?? DEFAULT_SCHEDULE,
    timeZone: readTimeZone(context('timeZone')),
    scheduleEnabled: readBoolean(context('scheduleEnabled'), 'scheduleEnabled') ?? true,
    stalenessThresholdDays: readPositiveNumber(context('stalenessThresholdDays'), 'stalenessThresholdDays'),
    tokenSecret: readSecretReference(context('tokenSecret'), 'tokenSecret'),
    tokenSecretKeyArn: readKeyArn(context('tokenSecretKey'), 'tokenSecretKey'),
    alarmEmail: readString(context('alarmEmail'), 'alarmEmail'),
    exampleReceiver: readBoolean(context('exampleReceiver'), 'exampleReceiver') ?? false,
    concurrency: readWholeNumber(context('concurrency'), 'concurrency', MAX_CONCURRENCY),
    testEvents: readBoolean(context('testEvents'), 'testEvents') ?? false,
    rotation: readRotationMode(context('rotation')),
  };
  scheduleInterval(settings.schedule, 'Context key "schedule"');
  if (settings.tokenSecretKeyArn !== undefined && settings.tokenSecret === undefined) {
    throw new Error(
      'Context key "tokenSecretKey" is for an adopted token secret: give "tokenSecret" too (a created one uses the AWS managed key)',
    );
  }
  if (settings.scheduleEnabled && settings.schedule.startsWith('cron(') && settings.stalenessThresholdDays === undefined) {
    throw new Error(
      'Context key "stalenessThresholdDays" is required when "schedule" is a cron(...) expression: ' +
        'the staleness alarm cannot derive an interval from it',
    );
  }
  rejectSharedSecrets(settings);
  return settings;
}

/** True for a complete secret ARN, false for a name; anything else was rejected when reading settings. */
export function isSecretArn(reference: string): boolean {
  return reference.startsWith('arn:');
}

function rejectUnknownKeys(node: Node): void {
  const known = new Set<string>(CONTEXT_KEYS);
  const unknown = Object.keys(node.getAllContext() as Record<string, unknown>).find(
    (key) => !known.has(key) && !key.startsWith('@') && !key.includes(':') && !CDK_CONTEXT_KEYS.has(key),
  );
  if (unknown !== undefined) {
    throw new Error(`Context key "${unknown}" is not one this app reads (a typo?); its keys are ${CONTEXT_KEYS.join(', ')}`);
  }
}

/**
 * One secret named two ways (a name and an ARN) for two workspaces, or for a workspace and the token,
 * would let a rotation write over the other; refuse what can be known before deployment.
 */
function rejectSharedSecrets(settings: { workspaces: WorkspaceSetting[]; tokenSecret?: string }): void {
  const nameOf = (reference: string | undefined) => (reference === undefined ? undefined : secretNameOf(reference));
  const [conflict] = secretConflicts(settings.workspaces, ({ existingSecret }) => nameOf(existingSecret), nameOf(settings.tokenSecret));
  if (conflict === undefined) return;
  const other = conflict.kind === 'token-secret' ? '"tokenSecret"' : `"workspaces" (${conflict.sharedWith[0]})`;
  throw new Error(
    `Context keys "workspaces" (${conflict.workspaceId}) and ${other} name the same secret "${conflict.identity}"; each workspace ` +
      'needs a secret of its own, apart from the token secret',
  );
}

/** The secret's name, from a name or from a complete ARN. */
function secretNameOf(reference: string): string {
  return COMPLETE_SECRET_ARN.exec(reference)?.[1] ?? reference;
}

function readWorkspaces(value: unknown): Omit<WorkspaceSetting, 'encryptionKeyArn' | 'format'>[] {
  const usage =
    'a comma-separated list of Prolific workspace ids, each optionally followed by =<existing secret name ' +
    'or ARN>, e.g. -c workspaces=<workspace id>,<other id>=prolific/webhook-secret';
  const entries = readList(value);
  if (entries === undefined || entries.length === 0) {
    throw new Error(`Context key "workspaces" is required: ${usage}`);
  }
  const pairs = entries.map(splitPair);
  const malformed = pairs.find(([workspaceId]) => !isWorkspaceId(workspaceId));
  if (malformed !== undefined) {
    throw new Error(
      `Context key "workspaces": "${malformed[0]}" is not a Prolific workspace id (${WORKSPACE_ID_RULE}); expected ${usage}`,
    );
  }
  const repeated = firstRepeatedWorkspaceId(pairs.map(([workspaceId]) => workspaceId));
  if (repeated !== undefined) {
    throw new Error(
      repeated.id === repeated.earlier
        ? `Context key "workspaces" lists workspace "${repeated.id}" twice`
        : `Context key "workspaces" lists "${repeated.earlier}" and "${repeated.id}", which differ only in letter case and so ` +
            'name one workspace: list it once, as Prolific writes it (lowercase)',
    );
  }
  return pairs.map(([workspaceId, existingSecret]) =>
    existingSecret === undefined
      ? { workspaceId }
      : { workspaceId, existingSecret: readSecretReference(existingSecret, `workspaces (${workspaceId})`) },
  );
}

/** `ws=value,...` on the command line, or a list of such strings in cdk.json, read into a map by workspace. */
function readWorkspaceMap<T>(value: unknown, key: string, read: (raw: string, key: string) => T | undefined): Map<string, T> {
  const map = new Map<string, T>();
  if (value === undefined) return map;
  const entries = readList(value);
  if (entries === undefined) throw new Error(`Context key "${key}" must be a comma-separated list of <workspace id>=<value>`);
  for (const entry of entries) {
    const [workspaceId, raw] = splitPair(entry);
    const parsed = raw === undefined ? undefined : read(raw, `${key} (${workspaceId})`);
    if (parsed === undefined) {
      throw new Error(`Context key "${key}" must be a comma-separated list of <workspace id>=<value>, got "${entry}"`);
    }
    map.set(workspaceId, parsed);
  }
  return map;
}

function readList(value: unknown): string[] | undefined {
  const entries =
    typeof value === 'string'
      ? value.split(',')
      : Array.isArray(value) && value.every((entry) => typeof entry === 'string')
        ? value
        : undefined;
  return entries?.map((entry) => entry.trim()).filter((entry) => entry !== '');
}

function splitPair(entry: string): [string, string | undefined] {
  const separator = entry.indexOf('=');
  return separator === -1 ? [entry.trim(), undefined] : [entry.slice(0, separator).trim(), entry.slice(separator + 1).trim()];
}

function readKeyArn(value: unknown, key: string): string | undefined {
  const arn = readString(value, key);
  if (arn !== undefined && !KMS_KEY_ARN.test(arn)) {
    throw new Error(`Context key "${key}" must be the ARN of a KMS key (arn:aws:kms:<region>:<account>:key/<id>), got "${arn}"`);
  }
  return arn;
}

function readFormat(value: string, key: string): SecretFormat {
  if (!(SECRET_FORMATS as readonly string[]).includes(value)) {
    throw new Error(`Context key "${key}" must be one of ${SECRET_FORMATS.join(', ')}, got "${value}"`);
  }
  return value as SecretFormat;
}

function readRotationMode(value: unknown): RotationMode | undefined {
  const mode = readString(value, 'rotation');
  if (mode !== undefined && !(ROTATION_MODES as readonly string[]).includes(mode)) {
    throw new Error(`Context key "rotation" must be one of ${ROTATION_MODES.join(', ')}, got "${mode}"`);
  }
  return mode as RotationMode;
}

function readString(value: unknown, key: string): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`Context key "${key}" must be a non-empty string`);
  }
  return value.trim();
}

function readTimeZone(value: unknown): string {
  const timeZone = readString(value, 'timeZone') ?? DEFAULT_TIME_ZONE;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch (error) {
    throw new Error(`Context key "timeZone" must be an IANA time zone such as Europe/London, got "${timeZone}"`, {
      cause: error,
    });
  }
  return timeZone;
}

function readBoolean(value: unknown, key: string): boolean | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (value === true || value === 'true') {
    return true;
  }
  if (value === false || value === 'false') {
    return false;
  }
  throw new Error(`Context key "${key}" must be true or false, got ${JSON.stringify(value)}`);
}

function readPositiveNumber(value: unknown, key: string): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0) {
    throw new Error(`Context key "${key}" must be a positive number, got ${JSON.stringify(value)}`);
  }
  return number;
}

function readWholeNumber(value: unknown, key: string, max: number): number | undefined {
  const number = readPositiveNumber(value, key);
  if (number !== undefined && (!Number.isInteger(number) || number > max)) {
    throw new Error(`Context key "${key}" must be a whole number from 1 to ${max}, got ${JSON.stringify(value)}`);
  }
  return number;
}

function readSecretReference(value: unknown, key: string): string | undefined {
  const reference = readString(value, key);
  if (reference === undefined) {
    return undefined;
  }
  const valid = isSecretArn(reference) ? COMPLETE_SECRET_ARN.test(reference) : SECRET_NAME.test(reference);
  if (!valid) {
    throw new Error(
      `Context key "${key}" must be a secret name or a complete secret ARN (ending in "-" and 6 characters), ` +
        `got "${reference}"`,
    );
  }
  return reference;
}
