// One subscription's event list, page by page, as a hostile API may serve it: each page is asked for at
// most once, at most MAX_PAGES_PER_SUBSCRIPTION requests are made, no more once a page repeats the one
// before (an API that ignores `offset`), and an event seen on two pages is one event (kept by id).

/** Prolific's own default page size for events. */
export const PAGE_SIZE = 100;
/** Requests for events per subscription: enough to see that deliveries fail, not to spend the run counting. */
export const MAX_PAGES_PER_SUBSCRIPTION = 10;

export interface DeliveryEvent {
  readonly id: string;
  /** `datetime_created`, in ms. */
  readonly createdAt: number;
  /** Its status is FAILED (the list is asked for failed events only, which an API may not honour). */
  readonly failed: boolean;
}

export interface EventPage {
  readonly events: readonly DeliveryEvent[];
  /** As many events as asked for: more may follow. */
  readonly full: boolean;
}

export interface EventPages {
  /** Page `index` (offset `index` × PAGE_SIZE); undefined once no more may be read: the bound is spent, or pages repeat. */
  read(index: number): Promise<EventPage | undefined>;
  /** Every distinct event read so far. */
  events(): IterableIterator<DeliveryEvent>;
}

/** `fetchPage` asks Prolific for the page at an offset. */
export function createEventPages(fetchPage: (offset: number) => Promise<DeliveryEvent[]>): EventPages {
  const pages = new Map<number, EventPage>();
  const seen = new Map<string, DeliveryEvent>();
  let requests = 0;
  let previousIds: string | undefined;
  let repeating = false;

  async function read(index: number): Promise<EventPage | undefined> {
    const known = pages.get(index);
    if (known !== undefined) return known;
    if (repeating || requests >= MAX_PAGES_PER_SUBSCRIPTION) return undefined;
    requests += 1;
    const events = await fetchPage(index * PAGE_SIZE);
    const ids = events.map((event) => event.id).join('\n');
    if (events.length > 0 && ids === previousIds) {
      repeating = true;
      return undefined;
    }
    previousIds = ids;
    for (const event of events) seen.set(event.id, event);
    const page = { events, full: events.length >= PAGE_SIZE };
    pages.set(index, page);
    return page;
  }

  return { read, events: () => seen.values() };
}
