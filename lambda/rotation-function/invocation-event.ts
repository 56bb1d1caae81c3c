import { MAX_EVENT_BYTES } from '../contract/invocation-events.js';
import { isWorkspaceId, WORKSPACE_ID_RULE } from '../contract/workspaces.js';
import { InvalidEventError } from './errors.js';
import { ACTIONS, NATIVE_STEPS, type Action, type NativeStep } from '../contract/report.js';
import type { RotationTarget } from './rotation/types.js';

/** What an invocation asks for, once its event has been validated against the configured targets. */
export type RotationRequest =
  | { readonly kind: 'action'; readonly action: Action; readonly dryRun: boolean; readonly targets: readonly RotationTarget[] }
  | {
      readonly kind: 'native';
      readonly step: NativeStep;
      readonly target: RotationTarget;
      readonly clientRequestToken: string;
    };

const ACTION_KEYS = ['action', 'workspaceId', 'workspaceIds', 'dryRun'];
const NATIVE_KEYS = ['Step', 'SecretId', 'ClientRequestToken', 'RotationToken'];
const CLIENT_REQUEST_TOKEN_PATTERN = /^[A-Za-z0-9-]{32,64}$/;

const EXAMPLES =
  '{"action": "rotate"}, {"action": "sync", "workspaceId": "<id>"}, {"action": "status", "workspaceIds": ["<id>", "<id>"]}, ' +
  '{"action": "status"} or {"action": "rotate", "dryRun": true}';

/** Validates an invocation event; the error names the field that is wrong and what is allowed. */
export function parseEvent(event: unknown, targets: readonly RotationTarget[]): RotationRequest {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new InvalidEventError(`The event must be a JSON object such as ${EXAMPLES}.`);
  }
  if (jsonLength(event) > MAX_EVENT_BYTES) {
    throw new InvalidEventError(`The event is larger than ${MAX_EVENT_BYTES} bytes; expected a small object such as ${EXAMPLES}.`);
  }
  const fields = event as Record<string, unknown>;
  return Object.hasOwn(fields, 'Step') ? parseNativeEvent(fields, targets) : parseActionEvent(fields, targets);
}

function parseActionEvent(fields: Record<string, unknown>, targets: readonly RotationTarget[]): RotationRequest {
  rejectUnknownKeys(fields, ACTION_KEYS);
  // No action is a status report: a console "Test" with an empty event must never rotate.
  const { action = 'status', workspaceId, workspaceIds, dryRun = false } = fields;
  if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) {
    throw new InvalidEventError(`Field "action" must be one of ${ACTIONS.join(', ')}; got ${preview(action)}.`);
  }
  if (typeof dryRun !== 'boolean') {
    throw new InvalidEventError(`Field "dryRun" must be true or false; got ${preview(dryRun)}.`);
  }
  return { kind: 'action', action: action as Action, dryRun, targets: chooseTargets(workspaceId, workspaceIds, targets) };
}

/** Every target, one (`workspaceId`) or a list of them (`workspaceIds`, in the configured order). */
function chooseTargets(workspaceId: unknown, workspaceIds: unknown, targets: readonly RotationTarget[]): readonly RotationTarget[] {
  if (workspaceId !== undefined && workspaceIds !== undefined) {
    throw new InvalidEventError('Fields "workspaceId" and "workspaceIds" cannot both be given; use "workspaceIds" for several workspaces.');
  }
  if (workspaceId !== undefined) return [findTarget(workspaceId, 'workspaceId', targets)];
  if (workspaceIds === undefined) return targets;
  if (!Array.isArray(workspaceIds) || workspaceIds.length === 0) {
    throw new InvalidEventError(`Field "workspaceIds" must be a non-empty array of workspace ids; got ${preview(workspaceIds)}.`);
  }
  const chosen = new Set(workspaceIds.map((id: unknown, index) => findTarget(id, `workspaceIds[${index}]`, targets)));
  if (chosen.size !== workspaceIds.length) {
    throw new InvalidEventError('Field "workspaceIds" names a workspace more than once; name each once.');
  }
  return targets.filter((target) => chosen.has(target));
}

