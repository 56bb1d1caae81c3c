// The words the rotation function and its infrastructure share. The CDK construct imports this module
// (and nothing else from lambda/), so a name, a default or a budget is written once and both sides agree.

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

/** The stack `cdk deploy` creates, and where the command line looks for the function by default. */
export const STACK_NAME = 'ProlificWebhookSecretRotation';
/** Stack outputs the command line reads. */
export const STACK_OUTPUTS = {
  /** The rotation function's name. */
  functionName: 'FunctionName',
} as const;

export const DEFAULT_PROLIFIC_API_BASE_URL = 'https://api.prolific.com';
export const DEFAULT_SERVICE_NAME = 'prolific-webhook-secret-rotation';
export const DEFAULT_METRICS_NAMESPACE = 'ProlificWebhookSecretRotation';

/** Prolific ids are 24 hex characters; this looser set still refuses typos, paths and injection. */
export const WORKSPACE_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
/** The rule above in words, for error messages. */
export const WORKSPACE_ID_RULE = `1 to 128 letters, digits, "-" or "_"`;

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

/**
 * What a token secret created by the construct holds until a person puts the real token in it. The
 * function refuses to call Prolific with it. Never change this text: CloudFormation would overwrite the
 * live token with the new text on the next deployment.
 */
export const API_TOKEN_PLACEHOLDER = 'REPLACE-WITH-YOUR-PROLIFIC-API-TOKEN';

/**
 * What a target secret created by the construct holds until the function's first run heals it from
 * Prolific (anything that is not the stored JSON shape counts as drift). Never change this text:
 * CloudFormation would overwrite the stored value, the live signing secret, on the next deployment.
 */
export const TARGET_SECRET_PLACEHOLDER = 'Not synced yet: run the rotation function with {"action":"sync"}.';

/**
 * What a target secret's SecretString holds: `json` (the default), `{"id", "value", "workspace_id",
 * "rotated_at"}` that receivers read the key `value` of; or `plain`, the bare signing secret, for adopted
 * secrets whose readers expect exactly that.
 */
export const SECRET_FORMATS = ['json', 'plain'] as const;
export type SecretFormat = (typeof SECRET_FORMATS)[number];

/** The variables the stack sets on the example receiver (`example-receiver.ts`), which its handler reads. */
export const EXAMPLE_RECEIVER_ENVIRONMENT = {
  /** ARN or name of the workspace's target secret, the one the deliveries are verified with. */
  secretId: 'PROLIFIC_SECRET_ID',
  /** What that secret holds: `json` (the default) or `plain`. */
  secretFormat: 'PROLIFIC_SECRET_FORMAT',
} as const;

/** The events the construct's schedules send. */
export const SCHEDULED_ROTATION_EVENT = { action: 'rotate' } as const;
/**
 * The daily heartbeat: a sync, so drift (a rotation in the Prolific app, a POST Prolific completed after
 * the client gave up) is repaired within a day without a POST, and each workspace's age and delivery
 * health are reported, so staleness, drift and failing deliveries can alarm.
 */
export const HEARTBEAT_EVENT = { action: 'sync' } as const;
export const DEFAULT_ROTATION_INTERVAL_DAYS = 30;

/** The metrics the function emits (one value per workspace, dimension `workspace_id`) and the alarms watch. */
export const METRIC_NAMES = {
  rotationSucceeded: 'RotationSucceeded',
  targetFailed: 'TargetFailed',
  secondsSinceLastRotation: 'SecondsSinceLastRotation',
  /** 1 when a run found no version labelled AWSCURRENT: receivers have no key at all until it is repaired. */
  currentVersionMissing: 'CurrentVersionMissing',
  /** 1 when a run stored Prolific's active secret over another secret: something outside the schedule changed it. */
  driftHealed: 'DriftHealed',
  /** Disabled webhook subscriptions of the workspace (Prolific disables one after 5 days of failed deliveries). */
  subscriptionsDisabled: 'SubscriptionsDisabled',
  /** Deliveries created since the current secret was rotated in that failed. */
  deliveriesFailedSinceRotation: 'DeliveriesFailedSinceRotation',
  /** 1 when delivery health could not be read from Prolific. */
  deliveryHealthUnknown: 'DeliveryHealthUnknown',
  /** 1 when the rotation event for receivers could not be put on the event bus. */
  rotationEventFailed: 'RotationEventFailed',
} as const;

/**
 * The event put on the account's default EventBridge bus after every run that changed a workspace's
 * AWSCURRENT (rotated, healed, resumed), so receivers that cache the secret can refresh. Never a value.
 */
export const ROTATION_EVENT = {
  source: 'prolific.webhook-secret-rotation',
  detailType: 'Webhook Signing Secret Changed',
} as const;
export const WORKSPACE_DIMENSION = 'workspace_id';
/** Powertools adds this dimension to every metric, with the service name as its value. */
export const SERVICE_DIMENSION = 'service';

// Time budgets: the function waits no longer than these, and the construct sizes the Lambda timeout
// from them. Worst cases include every retry, so a run is never cut off half-way by its own timeout.

/** How long one HTTP request to Prolific may take before it is aborted. */
export const PROLIFIC_REQUEST_TIMEOUT_MS = 5_000;

/** How long one Prolific operation (a GET or a POST) may take, retries and back-off included. */
export const PROLIFIC_CALL_BUDGET_MS = 15_000;

/** How long one Secrets Manager request may take before the SDK abandons it (and retries it). */
export const SECRETS_MANAGER_REQUEST_TIMEOUT_MS = 5_000;

/**
 * What the construct allows one target when it sizes the function timeout: four Prolific operations at
 * their full budget (a GET, the POST, the GET that settles an unanswered POST, a confirming GET) plus
 * Secrets Manager calls with the SDK's retries. The function itself cuts every call to the time it has
 * left (below), so a slower run fails a step with DeadlineError rather than being cut off half-way, and a
 * shorter timeout still does the work that fits.
 */
export const TARGET_TIME_BUDGET_MS = 4 * PROLIFIC_CALL_BUDGET_MS + 15_000;

/** Kept back at the end of an invocation to log, publish metrics and return the report. */
export const REPORT_RESERVE_MS = 2_000;

/** The least time a Prolific operation is started with: one request's timeout. */
export const MIN_PROLIFIC_CALL_MS = PROLIFIC_REQUEST_TIMEOUT_MS;

/**
 * Kept back when the POST is sent, to store its answer: the write, the confirming GETs and the label
 * moves, with a retry each. A POST is only sent when this much is left after it.
 */
export const STORE_RESERVE_MS = 20_000;

/** The least time a target is started with: a read of both sides (enough for `status` and `sync`). */
export const MIN_TARGET_START_MS = REPORT_RESERVE_MS + MIN_PROLIFIC_CALL_MS + SECRETS_MANAGER_REQUEST_TIMEOUT_MS;

/** Start-up, reading the API token and writing the report, once per invocation. */
export const INVOCATION_OVERHEAD_MS = 15_000;

/**
 * The largest event the function accepts, as JSON (`lambda/rotation-function/invocation-event.ts` refuses larger ones before looking
 * inside). The construct sizes the batches its schedules send (`{"action": ..., "workspaceIds": [...]}`) to fit.
 */
export const MAX_EVENT_BYTES = 8192;
