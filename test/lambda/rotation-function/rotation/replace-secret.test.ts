// The POST that replaces Prolific's secret, over in-memory fakes: sent only after the write check and
// only with the time to store its answer. Driven directly, then through a rotate run (processTarget);
// native-steps.test.ts drives it through Secrets Manager's createSecret.
import { beforeEach, describe, expect, it } from 'vitest';
import { MIN_TIME_TO_ROTATE_MS } from '../../../../lambda/contract/time-budgets.js';
import type { Action } from '../../../../lambda/contract/report.js';
import { processTarget } from '../../../../lambda/rotation-function/rotation/protocol.js';
import { replaceSecret } from '../../../../lambda/rotation-function/rotation/replace-secret.js';
import { startRun, type TargetRun } from '../../../../lambda/rotation-function/rotation/target-run.js';
import type { RotationDependencies } from '../../../../lambda/rotation-function/rotation/types.js';
import { AWSCURRENT, AWSPREVIOUS } from '../../../../lambda/contract/staging-labels.js';
import { awsError, type InMemorySecretStore } from '../../../standins/in-memory-secret-store.js';
import type { ScriptedProlific } from '../../../standins/scripted-prolific.js';
import { createProtocolFixture, postsTo, SECRET_ID, TARGET, WORKSPACE, type ProtocolFixture } from './protocol-fixture.js';

let prolific: ScriptedProlific;
let store: InMemorySecretStore;
let deps: RotationDependencies;
let storeInSync: ProtocolFixture['storeInSync'];

beforeEach(() => {
  ({ prolific, store, deps, storeInSync } = createProtocolFixture());
});

const run = (action: Action) => processTarget(TARGET, { action, dryRun: false }, deps);
const posts = () => postsTo(prolific);

describe('replaceSecret', () => {
  beforeEach(() => {
    store.seed(SECRET_ID, 'v1', '{}', [AWSCURRENT]);
  });

  const runWith = (msLeft = () => Infinity): TargetRun => startRun(TARGET, { ...deps, msLeft }, 'reconcile');

  it('proves write access, then sends the POST and returns Prolific\'s new secret, in the step rotate', async () => {
    const targetRun = runWith();

    const created = await replaceSecret(targetRun, 'secret-1');

    expect(created).toEqual(prolific.active(WORKSPACE));
    expect(created.id).not.toBe('secret-1');
    expect(store.calls).toEqual(['checkWriteAccess']);
    expect(posts()).toBe(1);
    expect(targetRun.step).toBe('rotate');
  });

  it('fails in the step write-check, without a POST, when the secret cannot be written', async () => {
    store.before.checkWriteAccess = () => {
      throw awsError('KMSAccessDeniedException');
    };
    const targetRun = runWith();

    await expect(replaceSecret(targetRun, 'secret-1')).rejects.toMatchObject({ name: 'SecretStoreError' });
    expect(targetRun.step).toBe('write-check');
    expect(posts()).toBe(0);
  });

  it('sends the POST with exactly MIN_TIME_TO_ROTATE_MS left', async () => {
    await replaceSecret(runWith(() => MIN_TIME_TO_ROTATE_MS), 'secret-1');

    expect(posts()).toBe(1);
  });

  it('does not send the POST, after the write check, when the time left cannot cover storing its answer', async () => {
    const targetRun = runWith(() => MIN_TIME_TO_ROTATE_MS - 1);

    await expect(replaceSecret(targetRun, 'secret-1')).rejects.toMatchObject({
      name: 'DeadlineError',
      message:
        'Only 26 s of the invocation were left, less than the 27 s needed to send the POST and store its answer, so Prolific\'s ' +
        'secret was not replaced. Raise the function timeout, or rotate this workspace on its own: ' +
        '{"action": "rotate", "workspaceId": "ws-1"}.',
    });
    expect(targetRun.step).toBe('rotate');
    expect(store.calls).toEqual(['checkWriteAccess']);
    expect(posts()).toBe(0);
  });
});

describe('processTarget: write access is proven before the POST', () => {
  it('fails at write-check without replacing Prolific\'s secret when the write is denied', async () => {
    const versionId = storeInSync();
    store.before.checkWriteAccess = () => {
      throw awsError('KMSAccessDeniedException');
    };

    const result = await run('rotate');

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'write-check' });
    expect(result.error).toMatch(/KMSAccessDeniedException.*Prolific was not asked to replace the secret/);
    expect(posts()).toBe(0);
    expect(store.versionIdAt(SECRET_ID, AWSCURRENT)).toBe(versionId);
  });

  it('writes the check under its own label, never under one receivers read', async () => {
    const versionId = storeInSync();

    await run('rotate');

    const checks = store.calls.filter((call) => call.startsWith('checkWriteAccess'));
    expect(checks).toHaveLength(1);
    expect(store.calls.indexOf('checkWriteAccess')).toBeLessThan(store.calls.findIndex((call) => call.startsWith('putPending')));
    expect(store.versionIdAt(SECRET_ID, AWSPREVIOUS)).toBe(versionId);
  });
});

describe('processTarget: time left for the POST', () => {
  it('does not send the POST when the time left cannot cover storing its answer', async () => {
    storeInSync();

    const result = await processTarget(TARGET, { action: 'rotate', dryRun: false }, { ...deps, msLeft: () => MIN_TIME_TO_ROTATE_MS - 1 });

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'rotate' });
    expect(result.error).toMatch(/^DeadlineError: Only 26 s of the invocation were left, less than the 27 s needed .*"workspaceId": "ws-1"/);
    expect(posts()).toBe(0);
  });

  it('rotates when just enough time is left', async () => {
    storeInSync();

    const result = await processTarget(TARGET, { action: 'rotate', dryRun: false }, { ...deps, msLeft: () => MIN_TIME_TO_ROTATE_MS });

    expect(result.outcome).toBe('rotated');
  });
});
