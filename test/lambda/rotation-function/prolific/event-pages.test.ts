// A subscription's event pages: each asked for once, within the page bound, and none after a repeat.
import { describe, expect, it } from 'vitest';
import {
  createEventPages,
  MAX_PAGES_PER_SUBSCRIPTION,
  PAGE_SIZE,
  type DeliveryEvent,
} from '../../../../lambda/rotation-function/prolific/event-pages.js';

const event = (id: string): DeliveryEvent => ({ id, createdAt: 0, failed: true });
const page = (from: number, size = PAGE_SIZE) => Array.from({ length: size }, (_, index) => event(`e${from + index}`));

/** Pages over `list`, recording the offsets asked for. */
function pagesOf(list: (offset: number) => DeliveryEvent[]) {
  const offsets: number[] = [];
  const pages = createEventPages((offset) => {
    offsets.push(offset);
    return Promise.resolve(list(offset));
  });
  return { pages, offsets };
}

describe('createEventPages', () => {
  it('asks for each page once, at its offset, and tells a full page from the last', async () => {
    const { pages, offsets } = pagesOf((offset) => page(offset, offset === 0 ? PAGE_SIZE : 3));

    const first = await pages.read(0);
    const second = await pages.read(1);
    await pages.read(0);

    expect([first?.full, second?.full]).toEqual([true, false]);
    expect(offsets).toEqual([0, PAGE_SIZE]);
  });

  it(`reads no more than ${MAX_PAGES_PER_SUBSCRIPTION} pages, and still answers those it read`, async () => {
    const { pages, offsets } = pagesOf((offset) => page(offset));

    for (let index = 0; index < MAX_PAGES_PER_SUBSCRIPTION; index++) await pages.read(index);

    expect(await pages.read(MAX_PAGES_PER_SUBSCRIPTION)).toBeUndefined();
    expect(await pages.read(3)).toMatchObject({ full: true });
    expect(offsets).toHaveLength(MAX_PAGES_PER_SUBSCRIPTION);
  });

  it('stops at a page that repeats the one before, as from an API that ignores offset', async () => {
    const { pages, offsets } = pagesOf(() => page(0));

    await pages.read(0);

    expect(await pages.read(1)).toBeUndefined();
    expect(await pages.read(2)).toBeUndefined();
    expect(offsets).toEqual([0, PAGE_SIZE]);
    expect([...pages.events()]).toHaveLength(PAGE_SIZE);
  });

  it('keeps an event listed on two pages once', async () => {
    const { pages } = pagesOf((offset) => page(Math.max(0, offset - 5)));

    await pages.read(0);
    await pages.read(1);

    expect([...pages.events()]).toHaveLength(2 * PAGE_SIZE - 5);
  });
});
