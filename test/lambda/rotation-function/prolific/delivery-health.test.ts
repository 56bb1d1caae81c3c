// Delivery health read over a scripted transport, and over the Prolific stand-in listing events as a hostile
// API might: which subscriptions exist, which deliveries failed when, and how many requests that took.
import { afterEach, describe, expect, it } from 'vitest';
import { createProlificClient } from '../../../../lambda/rotation-function/prolific/client.js';
import {
  MAX_CONCURRENT_SUBSCRIPTION_READS,
  readDeliveryHealth,
} from '../../../../lambda/rotation-function/prolific/delivery-health.js';
import type { Answer, ProlificRequest } from '../../../../lambda/rotation-function/prolific/responses.js';
import type { Transport } from '../../../../lambda/rotation-function/prolific/transport.js';
import type { EventListing } from '../../../../local/standins/prolific-deliveries.js';
import { startProlificStandIn, type ProlificStandIn } from '../../../../local/standins/prolific.js';

const WORKSPACE = 'ws-1';
const RESERVE = { reserveMs: 2_000 };
const SINCE = '2026-12-01T10:00:00.000Z';

interface Scripted {
  readonly subscriptions: { id: unknown; is_enabled: unknown }[];
  /** Failed deliveries by subscription id, as their creation times. */
  readonly failed?: Record<string, string[]>;
  /** Answers a request with this status and body instead. */
  readonly answer?: (request: ProlificRequest) => { status: number; body: unknown } | undefined;
}

/** A transport that answers from the script as Prolific's API would, recording requests and reserves. */
function scriptedTransport(script: Scripted): Transport & { requests: ProlificRequest[]; reserves: number[] } {
  const requests: ProlificRequest[] = [];
  const reserves: number[] = [];
  return {
    requests,
    reserves,
    async send(request, onAnswer, { reserveMs }) {
      requests.push(request);
      reserves.push(reserveMs);
      const { status, body } = script.answer?.(request) ?? { status: 200, body: listFor(script, request) };
      const answer: Answer = { request, status, headers: new Headers(), body: typeof body === 'string' ? body : JSON.stringify(body) };
      return onAnswer(answer);
    },
  };
}

function listFor(script: Scripted, request: ProlificRequest): unknown {
  const events = /subscriptions\/([^/]+)\/events\/$/.exec(request.path);
  if (events) {
    const subscriptionId = decodeURIComponent(events[1] ?? '');
    const failed = script.failed?.[subscriptionId] ?? [];
    const offset = Number(request.query?.offset);
    const limit = Number(request.query?.limit);
    return { results: failed.slice(offset, offset + limit).map((at, index) => failedEvent(`${subscriptionId}-${offset + index}`, at)) };
  }
  const enabled = request.query?.is_enabled === 'true';
  return { results: script.subscriptions.filter((subscription) => subscription.is_enabled === enabled) };
}

const failedEvent = (id: string, at: string) => ({ id, status: 'FAILED', datetime_created: at });

const read = (transport: Transport, since: string | undefined) =>
  readDeliveryHealth({ transport, token: 'api-token', reserve: RESERVE }, WORKSPACE, since);

