// The rotation function's environment variables and their defaults: the construct sets them, the function
// reads them (config.ts), and the example receiver's variables beside them.

/** The function's environment variables (the construct sets them; `config.ts` reads them). */
export const ENVIRONMENT = {
  /** JSON array `[{"workspaceId": "...", "secretId": "<secret ARN or name>"}]`. */
  targets: 'ROTATION_TARGETS',
  /** ARN or name of the secret whose `SecretString` is the Prolific API token. */
  tokenSecretId: 'PROLIFIC_TOKEN_SECRET_ID',
  /**
   * Instead of `ROTATION_TARGETS`: an SSM Parameter Store path whose String parameters, in name order, each
   * hold a JSON array of targets (a Lambda environment holds 4 KB in all, too little for hundreds).
   */
  targetsParameterPath: 'ROTATION_TARGETS_PARAMETER_PATH',
  /**
   * A fingerprint of the target list the construct wrote to SSM. An execution environment reads the list
   * once; a new list changes this, and with it the function's configuration, so Lambda starts new
   * environments, which read the new one. Logged with each invocation.
   */
  targetsVersion: 'ROTATION_TARGETS_VERSION',
  /** How many workspaces one invocation works on at once (1 to MAX_CONCURRENCY). */
  concurrency: 'ROTATION_CONCURRENCY',
  /** Origin (and optional path prefix) of Prolific's API. */
  prolificApiBaseUrl: 'PROLIFIC_API_BASE_URL',
  /** Powertools' own variables: the service name in logs and metrics, and the metrics namespace. */
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
} as const;

/**
 * Workspaces one invocation works on at once, unless configured: enough that a hundred finish in seconds,
 * few enough that Prolific (which answers 429 under load) is not flooded.
 */
export const DEFAULT_CONCURRENCY = 10;
export const MAX_CONCURRENCY = 50;

export const DEFAULT_PROLIFIC_API_BASE_URL = 'https://api.prolific.com';
export const DEFAULT_SERVICE_NAME = 'prolific-webhook-secret-rotation';
export const DEFAULT_METRICS_NAMESPACE = 'ProlificWebhookSecretRotation';

/** The only hosts the Prolific API base URL may reach over plain http: (local runs and tests). */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * What is wrong with a Prolific API base URL, or undefined when it is acceptable: `https:`, or `http:` on a
 * loopback host, with no credentials, query or fragment.
 */
export function apiBaseUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `is not a URL; expected e.g. ${DEFAULT_PROLIFIC_API_BASE_URL}`;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    return 'must use https: (plain http: is accepted only for 127.0.0.1, localhost or [::1])';
  }
  if (url.username || url.password || url.search || url.hash) {
    return 'must not carry credentials, a query or a fragment';
  }
  return undefined;
}


/** The variables the stack sets on the example receiver (`example-receiver.ts`), which its handler reads. */
export const EXAMPLE_RECEIVER_ENVIRONMENT = {
  /** ARN or name of the workspace's target secret, the one the deliveries are verified with. */
  secretId: 'PROLIFIC_SECRET_ID',
  /** What that secret holds: `json` (the default) or `plain`. */
  secretFormat: 'PROLIFIC_SECRET_FORMAT',
  /** The DynamoDB table in which deliveries are made idempotent on their replay key (Powertools Idempotency). */
  idempotencyTable: 'IDEMPOTENCY_TABLE_NAME',
} as const;
