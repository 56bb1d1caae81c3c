// An example webhook receiver behind a Lambda Function URL, deployed with `-c exampleReceiver=true`: it
// verifies each Prolific delivery with the receiver kit's middy middleware against one workspace's signing
// secret in Secrets Manager, across rotations, and answers 200 with the delivery's event id. A delivery that
// does not verify is answered 401 by the middleware before this handler runs. esbuild bundles this file and
// the kit into the function. It logs event ids and which key matched, never a value.
import { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { EXAMPLE_RECEIVER_ENVIRONMENT } from '../contract/environment.js';
import { SECRET_FORMATS, type SecretFormat } from '../contract/secret-formats.js';
import { prolificDeliveryVerifier, type HttpDeliveryEvent, type ProlificDeliveryContext } from '../receiver-kit/middleware.js';

const logger = new Logger({ serviceName: 'prolific-webhook-example-receiver' });

function secretFormat(raw: string | undefined): SecretFormat {
  if (raw === undefined || raw === '') return 'json';
  if (!(SECRET_FORMATS as readonly string[]).includes(raw)) {
    throw new Error(`${EXAMPLE_RECEIVER_ENVIRONMENT.secretFormat} must be one of ${SECRET_FORMATS.join(', ')}, got "${raw}"`);
  }
  return raw as SecretFormat;
}

function secretId(): string {
  const id = process.env[EXAMPLE_RECEIVER_ENVIRONMENT.secretId];
  if (id === undefined || id === '') throw new Error(`${EXAMPLE_RECEIVER_ENVIRONMENT.secretId} must name the workspace's signing secret`);
  return id;
}

/** Runs only for a verified delivery: a real receiver would act on the event here (deduplicated on its id). */
async function receive(_event: HttpDeliveryEvent, context: Context & ProlificDeliveryContext) {
  const delivery = context.prolificDelivery;
  logger.info('Delivery verified', { event_id: delivery?.eventId, matched: delivery?.matched });
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ received: delivery?.eventId ?? null }),
  };
}

// Created once per execution environment, so the secret's versions are cached across deliveries. A secret
// that cannot be read throws: the Function URL answers 502 and Prolific retries the delivery.
export const handler = middy(receive).use(
  prolificDeliveryVerifier({
    secretId: secretId(),
    format: secretFormat(process.env[EXAMPLE_RECEIVER_ENVIRONMENT.secretFormat]),
    onRejected: (reason) => logger.warn('Delivery rejected', { reason }),
  }),
);
