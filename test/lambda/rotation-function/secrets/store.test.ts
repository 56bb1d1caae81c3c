// The Secrets Manager store's failures, through the real SDK client against the Secrets Manager stand-in's
// fault injection. Its behaviour on success is pinned in store.moto.test.ts, against both the stand-in and moto.
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretStore, type SecretStore } from '../../../../lambda/rotation-function/secrets/store.js';
import { SecretStoreError } from '../../../../lambda/rotation-function/errors.js';
import type { StoredSecret } from '../../../../lambda/contract/stored-secret.js';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from '../../../../local/standins/secrets-manager.js';

const WORKSPACE = '6655443322110099aabbccdd';
const secretA: StoredSecret = {
  id: 'aaaaaaaaaaaaaaaaaaaaaaaa',
  value: 'value-a',
  workspace_id: WORKSPACE,
  rotated_at: '2026-01-01T00:00:00.000Z',
};
const VERSION_A = '11111111-1111-4111-8111-111111111111';

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

describe('createSecretStore errors', () => {
  it.each([
    ['AccessDeniedException', /AccessDeniedException.*The function's role needs secretsmanager:DescribeSecret on this secret/],
    ['ResourceNotFoundException', /ResourceNotFoundException.*Create the secret, or correct its ARN in ROTATION_TARGETS/],
    ['DecryptionFailure', /DecryptionFailure.*KMS key must be enabled/],
    ['ThrottlingException', /ThrottlingException.*the next run retries/],
  ] as const)('explain %s and what to do', async (error, message) => {
    standIn.injectFault({ operation: 'DescribeSecret', error });

    const failure: unknown = await store.describe(secretArn).catch((caught: unknown) => caught);

    expect(failure).toBeInstanceOf(SecretStoreError);
    expect((failure as SecretStoreError).awsErrorName).toBe(error);
    const expected = new RegExp(`^Secrets Manager DescribeSecret on ${secretArn} failed: ${message.source}`);
    expect((failure as SecretStoreError).message).toMatch(expected);
  });

  it('never carry the value being written', async () => {
    standIn.injectFault({ operation: 'PutSecretValue', error: 'EncryptionFailure' });

    const failure = (await store.putPending(secretArn, JSON.stringify(secretA), VERSION_A).catch((error: unknown) => error)) as Error;

    expect(failure.message).toMatch(/PutSecretValue .* EncryptionFailure/);
    expect(failure.message).not.toContain(secretA.value);
  });
});
