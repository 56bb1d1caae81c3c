// Verifies a Prolific webhook delivery against the workspace's signing secret in Secrets Manager, across
// rotations (docs/receivers.md, "What the kit guarantees"). Signature = base64(HMAC-SHA256(key = the secret's
// `value` as UTF-8, message = the X-Prolific-Request-Timestamp header followed by the body)).
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretFormat } from '../contract/secret-formats.js';
import type { StagingLabel } from '../contract/staging-labels.js';
import { createReplayGuard } from './replay-guard.js';
import { createDefaultSecretsManagerClient } from './secrets-manager-client.js';
import { decodedDigest, deliveryBodies, matchSignature, type VerifiedForm } from './signature.js';
import { createSigningKeySource, type SigningKey } from './signing-keys.js';

export { signDelivery, type VerifiedForm } from './signature.js';

export const SIGNATURE_HEADER = 'X-Prolific-Request-Signature';
export const TIMESTAMP_HEADER = 'X-Prolific-Request-Timestamp';
/** Not signed: anyone can change it on a captured delivery, so deduplicate on `replayKey` instead. */
export const EVENT_ID_HEADER = 'X-Event-ID';

export interface DeliveryVerifierOptions {
  /** ARN or name of the workspace's target secret. */
  readonly secretId: string;
  /**
   * A Secrets Manager client, created once outside the request path.
   * @default a client from the SDK's environment, with a 1 s connection timeout, a 3 s request timeout and 2 attempts
   */
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
  /** A body larger than this is rejected (`body-too-large`) before any HMAC or parsing. @default 262144 (256 KiB) */
  readonly maxBodyBytes?: number;
  /** How many accepted signatures are remembered (within the tolerance) to refuse replays. @default 10000 */
  readonly replayCacheSize?: number;
  /** How long one read of the secret may take in all; deliveries waiting on it then fail with ReceiverSecretError. @default 5000 */
  readonly readDeadlineMs?: number;
  /** How long past cacheSeconds the last keys read keep verifying while Secrets Manager cannot be read. @default 900 */
  readonly maxStaleSeconds?: number;
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
  | 'body-too-large' // over maxBodyBytes: rejected before any HMAC or parsing
  | 'missing-headers' // no signature or no timestamp header
  | 'invalid-timestamp' // the timestamp header is not UNIX seconds
  | 'stale-timestamp' // more than toleranceSeconds from now, in the past or the future
  | 'no-signing-secret' // the secret holds no signing secret yet (the placeholder before the first rotation run)
  | 'bad-signature' // not base64 of 32 bytes, or made with none of the usable keys
  | 'replayed'; // a signature this process accepted within the tolerance

export interface AcceptedDelivery {
  readonly ok: true;
  /** `X-Event-ID`, as sent: not signed, so not a deduplication key on its own. */
  readonly eventId: string | undefined;
  readonly matched: StagingLabel;
  /**
   * `raw` when the body's bytes verified; `reserialised` when only a re-serialised form of its JSON did
   * (Prolific's own sample signs `json.dumps(body)`): then what is authenticated is `JSON.parse(rawBody)`, not the bytes.
   */
  readonly form: VerifiedForm;
  /** The signature's digest in hex: the same for every copy of this delivery, whatever its event id. Deduplicate on it. */
  readonly replayKey: string;
  /** True when Secrets Manager could not be read and the last keys read (within maxStaleSeconds) verified it. */
  readonly staleKeys: boolean;
}

export type DeliveryVerification = AcceptedDelivery | { readonly ok: false; readonly reason: DeliveryRejection };

/** Verifies deliveries; `release` lets a copy of an accepted one through again when it could not be processed. */
export interface DeliveryVerifier {
  (delivery: Delivery): Promise<DeliveryVerification>;
  /**
   * Forgets an accepted delivery's `replayKey`: call it when you answer it 5xx, so that Prolific's retry
   * (which may carry the same signature) is not refused as `replayed`.
   */
  release(replayKey: string): void;
}

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

const DEFAULTS = {
  format: 'json' as SecretFormat,
  // A rotation is picked up at once anyway (a mismatch re-reads), so the cache only bounds Secrets Manager calls.
  cacheSeconds: 300,
  mismatchRereadSeconds: 10,
  // Wide enough for clock skew and a slow delivery, narrow enough that a captured delivery cannot be replayed later.
  toleranceSeconds: 300,
  // Matches toleranceSeconds: a delivery signed before the rotation is stale after that anyway.
  previousGraceSeconds: 300,
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  replayCacheSize: 10_000,
  readDeadlineMs: 5000,
  maxStaleSeconds: 900,
  now: () => new Date(),
};

const UNIX_SECONDS = /^\d+(\.\d+)?$/;
const NON_NEGATIVE = ['cacheSeconds', 'mismatchRereadSeconds', 'toleranceSeconds', 'previousGraceSeconds', 'maxStaleSeconds'] as const;
const POSITIVE_INTEGERS = ['maxBodyBytes', 'replayCacheSize', 'readDeadlineMs'] as const;

type Options = typeof DEFAULTS & DeliveryVerifierOptions;

function validated(opts: DeliveryVerifierOptions): Options {
  const options = { ...DEFAULTS, ...withoutUndefined(opts) };
  for (const name of NON_NEGATIVE) {
    if (!Number.isFinite(options[name]) || options[name] < 0) {
      throw new TypeError(`${name} must be a finite number of seconds, 0 or more (got ${options[name]})`);
    }
  }
  for (const name of POSITIVE_INTEGERS) {
    if (!Number.isSafeInteger(options[name]) || options[name] < 1) {
      throw new TypeError(`${name} must be a whole number, 1 or more (got ${options[name]})`);
    }
  }
  return options;
}

/** True when the body is over `maxBytes`, decided from its length alone whenever that suffices. */
export function bodyTooLarge(rawBody: string | Uint8Array, maxBytes: number): boolean {
  if (typeof rawBody !== 'string') return !(rawBody instanceof Uint8Array) || rawBody.byteLength > maxBytes;
  // A UTF-16 code unit takes 1 to 3 bytes in UTF-8.
  if (rawBody.length > maxBytes) return true;
  return rawBody.length * 3 > maxBytes && Buffer.byteLength(rawBody, 'utf8') > maxBytes;
}

/**
 * A verifier for one workspace's deliveries. It never throws for a bad delivery (it answers `ok: false`
 * with a reason); it throws `ReceiverSecretError` only when the secret cannot be read at all (within
 * readDeadlineMs, and with no keys read within maxStaleSeconds to fall back on).
 */
export function createDeliveryVerifier(opts: DeliveryVerifierOptions): DeliveryVerifier {
  const options = validated(opts);
  const signingKeys = createSigningKeySource({ ...options, client: options.client ?? createDefaultSecretsManagerClient() });
  const replays = createReplayGuard(options.replayCacheSize);

  async function verifyDelivery({ headers, rawBody }: Delivery): Promise<DeliveryVerification> {
    if (bodyTooLarge(rawBody, options.maxBodyBytes)) return { ok: false, reason: 'body-too-large' };
    const signature = headerValue(headers, SIGNATURE_HEADER);
    const timestamp = headerValue(headers, TIMESTAMP_HEADER);
    if (signature === undefined || timestamp === undefined) return { ok: false, reason: 'missing-headers' };
    if (!UNIX_SECONDS.test(timestamp)) return { ok: false, reason: 'invalid-timestamp' };
    const now = options.now();
    const signedAtMs = Number(timestamp) * 1000;
    if (!(Math.abs(now.getTime() - signedAtMs) <= options.toleranceSeconds * 1000)) return { ok: false, reason: 'stale-timestamp' };
    const digest = decodedDigest(signature);
    if (digest === undefined) return { ok: false, reason: 'bad-signature' };

    const bodies = deliveryBodies(rawBody);
    const signedWith = (keys: readonly SigningKey[]) => matchSignature(keys, timestamp, bodies, digest);
    const first = await signingKeys.keysAt(now);
    let { keys, stale } = first;
    let match = signedWith(keys);
    if (match === undefined && !first.readNow) {
      // Prolific may have rotated since the cache was filled: it signs with the new secret at once.
      const reread = await signingKeys.rereadAfterMismatch(now);
      if (reread !== undefined) {
        keys = reread;
        stale = false;
        match = signedWith(keys);
      }
    }
    if (match === undefined) return { ok: false, reason: keys.length === 0 ? 'no-signing-secret' : 'bad-signature' };
    const replayKey = digest.toString('hex');
    if (!replays.firstSighting(replayKey, signedAtMs + options.toleranceSeconds * 1000, now.getTime())) {
      return { ok: false, reason: 'replayed' };
    }
    const eventId = headerValue(headers, EVENT_ID_HEADER);
    return { ok: true, eventId, matched: match.stage, form: match.form, replayKey, staleKeys: stale };
  }

  return Object.assign(verifyDelivery, { release: (replayKey: string) => { replays.forget(replayKey); } });
}

function headerValue(headers: Delivery['headers'] | null | undefined, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const wanted = name.toLowerCase();
  const value: unknown = Object.entries(headers).find(([key]) => key.toLowerCase() === wanted)?.[1];
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first !== '' ? first : undefined;
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

