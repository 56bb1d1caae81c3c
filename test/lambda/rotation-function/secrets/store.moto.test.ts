// The Secrets Manager store (lambda/secrets/store.ts) against two independent Secrets Managers: our
// stand-in, and moto_server where it is installed. The same specification runs against both, and
// asserts only what moto models correctly. Known moto gaps, avoided on purpose:
// - a PutSecretValue that reuses the token of a version still labelled AWSPENDING overwrites that
//   version (even with another value) and drops its other labels, where AWS refuses another value;
// - GetSecretValue without VersionStage returns the version last *written* as current, not the one
//   AWSCURRENT was moved to, so AWSCURRENT is always read with an explicit VersionStage.
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretStoreError } from '../../../../lambda/rotation-function/errors.js';
import { versionIdFor } from '../../../../lambda/rotation-function/rotation/stored-form.js';
import { AWSCURRENT, AWSPENDING, WRITE_CHECK } from '../../../../lambda/contract/staging-labels.js';
import { STACK_TAG, WORKSPACE_ID_TAG } from '../../../../lambda/contract/secret-tags.js';
import { createSecretStore, type SecretStore } from '../../../../lambda/rotation-function/secrets/store.js';
import type { StoredSecret } from '../../../../lambda/contract/stored-secret.js';
import { startSecretsManagerStandIn } from '../../../../local/standins/secrets-manager.js';
import { findMotoServer, startMotoServer } from '../../../support/moto-server.js';

const AWSPREVIOUS = 'AWSPREVIOUS';
const WORKSPACE = '6655443322110099aabbccdd';
const PLACEHOLDER = '{"note":"written by the rotation function"}';

interface Backend {
  readonly name: string;
  start(): Promise<{ client: () => SecretsManagerClient; close: () => Promise<void> }>;
}

const motoServer = findMotoServer();
if (motoServer === undefined) {
  console.warn(
    'Skipping the secret store tests against moto_server: it is not on PATH. ' +
      "Install it (pip install 'moto[server]') to run them against a second, independent Secrets Manager.",
  );
}

const BACKENDS: readonly (Backend & { readonly available: boolean })[] = [
  {
    name: 'the Secrets Manager stand-in',
    available: true,
    async start() {
      const standIn = await startSecretsManagerStandIn();
      return { client: () => standIn.client(), close: () => standIn.close() };
    },
  },
  {
    name: 'moto_server',
    available: motoServer !== undefined,
    async start() {
      const moto = await startMotoServer(motoServer as string);
      console.info(`moto_server answered ${moto.startupMs} ms after it was spawned.`);
      return { client: () => moto.client(), close: () => moto.close() };
    },
  },
];

