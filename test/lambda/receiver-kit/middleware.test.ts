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
import { fakeContext } from '../../../local/invoke-handler.js';

const WORKSPACE = '6655443322110099aabbccdd';
const VALUE = 'current-signing-secret';
const BODY = '{"event_type":"study.status.change","resource_id":"abc","status":"AWAITING REVIEW","note":"caf\u00e9"}';
const NOW = new Date('2026-12-01T10:00:00.000Z');
const TIMESTAMP = String(NOW.getTime() / 1000);

let standIn: SecretsManagerStandIn;
let secretId: string;
beforeEach(async () => {
  standIn = await startSecretsManagerStandIn();
  secretId = standIn.createSecret(`prolific/${WORKSPACE}`, JSON.stringify({ id: 's1', value: VALUE, workspace_id: WORKSPACE, rotated_at: NOW.toISOString() })).arn;
});
afterEach(async () => {
  await standIn.close();
});

function receiver(rejections: DeliveryRejection[] = []) {
  const handler = async (_event: HttpDeliveryEvent, context: Context & ProlificDeliveryContext) => ({
    statusCode: 200,
    body: JSON.stringify(context.prolificDelivery),
  });
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

    const response = await receiver()(event, fakeContext());

    expect(response).toEqual({ statusCode: 200, body: JSON.stringify({ eventId: 'event-1', matched: 'AWSCURRENT' }) });
  });

  it('decodes a base64 body from an HTTP API or a Function URL (payload 2.0, lower-case headers)', async () => {
    const event = {
      headers: { 'x-prolific-request-signature': signature(), 'x-prolific-request-timestamp': TIMESTAMP },
      body: Buffer.from(BODY, 'utf8').toString('base64'),
      isBase64Encoded: true,
    };

    const response = await receiver()(event, fakeContext());

    expect(response.statusCode).toBe(200);
  });

  it('answers 401 without detail, and never runs the handler, for a forged delivery', async () => {
    const rejections: DeliveryRejection[] = [];
    const event = { headers: { 'x-prolific-request-signature': signature('forged'), 'x-prolific-request-timestamp': TIMESTAMP }, body: BODY };

    const response = await receiver(rejections)(event, fakeContext());

    expect(response).toEqual(UNAUTHORIZED);
    expect(rejections).toEqual(['bad-signature']);
  });

  it('answers 401 for a delivery without the signature headers', async () => {
    const response = await receiver()({ headers: {}, body: BODY }, fakeContext());

    expect(response.statusCode).toBe(401);
  });
});

describe('verifyDelivery', () => {
  it('verifies with one verifier kept per secret and client: the secret is read once', async () => {
    const client = standIn.client();
    const delivery = { headers: { 'x-prolific-request-signature': signature(), 'x-prolific-request-timestamp': TIMESTAMP }, rawBody: BODY };

    const first = await verifyDelivery(delivery, { secretId, client, now: () => NOW });
    const second = await verifyDelivery(delivery, { secretId, client, now: () => NOW });

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
