// Secrets Manager's four native rotation steps driven directly, over in-memory fakes of the two interfaces.
import { beforeEach, describe, expect, it } from 'vitest';
import { MIN_TIME_TO_ROTATE_MS } from '../../../../lambda/contract/time-budgets.js';
import { processNativeStep } from '../../../../lambda/rotation-function/rotation/native-steps.js';
import { serialise, versionIdFor } from '../../../../lambda/rotation-function/rotation/stored-form.js';
import type { NativeStep } from '../../../../lambda/contract/report.js';
import type { RotationDependencies, RotationTarget } from '../../../../lambda/rotation-function/rotation/types.js';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS } from '../../../../lambda/contract/staging-labels.js';
import { awsError, createInMemorySecretStore, type InMemorySecretStore } from '../../../standins/in-memory-secret-store.js';
import { createScriptedProlific, type ScriptedProlific } from '../../../standins/scripted-prolific.js';

const WORKSPACE = 'ws-1';
const SECRET_ID = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prolific/ws-1-AbCdEf';
const TARGET: RotationTarget = { workspaceId: WORKSPACE, secretId: SECRET_ID, format: 'json' };
const TOKEN = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const NOW = new Date('2026-12-01T10:00:00.000Z');

let prolific: ScriptedProlific;
let store: InMemorySecretStore;
let deps: RotationDependencies;
let currentVersionId: string;

beforeEach(() => {
  prolific = createScriptedProlific([WORKSPACE]);
  store = createInMemorySecretStore();
  deps = { prolific, store, logger: { warn: () => undefined }, now: () => NOW };
  const active = prolific.active(WORKSPACE);
  if (!active) throw new Error('no active secret');
  currentVersionId = versionIdFor(WORKSPACE, active.id);
  store.seed(SECRET_ID, currentVersionId, serialise('json', active, new Date('2026-11-01T00:00:00Z')), [AWSCURRENT]);
  startRotation();
});

/** What RotateSecret does before it invokes the function: rotation on, the token labelled AWSPENDING, no value yet. */
function startRotation(): void {
  store.setRotationEnabled(SECRET_ID, true);
  store.seed(SECRET_ID, TOKEN, undefined, [AWSPENDING]);
}

const step = (name: NativeStep) => processNativeStep(TARGET, name, TOKEN, deps);
const posts = () => prolific.calls.filter((call) => call.startsWith('createSecret')).length;

describe('processNativeStep: createSecret', () => {
  it('replaces the secret at Prolific and stores it at once as AWSPENDING under the token', async () => {
    const result = await step('createSecret');

    const created = prolific.active(WORKSPACE);
    // Not rotated yet: AWSCURRENT moves in finishSecret.
    expect(result).toMatchObject({
      outcome: 'unchanged',
      versionId: TOKEN,
      prolificSecretId: created?.id,
      lastRotatedAt: NOW.toISOString(),
    });
    expect(store.versionIdAt(SECRET_ID, AWSPENDING)).toBe(TOKEN);
    expect(store.secretAt(SECRET_ID, AWSPENDING)?.value).toBe(created?.value);
    expect(store.versionIdAt(SECRET_ID, AWSCURRENT)).toBe(currentVersionId);
  });

  it('does nothing when the token already holds a pending secret (a retried step)', async () => {
    await step('createSecret');

    const result = await step('createSecret');

    expect(result.outcome).toBe('unchanged');
    expect(posts()).toBe(1);
  });

  it('does nothing when the token is already AWSCURRENT', async () => {
    store.seed(SECRET_ID, TOKEN, serialise('json', prolific.replace(WORKSPACE), NOW), [AWSCURRENT]);

    const result = await step('createSecret');

    expect(result).toMatchObject({ outcome: 'unchanged', versionId: TOKEN });
    expect(posts()).toBe(0);
  });

  it('does not send the POST when the time left cannot cover storing its answer, as a regular run', async () => {
    const result = await processNativeStep(TARGET, 'createSecret', TOKEN, { ...deps, msLeft: () => MIN_TIME_TO_ROTATE_MS - 1 });

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'createSecret' });
    expect(result.error).toMatch(/^DeadlineError: Only 26 s of the invocation were left, less than the 27 s needed to send the POST/);
    expect(posts()).toBe(0);
    expect(store.calls.filter((call) => call.startsWith('putPending'))).toEqual([]);
  });

  it('reports a failed POST as a createSecret failure', async () => {
    prolific.before.createSecret = () => {
      throw new Error('Prolific is down');
    };

    const result = await step('createSecret');

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'createSecret', versionId: null });
    expect(result.error).toContain('Error: Prolific is down');
  });
});

