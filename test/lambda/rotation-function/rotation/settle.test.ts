// Confirm, promote, confirm; and storing a secret as current that way, over in-memory fakes: driven
// directly, then through a rotate run (processTarget). native-steps.test.ts drives the same functions
// through Secrets Manager's native steps.
import { beforeEach, describe, expect, it } from 'vitest';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS } from '../../../../lambda/contract/staging-labels.js';
import type { Action } from '../../../../lambda/contract/report.js';
import type { ProlificSecret } from '../../../../lambda/rotation-function/prolific/types.js';
import { processTarget } from '../../../../lambda/rotation-function/rotation/protocol.js';
import { confirmActive, promoteConfirmed, SETTLE_ROUNDS, storeAsCurrent } from '../../../../lambda/rotation-function/rotation/settle.js';
import { serialise, versionIdFor } from '../../../../lambda/rotation-function/rotation/stored-form.js';
import { startRun, type TargetRun } from '../../../../lambda/rotation-function/rotation/target-run.js';
import type { RotationDependencies } from '../../../../lambda/rotation-function/rotation/types.js';
import type { InMemorySecretStore } from '../../../standins/in-memory-secret-store.js';
import type { ScriptedProlific } from '../../../standins/scripted-prolific.js';
import { createProtocolFixture, NOW, SECRET_ID, TARGET, WORKSPACE, type ProtocolFixture } from './protocol-fixture.js';

let prolific: ScriptedProlific;
let store: InMemorySecretStore;
let warnings: Record<string, unknown>[];
let deps: RotationDependencies;
let storeInSync: ProtocolFixture['storeInSync'];
/** A run of the target in its reconcile step, for the functions driven directly. */
let targetRun: TargetRun;
/** Prolific's active secret at the start. */
let first: ProlificSecret;

beforeEach(() => {
  ({ prolific, store, warnings, deps, storeInSync } = createProtocolFixture());
  targetRun = startRun(TARGET, deps, 'reconcile');
  first = activeSecret();
});

function activeSecret(): ProlificSecret {
  const active = prolific.active(WORKSPACE);
  if (!active) throw new Error('no active secret');
  return active;
}

/** A secret as an earlier version left it: AWSCURRENT on a version the functions under test never wrote. */
function seedOldVersion(): void {
  store.seed(SECRET_ID, 'old-version', '{}', [AWSCURRENT]);
}

const run = (action: Action) => processTarget(TARGET, { action, dryRun: false }, deps);

const isFirst = (active: ProlificSecret | undefined) => active?.id === first.id;
const promotions = () => store.calls.filter((call) => call.startsWith('promote'));

describe('confirmActive', () => {
  beforeEach(seedOldVersion);

  it('asks Prolific in the step confirm, and says whether its active secret is the expected one', async () => {
    expect(await confirmActive(targetRun, isFirst)).toEqual({ confirmed: true, active: first });
    expect(targetRun.step).toBe('confirm');

    const newer = prolific.replace(WORKSPACE);

    expect(await confirmActive(targetRun, isFirst)).toEqual({ confirmed: false, active: newer });
  });
});

describe('promoteConfirmed', () => {
  beforeEach(() => {
    seedOldVersion();
    store.seed(SECRET_ID, 'pending-version', serialise('json', first, NOW), [AWSPENDING]);
  });

  it('makes the version AWSCURRENT when Prolific lists the expected secret before and after the move', async () => {
    const promotion = await promoteConfirmed(targetRun, 'pending-version', isFirst);

    expect(promotion).toEqual({ confirmed: true, promoted: true, active: first });
    expect(store.versionIdAt(SECRET_ID, AWSCURRENT)).toBe('pending-version');
    expect(store.versionIdAt(SECRET_ID, AWSPREVIOUS)).toBe('old-version');
    expect(prolific.calls).toEqual([`getActiveSecret ${WORKSPACE}`, `getActiveSecret ${WORKSPACE}`]);
  });

  it('leaves the labels alone when Prolific lists another secret before the move', async () => {
    const newer = prolific.replace(WORKSPACE);

    const promotion = await promoteConfirmed(targetRun, 'pending-version', isFirst);

    expect(promotion).toEqual({ confirmed: false, promoted: false, active: newer });
    expect(promotions()).toEqual([]);
    expect(store.versionIdAt(SECRET_ID, AWSCURRENT)).toBe('old-version');
    expect(store.versionIdAt(SECRET_ID, AWSPENDING)).toBe('pending-version');
  });

  it('tells a promotion that a concurrent rotation overtook right after the move', async () => {
    prolific.before.getActiveSecret = (workspaceId, call) => {
      if (call === 2) prolific.replace(workspaceId);
    };

    const promotion = await promoteConfirmed(targetRun, 'pending-version', isFirst);

    expect(promotion).toEqual({ confirmed: false, promoted: true, active: prolific.active(WORKSPACE) });
    expect(store.versionIdAt(SECRET_ID, AWSCURRENT)).toBe('pending-version');
  });
});

