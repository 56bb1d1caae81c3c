// The receiver kit as middy middleware, with the event shapes API Gateway (REST and HTTP APIs) and Function
// URLs deliver, over the Secrets Manager stand-in with the real SDK client.
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signDelivery, verifyDelivery, type DeliveryRejection } from '../../../lambda/receiver-kit/index.js';
import {
  prolificDeliveryVerifier,
  UNAUTHORIZED,
  type HttpDeliveryEvent,
  type ProlificDeliveryContext,
} from '../../../lambda/receiver-kit/middleware.js';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from '../../../local/standins/secrets-manager.js';
import { standInContext } from '../../../local/invoke-handler.js';

const WORKSPACE = '6655443322110099aabbccdd';
const VALUE = 'current-signing-secret';
const BODY = '{"event_type":"study.status.change","resource_id":"abc","status":"AWAITING REVIEW","note":"caf\u00e9"}';
const NOW = new Date('2026-12-01T10:00:00.000Z');
const TIMESTAMP = String(NOW.getTime() / 1000);

let standIn: SecretsManagerStandIn;
let secretId: string;
beforeEach(async () => {
  standIn = await startSecretsManagerStandIn();
  const stored = JSON.stringify({ id: 's1', value: VALUE, workspace_id: WORKSPACE, rotated_at: NOW.toISOString() });
  secretId = standIn.createSecret(`prolific/${WORKSPACE}`, stored).arn;
});
afterEach(async () => {
  await standIn.close();
});

function receiver(rejections: DeliveryRejection[] = []) {
  const handler = (_event: HttpDeliveryEvent, context: Context & ProlificDeliveryContext) =>
    Promise.resolve({ statusCode: 200, body: JSON.stringify(context.prolificDelivery) });
  return middy(handler).use(
    prolificDeliveryVerifier({ secretId, client: standIn.client(), now: () => NOW, onRejected: (reason) => rejections.push(reason) }),
  );
}

const signature = (value = VALUE, body = BODY) => signDelivery(value, TIMESTAMP, body);

describe('prolificDeliveryVerifier', () => {
  it('passes a REST API delivery (payload 1.0, mixed-case headers) to the handler with its event id', async () => {
    const event = {
      headers: { 'X-Prolific-Request-Signature': signature(), 'X-Prolific-Request-Timestamp': TIMESTAMP, 'X-Event-ID': 'event-1' },
      multiValueHeaders: { 'X-Prolific-Request-Signature': [signature()] },
      body: BODY,
      isBase64Encoded: false,
    };

    const response = await receiver()(event, standInContext());

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      eventId: 'event-1',
      matched: 'AWSCURRENT',
      form: 'raw',
      replayKey: Buffer.from(signature(), 'base64').toString('hex'),
      staleKeys: false,
    });
  });

  it('decodes a base64 body from an HTTP API or a Function URL (payload 2.0, lower-case headers)', async () => {
    const event = {
      headers: { 'x-prolific-request-signature': signature(), 'x-prolific-request-timestamp': TIMESTAMP },
      body: Buffer.from(BODY, 'utf8').toString('base64'),
      isBase64Encoded: true,
    };

    const response = await receiver()(event, standInContext());

    expect(response.statusCode).toBe(200);
  });

  it('answers 401 without detail, and never runs the handler, for a forged delivery', async () => {
    const rejections: DeliveryRejection[] = [];
    const headers = { 'x-prolific-request-signature': signature('forged'), 'x-prolific-request-timestamp': TIMESTAMP };
    const event = { headers, body: BODY };

    const response = await receiver(rejections)(event, standInContext());

    expect(response).toEqual(UNAUTHORIZED);
    expect(rejections).toEqual(['bad-signature']);
  });

  it('answers 401 for a delivery without the signature headers', async () => {
    const response = await receiver()({ headers: {}, body: BODY }, standInContext());

    expect(response.statusCode).toBe(401);
  });
});

