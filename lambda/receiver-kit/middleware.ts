// The receiver kit as a middy middleware (`<package>/receiver/middleware`), for a Lambda behind API Gateway
// (REST or HTTP API) or a Function URL: a delivery that does not verify is answered 401 (413 when its body is
// over the limit) before the handler runs; one that does carries what verified it into
// `request.context.prolificDelivery`.
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { StagingLabel } from '../contract/staging-labels.js';
import {
  bodyTooLarge,
  createDeliveryVerifier,
  DEFAULT_MAX_BODY_BYTES,
  type AcceptedDelivery,
  type DeliveryRejection,
  type DeliveryVerifierOptions,
} from './verify-delivery.js';

/** The parts of API Gateway's and Function URLs' events a delivery is read from. */
export interface HttpDeliveryEvent {
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
  /** REST APIs (payload version 1.0) also pass repeated headers here. */
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[] | undefined>> | null;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
}

/**
 * What the middleware puts on the context for the handler: `eventId` (X-Event-ID, unsigned), `matched`,
 * `form` (`raw` or `reserialised`), `replayKey` (deduplicate on it) and `staleKeys`.
 */
export type VerifiedDelivery = Omit<AcceptedDelivery, 'ok'> & { readonly matched: StagingLabel };

/** What the middleware adds to the Lambda context (middy's `request.context`). */
export interface ProlificDeliveryContext {
  prolificDelivery?: VerifiedDelivery;
}

export interface ProlificDeliveryMiddlewareOptions extends DeliveryVerifierOptions {
  /**
   * Called with the reason a delivery was rejected (never with a secret), e.g. to log or count it.
   * @default - nothing
   */
  readonly onRejected?: (reason: DeliveryRejection) => void;
}

/** The answer to a delivery that does not verify: no detail, so a forger learns nothing. */
export const UNAUTHORIZED = { statusCode: 401, headers: { 'content-type': 'text/plain' }, body: 'Unauthorized' } as const;
const PAYLOAD_TOO_LARGE = { statusCode: 413, headers: { 'content-type': 'text/plain' }, body: 'Payload Too Large' } as const;

type DeliveryMiddleware = MiddlewareObj<HttpDeliveryEvent, unknown, Error, Context & ProlificDeliveryContext>;

export function prolificDeliveryVerifier(
  options: ProlificDeliveryMiddlewareOptions,
): DeliveryMiddleware {
  const verify = createDeliveryVerifier(options);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  // Returning a response from `before` ends the request there: middy skips the handler.
  const prolificDeliveryVerifierBefore: NonNullable<DeliveryMiddleware['before']> = async (request) => {
    const { event } = request;
    const result = base64TooLarge(event, maxBodyBytes)
      ? ({ ok: false, reason: 'body-too-large' } as const)
      : await verify({ headers: headersOf(event), rawBody: rawBodyOf(event) });
    if (!result.ok) {
      options.onRejected?.(result.reason);
      return result.reason === 'body-too-large' ? PAYLOAD_TOO_LARGE : UNAUTHORIZED;
    }
    const { eventId, matched, form, replayKey, staleKeys } = result;
    request.context.prolificDelivery = { eventId, matched, form, replayKey, staleKeys };
    return undefined;
  };

  // A delivery the handler failed on is not processed: Prolific's retry, perhaps the same signed bytes, must pass.
  const release = (request: Parameters<NonNullable<DeliveryMiddleware['after']>>[0]) => {
    const replayKey = request.context.prolificDelivery?.replayKey;
    if (replayKey !== undefined) verify.release(replayKey);
  };
  const prolificDeliveryVerifierAfter: NonNullable<DeliveryMiddleware['after']> = (request) => {
    if (serverErrorStatus(request.response)) release(request);
  };
  const prolificDeliveryVerifierOnError: NonNullable<DeliveryMiddleware['onError']> = (request) => {
    release(request);
  };

  return { before: prolificDeliveryVerifierBefore, after: prolificDeliveryVerifierAfter, onError: prolificDeliveryVerifierOnError };
}

function serverErrorStatus(response: unknown): boolean {
  const status = typeof response === 'object' && response !== null ? (response as { statusCode?: unknown }).statusCode : undefined;
  return typeof status === 'number' && status >= 500;
}

function headersOf(event: HttpDeliveryEvent): Record<string, string | readonly string[] | undefined> {
  return { ...(event.multiValueHeaders ?? {}), ...(event.headers ?? {}) };
}

/** A base64 body whose decoded length is over the limit, judged before decoding it (4 characters per 3 bytes). */
function base64TooLarge(event: HttpDeliveryEvent, maxBytes: number): boolean {
  return event.isBase64Encoded === true && typeof event.body === 'string' && bodyTooLarge(event.body, Math.ceil(maxBytes / 3) * 4 + 4);
}

/** The body exactly as Prolific sent it: API Gateway and Function URLs base64-encode bodies they consider binary. */
function rawBodyOf(event: HttpDeliveryEvent): string | Uint8Array {
  const body = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(body, 'base64') : body;
}
