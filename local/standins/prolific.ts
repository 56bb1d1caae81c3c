/**
 * A local stand-in for Prolific's webhook API, served over real HTTP on 127.0.0.1, with faults that tests
 * inject to play Prolific misbehaving: the signing-secret endpoints here, subscriptions and signed
 * deliveries in prolific-deliveries.ts.
 * What it follows of Prolific's public API (https://api.prolific.com): `GET /api/v1/hooks/secrets/`
 * lists a workspace's active secret and `POST /api/v1/hooks/secrets/` replaces it at once,
 * both authenticated with `Authorization: Token <token>` (401 otherwise).
 */
import { randomBytes } from 'node:crypto';
import { createServer, STATUS_CODES } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createDeliveryStore,
  type DeliveryAttempt,
  type DeliveryOptions,
  type ProlificDeliveryEvent,
  type ProlificSubscription,
} from './prolific-deliveries.js';

export interface ProlificSecret { id: string; value: string; workspace_id: string }

/** `{"error": {status, error_code, title, detail}}` or `{"detail": "..."}`. */
export type ProlificErrorShape = 'error' | 'detail';

export type ProlificFault =
  | { kind: 'status'; status: number; shape?: ProlificErrorShape; title?: string;
      detail?: string | string[] | Record<string, string[]>; retryAfter?: string | number }
  /**
   * Accepts the request and never answers (until close()): a timeout for the client. With `markHangs`,
   * answers at once with an empty 504 marked with HANG_MARKER_HEADER instead.
   */
  | { kind: 'hang' }
  /**
   * Answers normally, but only after `ms`, or once `until` settles (for a test that decides when, not
   * a clock); a POST replaces the secret only then.
   */
  | { kind: 'delay'; ms: number; until?: never }
  | { kind: 'delay'; until: Promise<unknown>; ms?: never }
  /** Destroys the socket without an answer (connection reset). */
  | { kind: 'reset' }
  /** A raw body: malformed JSON, an HTML page... Status defaults to 200, content type to application/json. */
  | { kind: 'body'; status?: number; body: string; contentType?: string }
  /** Sends headers with the Content-Length of the full real answer, writes half of it, destroys the socket. */
  | { kind: 'partial' }
  /**
   * The real answer with these fields replaced (an `undefined` value removes the field).
   * For GET it applies to results[0]; error answers pass unchanged.
   */
  | { kind: 'override'; fields: Partial<Record<'id' | 'value' | 'workspace_id', unknown>> };

export interface ProlificFaultRule {
  fault: ProlificFault;
  /** @default - any method */
  method?: 'GET' | 'POST' | 'PATCH';
  /**
   * The path the rule applies to: a prefix, so the subscriptions path covers their events too.
   * @default '/api/v1/hooks/secrets/' (the secret endpoints)
   */
  path?: string;
  /** Matched against `workspace_id` from the query, else from the JSON body. @default - any workspace */
  workspaceId?: string;
  /** How many matching requests it applies to; Infinity allowed. @default 1 */
  times?: number;
  /** Let this many matching requests through first. @default 0 */
  skip?: number;
  /**
   * POST only: the secret IS replaced first, then the fault is answered instead of 201
   * ("Prolific acted but the client never saw the answer").
   */
  afterEffect?: boolean;
}

export interface RecordedProlificCall {
  method: string;
  path: string;
  workspaceId?: string;
  authorized: boolean;
  /** The HTTP status answered, or what happened instead. */
  outcome: number | 'reset' | 'hang' | 'partial';
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
}

/** The header of the answer that stands for a hang when the stand-in runs with `markHangs`. */
export const HANG_MARKER_HEADER = 'x-prolific-stand-in-hang';

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
  /** Rules are matched in the order injected. */
  injectFault(rule: ProlificFaultRule): void;
  clearFaults(): void;
  /** Ends hanging requests and open sockets, then closes the server. Safe to call twice. */
  close(): Promise<void>;
}

