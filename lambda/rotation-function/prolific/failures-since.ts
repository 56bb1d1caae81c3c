// Which of one subscription's deliveries failed since a time, reading as few pages as the list's order
// allows. Prolific's description gives the events list no ordering parameter and documents no order (its
// answer carries no total count either), so the order is read from the first page:
// - newest first: pages from the start, until one reaches back before `since` (all after it are older);
// - oldest first: the failures since are at the end. The last page is found by galloping (pages 1, 3,
//   7, 15, ... until one is not full, then halving the gap to the first empty one), and pages are read
//   back from it until one reaches before `since`: about 2·log2(pages) + (pages since) requests, newest
//   first, so that once the end is found `lastFailureAt` is right even if the bound stops the count;
// - anything else (one time throughout, or no order): pages from the start until the last.
// Every read is bounded by MAX_PAGES_PER_SUBSCRIPTION (event-pages.ts): 1 request for 40 failures since
// behind 1,500 older ones listed newest first, 6 listed oldest first; oldest first, the count is exact
// while about 3,000 events or fewer come before the failures since. The count is complete when every
// page that may hold a failure since was read; otherwise it is a lower bound (possibly 0).
import type { DeliveryEvent, EventPage, EventPages } from './event-pages.js';

export interface FailuresSince {
  /** Creation times (ms) of the distinct failed events created at or after `since`. */
  readonly createdAt: readonly number[];
  /** False when pages that may hold failures since were left unread: `createdAt` is then a lower bound. */
  readonly complete: boolean;
}

export async function failuresSince(pages: EventPages, sinceMs: number): Promise<FailuresSince> {
  const complete = await readPagesSince(pages, sinceMs);
  const createdAt = [...pages.events()].filter((event) => event.failed && event.createdAt >= sinceMs).map((event) => event.createdAt);
  return { createdAt, complete };
}

/** Reads the pages that may hold events since `sinceMs`; true when it read them all. */
async function readPagesSince(pages: EventPages, sinceMs: number): Promise<boolean> {
  const first = await pages.read(0);
  if (first === undefined) return false;
  if (!first.full) return true;
  const reachesBefore = (page: EventPage) => page.events.some((event) => event.createdAt < sinceMs);
  switch (orderOf(first.events)) {
    case 'newest-first':
      return readOnFrom(pages, 0, reachesBefore);
    case 'oldest-first': {
      const last = await findLastPage(pages);
      return last !== undefined && readBackFrom(pages, last, reachesBefore);
    }
    case 'unknown':
      return readOnFrom(pages, 0, () => false);
  }
}

function orderOf(events: readonly DeliveryEvent[]): 'oldest-first' | 'newest-first' | 'unknown' {
  let rises = false;
  let falls = false;
  let previous: number | undefined;
  for (const { createdAt } of events) {
    if (previous !== undefined) {
      rises ||= createdAt > previous;
      falls ||= createdAt < previous;
    }
    previous = createdAt;
  }
  if (rises === falls) return 'unknown';
  return rises ? 'oldest-first' : 'newest-first';
}

/** Reads pages from `index` on, until a short one or one that `isLast`; true when it got there. */
async function readOnFrom(pages: EventPages, index: number, isLast: (page: EventPage) => boolean): Promise<boolean> {
  for (let next = index; ; next++) {
    const page = await pages.read(next);
    if (page === undefined) return false;
    if (!page.full || isLast(page)) return true;
  }
}

/** Reads pages from `index` back, until page 0 or one that `isFirst`; true when it got there. */
async function readBackFrom(pages: EventPages, index: number, isFirst: (page: EventPage) => boolean): Promise<boolean> {
  for (let next = index; next >= 0; next--) {
    const page = await pages.read(next);
    if (page === undefined) return false;
    if (isFirst(page)) return true;
  }
  return true;
}

/** The index of the last page that holds events (page 0 is full); undefined when the bound ran out first. */
async function findLastPage(pages: EventPages): Promise<number | undefined> {
  let lastFull = 0;
  let firstEmpty: number | undefined;
  while (firstEmpty === undefined || firstEmpty - lastFull > 1) {
    const index = firstEmpty === undefined ? 2 * lastFull + 1 : Math.floor((lastFull + firstEmpty) / 2);
    const page = await pages.read(index);
    if (page === undefined) return undefined;
    if (page.full) lastFull = index;
    else if (page.events.length > 0) return index;
    else firstEmpty = index;
  }
  return lastFull;
}
