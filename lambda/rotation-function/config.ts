import {
  apiBaseUrlProblem,
  DEFAULT_CONCURRENCY,
  DEFAULT_PROLIFIC_API_BASE_URL,
  ENVIRONMENT,
  MAX_CONCURRENCY,
} from '../contract/environment.js';
import { firstRepeated, firstRepeatedWorkspaceId, isWorkspaceId, secretConflicts, WORKSPACE_ID_RULE } from '../contract/workspaces.js';
import { ConfigurationError } from './errors.js';
import type { RotationTarget } from './rotation/types.js';
import { SECRET_FORMATS, type SecretFormat } from '../contract/secret-formats.js';

/** The function's configuration, parsed once from its environment. */
export interface RotationConfig {
  readonly targets: readonly RotationTarget[];
  readonly tokenSecretId: string;
  /** Origin (and optional path prefix) of Prolific's API, without a trailing slash. */
  readonly prolificApiBaseUrl: string;
  /** How many targets an invocation works on at once. */
  readonly concurrency: number;
  /** The fingerprint of the target list the construct wrote, when it set one. */
  readonly targetsVersion?: string;
}

/** One String parameter that holds part of the target list (a JSON array). */
export interface TargetParameter {
  readonly name: string;
  readonly value: string;
}

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads and validates the function's environment variables; the first problem found is thrown, naming the
 * variable. When the targets live in SSM (`targetsParameterPath(env)`), `parameters` are the values read there.
 */
export function parseConfig(env: Environment, parameters?: readonly TargetParameter[]): RotationConfig {
  const path = targetsParameterPath(env);
  const targets = path === undefined ? parseTargets(required(env, ENVIRONMENT.targets)) : parseParameterTargets(path, parameters ?? []);
  const tokenSecretId = required(env, ENVIRONMENT.tokenSecretId);
  const targetsVersion = optional(env, ENVIRONMENT.targetsVersion);
  // A run would store a webhook secret over the API token, and every later run would fail on the token. Here
  // by the ids as written (each appears once); secret-arns.ts compares them again by ARN before anything is written.
  const tokenTarget = secretConflicts(targets, (target) => target.secretId, tokenSecretId).find(({ kind }) => kind === 'token-secret');
  if (tokenTarget !== undefined) {
    throw new ConfigurationError(
      `The secretId of workspace ${tokenTarget.workspaceId} is the token secret (${ENVIRONMENT.tokenSecretId}); ` +
        'each workspace needs a secret of its own, or rotating would overwrite the API token.',
    );
  }
  return {
    targets,
    tokenSecretId,
    prolificApiBaseUrl: parseBaseUrl(optional(env, ENVIRONMENT.prolificApiBaseUrl) ?? DEFAULT_PROLIFIC_API_BASE_URL),
    concurrency: parseConcurrency(optional(env, ENVIRONMENT.concurrency)),
    ...(targetsVersion === undefined ? {} : { targetsVersion }),
  };
}

/** Where the targets live when not in the environment itself: an SSM parameter path; undefined otherwise. */
export function targetsParameterPath(env: Environment): string | undefined {
  const path = optional(env, ENVIRONMENT.targetsParameterPath);
  if (path === undefined) return undefined;
  if (optional(env, ENVIRONMENT.targets) !== undefined) {
    throw new ConfigurationError(
      `Environment variables ${ENVIRONMENT.targets} and ${ENVIRONMENT.targetsParameterPath} are both set; ` +
        'set one, so there is one list of targets.',
    );
  }
  if (!PARAMETER_PATH.test(path)) {
    throw new ConfigurationError(
      `Environment variable ${ENVIRONMENT.targetsParameterPath} must be an SSM parameter path such as /my-stack/rotation-targets.`,
    );
  }
  return path;
}

const PARAMETER_PATH = /^(\/[A-Za-z0-9_.-]+)+$/;

function required(env: Environment, name: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new ConfigurationError(`Environment variable ${name} is required.`);
  return value;
}

