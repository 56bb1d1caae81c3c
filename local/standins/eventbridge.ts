/**
 * A local Amazon EventBridge for tests, as far as the function uses it: PutEvents on the default bus over
 * the AWS JSON 1.1 protocol (`X-Amz-Target: AWSEvents.PutEvents`), so the real
 * `@aws-sdk/client-eventbridge` talks to it unchanged. It keeps every event it accepted and can refuse
 * entries (as EventBridge does, with FailedEntryCount) or the whole call.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventBridgeClient, type EventBridgeClientConfig } from '@aws-sdk/client-eventbridge';
import {
  asServiceError,
  clientError,
  listenOnLoopback,
  readBody,
  REGION,
  sendJson,
  ServiceError,
  standInEnvironment,
  TEST_CREDENTIALS,
  type JsonObject,
} from './aws-json.js';

/** One event as the bus received it. */
export interface ReceivedEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
  readonly eventBusName: string;
}

export interface EventBridgeStandIn {
  readonly endpoint: string;
  readonly events: readonly ReceivedEvent[];
  /** Resolves once `count` events in all were received (a test that waits for progress, not a clock). */
  whenReceived(count: number): Promise<void>;
  /** A real SDK client pointed at this stand-in. */
  client(overrides?: Partial<EventBridgeClientConfig>): EventBridgeClient;
  /** Environment for code that builds its own client (AWS_ENDPOINT_URL_EVENTBRIDGE and credentials). */
  env(): Record<string, string>;
  /** The next `times` PutEvents calls fail: each entry refused (`entries`) or the call itself (`call`). */
  refuse(how: 'entries' | 'call', times?: number): void;
  close(): Promise<void>;
}

export async function startEventBridgeStandIn(): Promise<EventBridgeStandIn> {
  const events: ReceivedEvent[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const clients: EventBridgeClient[] = [];
  let refusal: { how: 'entries' | 'call'; times: number } | undefined;

  function putEvents(input: JsonObject): JsonObject {
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > 10) {
      throw clientError('ValidationException', 'Entries must hold 1 to 10 events.');
    }
    const refused = refusal !== undefined && refusal.times > 0 ? refusal : undefined;
    if (refused) refused.times -= 1;
    if (refused?.how === 'call') throw new ServiceError('InternalException', 500, 'EventBridge failed.');
    if (refused?.how === 'entries') {
      const refused = { ErrorCode: 'InternalFailure', ErrorMessage: 'Refused by the stand-in.' };
      return { FailedEntryCount: entries.length, Entries: entries.map(() => refused) };
    }
    for (const entry of entries as JsonObject[]) {
      events.push({
        source: String(entry.Source),
        detailType: String(entry.DetailType),
        detail: JSON.parse(typeof entry.Detail === 'string' ? entry.Detail : 'null'),
        eventBusName: typeof entry.EventBusName === 'string' ? entry.EventBusName : 'default',
      });
    }
    for (const waiter of waiters.filter(({ count }) => events.length >= count)) waiter.resolve();
    return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    try {
      if (request.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
        throw clientError('UnknownOperationException', `Unknown operation ${String(request.headers['x-amz-target'])}.`);
      }
      sendJson(response, 200, putEvents(JSON.parse(body === '' ? '{}' : body) as JsonObject));
    } catch (error) {
      const failure = asServiceError(error);
      sendJson(response, failure.status, { __type: failure.type, message: failure.message }, failure.type);
    }
  }

  const { endpoint, close: closeServer } = await listenOnLoopback(handle);
  return {
    endpoint,
    events,
    whenReceived(count) {
      return events.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }));
    },
    client(overrides = {}) {
      const client = new EventBridgeClient({ region: REGION, endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1, ...overrides });
      clients.push(client);
      return client;
    },
    env: () => standInEnvironment('AWS_ENDPOINT_URL_EVENTBRIDGE', endpoint),
    refuse(how, times = 1) {
      refusal = { how, times };
    },
    async close() {
      for (const client of clients) client.destroy();
      await closeServer();
    },
  };
}
