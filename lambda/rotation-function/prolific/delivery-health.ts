// Delivery health from Prolific's side: a workspace's subscriptions (enabled and disabled) and, per
// subscription, the deliveries that failed since the current secret was rotated in. Failures after a
// rotation mean receivers are not verifying with the stored secret; a disabled subscription means
// Prolific gave up on one. Same transport, budgets, retries and errors as the secret endpoints.
import { malformed, resultsOf, statusError, type Answer, type ProlificRequest } from './responses.js';
import type { Transport } from './transport.js';
import type { DeliveryHealth } from '../../contract/report.js';

const SUBSCRIPTIONS_PATH = '/api/v1/hooks/subscriptions/';
/** Prolific's own default page size for events. */
const PAGE_SIZE = 100;
/** Enough pages to see that deliveries are failing; more would spend the run's time on counting. */
const MAX_PAGES_PER_SUBSCRIPTION = 10;

export interface DeliveryHealthReader {
  readonly transport: Transport;
  readonly token: string;
  readonly reserve: { readonly reserveMs: number };
}

interface Subscription {
  readonly id: string;
  readonly enabled: boolean;
}

export async function readDeliveryHealth(reader: DeliveryHealthReader, workspaceId: string, since: string | undefined): Promise<DeliveryHealth> {
  // Listed once per filter (Prolific lists only enabled ones by default), then classified by the field itself.
  const listed = (await Promise.all([true, false].map((isEnabled) => listSubscriptions(reader, workspaceId, isEnabled)))).flat();
  const subscriptions = [...new Map(listed.map((subscription) => [subscription.id, subscription])).values()];
  const sinceMs = since === undefined ? Number.POSITIVE_INFINITY : Date.parse(since);
  const failures = (await Promise.all(subscriptions.map((subscription) => failedSince(reader, workspaceId, subscription, sinceMs)))).flat();
  const latest = failures.reduce<number | undefined>((max, at) => (max === undefined || at > max ? at : max), undefined);
  return {
    subscriptions: subscriptions.filter((subscription) => subscription.enabled).length,
    disabled: subscriptions.filter((subscription) => !subscription.enabled).length,
    failedSinceRotation: failures.length,
    lastFailureAt: latest === undefined ? null : new Date(latest).toISOString(),
  };
}

async function listSubscriptions(reader: DeliveryHealthReader, workspaceId: string, isEnabled: boolean): Promise<Subscription[]> {
  const request: ProlificRequest = {
    method: 'GET',
    path: SUBSCRIPTIONS_PATH,
    workspaceId,
    query: { workspace_id: workspaceId, is_enabled: String(isEnabled) },
  };
  return reader.transport.send(
    request,
    (answer) => ok(reader, answer, 'a subscription list').map((candidate) => subscriptionOf(answer, candidate)),
    reader.reserve,
  );
}

/** Creation times (ms) of the subscription's failed deliveries created at or after `sinceMs`. */
async function failedSince(reader: DeliveryHealthReader, workspaceId: string, subscription: Subscription, sinceMs: number): Promise<number[]> {
  const failures: number[] = [];
  for (let page = 0; page < MAX_PAGES_PER_SUBSCRIPTION; page++) {
    const request: ProlificRequest = {
      method: 'GET',
      path: `${SUBSCRIPTIONS_PATH}${encodeURIComponent(subscription.id)}/events/`,
      workspaceId,
      query: { status: 'FAILED', offset: String(page * PAGE_SIZE), limit: String(PAGE_SIZE) },
    };
    const events = await reader.transport.send(request, (answer) => ok(reader, answer, 'an event list').map((event) => createdAtOf(answer, event)), reader.reserve);
    failures.push(...events.filter((createdAt) => createdAt >= sinceMs));
    if (events.length < PAGE_SIZE) break;
  }
  return failures;
}

function ok(reader: DeliveryHealthReader, answer: Answer, expected: string): unknown[] {
  if (answer.status !== 200) throw statusError(answer, reader.token);
  return resultsOf(answer, expected);
}

function subscriptionOf(answer: Answer, candidate: unknown): Subscription {
  const { id, is_enabled: enabled } = (typeof candidate === 'object' && candidate !== null ? candidate : {}) as Record<string, unknown>;
  if (typeof id !== 'string' || id === '') throw malformed(answer, 'a subscription has no "id"', 'a subscription list');
  if (typeof enabled !== 'boolean') throw malformed(answer, `subscription ${id} has no boolean "is_enabled"`, 'a subscription list');
  return { id, enabled };
}

function createdAtOf(answer: Answer, event: unknown): number {
  const { datetime_created: created } = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  const at = typeof created === 'string' ? Date.parse(created) : Number.NaN;
  if (Number.isNaN(at)) throw malformed(answer, 'an event has no "datetime_created" time', 'an event list');
  return at;
}
