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

/**
 * What must be left of the invocation after the POST, and after the GET that settles an unanswered POST:
 * the time to store the new secret, which exists nowhere else, then the report.
 */
export const AFTER_POST_RESERVE_MS = STORE_RESERVE_MS + REPORT_RESERVE_MS;

/**
 * The least time left at which the POST is sent: one request, then what must follow it. The rotation
 * protocol checks it before the POST; the Prolific client starts the POST only with one request's time
 * beyond AFTER_POST_RESERVE_MS, which is the same figure.
 */
export const MIN_TIME_TO_ROTATE_MS = MIN_PROLIFIC_CALL_MS + AFTER_POST_RESERVE_MS;

/** The least time a target is started with: a read of both sides (enough for `status` and `sync`). */
export const MIN_TARGET_START_MS = REPORT_RESERVE_MS + MIN_PROLIFIC_CALL_MS + SECRETS_MANAGER_REQUEST_TIMEOUT_MS;

/** Start-up, reading the API token and writing the report, once per invocation. */
export const INVOCATION_OVERHEAD_MS = 15_000;