describe('verifyDelivery', () => {
  it('verifies with one verifier kept per secret and client: the secret is read once', async () => {
    const client = standIn.client();
    // Two different deliveries: a second copy of the first would be a replay.
    const deliveryOf = (body: string) => ({
      headers: { 'x-prolific-request-signature': signature(VALUE, body), 'x-prolific-request-timestamp': TIMESTAMP },
      rawBody: body,
    });

    const first = await verifyDelivery(deliveryOf(BODY), { secretId, client, now: () => NOW });
    const second = await verifyDelivery(deliveryOf(BODY.replace('abc', 'def')), { secretId, client, now: () => NOW });

    expect([first.ok, second.ok]).toEqual([true, true]);
    expect(standIn.calls.filter((call) => call.operation === 'DescribeSecret')).toHaveLength(1);
  });

  it('reads a secret stored in the plain format', async () => {
    const plainId = standIn.createSecret(`prolific/plain-${WORKSPACE}`, VALUE).arn;
    const delivery = { headers: { 'x-prolific-request-signature': signature(), 'x-prolific-request-timestamp': TIMESTAMP }, rawBody: BODY };

    const result = await verifyDelivery(delivery, { secretId: plainId, format: 'plain', client: standIn.client(), now: () => NOW });

    expect(result).toMatchObject({ ok: true, matched: 'AWSCURRENT' });
  });
});

describe('prolificDeliveryVerifier: hostile deliveries', () => {
  it('answers 413 for a body over maxBodyBytes, plain or base64, and tells onRejected', async () => {
    const rejections: DeliveryRejection[] = [];
    const large = 'x'.repeat(300 * 1024);
    const headers = { 'x-prolific-request-signature': signature(VALUE, large), 'x-prolific-request-timestamp': TIMESTAMP };

    const plain = await receiver(rejections)({ headers, body: large }, standInContext());
    const base64Event = { headers, body: Buffer.from(large).toString('base64'), isBase64Encoded: true };
    const encoded = await receiver(rejections)(base64Event, standInContext());

    expect([plain.statusCode, encoded.statusCode]).toEqual([413, 413]);
    expect(rejections).toEqual(['body-too-large', 'body-too-large']);
  });

  it('answers 401, and tells onRejected, for a body nested 5,000 deep with a junk signature', async () => {
    const rejections: DeliveryRejection[] = [];
    const nested = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const headers = { 'x-prolific-request-signature': signature('junk', nested), 'x-prolific-request-timestamp': TIMESTAMP };

    const response = await receiver(rejections)({ headers, body: nested }, standInContext());

    expect(response).toEqual(UNAUTHORIZED);
    expect(rejections).toEqual(['bad-signature']);
  });
});

describe('prolificDeliveryVerifier: copies of a delivery', () => {
  const headers = { 'x-prolific-request-signature': signature(), 'x-prolific-request-timestamp': TIMESTAMP };

  it('refuses a copy of a delivery the handler processed', async () => {
    const rejections: DeliveryRejection[] = [];
    const receive = receiver(rejections);

    const first = await receive({ headers, body: BODY }, standInContext());
    const copy = await receive({ headers: { ...headers, 'x-event-id': 'another-id' }, body: BODY }, standInContext());

    expect([first.statusCode, copy.statusCode]).toEqual([200, 401]);
    expect(rejections).toEqual(['replayed']);
  });

  it('accepts the retry of a delivery the handler failed on, though it carries the same signature', async () => {
    let failures = 1;
    const handler = () => {
      if (failures-- > 0) return Promise.reject(new Error('the handler failed'));
      return Promise.resolve({ statusCode: 200, body: 'ok' });
    };
    const receive = middy(handler).use(prolificDeliveryVerifier({ secretId, client: standIn.client(), now: () => NOW }));

    const failed = await receive({ headers, body: BODY }, standInContext()).catch((error: unknown) => error);
    const retried = await receive({ headers, body: BODY }, standInContext());

    expect(failed).toMatchObject({ message: 'the handler failed' });
    expect(retried).toEqual({ statusCode: 200, body: 'ok' });
  });

  it('accepts the retry of a delivery the handler answered 5xx', async () => {
    const statuses = [503, 200];
    const handler = () => Promise.resolve({ statusCode: statuses.shift() ?? 200 });
    const receive = middy(handler).use(prolificDeliveryVerifier({ secretId, client: standIn.client(), now: () => NOW }));

    const answers = [await receive({ headers, body: BODY }, standInContext()), await receive({ headers, body: BODY }, standInContext())];

    expect(answers.map((answer) => answer.statusCode)).toEqual([503, 200]);
  });
});
