// One Prolific operation over HTTP: the request with the token, a timeout per attempt, and retries with
// back-off on 429, 5xx and missing answers within a time budget for the whole operation. An answer
// over MAX_ANSWER_BYTES is refused, never retried.
import { DeadlineError, ProlificUnavailableError } from '../errors.js';
import { ProlificAnswerTooLargeError, readBodyWithinLimit, tooLargeReason } from './answer-body.js';
import { backoffDelayMs, retryAfterMs, type BackoffOptions } from './backoff.js';
import { statusError, type Answer, type ProlificRequest } from './responses.js';
import type { ProlificRetryEvent } from './types.js';

export interface TransportOptions {
  readonly baseUrl: string;
  readonly token: string;
  readonly fetch: typeof fetch;
  readonly requestTimeoutMs: number;
  /** Time for one operation, retries included. */
  readonly callBudgetMs: number;
  readonly maxAttempts: number;
  readonly backoff: BackoffOptions;
  readonly onRetry?: (event: ProlificRetryEvent) => void;
  readonly sleep: (ms: number) => Promise<unknown>;
  readonly now: () => number;
  readonly random: () => number;
  /** Milliseconds the invocation has left; each operation ends early enough to leave its reserve. */
  readonly timeLeftMs: () => number;
}

/**
 * What one HTTP attempt produced: a complete answer, or none (connection failure, timeout, cut-off body,
 * or a body over the size limit, whose `cause` is then a ProlificAnswerTooLargeError).
 */
export type Attempt =
  | ({ readonly kind: 'answer' } & Answer)
  | { readonly kind: 'no-answer'; readonly reason: string; readonly requestSent: boolean; readonly cause: unknown };

export interface Transport {
  /**
   * Runs attempts until one is final, retrying 429, 5xx and missing answers with back-off within the
   * call budget. `settle` may turn a non-final attempt into a result (used to settle an unanswered POST).
   */
  send<T>(
    request: ProlificRequest,
    onAnswer: (answer: Answer) => Promise<T> | T,
    options: { readonly reserveMs: number; readonly settle?: (attempt: Attempt) => Promise<T | undefined> },
  ): Promise<T>;
}

export function operationName(request: ProlificRequest): string {
  return `${request.method} ${request.path}`;
}

export function createTransport(options: TransportOptions): Transport {
  async function send<T>(
    request: ProlificRequest,
    onAnswer: (answer: Answer) => Promise<T> | T,
    { reserveMs, settle }: { readonly reserveMs: number; readonly settle?: (attempt: Attempt) => Promise<T | undefined> },
  ): Promise<T> {
    const callBudgetMs = budgetMs(options, request, reserveMs);
    const deadline = options.now() + callBudgetMs;
    for (let attemptNumber = 1; ; attemptNumber++) {
      const result = await attempt(options, request, deadline);
      if (result.kind === 'answer' && !isRetryableStatus(result.status)) return onAnswer(result);
      const settled = settle ? await settle(result) : undefined;
      if (settled !== undefined) return settled;
      if (result.kind === 'no-answer' && result.cause instanceof ProlificAnswerTooLargeError) throw result.cause;

      const waitMs =
        (result.kind === 'answer' ? retryAfterMs(result.headers.get('retry-after'), options.now()) : undefined) ??
        backoffDelayMs(attemptNumber - 1, options.backoff, options.random);
      const outOfTime = options.now() + waitMs >= deadline;
      if (attemptNumber >= options.maxAttempts || outOfTime) {
        throw finalError(result, attemptNumber, outOfTime ? waitMs : undefined);
      }
      const reason = result.kind === 'answer' ? `HTTP ${result.status}` : result.reason;
      const { workspaceId } = request;
      options.onRetry?.({ operation: operationName(request), workspaceId, attempt: attemptNumber, delayMs: waitMs, reason });
      await options.sleep(waitMs);
    }

    function finalError(result: Attempt, attempts: number, refusedWaitMs: number | undefined): Error {
      const tries =
        `after ${attempts} attempt${attempts === 1 ? '' : 's'}` +
        (refusedWaitMs === undefined
          ? ''
          : ` (the next wait, ${Math.ceil(refusedWaitMs / 1000)} s, would pass the ${Math.round(callBudgetMs / 1000)} s budget)`);
      if (result.kind === 'answer') return statusError(result, options.token, `, ${tries}`);
      return new ProlificUnavailableError(
        `No answer from Prolific (${options.baseUrl}) to ${operationName(request)} ${tries}: ` +
          `${result.reason}. Check that the function can reach the Prolific API; the next run retries.`,
        { cause: result.cause },
      );
    }
  }

  return { send };
}

/** One HTTP request with the token and a timeout that ends by `deadline`. */
async function attempt(options: TransportOptions, request: ProlificRequest, deadline: number): Promise<Attempt> {
  const url = new URL(`${options.baseUrl}${request.path}`);
  for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
  const timeoutMs = Math.max(1, Math.min(options.requestTimeoutMs, deadline - options.now()));
  let response: Response;
  try {
    response = await options.fetch(url, {
      method: request.method,
      headers: {
        Authorization: `Token ${options.token}`,
        Accept: 'application/json',
        ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      // A redirect is not something Prolific's API does: answer it as an error rather than follow it
      // (and carry the token) somewhere else.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { kind: 'no-answer', reason: describeNetworkError(error, timeoutMs), requestSent: !isConnectionRefused(error), cause: error };
  }
  try {
    const body = await readBodyWithinLimit(response);
    if (body !== undefined) return { kind: 'answer', request, status: response.status, headers: response.headers, body };
    const cause = new ProlificAnswerTooLargeError(operationName(request), response.status);
    return { kind: 'no-answer', reason: tooLargeReason(response.status), requestSent: true, cause };
  } catch (error) {
    return { kind: 'no-answer', reason: `the answer (HTTP ${response.status}) was cut short`, requestSent: true, cause: error };
  }
}

/**
 * The operation's budget: its own, cut short so that `reserveMs` of the invocation is left after it, and
 * never less than one request's timeout (an operation that cannot wait for one answer is not started).
 */
function budgetMs(options: TransportOptions, request: ProlificRequest, reserveMs: number): number {
  const left = options.timeLeftMs() - reserveMs;
  const budget = Math.min(options.callBudgetMs, left);
  if (left >= Math.min(options.requestTimeoutMs, options.callBudgetMs)) return budget;
  throw new DeadlineError(
    `${operationName(request)} was not sent: too little of the invocation was left ` +
      `(${Math.max(0, Math.floor(budget / 1000))} s after keeping ${reserveMs / 1000} s for what follows). Raise the function timeout.`,
  );
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
