// Pure helpers for retrying over HTTP: how long to wait before the next attempt.

export interface BackoffOptions {
  /** Delay cap for the first retry; doubles with each attempt. */
  readonly baseDelayMs: number;
  /** No single wait is longer than this. */
  readonly maxDelayMs: number;
}

/**
 * Exponential back-off with "full jitter" (a random wait between 0 and the capped exponential),
 * which spreads retries from many clients best. `attempt` counts from 0 for the first retry.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/** A `Retry-After` header (delay in seconds, or an HTTP date) as milliseconds from now; undefined if absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
