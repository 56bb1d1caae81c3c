// Prolific's signature: base64(HMAC-SHA256(key = the secret's `value` as UTF-8, message = the timestamp
// header followed by the body)), and which of a set of keys made it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { StagingLabel } from '../contract/staging-labels.js';
import { reserialisedBodies } from './reserialised-body.js';
import type { SigningKey } from './signing-keys.js';

const DIGEST_BYTES = 32;

/** Which bytes verified: the body as received, or a re-serialised form of its JSON (reserialised-body.ts). */
export type VerifiedForm = 'raw' | 'reserialised';

export interface SignatureMatch {
  readonly stage: StagingLabel;
  readonly form: VerifiedForm;
}

/** The signature Prolific sends for `body` at `timestamp` (UNIX seconds, as the header carries it). */
export function signDelivery(secretValue: string, timestamp: string, body: string | Uint8Array): string {
  return signatureDigest(secretValue, timestamp, body).toString('base64');
}

function signatureDigest(secretValue: string, timestamp: string, body: string | Uint8Array): Buffer {
  return createHmac('sha256', Buffer.from(secretValue, 'utf8')).update(timestamp, 'utf8').update(body).digest();
}

/**
 * The 32-byte digest a signature header carries, or undefined unless it is written exactly as base64 of
 * 32 bytes (padded, standard alphabet): Node's decoder would also take URL-safe, unpadded or
 * whitespace-laden spellings of the same digest.
 */
export function decodedDigest(signature: string): Buffer | undefined {
  const digest = Buffer.from(signature, 'base64');
  return digest.length === DIGEST_BYTES && digest.toString('base64') === signature ? digest : undefined;
}

/** A delivery's body, and its re-serialised forms, computed at most once per delivery and only if needed. */
export interface DeliveryBodies {
  readonly raw: string | Uint8Array;
  reserialised(): readonly string[];
}

export function deliveryBodies(raw: string | Uint8Array): DeliveryBodies {
  let forms: string[] | undefined;
  return { raw, reserialised: () => (forms ??= reserialisedBodies(raw)) };
}

/** The key (and the form of the body) that made `digest`: the raw body first, comparing digests in constant time. */
export function matchSignature(
  keys: readonly SigningKey[],
  timestamp: string,
  bodies: DeliveryBodies,
  digest: Buffer,
): SignatureMatch | undefined {
  const signedRaw = keyThatSigned(keys, timestamp, bodies.raw, digest);
  if (signedRaw) return { stage: signedRaw.stage, form: 'raw' };
  for (const body of bodies.reserialised()) {
    const signedForm = keyThatSigned(keys, timestamp, body, digest);
    if (signedForm) return { stage: signedForm.stage, form: 'reserialised' };
  }
  return undefined;
}

function keyThatSigned(keys: readonly SigningKey[], timestamp: string, body: string | Uint8Array, digest: Buffer): SigningKey | undefined {
  return keys.find((candidate) => timingSafeEqual(signatureDigest(candidate.value, timestamp, body), digest));
}
