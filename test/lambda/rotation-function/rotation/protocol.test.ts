// The rotation protocol driven directly over in-memory fakes, without HTTP or the handler. Resume, the POST
// and the settle rounds, driven the same way, are in resume.test.ts, replace-secret.test.ts, settle.test.ts.
import { beforeEach, describe, expect, it } from 'vitest';
import { TARGET_SECRET_PLACEHOLDER } from '../../../../lambda/contract/secret-formats.js';
import { ProlificServerError } from '../../../../lambda/rotation-function/errors.js';
import { processTarget } from '../../../../lambda/rotation-function/rotation/protocol.js';
import { serialise, versionIdFor } from '../../../../lambda/rotation-function/rotation/stored-form.js';
import type { Action } from '../../../../lambda/contract/report.js';
import type { RotationDependencies, RotationTarget } from '../../../../lambda/rotation-function/rotation/types.js';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS } from '../../../../lambda/contract/staging-labels.js';
import { awsError, type InMemorySecretStore } from '../../../standins/in-memory-secret-store.js';
import { HEALTHY, type ScriptedProlific } from '../../../standins/scripted-prolific.js';
import { createProtocolFixture, NOW, postsTo, SECRET_ID, TARGET, WORKSPACE, writesTo, type ProtocolFixture } from './protocol-fixture.js';

const PLACEHOLDER = TARGET_SECRET_PLACEHOLDER;

let prolific: ScriptedProlific;
let store: InMemorySecretStore;
let deps: RotationDependencies;
let storeInSync: ProtocolFixture['storeInSync'];
let leavePending: ProtocolFixture['leavePending'];

beforeEach(() => {
  ({ prolific, store, deps, storeInSync, leavePending } = createProtocolFixture());
});

const run = (action: Action, dryRun = false) => processTarget(TARGET, { action, dryRun }, deps);
const posts = () => postsTo(prolific);
const writes = () => writesTo(store);

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

  it('answers status with little time left', async () => {
    storeInSync();

    const result = await processTarget(TARGET, { action: 'status', dryRun: false }, { ...deps, msLeft: () => 9_000 });

    expect(result.outcome).toBe('unchanged');
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
    expect(result).toMatchObject({
      outcome: 'rotated',
      prolificSecretId: created?.id,
      versionId: versionIdFor(WORKSPACE, created?.id ?? ''),
    });
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

describe('processTarget: outcomes follow the evidence', () => {
  it('treats a stored rotated_at that is not a date as drift, healed by sync', async () => {
    const active = prolific.active(WORKSPACE);
    const notADate = JSON.stringify({ id: active?.id, value: active?.value, workspace_id: WORKSPACE, rotated_at: 'yesterday' });
    store.seed(SECRET_ID, 'v1', notADate, [AWSCURRENT]);

    const status = await run('status');
    const sync = await run('sync');

    expect(status).toMatchObject({ outcome: 'would-heal', drift: true, lastRotatedAt: null });
    expect(sync).toMatchObject({ outcome: 'healed', lastRotatedAt: NOW.toISOString() });
  });
});

describe('processTarget: no version labelled AWSCURRENT', () => {
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

describe('processTarget: plain format', () => {
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
