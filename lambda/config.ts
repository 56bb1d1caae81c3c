import { ConfigurationError } from './errors.js';

/** One Prolific workspace whose signing secret is kept in one Secrets Manager secret. */
export interface RotationTarget {
  readonly workspaceId: string;
  /** ARN or name of the target secret. */
  readonly secretId: string;
}

/** The function's configuration, parsed once from its environment. */
export interface RotationConfig {
  readonly targets: readonly RotationTarget[];
  readonly tokenSecretId: string;
  /** Origin (and optional path prefix) of Prolific's API, without a trailing slash. */
  readonly prolificApiBaseUrl: string;
}

export const DEFAULT_PROLIFIC_API_BASE_URL = 'https://api.prolific.com';

/** Prolific ids are 24 hex characters; this looser set still refuses typos, paths and injection. */
export const WORKSPACE_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** The only hosts the Prolific API base URL may reach over plain http: (local runs and tests). */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Reads and validates the environment variables of DESIGN.md; the first problem found is thrown, naming the variable. */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): RotationConfig {
  const targets = parseTargets(required(env, 'ROTATION_TARGETS'));
  const tokenSecretId = required(env, 'PROLIFIC_TOKEN_SECRET_ID');
  // A run would store a webhook secret over the API token, and every later run would fail on the token.
  const tokenIndex = targets.findIndex((target) => target.secretId === tokenSecretId);
  if (tokenIndex >= 0) {
    throw new ConfigurationError(
      `Environment variable ROTATION_TARGETS[${tokenIndex}].secretId is the token secret (PROLIFIC_TOKEN_SECRET_ID); ` +
        'each workspace needs a secret of its own, or rotating would overwrite the API token.',
    );
  }
  return {
    targets,
    tokenSecretId,
    prolificApiBaseUrl: parseBaseUrl(env['PROLIFIC_API_BASE_URL']?.trim() || DEFAULT_PROLIFIC_API_BASE_URL),
  };
}

function required(env: Readonly<Record<string, string | undefined>>, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigurationError(`Environment variable ${name} is required.`);
  return value;
}

const TARGETS_SHAPE = 'a JSON array like [{"workspaceId": "<Prolific workspace id>", "secretId": "<secret ARN or name>"}]';

function parseTargets(raw: string): RotationTarget[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigurationError(`Environment variable ROTATION_TARGETS is not valid JSON; expected ${TARGETS_SHAPE}.`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new ConfigurationError(`Environment variable ROTATION_TARGETS must be ${TARGETS_SHAPE}, with at least one entry.`);
  }
  const targets = parsed.map((entry: unknown, index) => parseTarget(entry, index));
  rejectDuplicates(targets.map((target) => target.workspaceId), 'workspaceId');
  rejectDuplicates(targets.map((target) => target.secretId), 'secretId');
  return targets;
}

function parseTarget(entry: unknown, index: number): RotationTarget {
  const where = `ROTATION_TARGETS[${index}]`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new ConfigurationError(`Environment variable ${where} must be an object; expected ${TARGETS_SHAPE}.`);
  }
  const { workspaceId, secretId } = entry as Record<string, unknown>;
  if (typeof workspaceId !== 'string' || !WORKSPACE_ID_PATTERN.test(workspaceId)) {
    throw new ConfigurationError(
      `Environment variable ${where}.workspaceId must be a Prolific workspace id (letters, digits, '-' or '_', 1 to 128 characters).`,
    );
  }
  if (typeof secretId !== 'string' || secretId.trim() === '' || secretId.length > 2048) {
    throw new ConfigurationError(`Environment variable ${where}.secretId must be the ARN or name of a Secrets Manager secret.`);
  }
  return { workspaceId, secretId: secretId.trim() };
}

function rejectDuplicates(values: string[], field: string): void {
  const duplicate = values.find((value, index) => values.indexOf(value) !== index);
  if (duplicate !== undefined) {
    throw new ConfigurationError(`Environment variable ROTATION_TARGETS lists ${field} ${duplicate} more than once; each must appear once.`);
  }
}

function parseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigurationError(`Environment variable PROLIFIC_API_BASE_URL is not a URL; expected e.g. ${DEFAULT_PROLIFIC_API_BASE_URL}.`);
  }
  const isLoopback = LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback)) {
    throw new ConfigurationError(
      'Environment variable PROLIFIC_API_BASE_URL must use https: (plain http: is accepted only for 127.0.0.1, localhost or [::1]).',
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigurationError('Environment variable PROLIFIC_API_BASE_URL must not carry credentials, a query or a fragment.');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
