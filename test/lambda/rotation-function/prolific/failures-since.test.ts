// Which failures since a time one subscription's pages hold, and which pages that took, for each order.
import { describe, expect, it } from 'vitest';
import { createEventPages, PAGE_SIZE, type DeliveryEvent } from '../../../../lambda/rotation-function/prolific/event-pages.js';
import { failuresSince } from '../../../../lambda/rotation-function/prolific/failures-since.js';

const SINCE = Date.parse('2026-12-01T10:00:00.000Z');
const MINUTE = 60_000;

/** `old` failures before SINCE and `recent` from it on, a minute apart, listed oldest first unless reversed. */
function history(old: number, recent: number, order: 'oldest-first' | 'newest-first'): DeliveryEvent[] {
  const events = Array.from({ length: old + recent }, (_, index) => ({
    id: `e${index}`,
    createdAt: SINCE + (index - old) * MINUTE,
    failed: true,
  }));
  return order === 'oldest-first' ? events : events.reverse();
}

async function count(events: readonly DeliveryEvent[]) {
  const pagesRead: number[] = [];
  const pages = createEventPages((offset) => {
    pagesRead.push(offset / PAGE_SIZE);
    return Promise.resolve(events.slice(offset, offset + PAGE_SIZE));
  });
  const { createdAt, complete } = await failuresSince(pages, SINCE);
  return { failed: createdAt.length, latest: Math.max(...createdAt), complete, pagesRead };
}

describe('failuresSince', () => {
  it('reads newest-first pages until one reaches back before the time', async () => {
    expect(await count(history(1_000, 150, 'newest-first'))).toEqual({
      failed: 150,
      latest: SINCE + 149 * MINUTE,
      complete: true,
      pagesRead: [0, 1],
    });
  });

  it('finds the end of an oldest-first list by galloping, then reads back to the time', async () => {
    expect(await count(history(1_500, 40, 'oldest-first'))).toEqual({
      failed: 40,
      latest: SINCE + 39 * MINUTE,
      complete: true,
      pagesRead: [0, 1, 3, 7, 15, 14],
    });
  });

  it('halves the gap to the first empty page when the gallop passes the end', async () => {
    const { failed, complete, pagesRead } = await count(history(2_000, 0, 'oldest-first'));

    expect({ failed, complete }).toEqual({ failed: 0, complete: true });
    expect(pagesRead).toEqual([0, 1, 3, 7, 15, 31, 23, 19, 21, 20]);
  });

  it('calls the count incomplete when the page bound stops the search, having counted what it saw', async () => {
    expect(await count(history(10_000, 40, 'oldest-first'))).toMatchObject({ failed: 0, complete: false });
    expect(await count(history(0, 1_500, 'newest-first'))).toMatchObject({ failed: 1_000, complete: false });
  });

  it('reads a list in no order from the start to the end, as far as the bound goes', async () => {
    const mixed = history(0, 300, 'oldest-first').map((event, index) => (index % 2 ? { ...event, createdAt: SINCE - MINUTE } : event));

    expect(await count(mixed)).toEqual({ failed: 150, latest: SINCE + 298 * MINUTE, complete: true, pagesRead: [0, 1, 2, 3] });
  });

  it('counts only failed events, should the list hold others', async () => {
    const events = history(0, 10, 'oldest-first').map((event, index) => ({ ...event, failed: index < 4 }));

    expect(await count(events)).toMatchObject({ failed: 4, complete: true, pagesRead: [0] });
  });
});
