// Delivery health from Prolific's side: a workspace's subscriptions (enabled and disabled) and, per
// subscription, the deliveries that failed since the current secret was rotated in. Failures after a
// rotation mean receivers are not verifying with the stored secret; a disabled subscription means
// Prolific gave up on one. Same transport, budgets, retries and errors as the secret endpoints.
import type { DeliveryHealth } from '../../contract/report.js';
import { createEventPages, PAGE_SIZE, type DeliveryEvent } from './event-pages.js';
import { failuresSince } from './failures-since.js';
import { malformed, resultsOf, statusError, type Answer, type ProlificRequest } from './responses.js';
import type { Transport } from './transport.js';

const SUBSCRIPTIONS_PATH = '/api/v1/hooks/subscriptions/';
/** Subscriptions whose events are read at once: each reads its pages one after the other. */
export const MAX_CONCURRENT_SUBSCRIPTION_READS = 5;

export interface DeliveryHealthReader {
  readonly transport: Transport;
  readonly token: string;
  readonly reserve: { readonly reserveMs: number };
}

interface Subscription {
  readonly id: string;
  readonly enabled: boolean;
}

/** `since`: the current secret's rotation time; without one, no events are read (there is nothing to count from). */
export async function readDeliveryHealth(
  reader: DeliveryHealthReader,
  workspaceId: string,
  since: string | undefined,
): Promise<DeliveryHealth> {
  // Listed once per filter (Prolific lists only enabled ones by default), then classified by the field itself.
  const listed = (await Promise.all([true, false].map((isEnabled) => listSubscriptions(reader, workspaceId, isEnabled)))).flat();
  const subscriptions = [...new Map(listed.map((subscription) => [subscription.id, subscription])).values()];
  const counted = {
    subscriptions: subscriptions.filter((subscription) => subscription.enabled).length,
    disabled: subscriptions.filter((subscription) => !subscription.enabled).length,
  };
  const sinceMs = since === undefined ? Number.NaN : Date.parse(since);
  if (Number.isNaN(sinceMs)) return { ...counted, failedSinceRotation: 0, lastFailureAt: null, failureCount: 'not-read' };

  const perSubscription = await mapAtMost(subscriptions, MAX_CONCURRENT_SUBSCRIPTION_READS, (subscription) =>
    failuresSince(createEventPages((offset) => readEventPage(reader, workspaceId, subscription.id, offset)), sinceMs),
  );
  const failures = perSubscription.flatMap((subscription) => subscription.createdAt);
  const latest = failures.reduce<number | undefined>((max, at) => (max === undefined || at > max ? at : max), undefined);
  return {
    ...counted,
    failedSinceRotation: failures.length,
    lastFailureAt: latest === undefined ? null : new Date(latest).toISOString(),
    ...(perSubscription.every((subscription) => subscription.complete) ? {} : { failureCount: 'lower-bound' }),
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

/** One page of the subscription's failed events, from `offset`. */
async function readEventPage(
  reader: DeliveryHealthReader,
  workspaceId: string,
  subscriptionId: string,
  offset: number,
): Promise<DeliveryEvent[]> {
  const request: ProlificRequest = {
    method: 'GET',
    path: `${SUBSCRIPTIONS_PATH}${encodeURIComponent(subscriptionId)}/events/`,
    workspaceId,
    query: { status: 'FAILED', offset: String(offset), limit: String(PAGE_SIZE) },
  };
  return reader.transport.send(
    request,
    (answer) => ok(reader, answer, 'an event list').map((event) => eventOf(answer, event)),
    reader.reserve,
  );
}

/**
 * `work` over `items` with at most `limit` running at once. The first failure is thrown, and stops the
 * items not yet started: one failed read makes the whole reading fail, so the rest would be wasted.
 */
async function mapAtMost<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  let failed = false;
  async function worker(): Promise<void> {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function ok(reader: DeliveryHealthReader, answer: Answer, expected: string): unknown[] {
  if (answer.status !== 200) throw statusError(answer, reader.token);
  return resultsOf(answer, expected);
}

function subscriptionOf(answer: Answer, candidate: unknown): Subscription {
  const { id, is_enabled: enabled } = fieldsOf(candidate);
  if (typeof id !== 'string' || id === '') throw malformed(answer, 'a subscription has no "id"', 'a subscription list');
  if (typeof enabled !== 'boolean') throw malformed(answer, `subscription ${id} has no boolean "is_enabled"`, 'a subscription list');
  return { id, enabled };
}

function eventOf(answer: Answer, event: unknown): DeliveryEvent {
  const { id, datetime_created: created, status } = fieldsOf(event);
  const createdAt = typeof created === 'string' ? Date.parse(created) : Number.NaN;
  if (Number.isNaN(createdAt)) throw malformed(answer, 'an event has no "datetime_created" time', 'an event list');
  // Without ids, an event listed twice could not be told from two events.
  if (typeof id !== 'string' || id === '') throw malformed(answer, 'an event has no "id"', 'an event list');
  return { id, createdAt, failed: status === 'FAILED' };
}

function fieldsOf(value: unknown): Record<string, unknown> {
  return (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
}