describe('readDeliveryHealth', () => {
  it('counts enabled and disabled subscriptions, and the deliveries that failed since the rotation', async () => {
    const transport = scriptedTransport({
      subscriptions: [
        { id: 'on', is_enabled: true },
        { id: 'off', is_enabled: false },
      ],
      failed: {
        on: ['2026-12-01T09:59:59.000Z', '2026-12-01T10:00:00.000Z', '2026-12-01T11:30:00.000Z'],
        off: ['2026-12-01T10:05:00.000Z'],
      },
    });

    const health = await read(transport, SINCE);

    expect(health).toEqual({ subscriptions: 1, disabled: 1, failedSinceRotation: 3, lastFailureAt: '2026-12-01T11:30:00.000Z' });
    expect(transport.reserves.every((reserveMs) => reserveMs === RESERVE.reserveMs)).toBe(true);
  });

  it('lists both filters of the workspace, and reads only failed deliveries', async () => {
    const transport = scriptedTransport({ subscriptions: [{ id: 'a b', is_enabled: true }] });

    await read(transport, SINCE);

    expect(transport.requests.map((request) => [request.path, request.query])).toEqual([
      ['/api/v1/hooks/subscriptions/', { workspace_id: WORKSPACE, is_enabled: 'true' }],
      ['/api/v1/hooks/subscriptions/', { workspace_id: WORKSPACE, is_enabled: 'false' }],
      ['/api/v1/hooks/subscriptions/a%20b/events/', { status: 'FAILED', offset: '0', limit: '100' }],
    ]);
  });

  it('counts a subscription listed under both filters once, by its own is_enabled', async () => {
    const transport = scriptedTransport({
      subscriptions: [],
      answer: (request) =>
        request.query?.is_enabled ? { status: 200, body: { results: [{ id: 'same', is_enabled: false }] } } : undefined,
    });

    expect(await read(transport, SINCE)).toMatchObject({ subscriptions: 0, disabled: 1 });
  });

  it('counts nothing as failed since a rotation it does not know', async () => {
    const transport = scriptedTransport({ subscriptions: [{ id: 'on', is_enabled: true }], failed: { on: ['2026-12-01T11:30:00.000Z'] } });

    expect(await read(transport, undefined)).toEqual({
      subscriptions: 1,
      disabled: 0,
      failedSinceRotation: 0,
      lastFailureAt: null,
      failureCount: 'not-read',
    });
  });

  it('reads further pages while they are full, and stops after ten', async () => {
    const failures = Array.from({ length: 1_050 }, () => '2026-12-02T00:00:00.000Z');
    const transport = scriptedTransport({ subscriptions: [{ id: 'on', is_enabled: true }], failed: { on: failures } });

    const health = await read(transport, SINCE);

    expect(transport.requests.filter((request) => request.path.endsWith('/events/')).map((request) => request.query?.offset)).toEqual(
      ['0', '100', '200', '300', '400', '500', '600', '700', '800', '900'],
    );
    expect(health.failedSinceRotation).toBe(1_000);
  });
});

describe('readDeliveryHealth: counting what Prolific pages', () => {
  it('says the count is a lower bound when the page bound stops it', async () => {
    const failures = Array.from({ length: 1_050 }, () => '2026-12-02T00:00:00.000Z');
    const transport = scriptedTransport({ subscriptions: [{ id: 'on', is_enabled: true }], failed: { on: failures } });

    expect(await read(transport, SINCE)).toMatchObject({ failedSinceRotation: 1_000, failureCount: 'lower-bound' });
  });

  it('counts an event listed on two pages once', async () => {
    const times = Array.from({ length: 150 }, (_, index) => new Date(Date.parse(SINCE) + index * 60_000).toISOString());
    const transport = scriptedTransport({
      subscriptions: [{ id: 'on', is_enabled: true }],
      // A page that starts five events early, as after five events were added in front between two requests.
      answer: (request) => {
        if (!request.path.endsWith('/events/')) return undefined;
        const from = Math.max(0, Number(request.query?.offset) - 5);
        return { status: 200, body: { results: times.slice(from, from + 100).map((at, index) => failedEvent(`e${from + index}`, at)) } };
      },
    });

    const health = await read(transport, SINCE);

    expect(health).toEqual({ subscriptions: 1, disabled: 0, failedSinceRotation: 150, lastFailureAt: times[149] });
    expect(transport.requests.filter((request) => request.path.endsWith('/events/'))).toHaveLength(2);
  });
});

