// Time budgets, shared by the function (how long it waits) and the CDK construct (how long the Lambda
// timeout must be). Worst cases include every retry, so a run is never cut off half-way by its own timeout.

/** How long one HTTP request to Prolific may take before it is aborted. */
export const PROLIFIC_REQUEST_TIMEOUT_MS = 5_000;

/** How long one Prolific operation (a GET or a POST) may take, retries and back-off included. */
export const PROLIFIC_CALL_BUDGET_MS = 15_000;

/** How long one Secrets Manager request may take before the SDK abandons it (and retries it). */
export const SECRETS_MANAGER_REQUEST_TIMEOUT_MS = 5_000;

/**
 * Worst case for one target: up to four Prolific operations (resume/reconcile GET, POST, the GET that
 * settles an unanswered POST, the confirming GET) plus Secrets Manager calls with the SDK's retries.
 */
export const TARGET_TIME_BUDGET_MS = 4 * PROLIFIC_CALL_BUDGET_MS + 15_000;

/** Start-up, reading the API token and writing the report, once per invocation. */
export const INVOCATION_OVERHEAD_MS = 15_000;
