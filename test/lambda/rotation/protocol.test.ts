// The rotation protocol driven directly, over in-memory fakes of its two interfaces: every branch of
// pre-flight, resume, reconcile, rotate and the settle rounds, without HTTP or the handler.
import { beforeEach, describe, expect, it } from 'vitest';
import { ProlificServerError } from '../../../lambda/errors.js';
import { processTarget } from '../../../lambda/rotation/protocol.js';
import { SETTLE_ROUNDS } from '../../../lambda/rotation/settle.js';
import { toStoredSecret, versionIdFor } from '../../../lambda/rotation/stored-form.js';
import type { Action, RotationDependencies, RotationTarget } from '../../../lambda/rotation/types.js';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS } from '../../../lambda/secrets/labels.js';
import { awsError, createInMemorySecretStore, type InMemorySecretStore } from '../../support/fakes/in-memory-secret-store.js';
import { createScriptedProlific, type ScriptedProlific } from '../../support/fakes/scripted-prolific.js';

const WORKSPACE = 'ws-1';
const SECRET_ID = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prolific/ws-1-AbCdEf';
const TARGET: RotationTarget = { workspaceId: WORKSPACE, secretId: SECRET_ID };
const NOW = new Date('2026-12-01T10:00:00.000Z');
const PLACEHOLDER = 'Not synced yet';

let prolific: ScriptedProlific;
let store: InMemorySecretStore;
let warnings: Record<string, unknown>[];
let deps: RotationDependencies;

beforeEach(() => {
  prolific = createScriptedProlific([WORKSPACE]);
  store = createInMemorySecretStore();
  warnings = [];
  deps = { prolific, store, logger: { warn: (_message, attributes) => warnings.push(attributes) }, now: () => NOW };
});

const run = (action: Action, dryRun = false) => processTarget(TARGET, { action, dryRun }, deps);
const posts = () => prolific.calls.filter((call) => call.startsWith('createSecret')).length;
const writes = () => store.calls.filter((call) => !call.startsWith('describe') && !call.startsWith('readVersion'));

/** Stores Prolific's active secret as AWSCURRENT, as a successful earlier run left it. */
function storeInSync(rotatedAt = '2026-11-01T10:00:00.000Z'): string {
  const active = prolific.active(WORKSPACE);
  if (!active) throw new Error('no active secret to store');
  const versionId = versionIdFor(WORKSPACE, active.id);
  store.seed(SECRET_ID, versionId, JSON.stringify(toStoredSecret(active, new Date(rotatedAt))), [AWSCURRENT]);
  return versionId;
}

/** Stores Prolific's active secret as AWSPENDING beside the current version: a run cut off before promotion. */
function leavePending(versionId = versionIdFor(WORKSPACE, prolific.active(WORKSPACE)?.id ?? '')): string {
  const active = prolific.active(WORKSPACE);
  if (!active) throw new Error('no active secret to store');
  store.seed(SECRET_ID, versionId, JSON.stringify(toStoredSecret(active, NOW)), [AWSPENDING]);
  return versionId;
}

describe('processTarget: read-only runs', () => {
  it('reports a secret in sync as unchanged, without writing', async () => {
    const versionId = storeInSync();

    const result = await run('status');

    expect(result).toEqual({
      workspaceId: WORKSPACE,
      secretId: SECRET_ID,
      outcome: 'unchanged',
      prolificSecretId: prolific.active(WORKSPACE)?.id,
      versionId,
      lastRotatedAt: '2026-11-01T10:00:00.000Z',
      drift: false,
    });
    expect(writes()).toEqual([]);
  });

  it('reports drift as would-heal, without writing', async () => {
    store.seed(SECRET_ID, 'placeholder-version', PLACEHOLDER, [AWSCURRENT]);

    const result = await run('status');

    expect(result).toMatchObject({ outcome: 'would-heal', drift: true, versionId: 'placeholder-version', lastRotatedAt: null });
    expect(writes()).toEqual([]);
  });

  it('answers a dry-run rotate with would-rotate, without a POST or a write', async () => {
    storeInSync();

    const result = await run('rotate', true);

    expect(result).toMatchObject({ outcome: 'would-rotate', drift: false });
    expect(posts()).toBe(0);
    expect(writes()).toEqual([]);
  });

  it('leaves a pending version alone when only looking', async () => {
    storeInSync();
    prolific.replace(WORKSPACE);
    const pendingVersionId = leavePending();

    const result = await run('sync', true);

    expect(result).toMatchObject({ outcome: 'would-heal', drift: true });
    expect(store.versionIdAt(SECRET_ID, AWSPENDING)).toBe(pendingVersionId);
    expect(writes()).toEqual([]);
  });
});