type Outcome = RecordedProlificCall['outcome'];

const SECRETS_PATH = '/api/v1/hooks/secrets/';
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

interface JsonAnswer { status: number; body: unknown; headers?: OutgoingHttpHeaders }

export async function startProlificStandIn(options: ProlificStandInOptions = {}): Promise<ProlificStandIn> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const secrets = createSecretStore();
  for (const workspaceId of options.workspaces ?? []) secrets.add(workspaceId, true);
  const deliveries = createDeliveryStore((workspaceId) => (secrets.has(workspaceId) ? secrets.active(workspaceId)?.value : undefined));
  const faults = createFaultMatcher();
  const calls: RecordedProlificCall[] = [];
  const callWaiters: { count: number; resolve: () => void }[] = [];
  const shutdown = new AbortController();

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const call = await readCall(req, token);
    const rule = faults.take(call.method, call.workspaceId, call.path);
    const outcome = await respond(res, rule, () => route(call, secrets, deliveries), { shutdown: shutdown.signal, markHangs: options.markHangs ?? false });
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
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  function close(): Promise<void> {
    closed ??= new Promise<void>((resolve, reject) => {
      shutdown.abort();
      server.close((error) => (error ? reject(error) : resolve()));
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
    addWorkspace: (workspaceId, addOptions) => secrets.add(workspaceId, addOptions?.withSecret ?? true),
    activeSecret: (workspaceId) => secrets.active(workspaceId),
    replaceSecret: (workspaceId) => secrets.replace(workspaceId),
    issuedValues: () => secrets.issuedValues(),
    subscribe: (workspaceId, targetUrl, eventType) => deliveries.subscribe(workspaceId, targetUrl, eventType),
    setSubscriptionEnabled: (subscriptionId, enabled) => deliveries.setEnabled(subscriptionId, enabled),
    deliver: (workspaceId, payload, deliveryOptions) => deliveries.deliver(workspaceId, payload, deliveryOptions),
    deliveryEvents: (subscriptionId) => deliveries.events(subscriptionId),
    injectFault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
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

interface ArmedRule { rule: ProlificFaultRule; skipsLeft: number; timesLeft: number }

function createFaultMatcher() {
  let armed: ArmedRule[] = [];

  function matches({ rule }: ArmedRule, method: string, workspaceId: string | undefined, path: string): boolean {
    return path.startsWith(rule.path ?? SECRETS_PATH)
      && (rule.method === undefined || rule.method === method)
      && (rule.workspaceId === undefined || rule.workspaceId === workspaceId)
      && (!rule.afterEffect || method === 'POST');
  }

  return {
    add(rule: ProlificFaultRule): void {
      if (rule.afterEffect && rule.method === 'GET') throw new Error('afterEffect applies to POST only');
      armed.push({ rule: { ...rule }, skipsLeft: rule.skip ?? 0, timesLeft: rule.times ?? 1 });
    },
    clear(): void {
      armed = [];
    },
    /** Every matching rule counts the request toward its own skip; the first one past it with times left applies. */
    take(method: string, workspaceId: string | undefined, path: string): ProlificFaultRule | undefined {
      let chosen: ProlificFaultRule | undefined;
      for (const entry of armed) {
        if (entry.timesLeft <= 0 || !matches(entry, method, workspaceId, path)) continue;
        if (entry.skipsLeft > 0) {
          entry.skipsLeft -= 1;
        } else if (chosen === undefined) {
          entry.timesLeft -= 1;
          chosen = entry.rule;
        }
      }
      return chosen;
    },
  };
}

interface FaultSettings {
  /** Ends a delay when the stand-in closes. */
  readonly shutdown: AbortSignal;
  readonly markHangs: boolean;
}

/*
 * Faults come before auth and validation, so a test can fault any request whatever its token or
 * body, and a faulted POST changes nothing. The exceptions need Prolific's real answer: delay,
 * partial and override wrap it (errors included), and an afterEffect fault is answered only when
 * the POST really replaced the secret (otherwise Prolific did not act and the real error is sent).
 */
async function respond(
  res: ServerResponse,
  rule: ProlificFaultRule | undefined,
  realAnswer: () => JsonAnswer,
  settings: FaultSettings,
): Promise<Outcome> {
  if (rule === undefined) return writeJson(res, realAnswer());
  if (!rule.afterEffect) return answerFault(res, rule.fault, realAnswer, settings);
  const answer = realAnswer();
  if (answer.status !== 201) return writeJson(res, answer);
  return answerFault(res, rule.fault, () => answer, settings);
}

async function answerFault(
  res: ServerResponse,
  fault: ProlificFault,
  realAnswer: () => JsonAnswer,
  { shutdown, markHangs }: FaultSettings,
): Promise<Outcome> {
  switch (fault.kind) {
    case 'status':
      return writeJson(res, statusFaultAnswer(fault));
    case 'body':
      return writeText(res, fault.status ?? 200, fault.body, fault.contentType ?? 'application/json');
    case 'hang':
      if (markHangs) writeText(res, 504, '', 'application/json', { [HANG_MARKER_HEADER]: 'true' });
      return 'hang';
    case 'reset':
      res.socket?.resetAndDestroy();
      return 'reset';
    case 'partial':
      writeHalf(res, realAnswer());
      return 'partial';
    case 'override':
      return writeJson(res, withFieldsReplaced(realAnswer(), fault.fields));
    case 'delay':
      await (fault.until === undefined ? sleep(fault.ms, undefined, { signal: shutdown }) : untilOrShutdown(fault.until, shutdown));
      return writeJson(res, realAnswer());
  }
}

/** Settles with `until`, or rejects when the stand-in shuts down first. */
function untilOrShutdown(until: Promise<unknown>, shutdown: AbortSignal): Promise<unknown> {
  return Promise.race([
    until,
    new Promise((_, reject) => {
      if (shutdown.aborted) reject(shutdown.reason);
      shutdown.addEventListener('abort', () => reject(shutdown.reason), { once: true });
    }),
  ]);
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

function errorAnswer(status: number, detail: unknown, title = STATUS_CODES[status] ?? 'Error'): JsonAnswer {
  // Prolific's error codes are not documented; these are the stand-in's own.
  return { status, body: { error: { status, error_code: 140_000 + status, title, detail } } };
}

function statusFaultAnswer(fault: Extract<ProlificFault, { kind: 'status' }>): JsonAnswer {
  const title = fault.title ?? STATUS_CODES[fault.status] ?? 'Error';
  const detail = fault.detail ?? title;
  const answer = fault.shape === 'detail'
    ? { status: fault.status, body: { detail } }
    : errorAnswer(fault.status, detail, title);
  return fault.retryAfter === undefined ? answer : { ...answer, headers: { 'retry-after': String(fault.retryAfter) } };
}

function withFieldsReplaced(answer: JsonAnswer, fields: Record<string, unknown>): JsonAnswer {
  const { body } = answer;
  if (answer.status >= 300 || !isRecord(body)) return answer;
  if (!Array.isArray(body.results)) return { ...answer, body: { ...body, ...fields } };
  const [first, ...rest] = body.results as unknown[];
  if (!isRecord(first)) return answer;
  return { ...answer, body: { results: [{ ...first, ...fields }, ...rest] } };
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns the status written, for the call record. */
function writeJson(res: ServerResponse, answer: JsonAnswer): number {
  return writeText(res, answer.status, JSON.stringify(answer.body), 'application/json', answer.headers);
}

function writeText(
  res: ServerResponse,
  status: number,
  body: string,
  contentType: string,
  headers: OutgoingHttpHeaders = {},
): number {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
  return status;
}

function writeHalf(res: ServerResponse, answer: JsonAnswer): void {
  const body = Buffer.from(JSON.stringify(answer.body));
  res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': body.length, ...answer.headers });
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
}
