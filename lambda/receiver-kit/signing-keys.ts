// The signing secrets a receiver verifies with, read from the workspace's target secret in Secrets Manager
// and cached. Values stay inside this module and the verifier: nothing here logs or returns one to a caller.
import { DescribeSecretCommand, GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { versionWithStage, type StagingLabel } from '../contract/staging-labels.js';
import { parseStoredSecret } from '../contract/stored-secret.js';
import type { SecretFormat } from '../contract/secret-formats.js';
import { ReceiverSecretError } from './errors.js';

/** A signing secret value and the label it was read under. */
export interface SigningKey {
  readonly stage: StagingLabel;
  readonly value: string;
}

export interface SigningKeys {
  readonly keys: readonly SigningKey[];
  /** True when this call read them from Secrets Manager (or just failed to), so reading again now is pointless. */
  readonly readNow: boolean;
  /** True when the cache expired and reading it again failed: these are the last keys read, within maxStaleSeconds. */
  readonly stale: boolean;
}

export interface SigningKeySource {
  /** The keys to verify with at `now`: from the cache while it is fresh, else read again. */
  keysAt(now: Date): Promise<SigningKeys>;
  /** Reads again after a signature mismatch, at most once per re-read interval; undefined when that read is used up. */
  rereadAfterMismatch(now: Date): Promise<readonly SigningKey[] | undefined>;
}

export interface SigningKeySourceOptions {
  readonly client: SecretsManagerClient;
  readonly secretId: string;
  readonly format: SecretFormat;
  readonly cacheSeconds: number;
  readonly mismatchRereadSeconds: number;
  readonly previousGraceSeconds: number;
  /** How long one read (DescribeSecret and the GetSecretValue calls) may take in all before it fails. */
  readonly readDeadlineMs: number;
  /** How long past cacheSeconds the last keys read keep serving while reading them again fails. */
  readonly maxStaleSeconds: number;
}

/** A signing secret read from one version, and when it was rotated in (for AWSPREVIOUS's grace period). */
interface VersionKey {
  readonly value: string;
  readonly rotatedAt: string | undefined;
}

/** What one read found under each label; a version that does not hold a signing secret counts as absent. */
interface SecretVersions {
  readonly readAt: number;
  readonly current: VersionKey | undefined;
  readonly pending: VersionKey | undefined;
  readonly previous: VersionKey | undefined;
}

export function createSigningKeySource(options: SigningKeySourceOptions): SigningKeySource {
  const { client, secretId } = options;
  const cacheMs = options.cacheSeconds * 1000;
  const rereadMs = options.mismatchRereadSeconds * 1000;
  const graceMs = options.previousGraceSeconds * 1000;
  const staleMs = options.maxStaleSeconds * 1000;
  let cached: SecretVersions | undefined;
  let reading: Promise<SecretVersions> | undefined;
  let lastMismatchReadAt = Number.NEGATIVE_INFINITY;

  function withinGrace(current: VersionKey | undefined, now: number): boolean {
    // An unknown or unparseable rotation time gives no grace (NaN compares false); nor does one in the
    // future, which would otherwise keep AWSPREVIOUS valid until then and for the grace after it.
    const age = now - Date.parse(current?.rotatedAt ?? '');
    return age >= 0 && age < graceMs;
  }

  async function readVersions(now: number, abortSignal: AbortSignal): Promise<SecretVersions> {
    const described = await client.send(new DescribeSecretCommand({ SecretId: secretId }), { abortSignal }).catch((error: unknown) => {
      throw readError(secretId, 'DescribeSecret', error);
    });
    const versionWith = (stage: StagingLabel) => versionWithStage(described.VersionIdsToStages, stage);
    const currentVersionId = versionWith('AWSCURRENT');
    const pendingVersionId = versionWith('AWSPENDING');

    const current = currentVersionId === undefined ? undefined : await readStage(options, 'AWSCURRENT', abortSignal);
    const [pending, previous] = await Promise.all([
      pendingVersionId === undefined || pendingVersionId === currentVersionId ? undefined : readStage(options, 'AWSPENDING', abortSignal),
      // Out of grace already: it can only get older, so it is not worth a call.
      versionWith('AWSPREVIOUS') === undefined || !withinGrace(current, now) ? undefined : readStage(options, 'AWSPREVIOUS', abortSignal),
    ]);
    cached = { readAt: now, current, pending, previous };
    return cached;
  }

  /** Concurrent deliveries (in a server; Lambda runs one at a time) share one read, which settles within the deadline. */
  function read(now: number): Promise<SecretVersions> {
    const work = (abortSignal: AbortSignal) => readVersions(now, abortSignal);
    reading ??= withinDeadline(work, options.readDeadlineMs, () => deadlineError(secretId, options.readDeadlineMs)).finally(() => {
      reading = undefined;
    });
    return reading;
  }

  /** The last keys read, while within maxStaleSeconds past their cache period; else the read's error. */
  function staleOrThrow(error: unknown, at: number): SigningKeys {
    if (cached === undefined || at - cached.readAt >= cacheMs + staleMs) throw error;
    return { keys: usableKeys(cached, at), readNow: true, stale: true };
  }

  function usableKeys(versions: SecretVersions, now: number): SigningKey[] {
    const keys: SigningKey[] = [];
    if (versions.current) keys.push({ stage: 'AWSCURRENT', value: versions.current.value });
    if (versions.pending) keys.push({ stage: 'AWSPENDING', value: versions.pending.value });
    if (versions.previous && withinGrace(versions.current, now)) keys.push({ stage: 'AWSPREVIOUS', value: versions.previous.value });
    return keys;
  }

  async function keysAt(now: Date): Promise<SigningKeys> {
    const at = now.getTime();
    if (cached !== undefined && at - cached.readAt < cacheMs) return { keys: usableKeys(cached, at), readNow: false, stale: false };
    try {
      return { keys: usableKeys(await read(at), at), readNow: true, stale: false };
    } catch (error) {
      return staleOrThrow(error, at);
    }
  }

  async function rereadAfterMismatch(now: Date): Promise<readonly SigningKey[] | undefined> {
    const at = now.getTime();
    // A flood of bad signatures must not turn into a flood of Secrets Manager calls; yet the interval is
    // short, so that one forged request cannot keep genuine deliveries signed with a new secret out for long.
    if (at - lastMismatchReadAt < rereadMs) return undefined;
    lastMismatchReadAt = at;
    try {
      return usableKeys(await read(at), at);
    } catch (error) {
      // The cached keys were just tried; a failed re-read leaves the mismatch a mismatch while they are fresh.
      staleOrThrow(error, at);
      return undefined;
    }
  }

  return { keysAt, rereadAfterMismatch };
}

/** The version under `stage`, read in the secret's format; undefined when the label moved away since DescribeSecret. */
async function readStage(
  { client, secretId, format }: SigningKeySourceOptions,
  stage: StagingLabel,
  abortSignal: AbortSignal,
): Promise<VersionKey | undefined> {
  try {
    const output = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }), { abortSignal });
    return keyOf(format, output.SecretString, output.CreatedDate);
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
    throw readError(secretId, 'GetSecretValue', error);
  }
}

