// Options for the function's Prolific client in tests, chosen so that no outcome depends on how fast
// the machine is. The client never sleeps between retries, its clock stands still (so a call runs out of
// budget only when one wait alone would pass it, never because earlier attempts were slow), and a
// request times out exactly when the Prolific stand-in hangs it, never because an answer was slow.
import type { HandlerDependencies } from '../../lambda/rotation-function/handler.js';
import { HANG_MARKER_HEADER } from '../../local/standins/prolific.js';

/** What the client reports for a hung request: "no answer within 300 ms". */
export const REQUEST_TIMEOUT_MS = 300;

/**
 * Prolific client options for a handler whose Prolific stand-in runs with `markHangs`. `send` is the
 * fetch underneath (default: the global one).
 */
export function clocklessProlific(send: typeof fetch = fetch): NonNullable<HandlerDependencies['prolific']> {
  return {
    sleep: () => Promise.resolve(),
    now: () => 0,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    callBudgetMs: 2_000,
    fetch: timeOutHungRequests(send),
  };
}

/**
 * A fetch that drops the client's timeout signal and instead fails the way that timeout would
 * (a TimeoutError) when, and only when, the stand-in answers with its hang marker.
 */
export function timeOutHungRequests(send: typeof fetch): typeof fetch {
  return async function fetchUntilHung(input, init) {
    const response = await send(input, { ...init, signal: null });
    if (response.headers.has(HANG_MARKER_HEADER)) {
      await response.arrayBuffer();
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    }
    return response;
  };
}
