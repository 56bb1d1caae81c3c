// The signature's strict decoding and the bodies it is checked against.
import { describe, expect, it } from 'vitest';
import { decodedDigest, deliveryBodies, signDelivery } from '../../../lambda/receiver-kit/signature.js';

describe('decodedDigest', () => {
  const signature = signDelivery('secret', '1795694400', '{}');

  it('decodes padded standard base64 of 32 bytes', () => {
    expect(decodedDigest(signature)?.toString('base64')).toBe(signature);
  });

  it.each([['unpadded', signature.replace(/=+$/, '')], ['16 bytes', Buffer.alloc(16).toString('base64')], ['not base64', '***']])(
    'refuses a signature %s',
    (_case, spelled) => {
      expect(decodedDigest(spelled)).toBeUndefined();
    },
  );
});

describe('deliveryBodies', () => {
  it('computes the re-serialised forms once per delivery, however often they are asked for', () => {
    const bodies = deliveryBodies('{ "a": 1 }');

    const first = bodies.reserialised();

    expect(bodies.reserialised()).toBe(first);
    expect(first).toEqual(['{"a": 1}', '{"a":1}']);
  });
});
