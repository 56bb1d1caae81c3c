/**
 * The Prolific stand-in's webhook subscriptions and deliveries, per Prolific's OpenAPI description:
 * `GET /api/v1/hooks/subscriptions/?workspace_id=&is_enabled=` (enabled only, by default),
 * `PATCH /api/v1/hooks/subscriptions/{id}/` (`is_enabled`), and
 * `GET /api/v1/hooks/subscriptions/{id}/events/?status=&offset=&limit=`. A test makes Prolific deliver an
 * event: it is signed as Prolific signs (base64 HMAC-SHA256 of timestamp + body with the workspace's
 * active secret), POSTed to every enabled subscription's target URL, and recorded SUCCEEDED or FAILED by
 * the receiver's answer (FAILED unless 2xx, as Prolific does).
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

/** What one delivery attempt got back from each subscription's receiver. */
export interface DeliveryAttempt { subscriptionId: string; eventId: string; status: number | 'unreachable' }

interface JsonAnswer { status: number; body: unknown }

export function signAsProlific(secretValue: string, timestamp: string, body: string): string {
  return createHmac('sha256', Buffer.from(secretValue, 'utf8')).update(`${timestamp}${body}`, 'utf8').digest('base64');
}

export function createDeliveryStore(activeSecretValue: (workspaceId: string) => string | undefined) {
  const subscriptions = new Map<string, ProlificSubscription>();
  const events = new Map<string, ProlificDeliveryEvent[]>();

  function subscribe(workspaceId: string, targetUrl: string, eventType = 'study.status.change'): ProlificSubscription {
    // As Prolific: a subscription can only be created for a workspace that already has a secret.
    if (activeSecretValue(workspaceId) === undefined) throw new Error(`Workspace "${workspaceId}" has no secret yet`);
    const subscription = { id: randomBytes(12).toString('hex'), event_type: eventType, target_url: targetUrl, is_enabled: true, workspace_id: workspaceId };
    subscriptions.set(subscription.id, subscription);
    events.set(subscription.id, []);
    return { ...subscription };
  }

  async function deliver(workspaceId: string, payload: Record<string, unknown>, options: DeliveryOptions = {}): Promise<DeliveryAttempt[]> {
    const at = options.at ?? new Date();
    const body = JSON.stringify(payload);
    const timestamp = String(Math.floor(at.getTime() / 1000));
    const value = options.signWith ?? activeSecretValue(workspaceId) ?? '';
    const targets = [...subscriptions.values()].filter((subscription) => subscription.workspace_id === workspaceId && subscription.is_enabled);
    return Promise.all(
      targets.map(async (subscription) => {
        const event: ProlificDeliveryEvent = {
          id: randomBytes(12).toString('hex'),
          datetime_created: at.toISOString(),
          datetime_updated: at.toISOString(),
          event_type: subscription.event_type,
          resource_id: typeof payload['resource_id'] === 'string' ? payload['resource_id'] : '',
          status: 'PENDING',
          target_url: subscription.target_url,
          payload,
        };
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
    const subscription = match ? subscriptions.get(decodeURIComponent(match[1] as string)) : undefined;
    if (!match) return undefined;
    if (!subscription) return { status: 404, body: { detail: 'Not found.' } };
    if (match[2] && method === 'GET') return listEvents(subscription.id, query);
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

  function listEvents(subscriptionId: string, query: URLSearchParams): JsonAnswer {
    const statuses = parseStatuses(query.get('status'));
    const offset = Number(query.get('offset') ?? 0);
    const limit = Number(query.get('limit') ?? 100);
    const matching = (events.get(subscriptionId) ?? []).filter((event) => statuses === undefined || statuses.includes(event.status));
    return { status: 200, body: { results: matching.slice(offset, offset + limit).map((event) => ({ ...event })) } };
  }

  function updateSubscription(subscription: ProlificSubscription, body: unknown): JsonAnswer {
    const enabled = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['is_enabled'] : undefined;
    if (typeof enabled === 'boolean') subscription.is_enabled = enabled;
    return { status: 200, body: { ...subscription } };
  }

  return {
    subscribe,
    deliver,
    route,
    setEnabled(subscriptionId: string, enabled: boolean): void {
      const subscription = subscriptions.get(subscriptionId);
      if (!subscription) throw new Error(`Unknown subscription "${subscriptionId}"`);
      subscription.is_enabled = enabled;
    },
    events: (subscriptionId: string): ProlificDeliveryEvent[] => (events.get(subscriptionId) ?? []).map((event) => ({ ...event })),
  };
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
