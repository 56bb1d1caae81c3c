// The in-memory store stands in for the real one over Secrets Manager: the same calls leave the same
// labels on the same values in both (the real store here talks to the HTTP stand-in, local/standins/).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS, WRITE_CHECK } from '../../lambda/contract/staging-labels.js';
import { SecretStoreError } from '../../lambda/rotation-function/errors.js';
import { createSecretStore, type SecretStore } from '../../lambda/rotation-function/secrets/store.js';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from '../../local/standins/secrets-manager.js';
import { rejectionOf } from '../support/errors.js';
import { awsError, createInMemorySecretStore, type InMemorySecretStore } from './in-memory-secret-store.js';

const ROTATION_LABELS = [AWSCURRENT, AWSPENDING, AWSPREVIOUS] as const;

let standIn: SecretsManagerStandIn;
let real: SecretStore;
let realSecretId: string;
let inMemory: InMemorySecretStore;
const SECRET_ID = 'webhook/ws-1';

beforeEach(async () => {
  standIn = await startSecretsManagerStandIn();
  real = createSecretStore(standIn.client({ maxAttempts: 1 }));
  realSecretId = standIn.createSecret(SECRET_ID, 'placeholder').arn;
  inMemory = createInMemorySecretStore();
  inMemory.seed(SECRET_ID, 'v0', 'placeholder', [AWSCURRENT]);
});

afterEach(async () => {
  await standIn.close();
});

type Label = Parameters<InMemorySecretStore['valueAt']>[1];

/** What each label holds in one store; the write check (a value of the store's own making) only whether it is there. */
function labelsOf(valueAt: (label: Label) => string | undefined) {
  const rotationLabels = Object.fromEntries(ROTATION_LABELS.map((label) => [label, valueAt(label)]));
  return { ...rotationLabels, [WRITE_CHECK]: valueAt(WRITE_CHECK) !== undefined };
}
const realLabels = () => labelsOf((label) => standIn.valueAt(realSecretId, label));
const inMemoryLabels = () => labelsOf((label) => inMemory.valueAt(SECRET_ID, label));

/** Runs one call on both stores, then holds them to the same labels on the same values; gives both answers. */
async function both<T>(call: (store: SecretStore, secretId: string) => Promise<T>): Promise<{ real: T; inMemory: T }> {
  const [fromReal, fromInMemory] = await Promise.all([call(real, realSecretId), call(inMemory, SECRET_ID)]);
  expect(inMemoryLabels()).toEqual(realLabels());
  return { real: fromReal, inMemory: fromInMemory };
}

describe('the in-memory secret store', () => {
  it('moves the labels as the real store does through a write check, a rotation, a dropped pending version and a repeat', async () => {
    await both((store, id) => store.checkWriteAccess(id));
    await both((store, id) => store.putPending(id, 'value-a', '00000000-0000-4000-8000-00000000000a'));
    await both((store, id) => store.promote(id, '00000000-0000-4000-8000-00000000000a'));
    await both((store, id) => store.putPending(id, 'value-b', '00000000-0000-4000-8000-00000000000b'));
    await both((store, id) => store.dropPending(id, '00000000-0000-4000-8000-00000000000b'));
    await both((store, id) => store.dropPending(id, '00000000-0000-4000-8000-00000000000b'));
    await both((store, id) => store.putPending(id, 'value-c', '00000000-0000-4000-8000-00000000000c'));
    await both((store, id) => store.promote(id, '00000000-0000-4000-8000-00000000000c'));
    await both((store, id) => store.promote(id, '00000000-0000-4000-8000-00000000000c'));

    expect(inMemoryLabels()).toEqual({ AWSCURRENT: 'value-c', AWSPENDING: undefined, AWSPREVIOUS: 'value-a', [WRITE_CHECK]: true });
  });

  it('answers a version id written before with what that version holds, as the real store does', async () => {
    await both((store, id) => store.putPending(id, 'value-a', '00000000-0000-4000-8000-00000000000a'));

    const same = await both((store, id) => store.putPending(id, 'value-a', '00000000-0000-4000-8000-00000000000a'));
    const other = await both((store, id) => store.putPending(id, 'value-x', '00000000-0000-4000-8000-00000000000a'));

    expect([same.real.secretString, other.real.secretString]).toEqual(['value-a', 'value-a']);
    expect([same.inMemory.secretString, other.inMemory.secretString]).toEqual(['value-a', 'value-a']);
  });

  it('describes the same current and pending versions as the real store', async () => {
    await both((store, id) => store.putPending(id, 'value-a', '00000000-0000-4000-8000-00000000000a'));

    const [fromReal, fromInMemory] = await Promise.all([real.describe(realSecretId), inMemory.describe(SECRET_ID)]);

    expect(fromInMemory.pendingVersionId).toBe(fromReal.pendingVersionId);
    expect(fromInMemory).toMatchObject({ currentVersionId: 'v0', rotationEnabled: false });
    expect(fromInMemory.stages).toEqual({ v0: [AWSCURRENT], '00000000-0000-4000-8000-00000000000a': [AWSPENDING] });
  });

  it('fails as the real store does: a SecretStoreError carrying the AWS error name', async () => {
    const promoting = (store: SecretStore, id: string) => store.promote(id, '00000000-0000-4000-8000-0000000000ff');

    const [fromReal, fromInMemory] = await Promise.all([
      rejectionOf(promoting(real, realSecretId)),
      rejectionOf(promoting(inMemory, SECRET_ID)),
    ]);

    for (const failure of [fromReal, fromInMemory]) {
      expect(failure).toBeInstanceOf(SecretStoreError);
      expect(failure).toMatchObject({ awsErrorName: 'ResourceNotFoundException' });
    }
    await expect(inMemory.describe('webhook/no-such-secret')).rejects.toMatchObject({ awsErrorName: 'ResourceNotFoundException' });
  });

  it('records each call and runs its before hook first, so a test can fail any operation', async () => {
    inMemory.before.putPending = () => {
      throw awsError('AccessDeniedException');
    };

    const failure = await rejectionOf(inMemory.putPending(SECRET_ID, 'value-a', 'a'));

    expect(failure).toMatchObject({ name: 'SecretStoreError', awsErrorName: 'AccessDeniedException' });
    await inMemory.describe(SECRET_ID);

    expect(inMemory.calls).toEqual(['putPending a', 'describe']);
    expect(inMemory.versionIds(SECRET_ID)).toEqual(['v0']);
  });
});
