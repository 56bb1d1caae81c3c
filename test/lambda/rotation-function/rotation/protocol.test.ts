// The rotation protocol driven directly, over in-memory fakes of its two interfaces: every branch of
// pre-flight, resume, reconcile, rotate and the settle rounds, without HTTP or the handler.
import { beforeEach, describe, expect, it } from 'vitest';
import { TARGET_SECRET_PLACEHOLDER } from '../../../../lambda/contract/secret-formats.js';
import { ProlificServerError } from '../../../../lambda/rotation-function/errors.js';
import { MIN_TIME_TO_ROTATE_MS, processTarget } from '../../../../lambda/rotation-function/rotation/protocol.js';
import { SETTLE_ROUNDS } from '../../../../lambda/rotation-function/rotation/settle.js';
import { serialise, versionIdFor } from '../../../../lambda/rotation-function/rotation/stored-form.js';
import type { Action } from '../../../../lambda/contract/report.js';
import type { RotationDependencies, RotationTarget } from '../../../../lambda/rotation-function/rotation/types.js';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS } from '../../../../lambda/contract/staging-labels.js';
import { awsError, createInMemorySecretStore, type InMemorySecretStore } from '../../../standins/in-memory-secret-store.js';
import { createScriptedProlific, HEALTHY, type ScriptedProlific } from '../../../standins/scripted-prolific.js';

const WORKSPACE = 'ws-1';
const SECRET_ID = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prolific/ws-1-AbCdEf';
const TARGET: RotationTarget = { workspaceId: WORKSPACE, secretId: SECRET_ID, format: 'json' };
const NOW = new Date('2026-12-01T10:00:00.000Z');
const PLACEHOLDER = TARGET_SECRET_PLACEHOLDER;

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
  store.seed(SECRET_ID, versionId, serialise('json', active, new Date(rotatedAt)), [AWSCURRENT]);
  return versionId;
}

/** Stores Prolific's active secret as AWSPENDING beside the current version: a run cut off before promotion. */
function leavePending(versionId = versionIdFor(WORKSPACE, prolific.active(WORKSPACE)?.id ?? '')): string {
  const active = prolific.active(WORKSPACE);
  if (!active) throw new Error('no active secret to store');
  store.seed(SECRET_ID, versionId, serialise('json', active, NOW), [AWSPENDING]);
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
      deliveries: HEALTHY,
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
      deliveries: HEALTHY,
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
    store.putPending = async (secretId, secretString, versionId) => {
      await putPending(secretId, secretString, versionId);
      return putPending(secretId, secretString.replace(NOW.toISOString(), '2026-12-01T11:00:00.000Z'), versionId);
    };

    const result = await run('rotate');

    expect(result).toMatchObject({ outcome: 'rotated', lastRotatedAt: NOW.toISOString() });
    expect(store.versionIds(SECRET_ID).filter((id) => !id.startsWith('write-check'))).toHaveLength(2);
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

// Defects found by the adversarial review, one test each (named by the review's item number).
describe('processTarget: outcomes follow the evidence', () => {
  it('item 5: a POST answer that Prolific does not list as active is not reported as a rotation', async () => {
    const versionId = storeInSync();
    prolific.createSecret = async (workspaceId) => ({ id: 'never-issued', value: 'never-issued-value', workspaceId });

    const result = await run('rotate');

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'rotate', lastRotatedAt: null });
    expect(result.error).toMatch(/^RotationUnconfirmedError: .*still lists secret-1 as its active secret.*Prolific's secret was not replaced/);
    expect(store.versionIdAt(SECRET_ID, AWSCURRENT)).toBe(versionId);
    expect(store.versionIdAt(SECRET_ID, AWSPREVIOUS)).toBeUndefined();
    expect(store.versionIdAt(SECRET_ID, AWSPENDING)).toBeUndefined();
  });

  it('item 4: a version id that already holds the same secret keeps its rotated_at, and that is what is reported', async () => {
    storeInSync();
    const next = { id: 'secret-2', value: 'signing-value-2-ws-1', workspaceId: WORKSPACE };
    store.seed(SECRET_ID, versionIdFor(WORKSPACE, next.id), serialise('json', next, new Date('2026-11-20T00:00:00.000Z')), []);

    const result = await run('rotate');

    expect(result).toMatchObject({ outcome: 'rotated', prolificSecretId: 'secret-2', lastRotatedAt: '2026-11-20T00:00:00.000Z' });
    expect(store.secretAt(SECRET_ID, AWSCURRENT)?.rotated_at).toBe('2026-11-20T00:00:00.000Z');
  });

  it('item 4: a version id that holds something else fails the store step instead of promoting it', async () => {
    storeInSync();
    store.seed(SECRET_ID, versionIdFor(WORKSPACE, 'secret-2'), '{"hand": "written"}', []);

    const result = await run('rotate');

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'store' });
    expect(result.error).toMatch(/already exists and holds something other than Prolific's secret secret-2/);
    expect(store.secretAt(SECRET_ID, AWSCURRENT)?.id).toBe('secret-1');
  });

  it('item 9: a stored rotated_at that is not a date is drift, healed by sync', async () => {
    const active = prolific.active(WORKSPACE);
    store.seed(SECRET_ID, 'v1', JSON.stringify({ id: active?.id, value: active?.value, workspace_id: WORKSPACE, rotated_at: 'yesterday' }), [AWSCURRENT]);

    const status = await run('status');
    const sync = await run('sync');

    expect(status).toMatchObject({ outcome: 'would-heal', drift: true, lastRotatedAt: null });
    expect(sync).toMatchObject({ outcome: 'healed', lastRotatedAt: NOW.toISOString() });
  });
});

