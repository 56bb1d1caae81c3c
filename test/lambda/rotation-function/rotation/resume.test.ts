// Resuming a run cut off between its write and its promotion, driven through processTarget over in-memory
// fakes: finished without a second POST while Prolific still signs with the pending secret, dropped otherwise.
import { beforeEach, describe, expect, it } from 'vitest';
import { processTarget } from '../../../../lambda/rotation-function/rotation/protocol.js';
import { resumeCutOffRun } from '../../../../lambda/rotation-function/rotation/resume.js';
import { versionIdFor } from '../../../../lambda/rotation-function/rotation/stored-form.js';
import { startRun } from '../../../../lambda/rotation-function/rotation/target-run.js';
import type { Action } from '../../../../lambda/contract/report.js';
import type { RotationDependencies } from '../../../../lambda/rotation-function/rotation/types.js';
import { AWSCURRENT, AWSPENDING } from '../../../../lambda/contract/staging-labels.js';
import { awsError, type InMemorySecretStore } from '../../../standins/in-memory-secret-store.js';
import type { ScriptedProlific } from '../../../standins/scripted-prolific.js';
import { createProtocolFixture, postsTo, SECRET_ID, TARGET, WORKSPACE, type ProtocolFixture } from './protocol-fixture.js';

let prolific: ScriptedProlific;
let store: InMemorySecretStore;
let deps: RotationDependencies;
let storeInSync: ProtocolFixture['storeInSync'];
let leavePending: ProtocolFixture['leavePending'];

beforeEach(() => {
  ({ prolific, store, deps, storeInSync, leavePending } = createProtocolFixture());
});

const run = (action: Action) => processTarget(TARGET, { action, dryRun: false }, deps);
const posts = () => postsTo(prolific);

describe('processTarget: resume', () => {
  it('promotes a pending version that Prolific still signs with, without a POST', async () => {
    storeInSync();
    prolific.replace(WORKSPACE);
    const pendingVersionId = leavePending();

    const result = await run('rotate');

    expect(result).toMatchObject({ outcome: 'resumed', versionId: pendingVersionId, prolificSecretId: prolific.active(WORKSPACE)?.id });
    expect(store.versionIdAt(SECRET_ID, AWSCURRENT)).toBe(pendingVersionId);
    expect(store.versionIdAt(SECRET_ID, AWSPENDING)).toBeUndefined();
    expect(posts()).toBe(0);
  });

  it('drops the pending label when the version made current is another one (native rotation names its own)', async () => {
    storeInSync();
    prolific.replace(WORKSPACE);
    leavePending('native-version-token-0000000000000000');

    const result = await run('sync');

    expect(result.outcome).toBe('resumed');
    expect(store.versionIdAt(SECRET_ID, AWSCURRENT)).toBe(versionIdFor(WORKSPACE, prolific.active(WORKSPACE)?.id ?? ''));
    expect(store.versionIdAt(SECRET_ID, AWSPENDING)).toBeUndefined();
  });

  it('drops a pending version that holds no value (a native createSecret that never wrote it) and carries on', async () => {
    const versionId = storeInSync();
    store.seed(SECRET_ID, 'rotate-secret-token', undefined, [AWSPENDING]);

    const status = await run('status');
    const rotate = await run('rotate');

    expect(status).toMatchObject({ outcome: 'unchanged', versionId });
    expect(rotate.outcome).toBe('rotated');
    expect(store.calls).toContain('dropPending rotate-secret-token');
  });

  it('drops a stale pending version, then reconciles and rotates as usual', async () => {
    storeInSync();
    prolific.replace(WORKSPACE);
    const stalePendingId = leavePending();
    prolific.replace(WORKSPACE);

    const result = await run('rotate');

    expect(result.outcome).toBe('rotated');
    expect(store.calls).toContain(`dropPending ${stalePendingId}`);
    expect(store.versionIdAt(SECRET_ID, AWSPENDING)).toBeUndefined();
    expect(store.secretAt(SECRET_ID, AWSCURRENT)?.id).toBe(prolific.active(WORKSPACE)?.id);
    // The resume step's GET is reused by reconcile; each store (the heal, the rotation) is confirmed
    // before and after its promotion.
    expect(prolific.calls.filter((call) => call.startsWith('getActiveSecret'))).toHaveLength(5);
  });

  it('fails at resume when the pending version cannot be read', async () => {
    storeInSync();
    const pendingVersionId = leavePending('pending-version');
    store.before.readVersion = (secretId) => {
      if (store.calls.at(-1) === `readVersion ${pendingVersionId}`) throw awsError('InternalServiceError');
      expect(secretId).toBe(SECRET_ID);
    };

    const result = await run('rotate');

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'resume' });
  });
});

describe('resumeCutOffRun', () => {
  it('only looks in a read-only run: it says whether the pending version holds Prolific\'s active secret', async () => {
    storeInSync();
    prolific.replace(WORKSPACE);
    const pendingVersionId = leavePending();
    const run = startRun(TARGET, deps, 'pre-flight');

    const resumed = await resumeCutOffRun(run, pendingVersionId, true);

    expect(resumed).toEqual({ active: prolific.active(WORKSPACE), pendingIsActive: true });
    expect(run.step).toBe('resume');
    expect(store.calls).toEqual([`readVersion ${pendingVersionId}`]);
  });

  it('finishes the promotion when Prolific still signs with the pending secret', async () => {
    storeInSync();
    prolific.replace(WORKSPACE);
    const pendingVersionId = leavePending();

    const resumed = await resumeCutOffRun(startRun(TARGET, deps, 'pre-flight'), pendingVersionId, false);

    expect(resumed).toMatchObject({ pendingIsActive: true, settled: { versionId: pendingVersionId, secret: prolific.active(WORKSPACE) } });
    expect(store.versionIdAt(SECRET_ID, AWSCURRENT)).toBe(pendingVersionId);
  });

  it('drops a pending version that Prolific no longer signs with, settling nothing', async () => {
    const currentVersionId = storeInSync();
    prolific.replace(WORKSPACE);
    const pendingVersionId = leavePending();
    prolific.replace(WORKSPACE);

    const resumed = await resumeCutOffRun(startRun(TARGET, deps, 'pre-flight'), pendingVersionId, false);

    expect(resumed).toEqual({ active: prolific.active(WORKSPACE), pendingIsActive: false });
    expect(store.versionIdAt(SECRET_ID, AWSPENDING)).toBeUndefined();
    expect(store.versionIdAt(SECRET_ID, AWSCURRENT)).toBe(currentVersionId);
    expect(posts()).toBe(0);
  });
});
