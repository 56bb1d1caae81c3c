// The batches of invocations for hundreds of workspaces: the timeout follows the largest batch and the
// concurrency, and batches split the workspaces when one invocation cannot promise to finish them all.
// (The synthesized stacks of 1, 100 and 500 workspaces: hundreds-of-workspaces.test.ts, in the slow suite.)
import { describe, expect, it } from 'vitest';
import { batchEvent, batchInvocations, targetsPerInvocation } from '../../../infra/construct/invocation-batches.js';
import { HEARTBEAT_EVENT, MAX_EVENT_BYTES, SCHEDULED_ROTATION_EVENT } from '../../../lambda/contract/invocation-events.js';

/** `count` Prolific-like workspace ids (24 hex digits), in order. */
const workspaceIds = (count: number, length = 24) => Array.from({ length: count }, (_, index) => index.toString(16).padStart(length, '0'));

describe('batchInvocations: the timeout follows the largest batch and the concurrency', () => {
  it('lets one invocation promise 11 rounds of `concurrency` workspaces: 110 at the default 10', () => {
    expect(targetsPerInvocation(10)).toBe(110);
    expect(targetsPerInvocation(1)).toBe(11);
    expect(targetsPerInvocation(50)).toBe(550);
  });

  it.each([
    // [workspaces, concurrency, timeout in seconds (15 s + 75 s a round), batches]
    [1, 10, 90, 1],
    [10, 10, 90, 1],
    [11, 10, 165, 1],
    [100, 10, 765, 1],
    [110, 10, 840, 1],
    [111, 10, 465, 2],
    [500, 10, 765, 5],
    [100, 25, 315, 1],
    [11, 1, 840, 1],
    [12, 1, 465, 2],
  ])(
    "%i workspaces at concurrency %i: a timeout of %i s over %i batch(es), at most Lambda's 900 s",
    (count, concurrency, timeout, batches) => {
      const invocations = batchInvocations(workspaceIds(count), concurrency);

      expect(invocations.timeout.toSeconds()).toBe(timeout);
      expect(invocations.batches).toHaveLength(batches);
      expect(invocations.timeout.toSeconds()).toBeLessThanOrEqual(900);
    },
  );

  it('splits into near-equal batches, in the configured order, each workspace once', () => {
    const ids = workspaceIds(333);

    const { batches } = batchInvocations(ids, 10);

    // Four invocations of 110 at most: 84, 83, 83, 83 rather than 110, 110, 110, 3.
    expect(batches.map((batch) => batch.length)).toEqual([84, 83, 83, 83]);
    expect(batches.flat()).toEqual(ids);
  });

  it('adds batches until each batch event fits in MAX_EVENT_BYTES (long workspace ids)', () => {
    // 600 fit in two invocations at concurrency 50, but 300 ids of 128 characters make a 39 KB event.
    const ids = workspaceIds(600, 128);

    const invocations = batchInvocations(ids, 50);

    expect(invocations.batches).toHaveLength(10);
    for (const batch of invocations.batches) {
      for (const event of [SCHEDULED_ROTATION_EVENT, HEARTBEAT_EVENT]) {
        expect(JSON.stringify(batchEvent(event, batch, invocations.batches.length)).length).toBeLessThanOrEqual(MAX_EVENT_BYTES);
      }
    }
    expect(JSON.stringify(batchEvent(SCHEDULED_ROTATION_EVENT, ids.slice(0, 63), 2)).length).toBeGreaterThan(MAX_EVENT_BYTES);
    expect(invocations.timeout.toSeconds()).toBe(15 + 2 * 75);
  });

  it("sends the contract's own events, without workspaceIds, when one batch holds every workspace", () => {
    expect(batchEvent(SCHEDULED_ROTATION_EVENT, ['a', 'b'], 1)).toBe(SCHEDULED_ROTATION_EVENT);
    expect(batchEvent(HEARTBEAT_EVENT, ['a', 'b'], 1)).toBe(HEARTBEAT_EVENT);
    expect(batchEvent(SCHEDULED_ROTATION_EVENT, ['a', 'b'], 2)).toEqual({ action: 'rotate', workspaceIds: ['a', 'b'] });
  });

  it('refuses batches whose queued runs would wait longer than Lambda keeps an event, and says what to do', () => {
    // 120 at concurrency 1: 11 batches of up to 840 s; 22 runs (rotations and heartbeats), the last starting
    // after 21 runs and the 5-minute gaps between them, past 6 hours.
    expect(() => batchInvocations(workspaceIds(120), 1)).toThrow(
      /^workspaces: 120 workspaces at concurrency 1 need 11 scheduled invocations of up to 840 s each; .* longer than the 6 hours Lambda keeps an event\. Raise concurrency \(at most 50\) or split the workspaces across stacks$/,
    );
    expect(() => batchInvocations(workspaceIds(99), 1)).not.toThrow();
  });
});
