import { apiBaseUrlProblem, DEFAULT_PROLIFIC_API_BASE_URL, ENVIRONMENT, WORKSPACE_ID_PATTERN, WORKSPACE_ID_RULE } from './contract.js';
import { ConfigurationError } from './errors.js';
import type { RotationTarget } from './rotation/types.js';
import { SECRET_FORMATS, type SecretFormat } from './secrets/stored-secret.js';

/** The function's configuration, parsed once from its environment. */
export interface RotationConfig {
  readonly targets: readonly RotationTarget[];
  readonly tokenSecretId: string;
  /** Origin (and optional path prefix) of Prolific's API, without a trailing slash. */
  readonly prolificApiBaseUrl: string;
}

/** Reads and validates the function's environment variables; the first problem found is thrown, naming the variable. */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): RotationConfig {
  const targets = parseTargets(required(env, ENVIRONMENT.targets));
  const tokenSecretId = required(env, ENVIRONMENT.tokenSecretId);
  // A run would store a webhook secret over the API token, and every later run would fail on the token.
  const tokenIndex = targets.findIndex((target) => target.secretId === tokenSecretId);
  if (tokenIndex >= 0) {
    throw new ConfigurationError(
      `Environment variable ${ENVIRONMENT.targets}[${tokenIndex}].secretId is the token secret (${ENVIRONMENT.tokenSecretId}); ` +
        'each workspace needs a secret of its own, or rotating would overwrite the API token.',
    );
  }
  return {
    targets,
    tokenSecretId,
    prolificApiBaseUrl: parseBaseUrl(env[ENVIRONMENT.prolificApiBaseUrl]?.trim() || DEFAULT_PROLIFIC_API_BASE_URL),
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
    throw new ConfigurationError(`Environment variable ${ENVIRONMENT.targets} is not valid JSON; expected ${TARGETS_SHAPE}.`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new ConfigurationError(`Environment variable ${ENVIRONMENT.targets} must be ${TARGETS_SHAPE}, with at least one entry.`);
  }
  const targets = parsed.map((entry: unknown, index) => parseTarget(entry, index));
  rejectDuplicates(targets.map((target) => target.workspaceId), 'workspaceId');
  rejectDuplicates(targets.map((target) => target.secretId), 'secretId');
  return targets;
}

function parseTarget(entry: unknown, index: number): RotationTarget {
  const where = `${ENVIRONMENT.targets}[${index}]`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new ConfigurationError(`Environment variable ${where} must be an object; expected ${TARGETS_SHAPE}.`);
  }
  const { workspaceId, secretId, format = 'json' } = entry as Record<string, unknown>;
  if (typeof workspaceId !== 'string' || !WORKSPACE_ID_PATTERN.test(workspaceId)) {
    throw new ConfigurationError(
      `Environment variable ${where}.workspaceId must be a Prolific workspace id (${WORKSPACE_ID_RULE}).`,
    );
  }
  if (typeof secretId !== 'string' || secretId.trim() === '' || secretId.length > 2048) {
    throw new ConfigurationError(`Environment variable ${where}.secretId must be the ARN or name of a Secrets Manager secret.`);
  }
  if (typeof format !== 'string' || !(SECRET_FORMATS as readonly string[]).includes(format)) {
    throw new ConfigurationError(
      `Environment variable ${where}.format must be one of ${SECRET_FORMATS.join(', ')} (json: the JSON shape receivers read ` +
        'the key "value" of; plain: the bare signing secret).',
    );
  }
  return { workspaceId, secretId: secretId.trim(), format: format as SecretFormat };
}

function rejectDuplicates(values: string[], field: string): void {
  const duplicate = values.find((value, index) => values.indexOf(value) !== index);
  if (duplicate !== undefined) {
    throw new ConfigurationError(`Environment variable ${ENVIRONMENT.targets} lists ${field} ${duplicate} more than once; each must appear once.`);
  }
}

function parseBaseUrl(raw: string): string {
  const problem = apiBaseUrlProblem(raw);
  if (problem !== undefined) throw new ConfigurationError(`Environment variable ${ENVIRONMENT.prolificApiBaseUrl} ${problem}.`);
  const url = new URL(raw);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
