// The signing secrets a receiver verifies with: read from the target secret's labelled versions (AWSPREVIOUS
// only within its grace), cached, re-read after a mismatch at most once per interval, one read shared.
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSigningKeySource, type SigningKeySourceOptions } from '../../../lambda/receiver-kit/signing-keys.js';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from '../../../local/standins/secrets-manager.js';

const NOW = new Date('2026-11-26T12:00:00.000Z');
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const stored = (value: string, rotatedAt = NOW) =>
  JSON.stringify({ id: `id-${value}`, value, workspace_id: 'ws-a', rotated_at: rotatedAt.toISOString() });

let standIn: SecretsManagerStandIn;
let secretId: string;

beforeEach(async () => {
  standIn = await startSecretsManagerStandIn();
  secretId = standIn.createSecret('prolific/webhook-signing-secret/ws-a', stored('previous')).arn;
});

afterEach(async () => {
  await standIn.close();
});

async function put(secretString: string, stages?: string[]): Promise<void> {
  await standIn.client().send(new PutSecretValueCommand({ SecretId: secretId, SecretString: secretString, VersionStages: stages }));
}

function source(options: Partial<SigningKeySourceOptions> = {}) {
  return createSigningKeySource({
    client: standIn.client(),
    secretId,
    format: 'json',
    cacheSeconds: 300,
    mismatchRereadSeconds: 10,
    previousGraceSeconds: 300,
    readDeadlineMs: 5000,
    maxStaleSeconds: 900,
    ...options,
  });
}

/** The Secrets Manager reads made so far, e.g. `GetSecretValue AWSPREVIOUS`. */
const calls = () =>
  standIn.calls
    .filter((call) => call.operation !== 'PutSecretValue')
    .map((call) => [call.operation, call.versionStage].filter(Boolean).join(' '));

describe('createSigningKeySource', () => {
  it('reads AWSCURRENT, AWSPENDING and, within its grace after the rotation, AWSPREVIOUS', async () => {
    await put(stored('current'));
    await put(stored('pending'), ['AWSPENDING']);

    const { keys, readNow } = await source().keysAt(at(60));

    expect(readNow).toBe(true);
    expect(keys).toEqual([
      { stage: 'AWSCURRENT', value: 'current' },
      { stage: 'AWSPENDING', value: 'pending' },
      { stage: 'AWSPREVIOUS', value: 'previous' },
    ]);
  });

  it('does not read AWSPREVIOUS once the grace after the current secret\'s rotation is over', async () => {
    await put(stored('current'));

    const { keys } = await source().keysAt(at(301));

    expect(keys).toEqual([{ stage: 'AWSCURRENT', value: 'current' }]);
    expect(calls()).toEqual(['DescribeSecret', 'GetSecretValue AWSCURRENT']);
  });

  it('serves the keys from its cache for cacheSeconds, then reads them again', async () => {
    const keys = source({ cacheSeconds: 30 });

    const first = await keys.keysAt(at(0));
    await put(stored('current'));
    const cached = await keys.keysAt(at(29));
    const fresh = await keys.keysAt(at(30));

    expect([first.readNow, cached.readNow, fresh.readNow]).toEqual([true, false, true]);
    expect(cached.keys).toEqual([{ stage: 'AWSCURRENT', value: 'previous' }]);
    expect(fresh.keys[0]).toEqual({ stage: 'AWSCURRENT', value: 'current' });
  });

  it('reads again after a mismatch at most once per mismatchRereadSeconds', async () => {
    const keys = source({ mismatchRereadSeconds: 10 });
    await keys.keysAt(at(0));
    await put(stored('current'));

    const reread = await keys.rereadAfterMismatch(at(1));
    const usedUp = await keys.rereadAfterMismatch(at(5));
    const again = await keys.rereadAfterMismatch(at(11));

    expect(reread?.[0]).toEqual({ stage: 'AWSCURRENT', value: 'current' });
    expect(usedUp).toBeUndefined();
    expect(again).toBeDefined();
    expect(calls().filter((call) => call === 'DescribeSecret')).toHaveLength(3);
  });

  it('shares one read between calls made while it is under way', async () => {
    const keys = source();

    const [one, two] = await Promise.all([keys.keysAt(at(0)), keys.keysAt(at(0))]);

    expect(one.keys).toEqual(two.keys);
    expect(calls()).toEqual(['DescribeSecret', 'GetSecretValue AWSCURRENT']);
  });

  it('counts a version that does not hold the stored JSON (the placeholder) as no key', async () => {
    await put('Not synced yet: run the rotation function with {"action":"sync"}.');

    // And AWSPREVIOUS gets no grace: when the current secret was rotated in is unknown.
    expect((await source().keysAt(at(0))).keys).toEqual([]);
  });

  it('reads the bare value of a secret in the plain format, its grace running from when the version was created', async () => {
    const plain = standIn.createSecret('prolific/webhook-signing-secret/ws-b', 'bare-previous').arn;
    await standIn.client().send(new PutSecretValueCommand({ SecretId: plain, SecretString: 'bare-current' }));

    const { keys } = await source({ secretId: plain, format: 'plain' }).keysAt(new Date());

    expect(keys).toEqual([
      { stage: 'AWSCURRENT', value: 'bare-current' },
      { stage: 'AWSPREVIOUS', value: 'bare-previous' },
    ]);
  });

  it('fails with ReceiverSecretError naming the secret, the failed call and the permissions, never a value', async () => {
    standIn.injectFault({ operation: 'GetSecretValue', error: 'AccessDeniedException' });

    const failure = await source().keysAt(at(0)).catch((error: unknown) => error);

    expect(failure).toMatchObject({ name: 'ReceiverSecretError', awsErrorName: 'AccessDeniedException' });
    expect((failure as Error).message).toMatch(
      new RegExp(
        `^Cannot read the Prolific signing secret ${secretId}: Secrets Manager GetSecretValue failed with AccessDeniedException\\. ` +
          '.*secretsmanager:GetSecretValue',
      ),
    );
    expect((failure as Error).message).not.toContain('previous');
  });
});