function findTarget(workspaceId: unknown, field: string, targets: readonly RotationTarget[]): RotationTarget {
  if (!isWorkspaceId(workspaceId)) {
    throw new InvalidEventError(`Field "${field}" must be a Prolific workspace id (${WORKSPACE_ID_RULE}); got ${preview(workspaceId)}.`);
  }
  const target = targets.find((candidate) => candidate.workspaceId === workspaceId);
  if (!target) {
    throw new InvalidEventError(`Field "${field}" names ${workspaceId}, which is not configured; configured: ${listed(targets)}.`);
  }
  return target;
}

/** The configured workspace ids, the first few of them when there are many (an error message, not a listing). */
function listed(targets: readonly RotationTarget[]): string {
  const shown = targets.slice(0, LISTED_WORKSPACES).map((target) => target.workspaceId);
  return targets.length > LISTED_WORKSPACES ? `${shown.join(', ')} and ${targets.length - LISTED_WORKSPACES} more` : shown.join(', ');
}

const LISTED_WORKSPACES = 10;

// Secrets Manager's own rotation ("Rotate secret immediately") invokes the function once per step.
function parseNativeEvent(fields: Record<string, unknown>, targets: readonly RotationTarget[]): RotationRequest {
  rejectUnknownKeys(fields, NATIVE_KEYS);
  const { Step: step, SecretId: secretId, ClientRequestToken: clientRequestToken } = fields;
  if (typeof step !== 'string' || !(NATIVE_STEPS as readonly string[]).includes(step)) {
    throw new InvalidEventError(`Field "Step" must be one of ${NATIVE_STEPS.join(', ')}; got ${preview(step)}.`);
  }
  const target = targets.find((candidate) => candidate.secretId === secretId);
  if (typeof secretId !== 'string' || !target) {
    throw new InvalidEventError(
      `Field "SecretId" must be the ARN of a configured target secret; got ${preview(secretId)}. ` +
        'Configure targets by secret ARN to use Secrets Manager rotation.',
    );
  }
  if (typeof clientRequestToken !== 'string' || !CLIENT_REQUEST_TOKEN_PATTERN.test(clientRequestToken)) {
    throw new InvalidEventError('Field "ClientRequestToken" must be a version id of 32 to 64 letters, digits or hyphens.');
  }
  return { kind: 'native', step: step as NativeStep, target, clientRequestToken };
}

function rejectUnknownKeys(fields: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(fields).find((key) => !allowed.includes(key));
  if (unknown !== undefined) {
    throw new InvalidEventError(`Field ${preview(unknown)} is not allowed; allowed fields: ${allowed.join(', ')}. Examples: ${EXAMPLES}.`);
  }
}

/** A short, printable rendering of a rejected value: enough to spot the mistake, never a wall of text. */
function preview(value: unknown): string {
  // JSON.stringify gives undefined for undefined, a function or a symbol, whatever its declared type says.
  const json = (JSON.stringify(value) as string | undefined) ?? String(value);
  // JSON leaves invisible, direction-changing and line-breaking characters as they are; they would hide or
  // reorder the message in a console, so they are escaped too. Cut by code point, never inside a pair.
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- code points are the intended unit, as said above
  const characters = [...json.replace(UNPRINTABLE, escapeCodeUnits)];
  return characters.length > 60 ? `${characters.slice(0, 57).join('')}...` : characters.join('');
}

const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

function escapeCodeUnits(text: string): string {
  return text
    .split('')
    .map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .join('');
}

/** The event's length as JSON. Too deep to serialise (a RangeError) means far larger than any allowed event. */
function jsonLength(event: object): number {
  try {
    return JSON.stringify(event).length;
  } catch {
    return Infinity;
  }
}