describe('processTarget: sync', () => {
  it('leaves a secret in sync unchanged', async () => {
    storeInSync();

    const result = await run('sync');

    expect(result.outcome).toBe('unchanged');
    expect(writes()).toEqual([]);
  });

  it('heals drift without calling the POST, keeping the old version as AWSPREVIOUS', async () => {
    store.seed(SECRET_ID, 'placeholder-version', PLACEHOLDER, [AWSCURRENT]);
    const active = prolific.active(WORKSPACE);

    const result = await run('sync');

    expect(result).toEqual({
      workspaceId: WORKSPACE,
      secretId: SECRET_ID,
      outcome: 'healed',
      prolificSecretId: active?.id,
      versionId: versionIdFor(WORKSPACE, active?.id ?? ''),
      lastRotatedAt: NOW.toISOString(),
    });
    expect(store.secretAt(SECRET_ID, AWSCURRENT)).toMatchObject({ id: active?.id, value: active?.value, workspace_id: WORKSPACE });
    expect(store.versionIdAt(SECRET_ID, AWSPREVIOUS)).toBe('placeholder-version');
    expect(store.versionIdAt(SECRET_ID, AWSPENDING)).toBeUndefined();
    expect(posts()).toBe(0);
  });

  it('stores nothing when Prolific has no active secret yet', async () => {
    prolific.clear(WORKSPACE);
    store.seed(SECRET_ID, 'placeholder-version', PLACEHOLDER, [AWSCURRENT]);

    const result = await run('sync');

    expect(result).toMatchObject({ outcome: 'unchanged', prolificSecretId: null, versionId: 'placeholder-version' });
    expect(writes()).toEqual([]);
  });
});

describe('processTarget: rotate', () => {
  it('replaces the secret, stores it as AWSCURRENT and names the old id to the POST', async () => {
    const oldVersionId = storeInSync();
    const oldId = prolific.active(WORKSPACE)?.id;

    const result = await run('rotate');

    const created = prolific.active(WORKSPACE);
    expect(created?.id).not.toBe(oldId);
    expect(result).toMatchObject({ outcome: 'rotated', prolificSecretId: created?.id, versionId: versionIdFor(WORKSPACE, created?.id ?? '') });
    expect(store.secretAt(SECRET_ID, AWSCURRENT)?.value).toBe(created?.value);
    expect(store.versionIdAt(SECRET_ID, AWSPREVIOUS)).toBe(oldVersionId);
    expect(store.versionIdAt(SECRET_ID, AWSPENDING)).toBeUndefined();
    expect(posts()).toBe(1);
  });

  it('heals drift first, then rotates from the healed secret', async () => {
    store.seed(SECRET_ID, 'placeholder-version', PLACEHOLDER, [AWSCURRENT]);

    const result = await run('rotate');

    expect(result.outcome).toBe('rotated');
    expect(store.calls.filter((call) => call.startsWith('promote'))).toHaveLength(2);
    expect(store.secretAt(SECRET_ID, AWSPREVIOUS)?.id).toBe('secret-1');
    expect(store.secretAt(SECRET_ID, AWSCURRENT)?.id).toBe('secret-2');
  });

  it('stores its own POST answer once, even when written again under the same version id', async () => {
    storeInSync();
    const putPending = store.putPending.bind(store);
    store.putPending = async (secretId, secret, versionId) => {
      await putPending(secretId, secret, versionId);
      await putPending(secretId, { ...secret, rotated_at: 'later' }, versionId);
    };

    const result = await run('rotate');

    expect(result.outcome).toBe('rotated');
    expect(store.versionIds(SECRET_ID)).toHaveLength(2);
  });
});

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
    // The resume step's GET is reused by reconcile: one GET before the POST, one confirming each store.
    expect(prolific.calls.filter((call) => call.startsWith('getActiveSecret'))).toHaveLength(3);
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

describe('processTarget: failures name their step and never throw', () => {
  it('fails at pre-flight when the secret cannot be described, before any Prolific call', async () => {
    store.seed(SECRET_ID, 'v1', PLACEHOLDER, [AWSCURRENT]);
    store.before.describe = () => {
      throw awsError('AccessDeniedException');
    };

    const result = await run('rotate');

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'pre-flight' });
    expect(result.error).toContain('Prolific was not called');
    expect(prolific.calls).toEqual([]);
  });

  it('fails at reconcile when the GET fails, without a POST', async () => {
    storeInSync();
    prolific.before.getActiveSecret = () => {
      throw new ProlificServerError('Prolific answered HTTP 500', 500);
    };

    const result = await run('rotate');

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'reconcile' });
    expect(result.error).toContain('Prolific was not asked to replace the secret');
    expect(posts()).toBe(0);
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

  it('fails at rotate when the POST fails', async () => {
    storeInSync();
    prolific.before.createSecret = () => {
      throw new ProlificServerError('Prolific answered HTTP 503', 503);
    };

    const result = await run('rotate');

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'rotate' });
    expect(result.error).toContain('unless the error says it may have been');
  });

  it('fails at store when the write after the POST fails, telling the reader to sync now', async () => {
    storeInSync();
    store.before.putPending = () => {
      throw awsError('AccessDeniedException');
    };

    const result = await run('rotate');

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'store' });
    expect(result.error).toMatch(/AccessDeniedException.*run \{"action": "sync"\} now/);
    expect(posts()).toBe(1);
  });

  it('keeps every issued value out of its result', async () => {
    storeInSync();
    store.before.promote = () => {
      throw awsError('InvalidParameterException');
    };

    const result = await run('rotate');

    const text = JSON.stringify(result);
    expect(prolific.issuedValues.filter((value) => text.includes(value))).toEqual([]);
  });
});