describe('readDeliveryHealth over the Prolific stand-in', () => {
  let prolific: ProlificStandIn | undefined;
  afterEach(async () => {
    await prolific?.close();
  });

  const minutesAfter = (time: string, minutes: number) => new Date(Date.parse(time) + minutes * 60_000);

  /** A stand-in listing events as `eventListing` says, and a subscription per `failures` entry with that many failed deliveries. */
  async function standIn(eventListing: EventListing, ...failures: { old: number; recent: number }[]) {
    prolific = await startProlificStandIn({ workspaces: [WORKSPACE], eventListing });
    for (const { old, recent } of failures) {
      const { id } = prolific.subscribe(WORKSPACE, 'https://receiver.example/prolific');
      prolific.recordPastDeliveries(id, [
        ...Array.from({ length: old }, (_, index) => ({ at: minutesAfter('2026-11-01T00:00:00.000Z', index), status: 'FAILED' as const })),
        ...Array.from({ length: recent }, (_, index) => ({ at: minutesAfter(SINCE, index), status: 'FAILED' as const })),
      ]);
    }
    return prolific;
  }

  const readFrom = (standIn: ProlificStandIn, since: string | undefined, fetchFn: typeof fetch = fetch) =>
    createProlificClient({ baseUrl: standIn.url, token: standIn.token, fetch: fetchFn }).getDeliveryHealth(WORKSPACE, since);
  const eventReads = (standIn: ProlificStandIn) => standIn.calls.filter((call) => call.path.endsWith('/events/')).length;

  it.each([
    ['oldest first', 'oldest-first', 6],
    ['newest first', 'newest-first', 1],
  ] as const)('counts 40 failures since the rotation behind 1,500 older ones listed %s, in few requests', async (_name, order, reads) => {
    const listing = await standIn({ order }, { old: 1_500, recent: 40 });

    const health = await readFrom(listing, SINCE);

    const lastFailureAt = minutesAfter(SINCE, 39).toISOString();
    expect(health).toEqual({ subscriptions: 1, disabled: 0, failedSinceRotation: 40, lastFailureAt });
    expect(eventReads(listing)).toBe(reads);
  });

  it('counts a page once from an API that ignores offset, stops at the repeat, and calls the count a lower bound', async () => {
    const listing = await standIn({ ignoreOffset: true }, { old: 0, recent: 150 });

    const health = await readFrom(listing, SINCE);

    expect(health).toMatchObject({ failedSinceRotation: 100, failureCount: 'lower-bound' });
    expect(eventReads(listing)).toBe(2);
  });

  it('reads no events at all without a rotation time, and says the failures were not read', async () => {
    const listing = await standIn({}, { old: 0, recent: 3 }, { old: 2, recent: 1 });

    const health = await readFrom(listing, undefined);

    expect(health).toEqual({ subscriptions: 2, disabled: 0, failedSinceRotation: 0, lastFailureAt: null, failureCount: 'not-read' });
    expect(listing.calls.map((call) => call.path)).toEqual(['/api/v1/hooks/subscriptions/', '/api/v1/hooks/subscriptions/']);
  });

  it(`reads the events of 200 subscriptions with at most ${MAX_CONCURRENT_SUBSCRIPTION_READS} requests open at once`, async () => {
    const listing = await standIn({}, ...Array.from({ length: 200 }, () => ({ old: 1, recent: 2 })));
    // Counted where the requests leave: the stand-in answers each within one turn of the event loop, so it
    // would see them one at a time however many were sent at once.
    const open = { now: 0, peak: 0 };
    const counting: typeof fetch = async (...args) => {
      open.peak = Math.max(open.peak, ++open.now);
      try {
        return await fetch(...args);
      } finally {
        open.now -= 1;
      }
    };

    const health = await readFrom(listing, SINCE, counting);

    expect(health).toMatchObject({ subscriptions: 200, failedSinceRotation: 400 });
    expect(eventReads(listing)).toBe(200);
    expect(open.peak).toBe(MAX_CONCURRENT_SUBSCRIPTION_READS);
  });
});

describe('readDeliveryHealth: answers it refuses', () => {
  it('reports an error status as the typed error', async () => {
    const transport = scriptedTransport({ subscriptions: [], answer: () => ({ status: 403, body: { detail: 'Forbidden.' } }) });

    await expect(read(transport, SINCE)).rejects.toMatchObject({ name: 'ProlificAuthenticationError', status: 403 });
  });

  it.each([
    ['a subscription without an id', { subscriptions: [{ id: '', is_enabled: true }] }, /a subscription has no "id"/],
    [
      'a subscription without a boolean is_enabled',
      { subscriptions: [], answer: () => ({ status: 200, body: { results: [{ id: 's', is_enabled: 'yes' }] } }) },
      /subscription s has no boolean "is_enabled"/,
    ],
    [
      'an event without a creation time',
      {
        subscriptions: [{ id: 's', is_enabled: true }],
        answer: (request: ProlificRequest) =>
          request.path.endsWith('/events/') ? { status: 200, body: { results: [{ datetime_created: 'yesterday' }] } } : undefined,
      },
      /an event has no "datetime_created" time/,
    ],
    [
      'an event without an id, which could not be told from another',
      {
        subscriptions: [{ id: 's', is_enabled: true }],
        answer: (request: ProlificRequest) =>
          request.path.endsWith('/events/') ? { status: 200, body: { results: [{ datetime_created: SINCE }] } } : undefined,
      },
      /an event has no "id"/,
    ],
  ])('refuses %s as malformed', async (_name, script, problem) => {
    await expect(read(scriptedTransport(script), SINCE)).rejects.toMatchObject({
      name: 'ProlificMalformedResponseError',
      message: expect.stringMatching(problem) as string,
    });
  });
});
