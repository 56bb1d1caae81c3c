import { setTimeout as sleepFor } from 'node:timers/promises';
import { backoffDelayMs, retryAfterMs, type BackoffOptions } from './backoff.js';
import {
  ProlificApiError,
  ProlificAuthenticationError,
  ProlificMalformedResponseError,
  ProlificNotFoundError,
  ProlificRateLimitError,
  ProlificRequestError,
  ProlificServerError,
  ProlificUnavailableError,
} from './errors.js';
import { PROLIFIC_CALL_BUDGET_MS, PROLIFIC_REQUEST_TIMEOUT_MS } from './timing.js';

/** A workspace's webhook signing secret as Prolific returns it. */
export interface ProlificSecret {
  readonly id: string;
  readonly value: string;
  readonly workspaceId: string;
}

export interface ProlificClient {
  /** Prolific's one active secret for the workspace, or undefined if it has none yet. */
  getActiveSecret(workspaceId: string): Promise<ProlificSecret | undefined>;
  /**
   * Replaces the workspace's secret (the old one stops working at once) and returns the new one.
   * `previousSecretId` is the active secret's id before the call (undefined: none); it is how an
   * unanswered POST is settled without ever replacing the secret twice.
   */
  createSecret(workspaceId: string, previousSecretId: string | undefined): Promise<ProlificSecret>;
}

/** Reported before each retry, for logging. Carries no secret. */
export interface ProlificRetryEvent {
  readonly operation: string;
  readonly workspaceId: string;
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: string;
}

export interface ProlificClientOptions {
  readonly baseUrl: string;
  readonly token: string;
  readonly fetch?: typeof fetch;
  /** @default PROLIFIC_REQUEST_TIMEOUT_MS */
  readonly requestTimeoutMs?: number;
  /** Time for one operation, retries included. @default PROLIFIC_CALL_BUDGET_MS */
  readonly callBudgetMs?: number;
  /** @default 5 */
  readonly maxAttempts?: number;
  /** @default { baseDelayMs: 250, maxDelayMs: 4000 } */
  readonly backoff?: BackoffOptions;
  readonly onRetry?: (event: ProlificRetryEvent) => void;
  readonly sleep?: (ms: number) => Promise<unknown>;
  readonly now?: () => number;
  readonly random?: () => number;
}

const SECRETS_PATH = '/api/v1/hooks/secrets/';
const DEFAULTS = {
  requestTimeoutMs: PROLIFIC_REQUEST_TIMEOUT_MS,
  callBudgetMs: PROLIFIC_CALL_BUDGET_MS,
  maxAttempts: 5,
  backoff: { baseDelayMs: 250, maxDelayMs: 4000 },
  fetch: (...args: Parameters<typeof fetch>) => fetch(...args),
  sleep: (ms: number) => sleepFor(ms),
  now: () => Date.now(),
  random: Math.random,
};

/** What one HTTP attempt produced: a complete answer, or none (connection failure, timeout, cut-off body). */
type Attempt =
  | { readonly kind: 'answer'; readonly status: number; readonly headers: Headers; readonly body: string }
  | { readonly kind: 'no-answer'; readonly reason: string; readonly requestSent: boolean; readonly cause: unknown };

