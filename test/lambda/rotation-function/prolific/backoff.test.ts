import { describe, expect, it } from 'vitest';
import { backoffDelayMs, retryAfterMs } from '../../../../lambda/rotation-function/prolific/backoff.js';

describe('back-off', () => {
  it('caps the exponential ceiling and scales it by the random draw', () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, options, () => 0.999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelayMs(3, options, () => 0)).toBe(0);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-26T12:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('Thu, 26 Nov 2026 12:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
