// Verifies a Prolific webhook delivery against the workspace's signing secret in Secrets Manager, across
// rotations (docs/receivers.md). Signature = base64(HMAC-SHA256(key = the secret's `value` as UTF-8,
// message = the X-Prolific-Request-Timestamp header followed by the body)).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { reserialisedBodies } from './reserialised-body.js';
import { createSigningKeySource, type SigningKey, type SigningStage } from './signing-keys.js';

export { ReceiverSecretError, type SigningStage } from './signing-keys.js';

export const SIGNATURE_HEADER = 'X-Prolific-Request-Signature';
export const TIMESTAMP_HEADER = 'X-Prolific-Request-Timestamp';
export const EVENT_ID_HEADER = 'X-Event-ID';

export interface DeliveryVerifierOptions {
  /** A Secrets Manager client, created once outside the request path. */
  readonly client: SecretsManagerClient;
  /** ARN or name of the workspace's target secret. */
  readonly secretId: string;
  /** How long the secret's versions are cached. @default 300 */
  readonly cacheSeconds?: number;
  /** How far a delivery's timestamp may be from now, either way, before it is rejected. @default 300 */
  readonly toleranceSeconds?: number;
  /**
   * How long after a rotation (the current secret's `rotated_at`) a delivery signed with `AWSPREVIOUS` still
   * verifies: Prolific invalidates the old secret at once, so this only covers deliveries already in flight.
   * @default 300
   */
  readonly previousGraceSeconds?: number;
  /** The clock. @default () => new Date() */
  readonly now?: () => Date;
}

export interface Delivery {
  /** Request headers, any letter case (API Gateway lowercases them). */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The body exactly as received (decode API Gateway's base64 first when `isBase64Encoded`). */
  readonly rawBody: string | Uint8Array;
}

/** Why a delivery was rejected. Stable strings: safe to log or count. */
export type DeliveryRejection =
  | 'missing-headers' // no signature or no timestamp header
  | 'invalid-timestamp' // the timestamp header is not UNIX seconds
  | 'stale-timestamp' // more than toleranceSeconds from now, in the past or the future
  | 'no-signing-secret' // the secret holds no signing secret yet (the placeholder before the first rotation run)
  | 'bad-signature';

export type DeliveryVerification =
  | { readonly ok: true; readonly eventId: string | undefined; readonly matched: SigningStage }
  | { readonly ok: false; readonly reason: DeliveryRejection };

const DEFAULTS = {
  // A rotation is picked up at once anyway (a mismatch re-reads), so the cache only bounds Secrets Manager calls.
  cacheSeconds: 300,
  // Wide enough for clock skew and a slow delivery, narrow enough that a captured delivery cannot be replayed later.
  toleranceSeconds: 300,
  // Matches toleranceSeconds: a delivery signed before the rotation is stale after that anyway.
  previousGraceSeconds: 300,
  now: () => new Date(),
};

const UNIX_SECONDS = /^\d+(\.\d+)?$/;
const DIGEST_BYTES = 32;

/** The signature Prolific sends for `body` at `timestamp` (UNIX seconds, as the header carries it). */
export function signDelivery(secretValue: string, timestamp: string, body: string | Uint8Array): string {
  return signatureDigest(secretValue, timestamp, body).toString('base64');
}

function signatureDigest(secretValue: string, timestamp: string, body: string | Uint8Array): Buffer {
  return createHmac('sha256', Buffer.from(secretValue, 'utf8')).update(timestamp, 'utf8').update(body).digest();
}

/**
 * A verifier for one workspace's deliveries. It never throws for a bad delivery (it answers `ok: false`
 * with a reason); it throws `ReceiverSecretError` only when the secret cannot be read at all.
 */
export function createDeliveryVerifier(opts: DeliveryVerifierOptions): (delivery: Delivery) => Promise<DeliveryVerification> {
  const options = { ...DEFAULTS, ...withoutUndefined(opts) };
  for (const name of ['cacheSeconds', 'toleranceSeconds', 'previousGraceSeconds'] as const) {
    if (!Number.isFinite(options[name]) || options[name] < 0) {
      throw new TypeError(`${name} must be a finite number of seconds, 0 or more (got ${options[name]})`);
    }
  }
  const signingKeys = createSigningKeySource(options);

  return async function verifyDelivery({ headers, rawBody }: Delivery): Promise<DeliveryVerification> {
    const signature = headerValue(headers, SIGNATURE_HEADER);
    const timestamp = headerValue(headers, TIMESTAMP_HEADER);
    if (signature === undefined || timestamp === undefined) return { ok: false, reason: 'missing-headers' };
    if (!UNIX_SECONDS.test(timestamp)) return { ok: false, reason: 'invalid-timestamp' };
    const now = options.now();
    if (Math.abs(now.getTime() - Number(timestamp) * 1000) > options.toleranceSeconds * 1000) {
      return { ok: false, reason: 'stale-timestamp' };
    }

    const provided = Buffer.from(signature, 'base64');
    const signedWith = (keys: readonly SigningKey[]) => stageThatSigned(keys, timestamp, rawBody, provided);
    let { keys, readNow } = await signingKeys.keysAt(now);
    let matched = signedWith(keys);
    if (matched === undefined && !readNow) {
      // Prolific may have rotated since the cache was filled: it signs with the new secret at once.
      const reread = await signingKeys.rereadAfterMismatch(now);
      if (reread !== undefined) {
        keys = reread;
        matched = signedWith(keys);
      }
    }
    if (matched === undefined) return { ok: false, reason: keys.length === 0 ? 'no-signing-secret' : 'bad-signature' };
    return { ok: true, eventId: headerValue(headers, EVENT_ID_HEADER), matched };
  };
}

/** The label of the key that signed the raw body, or failing that a re-serialised form of it. */
function stageThatSigned(
  keys: readonly SigningKey[],
  timestamp: string,
  rawBody: string | Uint8Array,
  provided: Buffer,
): SigningStage | undefined {
  if (provided.length !== DIGEST_BYTES) return undefined;
  for (const body of bodiesToTry(rawBody)) {
    // Compares digests, in constant time, never strings.
    const key = keys.find((candidate) => timingSafeEqual(signatureDigest(candidate.value, timestamp, body), provided));
    if (key) return key.stage;
  }
  return undefined;
}

function* bodiesToTry(rawBody: string | Uint8Array): Generator<string | Uint8Array> {
  yield rawBody;
  yield* reserialisedBodies(rawBody);
}

function headerValue(headers: Delivery['headers'], name: string): string | undefined {
  const wanted = name.toLowerCase();
  const value = Object.entries(headers).find(([key]) => key.toLowerCase() === wanted)?.[1];
  const first = typeof value === 'string' || value === undefined ? value : value[0];
  return first === '' ? undefined : first;
}

/** An option passed as `undefined` takes its default instead of overriding it. */
function withoutUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
