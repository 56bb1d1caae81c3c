// The receiver kit as a middy middleware (`<package>/receiver/middleware`), for a Lambda behind API Gateway
// (REST or HTTP API) or a Function URL: a delivery that does not verify is answered 401 before the handler
// runs; one that does carries its event id and the label of the key that verified it into
// `request.context.prolificDelivery`.
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { createDeliveryVerifier, type DeliveryRejection, type DeliveryVerifierOptions, type SigningStage } from './verify-delivery.js';

/** The parts of API Gateway's and Function URLs' events a delivery is read from. */
export interface HttpDeliveryEvent {
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
  /** REST APIs (payload version 1.0) also pass repeated headers here. */
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[] | undefined>> | null;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
}

/** What the middleware puts on the context for the handler. */
export interface VerifiedDelivery {
  /** `X-Event-ID`: the same on every retry of an event, so deduplicate on it. */
  readonly eventId: string | undefined;
  readonly matched: SigningStage;
}

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

export function prolificDeliveryVerifier(
  options: ProlificDeliveryMiddlewareOptions,
): MiddlewareObj<HttpDeliveryEvent, unknown, Error, Context & ProlificDeliveryContext> {
  const verify = createDeliveryVerifier(options);

  // Returning a response from `before` ends the request there: middy skips the handler.
  const prolificDeliveryVerifierBefore: NonNullable<MiddlewareObj<HttpDeliveryEvent, unknown, Error, Context & ProlificDeliveryContext>['before']> = async (request) => {
    const { event } = request;
    const result = await verify({ headers: headersOf(event), rawBody: rawBodyOf(event) });
    if (!result.ok) {
      options.onRejected?.(result.reason);
      return UNAUTHORIZED;
    }
    request.context.prolificDelivery = { eventId: result.eventId, matched: result.matched };
    return undefined;
  };

  return { before: prolificDeliveryVerifierBefore };
}

function headersOf(event: HttpDeliveryEvent): Record<string, string | readonly string[] | undefined> {
  return { ...(event.multiValueHeaders ?? {}), ...(event.headers ?? {}) };
}

/** The body exactly as Prolific sent it: API Gateway and Function URLs base64-encode bodies they consider binary. */
function rawBodyOf(event: HttpDeliveryEvent): string | Uint8Array {
  const body = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(body, 'base64') : body;
}
