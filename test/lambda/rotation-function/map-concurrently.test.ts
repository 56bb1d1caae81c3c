// Bounded concurrency: at most `limit` items at once, results in the items' order.
import { describe, expect, it } from 'vitest';
import { mapConcurrently } from '../../../lambda/rotation-function/map-concurrently.js';

describe('mapConcurrently', () => {
  it('mapConcurrently never runs more than the limit at once, and keeps the order of the items', async () => {
    let running = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const work = async (item: number) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => releases.push(resolve));
      running -= 1;
      return item * 10;
    };

    const all = mapConcurrently([1, 2, 3, 4, 5], 2, work);
    // Release the waiting items one at a time, last started first: the results still come back in order.
    while (releases.length > 0 || running > 0) {
      await Promise.resolve();
      releases.pop()?.();
    }

    expect(await all).toEqual([10, 20, 30, 40, 50]);
    expect(most).toBe(2);
  });

  it('works on each item exactly once, with fewer items than the limit', async () => {
    const seen: string[] = [];

    const results = await mapConcurrently(['a', 'b'], 10, (item) => {
      seen.push(item);
      return Promise.resolve(item.toUpperCase());
    });

    expect(results).toEqual(['A', 'B']);
    expect(seen.sort()).toEqual(['a', 'b']);
  });

  it('gives an empty list for no items, without calling the work', async () => {
    let calls = 0;

    expect(await mapConcurrently([], 3, () => Promise.resolve((calls += 1)))).toEqual([]);
    expect(calls).toBe(0);
  });

  it('lets a slow item hold up only its own slot: the others go on taking the next items', async () => {
    let releaseSlow: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    const finished: number[] = [];

    const all = mapConcurrently([0, 1, 2, 3], 2, async (item) => {
      if (item === 0) await slow;
      finished.push(item);
      return item;
    });
    for (let tick = 0; tick < 10; tick++) await Promise.resolve();

    expect(finished).toEqual([1, 2, 3]);
    releaseSlow();
    expect(await all).toEqual([0, 1, 2, 3]);
  });
});