/** `work`, aborted at `deadlineMs`; it rejects then with `onDeadline()` even if a call ignores the abort signal. */
async function withinDeadline<T>(work: (signal: AbortSignal) => Promise<T>, deadlineMs: number, onDeadline: () => Error): Promise<T> {
  const controller = new AbortController();
  const deadline = new Promise<never>((_resolve, reject) => {
    controller.signal.addEventListener('abort', () => {
      reject(onDeadline());
    });
  });
  const timer = setTimeout(() => {
    controller.abort();
  }, deadlineMs);
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The signing secret a version holds in `format`: the JSON's `value` and `rotated_at`, or the bare value. */
function keyOf(format: SecretFormat, secretString: string | undefined, createdDate: Date | undefined): VersionKey | undefined {
  if (format === 'plain') {
    return secretString === undefined || secretString === '' ? undefined : { value: secretString, rotatedAt: createdDate?.toISOString() };
  }
  const stored = parseStoredSecret(secretString);
  return stored && { value: stored.value, rotatedAt: stored.rotated_at };
}

// Errors that mean no answer came back from Secrets Manager: Node's socket errors and the SDK's timeouts.
const NETWORK_ERRORS = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE',
  'TimeoutError', 'RequestTimeout', 'AbortError',
]);

function readError(secretId: string, operation: string, error: unknown): ReceiverSecretError {
  const code = error instanceof Error ? ((error as Error & { code?: unknown }).code ?? error.name) : undefined;
  const awsErrorName = typeof code === 'string' ? code : 'Unknown';
  if (NETWORK_ERRORS.has(awsErrorName) || (error instanceof Error && NETWORK_ERRORS.has(error.name))) {
    return new ReceiverSecretError(
      `Cannot reach Secrets Manager to read the Prolific signing secret ${secretId}: ${operation} failed with ${awsErrorName}, ` +
        'a network failure (no answer came back), not a permission problem. Check the endpoint and the route to Secrets Manager ' +
        '(a VPC endpoint or NAT for a function in a VPC).',
      awsErrorName,
      { cause: error },
    );
  }
  return new ReceiverSecretError(
    `Cannot read the Prolific signing secret ${secretId}: Secrets Manager ${operation} failed with ${awsErrorName}. ` +
      'The receiver needs secretsmanager:GetSecretValue and secretsmanager:DescribeSecret on this secret ' +
      "(and kms:Decrypt on its key, if it has its own); the construct's grantRead(receiver) grants exactly that.",
    awsErrorName,
    { cause: error },
  );
}

function deadlineError(secretId: string, deadlineMs: number): ReceiverSecretError {
  return new ReceiverSecretError(
    `Cannot read the Prolific signing secret ${secretId}: Secrets Manager did not answer within ${deadlineMs} ms ` +
      '(the read deadline), a network failure or an endpoint that does not answer, not a permission problem.',
    'TimeoutError',
  );
}
