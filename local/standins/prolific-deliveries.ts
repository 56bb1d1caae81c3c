/**
 * The Prolific stand-in's webhook subscriptions and deliveries, per Prolific's OpenAPI description:
 * `GET /api/v1/hooks/subscriptions/?workspace_id=&is_enabled=` (enabled only, by default),
 * `PATCH /api/v1/hooks/subscriptions/{id}/` (`is_enabled`), and
 * `GET /api/v1/hooks/subscriptions/{id}/events/?status=&offset=&limit=`. A test makes Prolific deliver an
 * event: it is signed as Prolific signs (base64 HMAC-SHA256 of timestamp + body with the workspace's
 * active secret), POSTed to every enabled subscription's target URL, and recorded SUCCEEDED or FAILED by
 * the receiver's answer (FAILED unless 2xx, as Prolific does).
 * The description documents no order for the events list and no ordering parameter: the stand-in lists
 * them oldest first, or newest first, or (an API that ignores `offset`) always from the first, as a test asks.
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface ProlificSubscription { id: string; event_type: string; target_url: string; is_enabled: boolean; workspace_id: string }

export type DeliveryStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

export interface ProlificDeliveryEvent {
  id: string;
  datetime_created: string;
  datetime_updated: string;
  event_type: string;
  resource_id: string;
  status: DeliveryStatus;
  target_url: string;
  payload: Record<string, unknown> | null;
}

export interface DeliveryOptions {
  /** Sign with this value instead of the active secret: a forgery, from someone else, so Prolific records no event. */
  readonly signWith?: string;
  /** @default now */
  readonly at?: Date;
}

/** How the events list answers; the description leaves both open. */
export interface EventListing {
  /** By `datetime_created`. @default 'oldest-first' */
  readonly order?: 'oldest-first' | 'newest-first';
  /** Answer every page from the start, as an API that ignores `offset` would. @default false */
  readonly ignoreOffset?: boolean;
}

/** A delivery in a subscription's history, for a test that needs many without delivering each. */
export interface PastDelivery { readonly at: Date; readonly status: DeliveryStatus }

/** What one delivery attempt got back from each subscription's receiver. */
export interface DeliveryAttempt { subscriptionId: string; eventId: string; status: number | 'unreachable' }

interface JsonAnswer { status: number; body: unknown }

export function signAsProlific(secretValue: string, timestamp: string, body: string): string {
  return createHmac('sha256', Buffer.from(secretValue, 'utf8')).update(`${timestamp}${body}`, 'utf8').digest('base64');
}

