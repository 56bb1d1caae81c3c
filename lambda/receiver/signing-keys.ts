// The signing secrets a receiver verifies with, read from the workspace's target secret in Secrets Manager
// and cached. Values stay inside this module and the verifier: nothing here logs or returns one to a caller.
import { DescribeSecretCommand, GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { versionWithStage } from '../secrets/labels.js';
import { parseStoredSecret, type StoredSecret } from '../secrets/stored-secret.js';

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
  /** Reads again after a signature mismatch, at most once per cache period; undefined when that read is used up. */
  rereadAfterMismatch(now: Date): Promise<readonly SigningKey[] | undefined>;
}

export interface SigningKeySourceOptions {
  readonly client: SecretsManagerClient;
  readonly secretId: string;
  readonly cacheSeconds: number;
  readonly previousGraceSeconds: number;
}

/** The receiver's secret cannot be read at all. The message names the secret and the permissions, never a value. */
export class ReceiverSecretError extends Error {
  /** The AWS error name, e.g. `AccessDeniedException`, or `Unknown`. */
  readonly awsErrorName: string;

  constructor(message: string, awsErrorName: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ReceiverSecretError';
    this.awsErrorName = awsErrorName;
  }
}

/** What one read found under each label; a version that is not the stored shape counts as absent. */
interface SecretVersions {
  readonly readAt: number;
  readonly current: StoredSecret | undefined;
  readonly pending: StoredSecret | undefined;
  readonly previous: StoredSecret | undefined;
}

export function createSigningKeySource(options: SigningKeySourceOptions): SigningKeySource {
  const { client, secretId } = options;
  const cacheMs = options.cacheSeconds * 1000;
  const graceMs = options.previousGraceSeconds * 1000;
  let cached: SecretVersions | undefined;
  let reading: Promise<SecretVersions> | undefined;
  let lastMismatchReadAt = Number.NEGATIVE_INFINITY;

  /** The version under `stage`, parsed; undefined when the label moved away since DescribeSecret. */
  async function readStage(stage: SigningStage): Promise<StoredSecret | undefined> {
    try {
      const output = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
      return parseStoredSecret(output.SecretString);
    } catch (error) {
      if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
      throw readError(secretId, 'GetSecretValue', error);
    }
  }

  function withinGrace(current: StoredSecret | undefined, now: number): boolean {
    // An unknown or unparseable rotation time gives no grace (NaN compares false).
    return now - Date.parse(current?.rotated_at ?? '') < graceMs;
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
    // A flood of bad signatures must not turn into a flood of Secrets Manager calls.
    if (at - lastMismatchReadAt < cacheMs) return undefined;
    lastMismatchReadAt = at;
    return usableKeys(await read(at), at);
  }

  return { keysAt, rereadAfterMismatch };
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
