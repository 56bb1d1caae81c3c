// The Prolific stand-in's subscriptions and deliveries: the endpoints per the OpenAPI description, and
// deliveries signed as Prolific signs them, recorded by what the receiver answered.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signAsProlific } from '../../../local/standins/prolific-deliveries.js';
import { startProlificStandIn, type ProlificStandIn } from '../../../local/standins/prolific.js';

const WORKSPACE = '6655443322110099aabbccdd';

let standIn: ProlificStandIn;
let receiver: Server;
let received: { headers: Record<string, string | string[] | undefined>; body: string }[];
let answerWith: number;
let receiverUrl: string;

beforeEach(async () => {
  standIn = await startProlificStandIn({ workspaces: [WORKSPACE] });
  received = [];
  answerWith = 200;
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(answerWith).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterEach(async () => {
  await standIn.close();
  await new Promise((resolve) => receiver.close(resolve));
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${standIn.url}${path}`, { ...init, headers: { authorization: `Token ${standIn.token}`, 'content-type': 'application/json' } });
/** The `results` of a list answer. */
const resultsOf = async (response: Promise<Response> | Response) =>
  ((await (await response).json()) as { results: Record<string, unknown>[] }).results;

describe('deliveries', () => {
  it('sign the body with the active secret as Prolific does, with the event id and timestamps', async () => {
    standIn.subscribe(WORKSPACE, receiverUrl);
    const at = new Date('2026-12-01T10:00:00.000Z');

    const [attempt] = await standIn.deliver(WORKSPACE, { event_type: 'study.status.change', resource_id: 'r1' }, { at });

    const delivery = received[0];
    const value = standIn.activeSecret(WORKSPACE)?.value ?? '';
    expect(attempt?.status).toBe(200);
    expect(delivery?.headers['x-prolific-request-timestamp']).toBe('1796119200');
    expect(delivery?.headers['x-prolific-request-signature']).toBe(signAsProlific(value, '1796119200', delivery?.body ?? ''));
    expect(delivery?.headers['x-event-id']).toBe(attempt?.eventId);
  });

  it('are recorded SUCCEEDED for a 2xx and FAILED otherwise, and only go to enabled subscriptions', async () => {
    const subscription = standIn.subscribe(WORKSPACE, receiverUrl);
    await standIn.deliver(WORKSPACE, { resource_id: 'r1' });
    answerWith = 401;
    await standIn.deliver(WORKSPACE, { resource_id: 'r2' });
    standIn.setSubscriptionEnabled(subscription.id, false);
    await standIn.deliver(WORKSPACE, { resource_id: 'r3' });

    expect(standIn.deliveryEvents(subscription.id).map((event) => [event.resource_id, event.status])).toEqual([
      ['r1', 'SUCCEEDED'],
      ['r2', 'FAILED'],
    ]);
    expect(received).toHaveLength(2);
  });

  it('can be forged: signed with another value by someone else, so Prolific records no event', async () => {
    const subscription = standIn.subscribe(WORKSPACE, receiverUrl);

    await standIn.deliver(WORKSPACE, { resource_id: 'r1' }, { signWith: 'forged', at: new Date(0) });

    expect(received[0]?.headers['x-prolific-request-signature']).toBe(signAsProlific('forged', '0', received[0]?.body ?? ''));
    expect(standIn.deliveryEvents(subscription.id)).toEqual([]);
  });
});

describe('GET /api/v1/hooks/subscriptions/', () => {
  it('lists enabled subscriptions by default, disabled ones on request', async () => {
    const enabled = standIn.subscribe(WORKSPACE, receiverUrl);
    const disabled = standIn.subscribe(WORKSPACE, `${receiverUrl}/2`);
    standIn.setSubscriptionEnabled(disabled.id, false);

    const byDefault = await resultsOf(api(`/api/v1/hooks/subscriptions/?workspace_id=${WORKSPACE}`));
    const onlyDisabled = await resultsOf(api(`/api/v1/hooks/subscriptions/?workspace_id=${WORKSPACE}&is_enabled=false`));

    expect(byDefault.map((subscription) => subscription.id)).toEqual([enabled.id]);
    expect(onlyDisabled).toEqual([{ ...disabled, is_enabled: false }]);
  });

  it('re-enables a subscription with PATCH is_enabled', async () => {
    const subscription = standIn.subscribe(WORKSPACE, receiverUrl);
    standIn.setSubscriptionEnabled(subscription.id, false);

    const patch = { method: 'PATCH', body: JSON.stringify({ is_enabled: true }) };
    const response = await api(`/api/v1/hooks/subscriptions/${subscription.id}/`, patch);

    expect(await response.json()).toMatchObject({ id: subscription.id, is_enabled: true });
  });

  it('refuses a subscription for a workspace without a secret, as Prolific does', () => {
    standIn.addWorkspace('no-secret-yet', { withSecret: false });

    expect(() => standIn.subscribe('no-secret-yet', receiverUrl)).toThrow(/has no secret yet/);
  });
});

describe('GET /api/v1/hooks/subscriptions/{id}/events/', () => {
  it('filters by status (one, or a JSON array) and pages with offset and limit', async () => {
    const subscription = standIn.subscribe(WORKSPACE, receiverUrl);
    answerWith = 500;
    for (const resource of ['a', 'b', 'c']) await standIn.deliver(WORKSPACE, { resource_id: resource });
    answerWith = 204;
    await standIn.deliver(WORKSPACE, { resource_id: 'd' });
    const events = (query: string) => resultsOf(api(`/api/v1/hooks/subscriptions/${subscription.id}/events/?${query}`));

    const failed = await events('status=FAILED');
    const page = await events('status=FAILED&offset=1&limit=1');
    const both = await events(`status=${encodeURIComponent('["FAILED","SUCCEEDED"]')}`);

    expect(failed.map((event) => event.resource_id)).toEqual(['a', 'b', 'c']);
    expect(page.map((event) => event.resource_id)).toEqual(['b']);
    expect(both).toHaveLength(4);
  });

  it('lists past deliveries recorded by a test with the others, oldest first by creation time', async () => {
    const subscription = standIn.subscribe(WORKSPACE, receiverUrl);
    answerWith = 500;
    await standIn.deliver(WORKSPACE, { resource_id: 'now' });
    const past = standIn.recordPastDeliveries(subscription.id, [
      { at: new Date('2026-11-02T00:00:00.000Z'), status: 'FAILED' },
      { at: new Date('2026-11-01T00:00:00.000Z'), status: 'SUCCEEDED' },
    ]);

    const listed = await resultsOf(api(`/api/v1/hooks/subscriptions/${subscription.id}/events/`));

    expect(past.map((event) => [event.status, event.target_url])).toEqual([['FAILED', receiverUrl], ['SUCCEEDED', receiverUrl]]);
    expect(listed.map((event) => event.id)).toEqual([past[1]?.id, past[0]?.id, standIn.deliveryEvents(subscription.id)[0]?.id]);
  });

  it.each([
    ['newest first', { order: 'newest-first' } as const, ['c', 'b'], ['a']],
    ['ignoring offset', { ignoreOffset: true }, ['a', 'b'], ['a', 'b']],
  ])('can list events %s, as a test asks', async (_name, eventListing, firstPage, secondPage) => {
    const listing = await startProlificStandIn({ workspaces: [WORKSPACE], eventListing });
    try {
      const subscription = listing.subscribe(WORKSPACE, receiverUrl);
      const days = ['a', 'b', 'c'].map((name, day) => ({ name, at: new Date(Date.UTC(2026, 10, day + 1)) }));
      const recorded = listing.recordPastDeliveries(subscription.id, days.map(({ at }) => ({ at, status: 'FAILED' })));
      const nameOf = new Map(recorded.map((event, index) => [event.id, days[index]?.name]));
      const page = async (offset: number) => {
        const url = `${listing.url}/api/v1/hooks/subscriptions/${subscription.id}/events/?status=FAILED&offset=${offset}&limit=2`;
        const events = await resultsOf(fetch(url, { headers: { authorization: `Token ${listing.token}` } }));
        return events.map((event) => nameOf.get(String(event.id)));
      };

      expect([await page(0), await page(2)]).toEqual([firstPage, secondPage]);
    } finally {
      await listing.close();
    }
  });

  it('answers 404 for an unknown subscription and 401 without the token', async () => {
    expect((await api('/api/v1/hooks/subscriptions/nope/events/')).status).toBe(404);
    expect((await fetch(`${standIn.url}/api/v1/hooks/subscriptions/?workspace_id=${WORKSPACE}`)).status).toBe(401);
  });
});