describe('storeAsCurrent', () => {
  beforeEach(seedOldVersion);

  it('stores the secret under its derived version id and makes it AWSCURRENT once Prolific confirms it', async () => {
    const settled = await storeAsCurrent(targetRun, first);

    const versionId = versionIdFor(WORKSPACE, first.id);
    expect(settled).toEqual({ versionId, secret: first, rotatedAt: NOW.toISOString() });
    expect(store.versionIdAt(SECRET_ID, AWSCURRENT)).toBe(versionId);
    expect(store.secretAt(SECRET_ID, AWSCURRENT)).toMatchObject({ id: first.id, value: first.value, rotated_at: NOW.toISOString() });
    expect(store.versionIdAt(SECRET_ID, AWSPENDING)).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('drops its pending version and stores Prolific\'s newer secret when overtaken before the move, with a warning', async () => {
    prolific.before.getActiveSecret = (workspaceId, call) => {
      if (call === 1) prolific.replace(workspaceId);
    };

    const settled = await storeAsCurrent(targetRun, first);

    const newer = activeSecret();
    expect(settled.secret).toEqual(newer);
    expect(store.calls).toContain(`dropPending ${versionIdFor(WORKSPACE, first.id)}`);
    expect(store.versionIdAt(SECRET_ID, AWSCURRENT)).toBe(versionIdFor(WORKSPACE, newer.id));
    expect(warnings).toEqual([{ workspace_id: WORKSPACE, rotation_step: 'confirm', prolific_secret_id: newer.id }]);
  });

  it('stores Prolific\'s newer secret over its own when overtaken right after the move, without dropping a label', async () => {
    prolific.before.getActiveSecret = (workspaceId, call) => {
      if (call === 2) prolific.replace(workspaceId);
    };

    const settled = await storeAsCurrent(targetRun, first);

    expect(settled.secret).toEqual(activeSecret());
    expect(store.calls.filter((call) => call.startsWith('dropPending'))).toEqual([]);
    expect(store.versionIdAt(SECRET_ID, AWSPREVIOUS)).toBe(versionIdFor(WORKSPACE, first.id));
  });
});

describe('storeAsCurrent: what it refuses', () => {
  beforeEach(seedOldVersion);

  it('fails in the step rotate, promoting nothing, when Prolific still lists the secret the POST replaced', async () => {
    const answer = { id: 'never-issued', value: 'never-issued-value', workspaceId: WORKSPACE };

    await expect(storeAsCurrent(targetRun, answer, first.id)).rejects.toMatchObject({
      name: 'RotationUnconfirmedError',
      message: expect.stringMatching(/^Prolific answered the POST with secret never-issued, but still lists secret-1 as its active secret/) as string,
    });
    expect(targetRun.step).toBe('rotate');
    expect(promotions()).toEqual([]);
    expect(store.versionIdAt(SECRET_ID, AWSPENDING)).toBeUndefined();
  });

  it(`gives up in the step confirm after ${SETTLE_ROUNDS} rounds of being overtaken`, async () => {
    prolific.before.getActiveSecret = (workspaceId) => {
      prolific.replace(workspaceId);
    };

    await expect(storeAsCurrent(targetRun, first)).rejects.toMatchObject({
      name: 'RotationConflictError',
      message: expect.stringMatching(/^Prolific's secret changed 3 times while this run stored it/) as string,
    });
    expect(targetRun.step).toBe('confirm');
    expect(warnings).toHaveLength(SETTLE_ROUNDS - 1);
  });

  it('fails when Prolific lists no active secret right after one was stored', async () => {
    prolific.before.getActiveSecret = (workspaceId) => {
      prolific.clear(workspaceId);
    };

    await expect(storeAsCurrent(targetRun, first)).rejects.toThrow(/^Prolific reports no active secret right after one was stored\.$/);
  });

  it('fails in the step store when the version id already holds something else', async () => {
    store.seed(SECRET_ID, versionIdFor(WORKSPACE, first.id), '{"hand": "written"}', []);

    await expect(storeAsCurrent(targetRun, first)).rejects.toMatchObject({
      name: 'SecretStoreError',
      awsErrorName: 'ResourceExistsException',
    });
    expect(targetRun.step).toBe('store');
    expect(prolific.calls).toEqual([]);
  });
});

describe('processTarget: storing what Prolific answered', () => {
  it('stores its own POST answer once, even when written again under the same version id', async () => {
    storeInSync();
    const putPending = store.putPending.bind(store);
    store.putPending = async (secretId, secretString, versionId) => {
      await putPending(secretId, secretString, versionId);
      return putPending(secretId, secretString.replace(NOW.toISOString(), '2026-12-01T11:00:00.000Z'), versionId);
    };

    const result = await run('rotate');

    expect(result).toMatchObject({ outcome: 'rotated', lastRotatedAt: NOW.toISOString() });
    expect(store.versionIds(SECRET_ID).filter((id) => !id.startsWith('write-check'))).toHaveLength(2);
  });

  it('does not report a POST answer that Prolific does not list as active as a rotation', async () => {
    const versionId = storeInSync();
    prolific.createSecret = (workspaceId) => Promise.resolve({ id: 'never-issued', value: 'never-issued-value', workspaceId });

    const result = await run('rotate');

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'rotate', lastRotatedAt: null });
    expect(result.error).toMatch(/^RotationUnconfirmedError: .*still lists secret-1 as its active secret.*Prolific's secret was not replaced/);
    expect(store.versionIdAt(SECRET_ID, AWSCURRENT)).toBe(versionId);
    expect(store.versionIdAt(SECRET_ID, AWSPREVIOUS)).toBeUndefined();
    expect(store.versionIdAt(SECRET_ID, AWSPENDING)).toBeUndefined();
  });

  it('keeps the rotated_at of a version id that already holds the same secret, and reports that one', async () => {
    storeInSync();
    const next = { id: 'secret-2', value: 'signing-value-2-ws-1', workspaceId: WORKSPACE };
    store.seed(SECRET_ID, versionIdFor(WORKSPACE, next.id), serialise('json', next, new Date('2026-11-20T00:00:00.000Z')), []);

    const result = await run('rotate');

    expect(result).toMatchObject({ outcome: 'rotated', prolificSecretId: 'secret-2', lastRotatedAt: '2026-11-20T00:00:00.000Z' });
    expect(store.secretAt(SECRET_ID, AWSCURRENT)?.rotated_at).toBe('2026-11-20T00:00:00.000Z');
  });

  it('fails the store step instead of promoting a version id that holds something else', async () => {
    storeInSync();
    store.seed(SECRET_ID, versionIdFor(WORKSPACE, 'secret-2'), '{"hand": "written"}', []);

    const result = await run('rotate');

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'store' });
    expect(result.error).toMatch(/already exists and holds something other than Prolific's secret secret-2/);
    expect(store.secretAt(SECRET_ID, AWSCURRENT)?.id).toBe('secret-1');
  });
});

describe('processTarget: settle rounds', () => {
  it('stores the newer secret when a concurrent rotation overtook the write, and says so in a warning', async () => {
    storeInSync();
    prolific.before.getActiveSecret = (workspaceId, call) => {
      if (call === 2) prolific.replace(workspaceId); // the confirming GET after this run's write
    };

    const result = await run('rotate');

    expect(result).toMatchObject({ outcome: 'rotated', prolificSecretId: prolific.active(WORKSPACE)?.id });
    expect(store.secretAt(SECRET_ID, AWSCURRENT)?.id).toBe(prolific.active(WORKSPACE)?.id);
    expect(warnings).toEqual([{ workspace_id: WORKSPACE, rotation_step: 'confirm', prolific_secret_id: prolific.active(WORKSPACE)?.id }]);
  });

  it('stores the newer secret when a concurrent rotation overtook it right after its promotion', async () => {
    storeInSync();
    prolific.before.getActiveSecret = (workspaceId, call) => {
      if (call === 3) prolific.replace(workspaceId); // the check after this run's promotion
    };

    const result = await run('rotate');

    expect(result).toMatchObject({ outcome: 'rotated', prolificSecretId: prolific.active(WORKSPACE)?.id });
    expect(store.secretAt(SECRET_ID, AWSCURRENT)?.id).toBe(prolific.active(WORKSPACE)?.id);
  });

  it(`gives up after ${SETTLE_ROUNDS} rounds of being overtaken, failing at confirm`, async () => {
    storeInSync();
    prolific.before.getActiveSecret = (workspaceId, call) => {
      if (call > 1) prolific.replace(workspaceId);
    };

    const result = await run('rotate');

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'confirm', prolificSecretId: null, versionId: null });
    expect(result.error).toMatch(/^RotationConflictError: .*changed 3 times.*Prolific's secret may differ/);
    expect(warnings).toHaveLength(SETTLE_ROUNDS - 1);
  });

  it('fails at confirm when Prolific lists no active secret right after one was stored', async () => {
    storeInSync();
    prolific.before.getActiveSecret = (workspaceId, call) => {
      if (call === 2) prolific.clear(workspaceId);
    };

    const result = await run('rotate');

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'confirm' });
    expect(result.error).toMatch(/RotationConflictError: Prolific reports no active secret/);
  });
});
