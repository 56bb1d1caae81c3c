// The signing secrets a receiver verifies with, read from the workspace's target secret in Secrets Manager
// and cached. Values stay inside this module and the verifier: nothing here logs or returns one to a caller.
import { DescribeSecretCommand, GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { versionWithStage } from '../contract/staging-labels.js';
import { parseStoredSecret } from '../contract/stored-secret.js';
import type { SecretFormat } from '../contract/secret-formats.js';
import { ReceiverSecretError } from './errors.js';

export type SigningStage = 'AWSCURRENT' | 'AWSPENDING' | 'AWSPREVIOUS';

/** A signing secret value and the label it was read under. */
export interface SigningKey {
  readonly stage: SigningStage;
  readonly value: string;
}

export interface SigningKeys {
  readonly keys: readonly SigningKey[];
  /** True when this call read them from Secrets Manager, so reading again would find nothing newer. */
  readonly readNow: boolean;
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
  let cached: SecretVersions | undefined;
  let reading: Promise<SecretVersions> | undefined;
  let lastMismatchReadAt = Number.NEGATIVE_INFINITY;

  /** The version under `stage`, read in the secret's format; undefined when the label moved away since DescribeSecret. */
  async function readStage(stage: SigningStage): Promise<VersionKey | undefined> {
    try {
      const output = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
      return keyOf(options.format, output.SecretString, output.CreatedDate);
    } catch (error) {
      if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
      throw readError(secretId, 'GetSecretValue', error);
    }
  }

  function withinGrace(current: VersionKey | undefined, now: number): boolean {
    // An unknown or unparseable rotation time gives no grace (NaN compares false).
    return now - Date.parse(current?.rotatedAt ?? '') < graceMs;
  }

  async function readVersions(now: number): Promise<SecretVersions> {
    const described = await client.send(new DescribeSecretCommand({ SecretId: secretId })).catch((error: unknown) => {
      throw readError(secretId, 'DescribeSecret', error);
    });
    const versionWith = (stage: SigningStage) => versionWithStage(described.VersionIdsToStages, stage);
    const currentVersionId = versionWith('AWSCURRENT');
    const pendingVersionId = versionWith('AWSPENDING');

    const current = currentVersionId === undefined ? undefined : await readStage('AWSCURRENT');
    const [pending, previous] = await Promise.all([
      pendingVersionId === undefined || pendingVersionId === currentVersionId ? undefined : readStage('AWSPENDING'),
      // Out of grace already: it can only get older, so it is not worth a call.
      versionWith('AWSPREVIOUS') === undefined || !withinGrace(current, now) ? undefined : readStage('AWSPREVIOUS'),
    ]);
    cached = { readAt: now, current, pending, previous };
    return cached;
  }

  /** Concurrent deliveries (in a server; Lambda runs one at a time) share one read. */
  function read(now: number): Promise<SecretVersions> {
    reading ??= readVersions(now).finally(() => {
      reading = undefined;
    });
    return reading;
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
    if (cached !== undefined && at - cached.readAt < cacheMs) return { keys: usableKeys(cached, at), readNow: false };
    return { keys: usableKeys(await read(at), at), readNow: true };
  }

  async function rereadAfterMismatch(now: Date): Promise<readonly SigningKey[] | undefined> {
    const at = now.getTime();
    // A flood of bad signatures must not turn into a flood of Secrets Manager calls; yet the interval is
    // short, so that one forged request cannot keep genuine deliveries signed with a new secret out for long.
    if (at - lastMismatchReadAt < rereadMs) return undefined;
    lastMismatchReadAt = at;
    return usableKeys(await read(at), at);
  }

  return { keysAt, rereadAfterMismatch };
}

/** The signing secret a version holds in `format`: the JSON's `value` and `rotated_at`, or the bare value. */
function keyOf(format: SecretFormat, secretString: string | undefined, createdDate: Date | undefined): VersionKey | undefined {
  if (format === 'plain') {
    return secretString === undefined || secretString === '' ? undefined : { value: secretString, rotatedAt: createdDate?.toISOString() };
  }
  const stored = parseStoredSecret(secretString);
  return stored && { value: stored.value, rotatedAt: stored.rotated_at };
}

function readError(secretId: string, operation: string, error: unknown): ReceiverSecretError {
  const awsErrorName = error instanceof Error ? error.name : 'Unknown';
  return new ReceiverSecretError(
    `Cannot read the Prolific signing secret ${secretId}: Secrets Manager ${operation} failed with ${awsErrorName}. ` +
      'The receiver needs secretsmanager:GetSecretValue and secretsmanager:DescribeSecret on this secret ' +
      "(and kms:Decrypt on its key, if it has its own); the construct's grantRead(receiver) grants exactly that.",
    awsErrorName,
    { cause: error },
  );
}
