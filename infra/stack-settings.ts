import { Duration } from 'aws-cdk-lib';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import type { Node } from 'constructs';
import { DEFAULT_ROTATION_INTERVAL_DAYS, WORKSPACE_ID_PATTERN, WORKSPACE_ID_RULE } from '../lambda/contract.js';

/** One workspace from the `workspaces` context key: `<id>` or `<id>=<existing secret name or ARN>`. */
export interface WorkspaceSetting {
  readonly workspaceId: string;
  readonly existingSecret?: string;
}

/** The deployment's settings, read from CDK context (`cdk.json` or `-c key=value`). */
export interface StackSettings {
  readonly workspaces: WorkspaceSetting[];
  readonly schedule: string;
  readonly timeZone: string;
  readonly scheduleEnabled: boolean;
  readonly stalenessThresholdDays?: number;
  readonly tokenSecret?: string;
  readonly alarmEmail?: string;
}

const DEFAULT_SCHEDULE = ScheduleExpression.rate(Duration.days(DEFAULT_ROTATION_INTERVAL_DAYS)).expressionString;
const DEFAULT_TIME_ZONE = 'Etc/UTC';

// Secrets Manager's own rules: names use these characters; a complete ARN ends in "-" and 6 characters.
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const COMPLETE_SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;

/** Reads and validates every context key; the first problem is thrown with the key's name. */
export function readStackSettings(node: Node): StackSettings {
  const context = (key: string): unknown => node.tryGetContext(key);
  const settings = {
    workspaces: readWorkspaces(context('workspaces')),
    schedule: readString(context('schedule'), 'schedule') ?? DEFAULT_SCHEDULE,
    timeZone: readTimeZone(context('timeZone')),
    scheduleEnabled: readBoolean(context('scheduleEnabled'), 'scheduleEnabled') ?? true,
    stalenessThresholdDays: readPositiveNumber(context('stalenessThresholdDays'), 'stalenessThresholdDays'),
    tokenSecret: readSecretReference(context('tokenSecret'), 'tokenSecret'),
    alarmEmail: readString(context('alarmEmail'), 'alarmEmail'),
  };
  if (settings.scheduleEnabled && settings.schedule.startsWith('cron(') && settings.stalenessThresholdDays === undefined) {
    throw new Error(
      'Context key "stalenessThresholdDays" is required when "schedule" is a cron(...) expression: ' +
        'the staleness alarm cannot derive an interval from it',
    );
  }
  return settings;
}

/** True for a complete secret ARN, false for a name; anything else was rejected when reading settings. */
export function isSecretArn(reference: string): boolean {
  return reference.startsWith('arn:');
}

function readWorkspaces(value: unknown): WorkspaceSetting[] {
  const usage =
    'a comma-separated list of Prolific workspace ids, each optionally followed by =<existing secret name ' +
    'or ARN>, e.g. -c workspaces=<workspace id>,<other id>=prolific/webhook-secret';
  const entries =
    typeof value === 'string'
      ? value.split(',')
      : Array.isArray(value) && value.every((entry) => typeof entry === 'string')
        ? (value as string[])
        : undefined;
  const trimmed = entries?.map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (trimmed === undefined || trimmed.length === 0) {
    throw new Error(`Context key "workspaces" is required: ${usage}`);
  }
  return trimmed.map((entry) => {
    const separator = entry.indexOf('=');
    const workspaceId = (separator === -1 ? entry : entry.slice(0, separator)).trim();
    const existingSecret = separator === -1 ? undefined : entry.slice(separator + 1);
    if (!WORKSPACE_ID_PATTERN.test(workspaceId)) {
      throw new Error(
        `Context key "workspaces": "${workspaceId}" is not a Prolific workspace id (${WORKSPACE_ID_RULE}); ` +
          `expected ${usage}`,
      );
    }
    return existingSecret === undefined
      ? { workspaceId }
      : { workspaceId, existingSecret: readSecretReference(existingSecret, `workspaces (${workspaceId})`) };
  });
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
