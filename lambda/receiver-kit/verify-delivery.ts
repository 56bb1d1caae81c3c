// Verifies a Prolific webhook delivery against the workspace's signing secret in Secrets Manager, across
// rotations (docs/receivers.md). Signature = base64(HMAC-SHA256(key = the secret's `value` as UTF-8,
// message = the X-Prolific-Request-Timestamp header followed by the body)).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretFormat } from '../contract/secret-formats.js';
import { reserialisedBodies } from './reserialised-body.js';
import { createSigningKeySource, type SigningKey, type SigningStage } from './signing-keys.js';

export type { SigningStage } from './signing-keys.js';

export const SIGNATURE_HEADER = 'X-Prolific-Request-Signature';
export const TIMESTAMP_HEADER = 'X-Prolific-Request-Timestamp';
export const EVENT_ID_HEADER = 'X-Event-ID';

export interface DeliveryVerifierOptions {
  /** ARN or name of the workspace's target secret. */
  readonly secretId: string;
  /** A Secrets Manager client, created once outside the request path. @default a client from the SDK's environment */
  readonly client?: SecretsManagerClient;
  /** What the secret holds: the rotation function's JSON (its key `value`), or the bare signing secret. @default 'json' */
  readonly format?: SecretFormat;
  /** How long the secret's versions are cached. @default 300 */
  readonly cacheSeconds?: number;
  /**
   * After a signature mismatch the secret is read again (Prolific signs with a new secret the moment it
   * rotates), at most once in this many seconds: a flood of forged deliveries costs one read per interval,
   * and a genuine delivery after a rotation waits at most this long. @default 10
   */
  readonly mismatchRereadSeconds?: number;
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
  format: 'json' as SecretFormat,
  // A rotation is picked up at once anyway (a mismatch re-reads), so the cache only bounds Secrets Manager calls.
  cacheSeconds: 300,
  mismatchRereadSeconds: 10,
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
  for (const name of ['cacheSeconds', 'mismatchRereadSeconds', 'toleranceSeconds', 'previousGraceSeconds'] as const) {
    if (!Number.isFinite(options[name]) || options[name] < 0) {
      throw new TypeError(`${name} must be a finite number of seconds, 0 or more (got ${options[name]})`);
    }
  }
  const signingKeys = createSigningKeySource({ ...options, client: options.client ?? new SecretsManagerClient({}) });

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

type Verifier = (delivery: Delivery) => Promise<DeliveryVerification>;
const verifiersOfDefaultClient = new Map<string, Verifier>();
const verifiersByClient = new WeakMap<SecretsManagerClient, Map<string, Verifier>>();

/**
 * Verifies one delivery with a verifier kept per secret (and client) for the life of the process, so a
 * server or a warm Lambda reads the secret once per cache period. The same as
 * `createDeliveryVerifier(options)(delivery)`, without holding on to the verifier yourself; the options of
 * the first call for a secret are the ones that count.
 */
export function verifyDelivery(delivery: Delivery, options: DeliveryVerifierOptions): Promise<DeliveryVerification> {
  let verifiers = options.client === undefined ? verifiersOfDefaultClient : verifiersByClient.get(options.client);
  if (verifiers === undefined) {
    verifiers = new Map();
    verifiersByClient.set(options.client as SecretsManagerClient, verifiers);
  }
  const key = `${options.secretId}\u0000${options.format ?? DEFAULTS.format}`;
  let verify = verifiers.get(key);
  if (verify === undefined) {
    verify = createDeliveryVerifier(options);
    verifiers.set(key, verify);
  }
  return verify(delivery);
}

