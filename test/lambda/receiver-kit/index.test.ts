// What the kit's two entry points export: exactly these names, so that a change to the published surface is a deliberate one.
import { describe, expect, it } from 'vitest';
import * as receiver from '../../../lambda/receiver-kit/index.js';
import * as middleware from '../../../lambda/receiver-kit/middleware.js';

describe('the receiver kit\'s entry points', () => {
  it('`<package>/receiver` exports the verifier, the signer, the header names and the error', () => {
    expect(Object.keys(receiver).sort()).toEqual([
      'EVENT_ID_HEADER',
      'ReceiverSecretError',
      'SIGNATURE_HEADER',
      'TIMESTAMP_HEADER',
      'createDeliveryVerifier',
      'signDelivery',
      'verifyDelivery',
    ]);
    expect([receiver.SIGNATURE_HEADER, receiver.TIMESTAMP_HEADER, receiver.EVENT_ID_HEADER]).toEqual([
      'X-Prolific-Request-Signature',
      'X-Prolific-Request-Timestamp',
      'X-Event-ID',
    ]);
  });

  it('`<package>/receiver/middleware` exports the middy middleware and its 401 answer', () => {
    expect(Object.keys(middleware).sort()).toEqual(['UNAUTHORIZED', 'prolificDeliveryVerifier']);
  });
});
