/**
 * A local stand-in for Prolific's webhook API, served over real HTTP on 127.0.0.1, with faults that tests
 * inject to play Prolific misbehaving: the signing-secret endpoints here, subscriptions and signed
 * deliveries in prolific-deliveries.ts, the faults in prolific-faults.ts.
 * What it follows of Prolific's public API (https://api.prolific.com): `GET /api/v1/hooks/secrets/`
 * lists a workspace's active secret and `POST /api/v1/hooks/secrets/` replaces it at once,
 * both authenticated with `Authorization: Token <token>` (401 otherwise).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createDeliveryStore,
  type DeliveryAttempt,
  type DeliveryOptions,
  type EventListing,
  type PastDelivery,
  type ProlificDeliveryEvent,
  type ProlificSubscription,
} from './prolific-deliveries.js';
import {
  createFaultMatcher,
  errorAnswer,
  isRecord,
  respond,
  SECRETS_PATH,
  type AnswerOutcome,
  type JsonAnswer,
  type ProlificFaultRule,
} from './prolific-faults.js';

export { HANG_MARKER_HEADER, type ProlificErrorShape, type ProlificFault, type ProlificFaultRule } from './prolific-faults.js';

export interface ProlificSecret { id: string; value: string; workspace_id: string }

export interface RecordedProlificCall {
  method: string;
  path: string;
  workspaceId?: string;
  authorized: boolean;
  /** The HTTP status answered, or what happened instead. */
  outcome: AnswerOutcome;
}

export interface ProlificStandInOptions {
  /** The one accepted API token. @default - a random string */
  token?: string;
  /** Workspaces that exist, each starting with one active secret. @default [] */
  workspaces?: string[];
  /**
   * Answer a request the `hang` fault holds at once, with an empty 504 that carries HANG_MARKER_HEADER,
   * instead of never: for a client whose fetch turns that answer into its own timeout, so that only a
   * hang, never a slow machine, times a request out (test/support/clockless-prolific.ts). The call is
   * still recorded as `hang`. @default false
   */
  markHangs?: boolean;
  /** How `GET .../events/` lists a subscription's events. @default - oldest first, honouring `offset` */
  eventListing?: EventListing;
}

export interface ProlificStandIn {
  /** e.g. http://127.0.0.1:43121 (no trailing slash) */
  readonly url: string;
  readonly token: string;
  readonly calls: readonly RecordedProlificCall[];
  /** Resolves once `count` calls are recorded (a hung request is recorded as soon as it is held). */
  whenCalled(count: number): Promise<void>;
  /** Throws if the workspace exists already. */
  addWorkspace(workspaceId: string, options?: { withSecret?: boolean }): void;
  activeSecret(workspaceId: string): ProlificSecret | undefined;
  /** Rotates behind the product's back (someone used the Prolific app). Throws for an unknown workspace. */
  replaceSecret(workspaceId: string): ProlificSecret;
  /** Every secret value ever issued, so tests can scan logs for them. */
  issuedValues(): string[];
  /** Subscribes `targetUrl` to the workspace's events (the workspace must have a secret, as on Prolific). */
  subscribe(workspaceId: string, targetUrl: string, eventType?: string): ProlificSubscription;
  /** Enables or disables a subscription (Prolific disables one after 5 days of failed deliveries). */
  setSubscriptionEnabled(subscriptionId: string, enabled: boolean): void;
  /** Delivers one event, signed as Prolific signs, to every enabled subscription of the workspace. */
  deliver(workspaceId: string, payload: Record<string, unknown>, options?: DeliveryOptions): Promise<DeliveryAttempt[]>;
  /** A subscription's delivery events, oldest first. */
  deliveryEvents(subscriptionId: string): ProlificDeliveryEvent[];
  /** Adds past deliveries to a subscription's events without delivering them; returns the events made. */
  recordPastDeliveries(subscriptionId: string, past: readonly PastDelivery[]): ProlificDeliveryEvent[];
  /** Rules are matched in the order injected. */
  injectFault(rule: ProlificFaultRule): void;
  clearFaults(): void;
  /** Ends hanging requests and open sockets, then closes the server. Safe to call twice. */
  close(): Promise<void>;
}

const INVALID_JSON = Symbol('invalid JSON');

interface IncomingCall {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Parsed JSON, `undefined` for an empty body, INVALID_JSON otherwise. */
  body: unknown;
  workspaceId?: string;
  authorized: boolean;
}

