// The in-process memory of accepted signatures: a replay within its expiry is refused, memory stays capped.
import { describe, expect, it } from 'vitest';
import { createReplayGuard } from '../../../lambda/receiver-kit/replay-guard.js';

describe('createReplayGuard', () => {
  it('sees a key for the first time once, until it expires', () => {
    const guard = createReplayGuard(10);

    expect(guard.firstSighting('a', 1000, 0)).toBe(true);
    expect(guard.firstSighting('a', 1000, 999)).toBe(false);
    expect(guard.firstSighting('a', 2000, 1000)).toBe(true);
  });

  it('holds at most its capacity, dropping expired keys first, then the oldest', () => {
    const guard = createReplayGuard(2);
    guard.firstSighting('expires-soon', 10, 0);
    guard.firstSighting('kept', 1000, 0);

    guard.firstSighting('new', 1000, 20);
    const keptAfterExpiredDropped = !guard.firstSighting('kept', 1000, 20);
    guard.firstSighting('newer', 1000, 30);

    expect(keptAfterExpiredDropped).toBe(true);
    expect(guard.firstSighting('newer', 1000, 30)).toBe(false);
    // 'kept' was the oldest when 'newer' needed room.
    expect(guard.firstSighting('kept', 1000, 30)).toBe(true);
  });

  it('forgets a key it is told to, so that a copy is first seen again', () => {
    const guard = createReplayGuard(10);
    guard.firstSighting('a', 1000, 0);

    guard.forget('a');

    expect(guard.firstSighting('a', 1000, 1)).toBe(true);
  });
});
