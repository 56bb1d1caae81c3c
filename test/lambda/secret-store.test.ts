// The Secrets Manager store through the real SDK client against the Secrets Manager stand-in.
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretStore, type SecretStore } from '../../lambda/secret-store.js';
import type { StoredSecret } from '../../lambda/stored-secret.js';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from '../standins/secrets-manager.js';

const WORKSPACE = '6655443322110099aabbccdd';
const secretA: StoredSecret = { id: 'aaaaaaaaaaaaaaaaaaaaaaaa', value: 'value-a', workspace_id: WORKSPACE, rotated_at: '2026-01-01T00:00:00.000Z' };
const secretB: StoredSecret = { id: 'bbbbbbbbbbbbbbbbbbbbbbbb', value: 'value-b', workspace_id: WORKSPACE, rotated_at: '2026-02-01T00:00:00.000Z' };
const VERSION_A = '11111111-1111-4111-8111-111111111111';
const VERSION_B = '22222222-2222-4222-8222-222222222222';

let standIn: SecretsManagerStandIn;
let client: SecretsManagerClient;
let store: SecretStore;
let secretArn: string;

beforeEach(async () => {
  standIn = await startSecretsManagerStandIn();
  client = standIn.client({ maxAttempts: 1 });
  store = createSecretStore(client);
  secretArn = standIn.createSecret('prolific/webhook-signing-secret', '{"note":"placeholder"}').arn;
});
afterEach(async () => {
  await standIn.close();
});

const stagesOf = (versionId: string) => standIn.versions(secretArn).find((version) => version.versionId === versionId)?.stages ?? [];

describe('describe and readVersion', () => {
  it('reports which versions carry AWSCURRENT and AWSPENDING', async () => {
    await store.putPending(secretArn, secretA, VERSION_A);

    const versions = await store.describe(secretArn);

    expect(versions).toEqual({ arn: secretArn, currentVersionId: standIn.versions(secretArn)[0]?.versionId, pendingVersionId: VERSION_A });
  });

  it('parses the stored shape, and reads a placeholder as "not our shape" rather than failing', async () => {
    await store.putPending(secretArn, secretA, VERSION_A);
    const { currentVersionId } = await store.describe(secretArn);

    expect(await store.readVersion(secretArn, VERSION_A)).toEqual({ versionId: VERSION_A, secret: secretA });
    expect(await store.readVersion(secretArn, currentVersionId ?? '')).toEqual({ versionId: currentVersionId, secret: undefined });
  });
});

describe('putPending', () => {
  it('stores the secret as AWSPENDING under the given version id, leaving AWSCURRENT alone', async () => {
    await store.putPending(secretArn, secretA, VERSION_A);

    expect(stagesOf(VERSION_A)).toEqual(['AWSPENDING']);
    expect(standIn.valueAt(secretArn)).toBe('{"note":"placeholder"}');
  });

  it('is idempotent for the same Prolific secret, even with another rotated_at', async () => {
    await store.putPending(secretArn, secretA, VERSION_A);

    await store.putPending(secretArn, { ...secretA, rotated_at: '2026-03-01T00:00:00.000Z' }, VERSION_A);

    expect(standIn.versions(secretArn)).toHaveLength(2);
  });

  it('refuses to put another secret under an existing version id', async () => {
    await store.putPending(secretArn, secretA, VERSION_A);

    await expect(store.putPending(secretArn, secretB, VERSION_A)).rejects.toMatchObject({
      name: 'SecretStoreError',
      awsErrorName: 'ResourceExistsException',
    });
  });
});

describe('promote', () => {
  it('moves AWSCURRENT to the version, gives the old one AWSPREVIOUS and takes AWSPENDING off', async () => {
    const placeholderVersion = standIn.versions(secretArn)[0]?.versionId ?? '';
    await store.putPending(secretArn, secretA, VERSION_A);

    await store.promote(secretArn, VERSION_A);

    expect(stagesOf(VERSION_A)).toEqual(['AWSCURRENT']);
    expect(stagesOf(placeholderVersion)).toEqual(['AWSPREVIOUS']);
  });

  it('does nothing to a version that is already current', async () => {
    await store.putPending(secretArn, secretA, VERSION_A);
    await store.promote(secretArn, VERSION_A);
    const callsBefore = standIn.calls.length;

    await store.promote(secretArn, VERSION_A);

    expect(standIn.calls.slice(callsBefore).map((call) => call.operation)).toEqual(['DescribeSecret']);
  });

  it('re-reads and tries again when another run moved AWSCURRENT in between', async () => {
    await store.putPending(secretArn, secretA, VERSION_A);
    standIn.injectFault({ operation: 'UpdateSecretVersionStage', error: { type: 'InvalidParameterException', status: 400 } });

    await store.promote(secretArn, VERSION_A);

    expect(stagesOf(VERSION_A)).toEqual(['AWSCURRENT']);
  });
});

describe('dropPending', () => {
  it('takes AWSPENDING off the version', async () => {
    await store.putPending(secretArn, secretA, VERSION_A);

    await store.dropPending(secretArn, VERSION_A);

    expect(stagesOf(VERSION_A)).toEqual([]);
  });

  it('succeeds when another run already moved the label elsewhere', async () => {
    await store.putPending(secretArn, secretA, VERSION_A);
    await store.putPending(secretArn, secretB, VERSION_B);

    await store.dropPending(secretArn, VERSION_A);

    expect(stagesOf(VERSION_B)).toEqual(['AWSPENDING']);
  });
});

describe('errors', () => {
  it.each([
    ['AccessDeniedException', /AccessDeniedException.*The function's role needs secretsmanager:DescribeSecret on this secret/],
    ['ResourceNotFoundException', /ResourceNotFoundException.*Create the secret, or correct its ARN in ROTATION_TARGETS/],
    ['DecryptionFailure', /DecryptionFailure.*KMS key must be enabled/],
    ['ThrottlingException', /ThrottlingException.*the next run retries/],
  ] as const)('explain %s and what to do', async (error, message) => {
    standIn.injectFault({ operation: 'DescribeSecret', error });

    await expect(store.describe(secretArn)).rejects.toMatchObject({
      name: 'SecretStoreError',
      awsErrorName: error,
      message: expect.stringMatching(new RegExp(`^Secrets Manager DescribeSecret on ${secretArn} failed: ${message.source}`)),
    });
  });

  it('never carry the value being written', async () => {
    standIn.injectFault({ operation: 'PutSecretValue', error: 'EncryptionFailure' });

    const failure = (await store.putPending(secretArn, secretA, VERSION_A).catch((error: Error) => error)) as Error;

    expect(failure.message).toMatch(/PutSecretValue .* EncryptionFailure/);
    expect(failure.message).not.toContain(secretA.value);
  });
});