let secretCount = 0;
const secretFor = (label: string, at: string): StoredSecret => ({
  id: `prolific-secret-${label}`,
  value: `signing-value-${label}`,
  workspace_id: WORKSPACE,
  rotated_at: at,
});
const versionOf = (secret: StoredSecret) => versionIdFor(WORKSPACE, secret.id);

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`createSecretStore against ${backend.name}`, () => {
    let running: Awaited<ReturnType<Backend['start']>> | undefined;
    let client: SecretsManagerClient;
    let store: SecretStore;

    beforeAll(async () => {
      running = await backend.start();
      client = running.client();
      store = createSecretStore(client);
    });
    afterAll(async () => {
      await running?.close();
    });

    /** A new target secret holding the construct's placeholder, as AWSCURRENT. */
    async function createTarget(): Promise<{ arn: string; initialVersionId: string }> {
      secretCount += 1;
      const output = await client.send(
        new CreateSecretCommand({ Name: `prolific/webhook-signing-secret/store-test-${secretCount}`, SecretString: PLACEHOLDER }),
      );
      return { arn: output.ARN as string, initialVersionId: output.VersionId as string };
    }

    async function valueAt(arn: string, stage: string): Promise<string | undefined> {
      const output = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: stage }));
      return output.SecretString;
    }

    /** Stores `secret` as the function does: its JSON, under the version id derived from its Prolific id. */
    const put = (arn: string, secret: StoredSecret) => store.putPending(arn, JSON.stringify(secret), versionOf(secret));

    /** Which version carries each label (versions without labels left out). */
    async function labels(arn: string): Promise<Record<string, string>> {
      const output = await client.send(new DescribeSecretCommand({ SecretId: arn }));
      return Object.fromEntries(
        Object.entries(output.VersionIdsToStages ?? {}).flatMap(([versionId, stages]) => stages.map((stage) => [stage, versionId])),
      );
    }

    it('describe reports the ARN and which version carries AWSCURRENT and AWSPENDING', async () => {
      const { arn, initialVersionId } = await createTarget();
      const first = secretFor('first', '2030-01-01T00:00:00.000Z');
      const before = await store.describe(arn);

      await put(arn, first);
      const after = await store.describe(arn);

      expect(before).toEqual({
        arn,
        currentVersionId: initialVersionId,
        pendingVersionId: undefined,
        rotationEnabled: false,
        stages: { [initialVersionId]: [AWSCURRENT] },
      });
      expect(after).toMatchObject({ arn, currentVersionId: initialVersionId, pendingVersionId: versionOf(first) });
    });

    it('describe reports the workspace a secret is tagged for, and none for an untagged secret', async () => {
      secretCount += 1;
      const tagged = await client.send(
        new CreateSecretCommand({
          Name: `prolific/webhook-signing-secret/store-test-${secretCount}`,
          SecretString: PLACEHOLDER,
          Tags: [
            { Key: STACK_TAG, Value: 'ProlificWebhookSecretRotation' },
            { Key: WORKSPACE_ID_TAG, Value: WORKSPACE },
          ],
        }),
      );
      const { arn: untagged } = await createTarget();

      expect(await store.describe(tagged.ARN as string)).toMatchObject({ arn: tagged.ARN, workspaceTag: WORKSPACE });
      expect(await store.describe(untagged)).not.toHaveProperty('workspaceTag');
    });

    it('readVersion returns what a version holds and when it was created', async () => {
      const { arn, initialVersionId } = await createTarget();
      const first = secretFor('first', '2030-01-01T00:00:00.000Z');
      await put(arn, first);

      const stored = await store.readVersion(arn, versionOf(first));
      const placeholder = await store.readVersion(arn, initialVersionId);

      expect(stored).toMatchObject({ versionId: versionOf(first), secretString: JSON.stringify(first) });
      expect(Date.parse(stored.createdAt ?? '')).not.toBeNaN();
      expect(placeholder).toMatchObject({ versionId: initialVersionId, secretString: PLACEHOLDER });
    });

    it('putPending stores a new version labelled AWSPENDING only, leaving AWSCURRENT where it was', async () => {
      const { arn, initialVersionId } = await createTarget();
      const first = secretFor('first', '2030-01-01T00:00:00.000Z');

      await put(arn, first);

      expect(await labels(arn)).toEqual({ [AWSCURRENT]: initialVersionId, [AWSPENDING]: versionOf(first) });
      expect(await valueAt(arn, AWSCURRENT)).toBe(PLACEHOLDER);
      expect(JSON.parse((await valueAt(arn, AWSPENDING)) ?? '{}')).toEqual(first);
    });

    it('putPending accepts the same Prolific secret again under its token while the version is pending', async () => {
      const { arn } = await createTarget();
      const first = secretFor('first', '2030-01-01T00:00:00.000Z');
      const again = secretFor('first', '2030-01-01T00:05:00.000Z');
      await put(arn, first);

      await store.putPending(arn, JSON.stringify(again), versionOf(first));

      const stored = (await store.readVersion(arn, versionOf(first))).secretString ?? '{}';
      expect(JSON.parse(stored)).toMatchObject({ id: first.id, value: first.value });
      expect(await store.describe(arn)).toMatchObject({ pendingVersionId: versionOf(first) });
    });

    it('putPending reuses a promoted version, unchanged, when the same Prolific secret is stored again under its token', async () => {
      const { arn } = await createTarget();
      const first = secretFor('first', '2030-01-01T00:00:00.000Z');
      const again = secretFor('first', '2030-01-01T00:05:00.000Z');
      await put(arn, first);
      await store.promote(arn, versionOf(first));

      const reported = await store.putPending(arn, JSON.stringify(again), versionOf(first));

      expect(reported).toMatchObject({ versionId: versionOf(first), secretString: JSON.stringify(first) });
      expect(JSON.parse((await store.readVersion(arn, versionOf(first))).secretString ?? '{}')).toEqual(first);
      expect(await store.describe(arn)).toMatchObject({ currentVersionId: versionOf(first), pendingVersionId: undefined });
    });

    it('putPending never overwrites a stored version: under its token it reports what the version holds', async () => {
      const { arn } = await createTarget();
      const first = secretFor('first', '2030-01-01T00:00:00.000Z');
      const impostor = { ...secretFor('other', '2030-01-01T00:05:00.000Z'), id: first.id };
      await put(arn, first);
      await store.promote(arn, versionOf(first));

      const reported = await store.putPending(arn, JSON.stringify(impostor), versionOf(first));

      expect(reported.secretString).toBe(JSON.stringify(first));
      expect(JSON.parse((await valueAt(arn, AWSCURRENT)) ?? '{}')).toEqual(first);
      expect(await labels(arn)).toMatchObject({ [AWSCURRENT]: versionOf(first) });
    });

    it('promote moves AWSCURRENT to the version, the one before to AWSPREVIOUS, and takes AWSPENDING off', async () => {
      const { arn, initialVersionId } = await createTarget();
      const first = secretFor('first', '2030-01-01T00:00:00.000Z');
      const second = secretFor('second', '2030-02-01T00:00:00.000Z');
      await put(arn, first);

      await store.promote(arn, versionOf(first));
      const afterFirst = await labels(arn);
      await put(arn, second);
      await store.promote(arn, versionOf(second));

      expect(afterFirst).toEqual({ [AWSCURRENT]: versionOf(first), [AWSPREVIOUS]: initialVersionId });
      expect(await labels(arn)).toEqual({ [AWSCURRENT]: versionOf(second), [AWSPREVIOUS]: versionOf(first) });
      expect(JSON.parse((await valueAt(arn, AWSCURRENT)) ?? '{}')).toEqual(second);
      expect(JSON.parse((await valueAt(arn, AWSPREVIOUS)) ?? '{}')).toEqual(first);
      expect(await store.describe(arn)).toMatchObject({ currentVersionId: versionOf(second), pendingVersionId: undefined });
    });

    it('promote of the version already current changes nothing', async () => {
      const { arn, initialVersionId } = await createTarget();
      const first = secretFor('first', '2030-01-01T00:00:00.000Z');
      await put(arn, first);
      await store.promote(arn, versionOf(first));

      await store.promote(arn, versionOf(first));

      expect(await labels(arn)).toEqual({ [AWSCURRENT]: versionOf(first), [AWSPREVIOUS]: initialVersionId });
    });

    it('promote re-reads the labels and tries again when another writer moved AWSCURRENT in between', async () => {
      const { arn, initialVersionId } = await createTarget();
      const first = secretFor('first', '2030-01-01T00:00:00.000Z');
      const interloper = secretFor('interloper', '2030-01-01T00:01:00.000Z');
      await client.send(
        new PutSecretValueCommand({
          SecretId: arn,
          SecretString: JSON.stringify(interloper),
          ClientRequestToken: versionOf(interloper),
          VersionStages: ['INTERLOPER'],
        }),
      );
      await put(arn, first);
      const racing = running?.client() as SecretsManagerClient;
      let interfered = false;
      // Right before the store's first label move, another writer moves AWSCURRENT, so that move names a stale holder.
      racing.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'UpdateSecretVersionStageCommand' && !interfered) {
            interfered = true;
            await client.send(
              new UpdateSecretVersionStageCommand({
                SecretId: arn,
                VersionStage: AWSCURRENT,
                MoveToVersionId: versionOf(interloper),
                RemoveFromVersionId: initialVersionId,
              }),
            );
          }
          return next(args);
        },
        { step: 'initialize', name: 'interleaveAnotherWriter' },
      );

      await createSecretStore(racing).promote(arn, versionOf(first));

      expect(interfered).toBe(true);
      expect(await labels(arn)).toMatchObject({ [AWSCURRENT]: versionOf(first), [AWSPREVIOUS]: versionOf(interloper) });
      expect((await labels(arn))[AWSPENDING]).toBeUndefined();
    });

    it('dropPending takes AWSPENDING off the version, leaves AWSCURRENT alone, and is a no-op once it is gone', async () => {
      const { arn, initialVersionId } = await createTarget();
      const first = secretFor('first', '2030-01-01T00:00:00.000Z');
      await put(arn, first);

      await store.dropPending(arn, versionOf(first));
      await store.dropPending(arn, versionOf(first));

      expect(await labels(arn)).toEqual({ [AWSCURRENT]: initialVersionId });
      expect(await store.describe(arn)).toMatchObject({ currentVersionId: initialVersionId, pendingVersionId: undefined });
    });

    it('dropPending leaves AWSPENDING where it is when it already moved to another version', async () => {
      const { arn } = await createTarget();
      const first = secretFor('first', '2030-01-01T00:00:00.000Z');
      const second = secretFor('second', '2030-01-01T00:01:00.000Z');
      await put(arn, first);
      await put(arn, second);

      await store.dropPending(arn, versionOf(first));

      expect((await labels(arn))[AWSPENDING]).toBe(versionOf(second));
    });

    it('checkWriteAccess writes a version only the write-check label points at, moving no label receivers read', async () => {
      const { arn, initialVersionId } = await createTarget();
      const first = secretFor('first', '2030-01-01T00:00:00.000Z');
      await put(arn, first);

      await store.checkWriteAccess(arn);
      const afterFirstCheck = (await labels(arn))[WRITE_CHECK];
      await store.checkWriteAccess(arn);

      const after = await labels(arn);
      expect(after).toMatchObject({ [AWSCURRENT]: initialVersionId, [AWSPENDING]: versionOf(first) });
      expect(after[WRITE_CHECK]).toBeDefined();
      expect(after[WRITE_CHECK]).not.toBe(afterFirstCheck);
      expect(await valueAt(arn, AWSCURRENT)).toBe(PLACEHOLDER);
    });

    it('fails with a SecretStoreError that names the operation and says what to do when the secret does not exist', async () => {
      const missing = 'prolific/webhook-signing-secret/does-not-exist';

      const failure = await store.describe(missing).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(SecretStoreError);
      expect(failure).toMatchObject({ awsErrorName: 'ResourceNotFoundException' });
      expect((failure as Error).message).toMatch(/DescribeSecret on prolific\/webhook-signing-secret\/does-not-exist failed: .*Create the secret/);
    });
  });
}