export function createDeliveryStore(activeSecretValue: (workspaceId: string) => string | undefined, listing: EventListing = {}) {
  const subscriptions = new Map<string, ProlificSubscription>();
  const events = new Map<string, ProlificDeliveryEvent[]>();

  function subscribe(workspaceId: string, targetUrl: string, eventType = 'study.status.change'): ProlificSubscription {
    // As Prolific: a subscription can only be created for a workspace that already has a secret.
    if (activeSecretValue(workspaceId) === undefined) throw new Error(`Workspace "${workspaceId}" has no secret yet`);
    const id = randomBytes(12).toString('hex');
    const subscription = { id, event_type: eventType, target_url: targetUrl, is_enabled: true, workspace_id: workspaceId };
    subscriptions.set(subscription.id, subscription);
    events.set(subscription.id, []);
    return { ...subscription };
  }

  async function deliver(workspaceId: string, payload: Record<string, unknown>, options: DeliveryOptions = {}): Promise<DeliveryAttempt[]> {
    const at = options.at ?? new Date();
    const body = JSON.stringify(payload);
    const timestamp = String(Math.floor(at.getTime() / 1000));
    const value = options.signWith ?? activeSecretValue(workspaceId) ?? '';
    const targets = [...subscriptions.values()].filter(
      (subscription) => subscription.workspace_id === workspaceId && subscription.is_enabled,
    );
    return Promise.all(
      targets.map(async (subscription) => {
        const resourceId = typeof payload.resource_id === 'string' ? payload.resource_id : '';
        const event = eventFor(subscription, at, { status: 'PENDING', resource_id: resourceId, payload });
        if (options.signWith === undefined) events.get(subscription.id)?.push(event);
        const status = await post(subscription.target_url, body, {
          'x-prolific-request-signature': signAsProlific(value, timestamp, body),
          'x-prolific-request-timestamp': timestamp,
          'x-event-id': event.id,
          'x-timestamp': at.toISOString(),
        });
        event.status = typeof status === 'number' && status >= 200 && status < 300 ? 'SUCCEEDED' : 'FAILED';
        event.datetime_updated = new Date().toISOString();
        return { subscriptionId: subscription.id, eventId: event.id, status };
      }),
    );
  }

  /** The API's routes for subscriptions and their events; undefined for a path that is not one of them. */
  function route(method: string, path: string, query: URLSearchParams, body: unknown): JsonAnswer | undefined {
    if (path === '/api/v1/hooks/subscriptions/' && method === 'GET') return listSubscriptions(query);
    const match = /^\/api\/v1\/hooks\/subscriptions\/([^/]+)\/(events\/)?$/.exec(path);
    const subscription = match?.[1] === undefined ? undefined : subscriptions.get(decodeURIComponent(match[1]));
    if (!match) return undefined;
    if (!subscription) return { status: 404, body: { detail: 'Not found.' } };
    if (match[2] && method === 'GET') return listEvents(events.get(subscription.id) ?? [], query, listing);
    if (!match[2] && method === 'PATCH') return updateSubscription(subscription, body);
    if (!match[2] && method === 'GET') return { status: 200, body: { ...subscription } };
    return { status: 405, body: { detail: `Method "${method}" not allowed.` } };
  }

  function listSubscriptions(query: URLSearchParams): JsonAnswer {
    const workspaceId = query.get('workspace_id');
    // The API's default: enabled subscriptions only.
    const enabled = (query.get('is_enabled') ?? 'true') !== 'false';
    const results = [...subscriptions.values()].filter(
      (subscription) => (workspaceId === null || subscription.workspace_id === workspaceId) && subscription.is_enabled === enabled,
    );
    return { status: 200, body: { results: results.map((subscription) => ({ ...subscription })) } };
  }

  /** Adds past deliveries to a subscription's events, as if Prolific had made them at those times. */
  function recordPast(subscriptionId: string, past: readonly PastDelivery[]): ProlificDeliveryEvent[] {
    const subscription = subscriptions.get(subscriptionId);
    if (!subscription) throw new Error(`Unknown subscription "${subscriptionId}"`);
    const recorded = past.map(({ at, status }) => eventFor(subscription, at, { status, resource_id: '', payload: null }));
    events.get(subscriptionId)?.push(...recorded);
    return recorded.map((event) => ({ ...event }));
  }

  function updateSubscription(subscription: ProlificSubscription, body: unknown): JsonAnswer {
    const enabled = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).is_enabled : undefined;
    if (typeof enabled === 'boolean') subscription.is_enabled = enabled;
    return { status: 200, body: { ...subscription } };
  }

  return {
    subscribe,
    deliver,
    recordPast,
    route,
    setEnabled(subscriptionId: string, enabled: boolean): void {
      const subscription = subscriptions.get(subscriptionId);
      if (!subscription) throw new Error(`Unknown subscription "${subscriptionId}"`);
      subscription.is_enabled = enabled;
    },
    events: (subscriptionId: string): ProlificDeliveryEvent[] => (events.get(subscriptionId) ?? []).map((event) => ({ ...event })),
  };
}

/** A new event of the subscription, created at `at`. */
function eventFor(
  subscription: ProlificSubscription,
  at: Date,
  fields: Pick<ProlificDeliveryEvent, 'status' | 'resource_id' | 'payload'>,
): ProlificDeliveryEvent {
  const created = at.toISOString();
  const { event_type, target_url } = subscription;
  return { id: randomBytes(12).toString('hex'), datetime_created: created, datetime_updated: created, event_type, target_url, ...fields };
}

/** A page of a subscription's events, filtered by `status`, listed as `listing` says. */
function listEvents(history: readonly ProlificDeliveryEvent[], query: URLSearchParams, listing: EventListing): JsonAnswer {
  const statuses = parseStatuses(query.get('status'));
  const offset = listing.ignoreOffset ? 0 : Number(query.get('offset') ?? 0);
  const limit = Number(query.get('limit') ?? 100);
  const matching = inCreationOrder(history).filter((event) => statuses === undefined || statuses.includes(event.status));
  if (listing.order === 'newest-first') matching.reverse();
  return { status: 200, body: { results: matching.slice(offset, offset + limit).map((event) => ({ ...event })) } };
}

/** Oldest first by `datetime_created` (ISO times in one format sort as text), in the order recorded for equal times. */
function inCreationOrder(history: readonly ProlificDeliveryEvent[]): ProlificDeliveryEvent[] {
  return [...history].sort((a, b) => (a.datetime_created < b.datetime_created ? -1 : a.datetime_created > b.datetime_created ? 1 : 0));
}

/** `status` takes one status or a JSON array of them, as a string. */
function parseStatuses(raw: string | null): string[] | undefined {
  if (raw === null || raw === '') return undefined;
  if (!raw.startsWith('[')) return [raw];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.map(String) : [raw];
  } catch {
    return [raw];
  }
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<number | 'unreachable'> {
  try {
    const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 'unreachable';
  }
}