export async function startProlificStandIn(options: ProlificStandInOptions = {}): Promise<ProlificStandIn> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const secrets = createSecretStore();
  for (const workspaceId of options.workspaces ?? []) secrets.add(workspaceId, true);
  const deliveries = createDeliveryStore(
    (workspaceId) => (secrets.has(workspaceId) ? secrets.active(workspaceId)?.value : undefined),
    options.eventListing,
  );
  const faults = createFaultMatcher();
  const calls: RecordedProlificCall[] = [];
  const callWaiters: { count: number; resolve: () => void }[] = [];
  const shutdown = new AbortController();

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const call = await readCall(req, token);
    const rule = faults.take(call.method, call.workspaceId, call.path);
    const respondOptions = { shutdown: shutdown.signal, markHangs: options.markHangs ?? false };
    const outcome = await respond(res, rule, () => route(call, secrets, deliveries), respondOptions);
    calls.push({
      method: call.method,
      path: call.path,
      workspaceId: call.workspaceId,
      authorized: call.authorized,
      outcome,
    });
    for (const waiter of callWaiters.filter(({ count }) => count <= calls.length)) {
      callWaiters.splice(callWaiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  const server = createServer((req, res) => {
    serve(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => { resolve(); });
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  function close(): Promise<void> {
    closed ??= new Promise<void>((resolve, reject) => {
      shutdown.abort();
      server.close((error) => {
        if (error) reject(error);
        else resolve();
      });
      server.closeAllConnections();
    });
    return closed;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    calls,
    whenCalled: (count) =>
      count <= calls.length ? Promise.resolve() : new Promise<void>((resolve) => callWaiters.push({ count, resolve })),
    addWorkspace: (workspaceId, addOptions) => { secrets.add(workspaceId, addOptions?.withSecret ?? true); },
    activeSecret: (workspaceId) => secrets.active(workspaceId),
    replaceSecret: (workspaceId) => secrets.replace(workspaceId),
    issuedValues: () => secrets.issuedValues(),
    subscribe: (workspaceId, targetUrl, eventType) => deliveries.subscribe(workspaceId, targetUrl, eventType),
    setSubscriptionEnabled: (subscriptionId, enabled) => { deliveries.setEnabled(subscriptionId, enabled); },
    deliver: (workspaceId, payload, deliveryOptions) => deliveries.deliver(workspaceId, payload, deliveryOptions),
    deliveryEvents: (subscriptionId) => deliveries.events(subscriptionId),
    recordPastDeliveries: (subscriptionId, past) => deliveries.recordPast(subscriptionId, past),
    injectFault: (rule) => { faults.add(rule); },
    clearFaults: () => { faults.clear(); },
    close,
  };
}

type SecretStore = ReturnType<typeof createSecretStore>;

/** Prolific's state: exactly one active secret (or none) per workspace. Hands out copies only. */
function createSecretStore() {
  const activeByWorkspace = new Map<string, ProlificSecret | undefined>();
  const issued: string[] = [];

  function replace(workspaceId: string): ProlificSecret {
    if (!activeByWorkspace.has(workspaceId)) throw new Error(`Unknown workspace "${workspaceId}"`);
    const secret = {
      id: randomBytes(12).toString('hex'),
      value: randomBytes(32).toString('base64url'),
      workspace_id: workspaceId,
    };
    activeByWorkspace.set(workspaceId, secret);
    issued.push(secret.value);
    return { ...secret };
  }

  return {
    add(workspaceId: string, withSecret: boolean): void {
      if (activeByWorkspace.has(workspaceId)) throw new Error(`Workspace "${workspaceId}" exists already`);
      activeByWorkspace.set(workspaceId, undefined);
      if (withSecret) replace(workspaceId);
    },
    has: (workspaceId: string): boolean => activeByWorkspace.has(workspaceId),
    active(workspaceId: string): ProlificSecret | undefined {
      const secret = activeByWorkspace.get(workspaceId);
      return secret && { ...secret };
    },
    replace,
    issuedValues: (): string[] => [...issued],
  };
}

function route(call: IncomingCall, secrets: SecretStore, deliveries: ReturnType<typeof createDeliveryStore>): JsonAnswer {
  if (!call.authorized) return errorAnswer(401, 'Invalid token.');
  if (call.path !== SECRETS_PATH) return deliveries.route(call.method, call.path, call.query, call.body) ?? errorAnswer(404, 'Not found.');
  if (call.method === 'POST') return createSecret(call, secrets);
  if (call.method === 'GET') return listSecrets(call, secrets);
  return { ...errorAnswer(405, `Method "${call.method}" not allowed.`), headers: { allow: 'GET, POST' } };
}

/** POST /api/v1/hooks/secrets/: replaces the workspace's secret at once. */
function createSecret(call: IncomingCall, secrets: SecretStore): JsonAnswer {
  const workspaceId = workspaceIdFieldOrErrors(call.body);
  if (typeof workspaceId !== 'string') return errorAnswer(400, workspaceId);
  if (!secrets.has(workspaceId)) return errorAnswer(404, 'Not found.');
  return { status: 201, body: secrets.replace(workspaceId) };
}

/** GET /api/v1/hooks/secrets/?workspace_id=: the active secret, value included. */
function listSecrets(call: IncomingCall, secrets: SecretStore): JsonAnswer {
  const workspaceId = call.query.get('workspace_id');
  if (!workspaceId) return errorAnswer(400, { workspace_id: ['This field is required.'] });
  if (!secrets.has(workspaceId)) return errorAnswer(404, 'Not found.');
  const active = secrets.active(workspaceId);
  return { status: 200, body: { results: active ? [active] : [] } };
}

function workspaceIdFieldOrErrors(body: unknown): string | Record<string, string[]> {
  if (body === INVALID_JSON) return { non_field_errors: ['JSON parse error.'] };
  if (body === undefined) return { workspace_id: ['This field is required.'] };
  if (!isRecord(body)) return { non_field_errors: ['Invalid data. Expected a dictionary.'] };
  const workspaceId = body.workspace_id;
  if (workspaceId === undefined || workspaceId === null) return { workspace_id: ['This field is required.'] };
  if (typeof workspaceId !== 'string') return { workspace_id: ['Not a valid string.'] };
  if (workspaceId.trim() === '') return { workspace_id: ['This field may not be blank.'] };
  return workspaceId;
}

async function readCall(req: IncomingMessage, token: string): Promise<IncomingCall> {
  const url = new URL(req.url ?? '/', 'http://stand-in.invalid');
  const body = parseJsonBody(await readText(req));
  const bodyWorkspaceId = isRecord(body) && typeof body.workspace_id === 'string' ? body.workspace_id : undefined;
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    body,
    workspaceId: url.searchParams.get('workspace_id') ?? bodyWorkspaceId,
    authorized: req.headers.authorization === `Token ${token}`,
  };
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return INVALID_JSON;
  }
}