export function createProlificClient(clientOptions: ProlificClientOptions): ProlificClient {
  const options = { ...DEFAULTS, ...clientOptions };
  const operationName = (method: string) => `${method} ${SECRETS_PATH}`;

  async function attempt(method: 'GET' | 'POST', workspaceId: string, deadline: number): Promise<Attempt> {
    const url =
      method === 'GET'
        ? `${options.baseUrl}${SECRETS_PATH}?workspace_id=${encodeURIComponent(workspaceId)}`
        : `${options.baseUrl}${SECRETS_PATH}`;
    const timeoutMs = Math.max(1, Math.min(options.requestTimeoutMs, deadline - options.now()));
    let response: Response;
    try {
      response = await options.fetch(url, {
        method,
        headers: {
          Authorization: `Token ${options.token}`,
          Accept: 'application/json',
          ...(method === 'POST' ? { 'Content-Type': 'application/json' } : {}),
        },
        body: method === 'POST' ? JSON.stringify({ workspace_id: workspaceId }) : undefined,
        // A redirect is not something Prolific's API does: answer it as an error rather than follow it
        // (and carry the token) somewhere else.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return { kind: 'no-answer', reason: describeNetworkError(error, timeoutMs), requestSent: !isConnectionRefused(error), cause: error };
    }
    try {
      return { kind: 'answer', status: response.status, headers: response.headers, body: await response.text() };
    } catch (error) {
      return { kind: 'no-answer', reason: `the answer (HTTP ${response.status}) was cut short`, requestSent: true, cause: error };
    }
  }

  /**
   * Runs attempts until one is final, retrying 429, 5xx and missing answers with back-off within the
   * call budget. `settle` may turn a non-final attempt into a result (used to settle an unanswered POST).
   */
  async function withRetries<T>(
    method: 'GET' | 'POST',
    workspaceId: string,
    onAnswer: (status: number, body: string) => Promise<T> | T,
    settle?: (attempt: Attempt) => Promise<T | undefined>,
  ): Promise<T> {
    const deadline = options.now() + options.callBudgetMs;
    for (let attemptNumber = 1; ; attemptNumber++) {
      const result = await attempt(method, workspaceId, deadline);
      if (result.kind === 'answer' && !isRetryableStatus(result.status)) {
        return onAnswer(result.status, result.body);
      }
      const settled = settle ? await settle(result) : undefined;
      if (settled !== undefined) return settled;

      const waitMs =
        (result.kind === 'answer' ? retryAfterMs(result.headers.get('retry-after'), options.now()) : undefined) ??
        backoffDelayMs(attemptNumber - 1, options.backoff, options.random);
      const outOfTime = options.now() + waitMs >= deadline;
      if (attemptNumber >= options.maxAttempts || outOfTime) {
        throw finalError(method, workspaceId, result, attemptNumber, outOfTime ? waitMs : undefined);
      }
      const reason = result.kind === 'answer' ? `HTTP ${result.status}` : result.reason;
      options.onRetry?.({ operation: operationName(method), workspaceId, attempt: attemptNumber, delayMs: waitMs, reason });
      await options.sleep(waitMs);
    }
  }

  function finalError(method: string, workspaceId: string, result: Attempt, attempts: number, refusedWaitMs: number | undefined) {
    const tries = `after ${attempts} attempt${attempts === 1 ? '' : 's'}` +
      (refusedWaitMs === undefined ? '' : ` (the next wait, ${Math.ceil(refusedWaitMs / 1000)} s, would pass the ${options.callBudgetMs / 1000} s budget)`);
    if (result.kind === 'no-answer') {
      return new ProlificUnavailableError(
        `No answer from Prolific (${options.baseUrl}) to ${operationName(method)} for workspace ${workspaceId} ${tries}: ${result.reason}. ` +
          'Check that the function can reach the Prolific API; the next run retries.',
        { cause: result.cause },
      );
    }
    return errorForStatus(method, workspaceId, result.status, result.body, `, ${tries}`);
  }

  function errorForStatus(method: string, workspaceId: string, status: number, body: string, suffix = ''): ProlificApiError {
    const said = `Prolific answered HTTP ${status} to ${operationName(method)} for workspace ${workspaceId}${suffix}: ${describeErrorBody(body, options.token)}.`;
    if (status === 401 || status === 403) {
      return new ProlificAuthenticationError(`${said} The API token was refused: put a current Prolific API token in the token secret.`, status);
    }
    if (status === 404) {
      return new ProlificNotFoundError(
        `${said} The workspace does not exist or the token's account has no access to it: check ROTATION_TARGETS and the token.`,
        status,
      );
    }
    if (status === 429) {
      return new ProlificRateLimitError(`${said} Prolific is rate limiting; the next run retries.`, status);
    }
    if (status >= 500) {
      return new ProlificServerError(`${said} Prolific is failing; the next run retries. Nothing was stored from this call.`, status);
    }
    return new ProlificRequestError(`${said} Prolific refused the request; retrying the same request will not help.`, status);
  }

  function malformed(method: string, workspaceId: string, status: number | undefined, problem: string) {
    return new ProlificMalformedResponseError(
      `Prolific's answer to ${operationName(method)} for workspace ${workspaceId} is not a usable secret: ${problem}. Nothing was stored from it.`,
      status,
    );
  }

  function parseSecret(method: string, workspaceId: string, status: number, candidate: unknown): ProlificSecret {
    if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
      throw malformed(method, workspaceId, status, 'the secret is not a JSON object');
    }
    const { id, value, workspace_id: ownerId } = candidate as Record<string, unknown>;
    if (typeof value !== 'string' || value === '') throw malformed(method, workspaceId, status, 'it has no non-empty string "value"');
    if (typeof id !== 'string' || id === '') throw malformed(method, workspaceId, status, 'it has no non-empty string "id"');
    if (ownerId !== workspaceId) {
      throw malformed(method, workspaceId, status, `it belongs to workspace ${typeof ownerId === 'string' ? ownerId : String(ownerId)}`);
    }
    return { id, value, workspaceId };
  }

  function parseJson(method: string, workspaceId: string, status: number, body: string): unknown {
    try {
      return JSON.parse(body);
    } catch {
      throw malformed(method, workspaceId, status, 'the body is not JSON');
    }
  }

  function readActiveSecret(workspaceId: string, status: number, body: string): ProlificSecret | undefined {
    if (status !== 200) throw errorForStatus('GET', workspaceId, status, body);
    const parsed = parseJson('GET', workspaceId, status, body);
    const results = (parsed as { results?: unknown } | null)?.results;
    if (!Array.isArray(results)) throw malformed('GET', workspaceId, status, 'it has no "results" list');
    const secrets = results.map((candidate) => parseSecret('GET', workspaceId, status, candidate));
    if (secrets.length > 1) throw malformed('GET', workspaceId, status, `it lists ${secrets.length} active secrets, not one`);
    return secrets[0];
  }

  async function getActiveSecret(workspaceId: string): Promise<ProlificSecret | undefined> {
    return withRetries('GET', workspaceId, (status, body) => readActiveSecret(workspaceId, status, body));
  }

  async function createSecret(workspaceId: string, previousSecretId: string | undefined): Promise<ProlificSecret> {
    // A POST without a usable answer may still have replaced the secret. Retrying it blindly would
    // replace it again (and kill the one just made), so ask Prolific which secret is active instead:
    // a new id means the POST took effect and the GET carries its value; the old id means it did not,
    // and the POST may be retried.
    async function findSecretMadeByPost(whatHappened: string): Promise<ProlificSecret | undefined> {
      let active: ProlificSecret | undefined;
      try {
        active = await getActiveSecret(workspaceId);
      } catch (error) {
        throw new ProlificUnavailableError(
          `Prolific may have replaced the secret of workspace ${workspaceId} (its answer to ${operationName('POST')}: ` +
            `${whatHappened}), and the GET that would tell failed. Nothing was stored; run {"action": "sync"} ` +
            "(or wait for the next run) to store Prolific's active secret.",
          { cause: error },
        );
      }
      return active !== undefined && active.id !== previousSecretId ? active : undefined;
    }

    return withRetries(
      'POST',
      workspaceId,
      async (status, body) => {
        if (status < 200 || status > 299) throw errorForStatus('POST', workspaceId, status, body);
        try {
          return parseSecret('POST', workspaceId, status, parseJson('POST', workspaceId, status, body));
        } catch (error) {
          // A 2xx means Prolific did replace the secret, even if its answer is unusable: recover it from the GET.
          const recovered = await findSecretMadeByPost(`HTTP ${status} with an unusable body`);
          if (recovered) return recovered;
          throw error;
        }
      },
      async (result) => {
        if (result.kind === 'answer') {
          return result.status >= 500 ? findSecretMadeByPost(`HTTP ${result.status}`) : undefined; // a 429 never acted
        }
        return result.requestSent ? findSecretMadeByPost(result.reason) : undefined;
      },
    );
  }

  return { getActiveSecret, createSecret };
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

function isConnectionRefused(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return cause?.code === 'ECONNREFUSED';
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return `connection failed (${cause.code})`;
  return `connection failed (${error instanceof Error ? error.message : String(error)})`;
}

/**
 * Prolific's error title and detail, from either error shape (`{"error": {title, detail}}` or
 * `{"detail": ...}`), or a short excerpt of a body that is neither. Only ever called on error answers,
 * which carry no secret; the token is scrubbed in case a proxy echoes request headers.
 */
export function describeErrorBody(body: string, token: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const error = (parsed as { error?: unknown } | undefined)?.error;
  const source = typeof error === 'object' && error !== null ? error : parsed;
  const { title, detail } = (typeof source === 'object' && source !== null ? source : {}) as Record<string, unknown>;
  const parts = [typeof title === 'string' ? title : undefined, detail === undefined ? undefined : renderDetail(detail)].filter(
    (part): part is string => part !== undefined && part !== '',
  );
  const text = parts.length > 0 ? parts.join(': ') : body.trim() === '' ? 'no error details' : `unexpected body "${body}"`;
  return clean(text, token);
}

function renderDetail(detail: unknown): string {
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) return detail.map(String).join('; ');
  if (typeof detail === 'object' && detail !== null) {
    return Object.entries(detail)
      .map(([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.map(String).join(', ') : String(messages)}`)
      .join('; ');
  }
  return String(detail);
}

function clean(text: string, token: string): string {
  const scrubbed = token === '' ? text : text.split(token).join('[redacted]');
  // eslint-disable-next-line no-control-regex
  const flat = scrubbed.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}