describe('processNativeStep: setSecret and testSecret', () => {
  it('has nothing to do in setSecret: Prolific already signs with the pending secret', async () => {
    await step('createSecret');

    expect(await step('setSecret')).toMatchObject({ outcome: 'unchanged', prolificSecretId: prolific.active(WORKSPACE)?.id });
  });

  it('passes testSecret while Prolific signs with the pending secret', async () => {
    await step('createSecret');

    expect((await step('testSecret')).outcome).toBe('unchanged');
  });

  it('fails testSecret, naming it, once Prolific signs with another secret', async () => {
    await step('createSecret');
    prolific.replace(WORKSPACE);

    const result = await step('testSecret');

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'testSecret' });
    expect(result.error).toMatch(/^RotationConflictError: The pending version .* no longer holds Prolific's active secret/);
  });

  it('fails testSecret when nothing was stored under the token yet', async () => {
    const result = await step('testSecret');

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'testSecret' });
  });
});

describe('processNativeStep: finishSecret', () => {
  it('makes the pending version AWSCURRENT, the old one AWSPREVIOUS', async () => {
    await step('createSecret');

    const result = await step('finishSecret');

    // Rotated now, with evidence: AWSCURRENT holds the secret Prolific confirmed after the move.
    expect(result.outcome).toBe('rotated');
    expect(store.versionIdAt(SECRET_ID, AWSCURRENT)).toBe(TOKEN);
    expect(store.versionIdAt(SECRET_ID, AWSPREVIOUS)).toBe(currentVersionId);
    expect(store.versionIdAt(SECRET_ID, AWSPENDING)).toBeUndefined();
  });

  it('fails when a concurrent rotation replaced Prolific\'s secret while the version was made current', async () => {
    await step('createSecret');
    prolific.before.getActiveSecret = (workspaceId, call) => {
      if (call === 3) prolific.replace(workspaceId); // the check after promotion (call 1 was createSecret's)
    };

    const result = await step('finishSecret');

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'finishSecret' });
    expect(result.error).toMatch(/changed while version .* was made current.*run \{"action": "sync"\} now/);
  });

  it('reports a store failure as a finishSecret failure', async () => {
    await step('createSecret');
    store.before.promote = () => {
      throw awsError('AccessDeniedException');
    };

    const result = await step('finishSecret');

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'finishSecret' });
    expect(result.error).toContain('AccessDeniedException');
  });
});

describe('processNativeStep: the guards of AWS\'s rotation functions', () => {
  it('refuses a secret without rotation enabled, before calling Prolific', async () => {
    store.setRotationEnabled(SECRET_ID, false);

    const result = await step('createSecret');

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'createSecret' });
    expect(result.error).toMatch(/^ConfigurationError: Secret .* does not have Secrets Manager rotation enabled/);
    expect(prolific.calls).toEqual([]);
  });

  it('refuses a token that is not a version of the secret, before calling Prolific', async () => {
    const result = await processNativeStep(TARGET, 'createSecret', '11111111-2222-4333-8444-555555555555', deps);

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'createSecret' });
    expect(result.error).toMatch(/^ConfigurationError: Version 11111111-.* is not labelled AWSPENDING/);
    expect(prolific.calls).toEqual([]);
    expect(store.calls.filter((call) => call.startsWith('putPending'))).toEqual([]);
  });

  it('refuses a token whose version carries neither AWSPENDING nor AWSCURRENT', async () => {
    const result = await processNativeStep(TARGET, 'finishSecret', currentVersionId, deps);
    expect(result.outcome).toBe('unchanged');

    store.seed(SECRET_ID, 'previous-version', '{}', [AWSPREVIOUS]);
    const previous = await processNativeStep(TARGET, 'createSecret', 'previous-version', deps);

    expect(previous).toMatchObject({ outcome: 'failed', failedStep: 'createSecret' });
    expect(posts()).toBe(0);
  });

  it('proves write access before the POST, and leaves Prolific alone when the write check fails', async () => {
    store.before.checkWriteAccess = () => {
      throw awsError('KMSAccessDeniedException');
    };

    const result = await step('createSecret');

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'createSecret' });
    expect(result.error).toContain('KMSAccessDeniedException');
    expect(posts()).toBe(0);
  });
});