describe('processTarget: no version labelled AWSCURRENT (item 3)', () => {
  beforeEach(() => {
    store.seed(SECRET_ID, 'orphan', serialise('json', prolific.active(WORKSPACE) ?? prolific.replace(WORKSPACE), NOW), []);
    store.seed(SECRET_ID, 'previous', '{}', [AWSPREVIOUS]);
  });

  it('is reported as its own condition by status', async () => {
    const result = await run('status');

    expect(result).toMatchObject({ outcome: 'would-heal', drift: true, currentMissing: true, versionId: null });
  });

  it('is still reported when the run fails, so the condition alarms either way', async () => {
    prolific.before.getActiveSecret = () => {
      throw new ProlificServerError('Prolific answered HTTP 500', 500);
    };

    const result = await run('sync');

    expect(result).toMatchObject({ outcome: 'failed', currentMissing: true });
  });

  it('is repaired by sync, which still reports it so the repair raises an alarm', async () => {
    const result = await run('sync');

    expect(result).toMatchObject({ outcome: 'healed', currentMissing: true });
    expect(store.secretAt(SECRET_ID, AWSCURRENT)?.id).toBe(prolific.active(WORKSPACE)?.id);
  });
});

describe('processTarget: write access is proven before the POST (item 6)', () => {
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

describe('processTarget: time left (item 2)', () => {
  it('answers status with little time left', async () => {
    storeInSync();

    const result = await processTarget(TARGET, { action: 'status', dryRun: false }, { ...deps, msLeft: () => 9_000 });

    expect(result.outcome).toBe('unchanged');
  });

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

describe('processTarget: plain format (item 14)', () => {
  const PLAIN: RotationTarget = { ...TARGET, format: 'plain' };
  const runPlain = (action: Action) => processTarget(PLAIN, { action, dryRun: false }, deps);

  it('compares an adopted bare value by value and dates it by its version', async () => {
    store.seed(SECRET_ID, 'adopted', prolific.active(WORKSPACE)?.value, [AWSCURRENT]);

    const result = await runPlain('status');

    expect(result).toMatchObject({ outcome: 'unchanged', drift: false, versionId: 'adopted' });
    expect(result.lastRotatedAt).toMatch(/^2026-01-01T/);
  });

  it('rotates into a bare value, never JSON', async () => {
    store.seed(SECRET_ID, 'adopted', prolific.active(WORKSPACE)?.value, [AWSCURRENT]);

    const result = await runPlain('rotate');

    expect(result.outcome).toBe('rotated');
    expect(store.valueAt(SECRET_ID, AWSCURRENT)).toBe(prolific.active(WORKSPACE)?.value);
  });

  it('refuses to turn an adopted bare value into JSON when the workspace is not configured plain', async () => {
    store.seed(SECRET_ID, 'adopted', 'an old bare value', [AWSCURRENT]);

    const result = await run('sync');

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'reconcile' });
    expect(result.error).toMatch(/^SecretFormatError: .*format "plain"/);
    expect(store.valueAt(SECRET_ID, AWSCURRENT)).toBe('an old bare value');
  });
});

describe('processTarget: delivery health and drift from outside', () => {
  it('reports what Prolific knows of deliveries since the current secret, for status and sync but not rotate', async () => {
    storeInSync('2026-11-01T10:00:00.000Z');
    const failing = { subscriptions: 2, disabled: 1, failedSinceRotation: 7, lastFailureAt: '2026-11-30T09:00:00.000Z' };
    prolific.health.set(WORKSPACE, failing);
    const since: (string | undefined)[] = [];
    const read = prolific.getDeliveryHealth.bind(prolific);
    prolific.getDeliveryHealth = async (workspaceId, at) => {
      since.push(at);
      return read(workspaceId, at);
    };

    const status = await run('status');
    const sync = await run('sync');
    const rotate = await run('rotate');

    expect(status.deliveries).toEqual(failing);
    expect(sync.deliveries).toEqual(failing);
    expect(rotate.deliveries).toBeUndefined();
    expect(since).toEqual(['2026-11-01T10:00:00.000Z', '2026-11-01T10:00:00.000Z']);
  });

  it('reports a delivery health it could not read beside the outcome, never instead of it', async () => {
    store.seed(SECRET_ID, 'placeholder-version', PLACEHOLDER, [AWSCURRENT]);
    prolific.before.getDeliveryHealth = () => {
      throw new ProlificServerError('Prolific answered HTTP 503', 503);
    };

    const result = await run('sync');

    expect(result).toMatchObject({ outcome: 'healed', deliveriesError: 'ProlificServerError: Prolific answered HTTP 503' });
    expect(result.deliveries).toBeUndefined();
  });

  it('marks a heal over another real secret as drift healed, and the first sync of a new secret not', async () => {
    store.seed(SECRET_ID, 'placeholder-version', PLACEHOLDER, [AWSCURRENT]);
    const firstSync = await run('sync');
    prolific.replace(WORKSPACE); // someone rotated in the Prolific app

    const afterOutsideRotation = await run('sync');

    expect(firstSync.driftHealed).toBeUndefined();
    expect(afterOutsideRotation).toMatchObject({ outcome: 'healed', driftHealed: true });
  });
});

