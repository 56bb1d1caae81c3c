/**
 * The faults the Prolific stand-in (prolific.ts) plays on request: rules that pick the requests, and the
 * answers that stand for Prolific misbehaving (an error status, a hang, a delay, a reset, a raw, cut-off,
 * huge or altered body), written over real HTTP.
 */
import { STATUS_CODES } from 'node:http';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** The secret endpoints: where a rule applies unless it names another path. */
export const SECRETS_PATH = '/api/v1/hooks/secrets/';

export interface JsonAnswer { status: number; body: unknown; headers?: OutgoingHttpHeaders }

/** The HTTP status answered, or what happened instead. */
export type AnswerOutcome = number | 'reset' | 'hang' | 'partial';

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
   * A 200 whose body is `bytes` bytes of JSON (blanks, then an empty results list), streamed in chunks as
   * the client reads them, with a Content-Length only if `declareLength`; it stops when the client goes.
   */
  | { kind: 'huge-body'; bytes: number; declareLength?: boolean }
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

/** The header of the answer that stands for a hang when the stand-in runs with `markHangs`. */
export const HANG_MARKER_HEADER = 'x-prolific-stand-in-hang';

interface ArmedRule { rule: ProlificFaultRule; skipsLeft: number; timesLeft: number }

export function createFaultMatcher() {
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
export async function respond(
  res: ServerResponse,
  rule: ProlificFaultRule | undefined,
  realAnswer: () => JsonAnswer,
  settings: FaultSettings,
): Promise<AnswerOutcome> {
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
): Promise<AnswerOutcome> {
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
    case 'huge-body':
      return writeHugeBody(res, fault.bytes, fault.declareLength ?? false);
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
      const closed = () => {
        reject(shutdown.reason instanceof Error ? shutdown.reason : new Error('The Prolific stand-in was closed.'));
      };
      if (shutdown.aborted) closed();
      shutdown.addEventListener('abort', closed, { once: true });
    }),
  ]);
}

export function errorAnswer(status: number, detail: unknown, title = STATUS_CODES[status] ?? 'Error'): JsonAnswer {
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

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns the status written, for the call record. */
export function writeJson(res: ServerResponse, answer: JsonAnswer): number {
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

/** Streams a valid JSON body of `bytes` bytes, waiting for the client to read each chunk; stops if it goes away. */
async function writeHugeBody(res: ServerResponse, bytes: number, declareLength: boolean): Promise<number> {
  const ending = Buffer.from('{"results":[]}');
  res.writeHead(200, { 'content-type': 'application/json', ...(declareLength ? { 'content-length': bytes } : {}) });
  const blanks = Buffer.alloc(64 * 1024, ' ');
  for (let left = bytes - ending.length; left > 0 && !res.destroyed; left -= blanks.length) {
    if (!res.write(left >= blanks.length ? blanks : blanks.subarray(0, left))) await drainedOrClosed(res);
  }
  if (!res.destroyed) res.end(ending);
  return 200;
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const settle = () => {
      res.off('drain', settle);
      res.off('close', settle);
      resolve();
    };
    res.on('drain', settle);
    res.on('close', settle);
  });
}

function writeHalf(res: ServerResponse, answer: JsonAnswer): void {
  const body = Buffer.from(JSON.stringify(answer.body));
  res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': body.length, ...answer.headers });
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
}
