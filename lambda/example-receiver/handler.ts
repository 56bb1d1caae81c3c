// An example webhook receiver behind a Lambda Function URL, deployed with `-c exampleReceiver=true`: it
// verifies each Prolific delivery with the receiver kit's middy middleware against one workspace's signing
// secret in Secrets Manager, across rotations, and answers 200 with the delivery's event id. A delivery that
// does not verify is answered 401 (413 when too large) by the middleware before this handler runs. esbuild
// bundles this file and the kit into the function. It logs event ids and which key matched, never a value.
//
// The kit refuses a replay within this execution environment; across environments (Lambda runs several at
// once) Powertools Idempotency, keyed on the delivery's replay key (the signed digest: X-Event-ID is not
// signed), makes sure each delivery is processed once, a copy answered with the first one's result.
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { EXAMPLE_RECEIVER_ENVIRONMENT } from '../contract/environment.js';
import { SECRET_FORMATS, type SecretFormat } from '../contract/secret-formats.js';
import {
  prolificDeliveryVerifier,
  type HttpDeliveryEvent,
  type ProlificDeliveryContext,
  type VerifiedDelivery,
} from '../receiver-kit/middleware.js';

const logger = new Logger({ serviceName: 'prolific-webhook-example-receiver' });

// A copy signed at the same moment is stale after the kit's tolerance (300 s); the record outlives that.
const IDEMPOTENCY_SECONDS = 600;

function secretFormat(raw: string | undefined): SecretFormat {
  if (raw === undefined || raw === '') return 'json';
  if (!(SECRET_FORMATS as readonly string[]).includes(raw)) {
    throw new Error(`${EXAMPLE_RECEIVER_ENVIRONMENT.secretFormat} must be one of ${SECRET_FORMATS.join(', ')}, got "${raw}"`);
  }
  return raw as SecretFormat;
}

function required(name: string, what: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} must name ${what}`);
  return value;
}

const idempotency = new IdempotencyConfig({ eventKeyJmesPath: 'replayKey', expiresAfterSeconds: IDEMPOTENCY_SECONDS });

/** What a real receiver would do with the event. */
function handleDelivery(delivery: VerifiedDelivery): Promise<{ received: string | null }> {
  logger.info('Delivery verified', {
    event_id: delivery.eventId,
    matched: delivery.matched,
    // `reserialised` means Prolific's fallback form verified: a receiver can watch whether it is ever used.
    form: delivery.form,
    replay_key: delivery.replayKey,
    stale_keys: delivery.staleKeys,
  });
  return Promise.resolve({ received: delivery.eventId ?? null });
}

/**
 * `handleDelivery` once per delivery, whichever environment it reaches, when the stack gave a table (it
 * always does); without one, only the kit's per-environment replay check applies.
 */
function onceAcrossEnvironments(tableName: string | undefined): typeof handleDelivery {
  if (tableName === undefined || tableName === '') {
    logger.warn(`${EXAMPLE_RECEIVER_ENVIRONMENT.idempotencyTable} is not set: copies reaching other environments are not caught`);
    return handleDelivery;
  }
  return makeIdempotent(handleDelivery, { persistenceStore: new DynamoDBPersistenceLayer({ tableName }), config: idempotency });
}

const processDelivery = onceAcrossEnvironments(process.env[EXAMPLE_RECEIVER_ENVIRONMENT.idempotencyTable]);

/** Runs only for a verified delivery. */
async function receive(_event: HttpDeliveryEvent, context: Context & ProlificDeliveryContext) {
  idempotency.registerLambdaContext(context);
  const delivery = context.prolificDelivery;
  if (delivery === undefined) throw new Error('The delivery verifier middleware did not run');
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(await processDelivery(delivery)),
  };
}

// Created once per execution environment, so the secret's versions are cached across deliveries. A secret
// that cannot be read throws: the Function URL answers 502 and Prolific retries the delivery.
export const handler = middy(receive).use(
  prolificDeliveryVerifier({
    secretId: required(EXAMPLE_RECEIVER_ENVIRONMENT.secretId, "the workspace's signing secret"),
    format: secretFormat(process.env[EXAMPLE_RECEIVER_ENVIRONMENT.secretFormat]),
    onRejected: (reason) => {
      logger.warn('Delivery rejected', { reason });
    },
  }),
);