/** A variable's value without surrounding white space; undefined when unset or blank. */
function optional(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

const TARGETS_SHAPE = 'a JSON array like [{"workspaceId": "<Prolific workspace id>", "secretId": "<secret ARN or name>"}]';

function parseTargets(raw: string): RotationTarget[] {
  const where = `Environment variable ${ENVIRONMENT.targets}`;
  return checkedTargets(parseTargetArray(raw, where), where);
}

/** The parameters under the path, in name order, each hold a JSON array; together they are the target list. */
function parseParameterTargets(path: string, parameters: readonly TargetParameter[]): RotationTarget[] {
  const where = `The targets under SSM path ${path}`;
  if (parameters.length === 0) {
    throw new ConfigurationError(
      `${where} (${ENVIRONMENT.targetsParameterPath}) are missing: no parameter was found there. Deploy the stack again, ` +
        'or point the variable at the path the stack wrote.',
    );
  }
  const entries = parameters.flatMap(({ name, value }) => parseTargetArray(value, `SSM parameter ${name}`));
  return checkedTargets(entries, where);
}

function parseTargetArray(raw: string, where: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigurationError(`${where} is not valid JSON; expected ${TARGETS_SHAPE}.`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new ConfigurationError(`${where} must be ${TARGETS_SHAPE}, with at least one entry.`);
  }
  return parsed;
}

function checkedTargets(entries: readonly unknown[], where: string): RotationTarget[] {
  const targets = entries.map((entry, index) => parseTarget(entry, `${where}[${index}]`));
  rejectRepeatedWorkspaces(targets.map((target) => target.workspaceId), where);
  rejectRepeated(targets.map((target) => target.secretId), 'secretId', where);
  return targets;
}

function parseTarget(entry: unknown, where: string): RotationTarget {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new ConfigurationError(`${where} must be an object; expected ${TARGETS_SHAPE}.`);
  }
  const { workspaceId, secretId, format = 'json' } = entry as Record<string, unknown>;
  if (!isWorkspaceId(workspaceId)) {
    throw new ConfigurationError(
      `${where}.workspaceId must be a Prolific workspace id (${WORKSPACE_ID_RULE}).`,
    );
  }
  if (typeof secretId !== 'string' || secretId.trim() === '' || secretId.length > 2048) {
    throw new ConfigurationError(`${where}.secretId must be the ARN or name of a Secrets Manager secret.`);
  }
  if (typeof format !== 'string' || !(SECRET_FORMATS as readonly string[]).includes(format)) {
    throw new ConfigurationError(
      `${where}.format must be one of ${SECRET_FORMATS.join(', ')} (json: the JSON shape receivers read ` +
        'the key "value" of; plain: the bare signing secret).',
    );
  }
  return { workspaceId, secretId: secretId.trim(), format: format as SecretFormat };
}

function rejectRepeated(values: readonly string[], field: string, where: string): void {
  const repeated = firstRepeated(values);
  if (repeated !== undefined) throw new ConfigurationError(`${where} lists ${field} ${repeated} more than once; each must appear once.`);
}

function rejectRepeatedWorkspaces(workspaceIds: readonly string[], where: string): void {
  const repeated = firstRepeatedWorkspaceId(workspaceIds);
  if (repeated === undefined) return;
  const listed =
    repeated.id === repeated.earlier
      ? `workspaceId ${repeated.id} more than once`
      : `workspaceIds ${repeated.earlier} and ${repeated.id}, which differ only in letter case and so name one workspace`;
  throw new ConfigurationError(`${where} lists ${listed}; each must appear once.`);
}

function parseConcurrency(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_CONCURRENCY;
  const concurrency = Number(raw);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new ConfigurationError(
      `Environment variable ${ENVIRONMENT.concurrency} must be a whole number from 1 to ${MAX_CONCURRENCY}; got ${JSON.stringify(raw)}.`,
    );
  }
  return concurrency;
}

function parseBaseUrl(raw: string): string {
  const problem = apiBaseUrlProblem(raw);
  if (problem !== undefined) throw new ConfigurationError(`Environment variable ${ENVIRONMENT.prolificApiBaseUrl} ${problem}.`);
  const url = new URL(raw);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
