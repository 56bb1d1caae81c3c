// The real handler over loopback: real fetch against the Prolific stand-in, the real SDK client against the
// Secrets Manager stand-in. Each test starts its own stand-ins and closes them.
import { describe, expect, it } from 'vitest';
import { API_TOKEN_PLACEHOLDER } from '../../../lambda/contract/secret-formats.js';
import { describeResult } from '../../../lambda/rotation-function/result-reporting.js';
import { defined } from '../../support/defined.js';
import { harnessPerTest, postCalls, TEST_WORKSPACES, writeCalls, type Harness, type HarnessOptions } from '../../support/harness.js';

const [WORKSPACE, OTHER_WORKSPACE] = TEST_WORKSPACES;
/** Three workspaces, for the dry runs. */
const THREE_WORKSPACES = ['aaaaaaaaaaaaaaaaaaaaaaa1', 'aaaaaaaaaaaaaaaaaaaaaaa2', 'aaaaaaaaaaaaaaaaaaaaaaa3'] as const;
const [FIRST] = THREE_WORKSPACES;

const setUp = harnessPerTest();

describe('rotate', () => {
  it('leaves AWSCURRENT holding Prolific\'s active secret and the one before as AWSPREVIOUS', async () => {
    const h = await setUp();
    await h.invoke({ action: 'sync' });
    const before = h.currentSecret(WORKSPACE);

    const { report, error } = await h.invoke({ action: 'rotate' });

    expect(error).toBeUndefined();
    expect(report?.results.map((result) => result.outcome)).toEqual(['rotated', 'rotated']);
    for (const workspaceId of TEST_WORKSPACES) expect(h.inSync(workspaceId)).toBe(true);
    const previous = JSON.parse(h.secretsManager.valueAt(h.secretIdFor(WORKSPACE), 'AWSPREVIOUS') ?? '{}') as { id?: string };
    expect(previous.id).toBe(before?.id);
    expect(h.currentSecret(WORKSPACE)?.id).not.toBe(before?.id);
    expect(report?.results[0]).toMatchObject({
      workspaceId: WORKSPACE,
      secretId: h.secretIdFor(WORKSPACE),
      prolificSecretId: h.prolific.activeSecret(WORKSPACE)?.id,
    });
    const versions = h.secretsManager.versions(h.secretIdFor(WORKSPACE));
    expect(versions.find((version) => version.stages.includes('AWSCURRENT'))?.versionId).toBe(report?.results[0]?.versionId);
    expect(versions.some((version) => version.stages.includes('AWSPENDING'))).toBe(false);
    h.assertNoSecretLeaked(report);
  });

  it('treats an empty event (a console "Test") as a status report, never a rotation', async () => {
    const h = await setUp();
    await h.invoke({ action: 'sync' });
    const writesBefore = h.secretsManager.calls.filter((call) => call.operation === 'PutSecretValue').length;

    const { report } = await h.invoke({});

    expect(report?.action).toBe('status');
    expect(postCalls(h)).toHaveLength(0);
    expect(h.secretsManager.calls.filter((call) => call.operation === 'PutSecretValue')).toHaveLength(writesBefore);
  });

  it.each([null, [], 'rotate'])('rejects %j, which is not an event object, before reading anything', async (event) => {
    const h = await setUp();

    const { error } = await h.invoke(event);

    expect(error?.name).toBe('InvalidEventError');
    expect(postCalls(h)).toHaveLength(0);
    expect(h.secretsManager.calls).toHaveLength(0);
  });

  it('rotates only the chosen workspace', async () => {
    const h = await setUp();

    const { report } = await h.invoke({ action: 'rotate', workspaceId: OTHER_WORKSPACE });

    expect(report?.results).toHaveLength(1);
    expect(postCalls(h).map((call) => call.workspaceId)).toEqual([OTHER_WORKSPACE]);
  });
});

describe('delivery health', () => {
  it('reports disabled subscriptions and deliveries failed since the rotation in status, and as metrics', async () => {
    const h = await setUp({ workspaces: [WORKSPACE] });
    await h.invoke({ action: 'sync' });
    const unreachable = 'http://127.0.0.1:9/prolific'; // the discard port: nothing listens there
    const failing = h.prolific.subscribe(WORKSPACE, unreachable);
    const disabled = h.prolific.subscribe(WORKSPACE, unreachable);
    h.prolific.setSubscriptionEnabled(disabled.id, false);
    await h.invoke({ action: 'rotate' });
    await h.prolific.deliver(WORKSPACE, { resource_id: 'r1' });
    await h.prolific.deliver(WORKSPACE, { resource_id: 'r2' });

    const { report } = await h.invoke({ action: 'status' });

    expect(h.prolific.deliveryEvents(failing.id).map((event) => event.status)).toEqual(['FAILED', 'FAILED']);
    expect(report?.results[0]?.deliveries).toEqual({
      subscriptions: 1,
      disabled: 1,
      failedSinceRotation: 2,
      lastFailureAt: h.prolific.deliveryEvents(failing.id)[1]?.datetime_created,
    });
    const metric = (name: string) => h.logLines().filter((line) => line[name] !== undefined).map((line) => [line.workspace_id, line[name]]);
    expect(metric('SubscriptionsDisabled')).toEqual(expect.arrayContaining([[WORKSPACE, 1], [undefined, 1]]));
    expect(metric('DeliveriesFailedSinceRotation')).toEqual(expect.arrayContaining([[WORKSPACE, 2], [undefined, 2]]));
  });

  it('does not count deliveries that failed before the current secret was rotated in', async () => {
    const h = await setUp({ workspaces: [WORKSPACE] });
    await h.invoke({ action: 'sync' });
    h.prolific.subscribe(WORKSPACE, 'http://127.0.0.1:9/prolific');
    await h.prolific.deliver(WORKSPACE, { resource_id: 'before' }, { at: new Date(Date.now() - 60_000) });
    await h.invoke({ action: 'rotate' });

    const { report } = await h.invoke({ action: 'sync' });

    expect(report?.results[0]?.deliveries).toMatchObject({ subscriptions: 1, disabled: 0, failedSinceRotation: 0, lastFailureAt: null });
  });
});

describe('sync', () => {
  it('heals a secret changed behind its back without calling the POST', async () => {
    const h = await setUp();
    await h.invoke({ action: 'rotate' });
    h.prolific.replaceSecret(WORKSPACE);
    const postsBefore = postCalls(h).length;

    const { report } = await h.invoke({ action: 'sync' });

    expect(report?.results.map((result) => result.outcome)).toEqual(['healed', 'unchanged']);
    expect(postCalls(h)).toHaveLength(postsBefore);
    expect(h.inSync(WORKSPACE)).toBe(true);
    h.assertNoSecretLeaked(report);
  });

  it('replaces a placeholder (a freshly created target secret) with Prolific\'s active secret', async () => {
    const h = await setUp();

    const { report } = await h.invoke({ action: 'sync', workspaceId: WORKSPACE });

    expect(report?.results[0]?.outcome).toBe('healed');
    expect(h.currentSecret(WORKSPACE)).toMatchObject({ id: h.prolific.activeSecret(WORKSPACE)?.id, workspace_id: WORKSPACE });
  });

  it('reports unchanged and writes nothing when already in sync', async () => {
    const h = await setUp();
    await h.invoke({ action: 'sync' });
    const writesBefore = writeCalls(h).length;

    const { report } = await h.invoke({ action: 'sync' });

    expect(report?.results.map((result) => result.outcome)).toEqual(['unchanged', 'unchanged']);
    expect(writeCalls(h)).toHaveLength(writesBefore);
  });
});

describe('status and dryRun', () => {
  it.each([
    [{ action: 'status' }, 'would-heal'],
    [{ action: 'sync', dryRun: true }, 'would-heal'],
    [{ action: 'rotate', dryRun: true }, 'would-rotate'],
  ])('%j writes nothing and calls no POST', async (event, expected) => {
    const h = await setUp();
    const writesBefore = writeCalls(h).length;

    const { report, error } = await h.invoke(event);

    expect(error).toBeUndefined();
    expect(report?.results.map((result) => result.outcome)).toEqual([expected, expected]);
    expect(report?.results[0]).toMatchObject({ drift: true, prolificSecretId: h.prolific.activeSecret(WORKSPACE)?.id });
    expect(postCalls(h)).toHaveLength(0);
    expect(writeCalls(h)).toHaveLength(writesBefore);
  });

  it('reports no drift and when the secret was last rotated', async () => {
    const h = await setUp();
    await h.invoke({ action: 'rotate', workspaceId: WORKSPACE });

    const { report } = await h.invoke({ action: 'status', workspaceId: WORKSPACE });

    expect(report?.results[0]).toMatchObject({ outcome: 'unchanged', drift: false, lastRotatedAt: h.currentSecret(WORKSPACE)?.rotated_at });
  });

  it('a dry-run rotate of a drifted secret says it would heal, then rotate, and writes nothing', async () => {
    const h = await setUp({ workspaces: THREE_WORKSPACES });
    await h.invoke({ action: 'sync' });
    h.prolific.replaceSecret(FIRST);
    const writes = h.secretsManager.calls.length;

    const { report } = await h.invoke({ action: 'rotate', dryRun: true });

    expect(report?.results.map((result) => [result.outcome, result.drift, result.plan])).toEqual([
      ['would-rotate', true, ['heal', 'rotate']],
      ['would-rotate', false, ['rotate']],
      ['would-rotate', false, ['rotate']],
    ]);
    const isWrite = (operation: string) => ['PutSecretValue', 'UpdateSecretVersionStage'].includes(operation);
    expect(h.secretsManager.calls.slice(writes).every((call) => !isWrite(call.operation))).toBe(true);
    expect(h.prolific.calls.filter((call) => call.method === 'POST')).toHaveLength(0);
    expect(describeResult(defined(report?.results[0]))).toMatch(new RegExp(`^${FIRST}: would-rotate \\(would heal, then rotate;`));
  });

  it('a dry-run sync of a secret in step plans nothing; status reports no plan at all', async () => {
    const h = await setUp({ workspaces: THREE_WORKSPACES });
    await h.invoke({ action: 'sync' });

    const { report: dry } = await h.invoke({ action: 'sync', dryRun: true, workspaceId: FIRST });
    const { report: status } = await h.invoke({ action: 'status', workspaceId: FIRST });

    expect(dry?.results[0]).toMatchObject({ outcome: 'unchanged', plan: [] });
    expect(status?.results[0]?.plan).toBeUndefined();
  });
});

describe('pre-flight', () => {
  it.each<[string, HarnessOptions, RegExp]>([
    ['a missing token secret', { tokenSecretValue: null }, /ApiTokenError: Could not read the Prolific API token from secret .*ResourceNotFoundException/],
    ['an empty token secret', { tokenSecretValue: '   ' }, /holds no Prolific API token yet.*put-secret-value/],
    ['the construct\'s placeholder', { tokenSecretValue: API_TOKEN_PLACEHOLDER }, /holds no Prolific API token yet/],
  ])('stops before Prolific with %s', async (_name, options, message) => {
    const h = await setUp(options);

    const { report, error } = await h.invoke({ action: 'rotate' });

    expect(report).toBeUndefined();
    expect(error?.name).toBe('RotationFailedError');
    expect(error?.message).toMatch(message);
    expect(error?.message).toContain('Prolific was not called');
    expect(h.prolific.calls).toHaveLength(0);
    h.assertNoSecretLeaked(error);
  });

  it('stops before the POST when Prolific rejects the token', async () => {
    const h = await setUp({ tokenSecretValue: 'not-the-right-token' });

    const { error } = await h.invoke({ action: 'rotate' });

    expect(error?.message).toMatch(/ProlificAuthenticationError: Prolific answered HTTP 401 to GET .*put a current Prolific API token/);
    expect(postCalls(h)).toHaveLength(0);
    expect(error?.message).not.toContain('not-the-right-token');
  });

  it('stops before Prolific when the target secret does not exist', async () => {
    const h = await setUp({ createTargetSecrets: false });

    const { error } = await h.invoke({ action: 'rotate', workspaceId: WORKSPACE });

    expect(error?.message).toMatch(/SecretStoreError: Secrets Manager DescribeSecret on .* failed: ResourceNotFoundException/);
    expect(error?.message).toContain('Create the secret');
    expect(h.prolific.calls).toHaveLength(0);
  });

  it('keeps targets independent: one failing does not stop the other, and the invocation still fails', async () => {
    const h = await setUp();
    h.prolific.injectFault({ workspaceId: WORKSPACE, fault: { kind: 'status', status: 404 }, times: Infinity });

    const { error } = await h.invoke({ action: 'rotate' });

    expect(error?.name).toBe('RotationFailedError');
    expect(error?.message).toMatch(new RegExp(`^1 of 2 workspace\\(s\\) failed \\(rotate\\)`));
    expect(error?.message).toMatch(new RegExp(`\\n${WORKSPACE}: failed at step reconcile: ProlificNotFoundError`));
    expect(error?.message).toMatch(new RegExp(`\\n${OTHER_WORKSPACE}: rotated \\(Prolific secret `));
    expect(h.inSync(OTHER_WORKSPACE)).toBe(true);
    const failedLine = h.logLines().find((line) => line.message === 'Target failed');
    expect(failedLine).toMatchObject({ level: 'ERROR', workspace_id: WORKSPACE, outcome: 'failed', rotation_step: 'reconcile' });
  });

  it('does not send the POST when the time left cannot cover storing its answer', async () => {
    const h = await setUp();
    await h.invoke({ action: 'sync' });

    const { error } = await h.invoke({ action: 'rotate' }, { getRemainingTimeInMillis: () => 20_000 });

    expect(error?.message).toMatch(/DeadlineError: Only 20 s of the invocation were left, less than the 27 s needed to send the POST/);
    expect(postCalls(h)).toHaveLength(0);
    expect(TEST_WORKSPACES.every((workspaceId) => h.inSync(workspaceId))).toBe(true);
  });

  it('with a 60 s function timeout, status, sync and rotate succeed for two workspaces', async () => {
    const h = await setUp();
    const startedAt = Date.now();
    const sixtySecondTimeout = { getRemainingTimeInMillis: () => 60_000 - (Date.now() - startedAt) };

    const outcomes = [];
    for (const action of ['status', 'sync', 'rotate']) {
      const { report, error } = await h.invoke({ action }, sixtySecondTimeout);
      expect(error).toBeUndefined();
      outcomes.push(report?.results.map((result) => result.outcome));
    }

    expect(outcomes).toEqual([['would-heal', 'would-heal'], ['healed', 'healed'], ['rotated', 'rotated']]);
  });
});

describe('Prolific failures', () => {
  it.each<[string, Parameters<Harness['prolific']['injectFault']>[0], RegExp]>([
    ['401', { fault: { kind: 'status', status: 401, title: 'Unauthorized', detail: 'Invalid token.' } }, /ProlificAuthenticationError: Prolific answered HTTP 401 to GET .*: Unauthorized: Invalid token\./],
    ['404', { fault: { kind: 'status', status: 404, shape: 'detail', detail: 'Not found.' } }, /ProlificNotFoundError: .*HTTP 404.*: Not found\..*no access/],
    ['422 on the POST', { method: 'POST', fault: { kind: 'status', status: 422, detail: { workspace_id: ['Invalid.'] } } }, /ProlificRequestError: .*HTTP 422 to POST .*workspace_id: Invalid\./],
    ['a malformed GET body', { method: 'GET', fault: { kind: 'body', body: '{"results": [' } }, /ProlificMalformedResponseError: .*the body is not JSON/],
    ['a GET secret with a null value', { method: 'GET', fault: { kind: 'override', fields: { value: null } } }, /ProlificMalformedResponseError: .*no non-empty string "value"/],
    ['a GET secret for another workspace', { method: 'GET', fault: { kind: 'override', fields: { workspace_id: 'ffffffffffffffffffffffff' } } }, /ProlificMalformedResponseError: .*belongs to workspace ffffffffffffffffffffffff/],
    ['a 2xx HTML page', { method: 'GET', fault: { kind: 'body', body: '<html>maintenance</html>', contentType: 'text/html' } }, /ProlificMalformedResponseError/],
    ['500 on every attempt', { fault: { kind: 'status', status: 500 }, times: Infinity }, /ProlificServerError: .*HTTP 500.*after 5 attempts/],
    ['a hang past the timeout', { fault: { kind: 'hang' }, times: Infinity }, /ProlificUnavailableError: No answer from Prolific .*no answer within 300 ms/],
  ])('%s fails the target before any secret is replaced, with a clear message', async (_name, rule, message) => {
    const h = await setUp({ workspaces: [WORKSPACE] });
    await h.invoke({ action: 'sync' });
    const storedBefore = h.currentSecret(WORKSPACE);
    h.prolific.injectFault({ workspaceId: WORKSPACE, ...rule });

    const { error } = await h.invoke({ action: 'rotate' });

    expect(error?.message).toMatch(message);
    expect(h.currentSecret(WORKSPACE)).toEqual(storedBefore);
    h.assertNoSecretLeaked(error);
  });

  it.each<[string, Parameters<Harness['prolific']['injectFault']>[0]]>([
    ['429 with Retry-After', { fault: { kind: 'status', status: 429, retryAfter: 1 } }],
    ['500 on the GET', { method: 'GET', fault: { kind: 'status', status: 500 } }],
    ['503 on the POST, before it acted', { method: 'POST', fault: { kind: 'status', status: 503 } }],
    ['a connection reset on the GET', { method: 'GET', fault: { kind: 'reset' } }],
  ])('recovers from %s then success, and rotates', async (_name, rule) => {
    const h = await setUp({ workspaces: [WORKSPACE] });
    h.prolific.injectFault({ workspaceId: WORKSPACE, ...rule });

    const { report, error } = await h.invoke({ action: 'rotate' });

    expect(error).toBeUndefined();
    expect(report?.results[0]?.outcome).toBe('rotated');
    expect(h.inSync(WORKSPACE)).toBe(true);
    expect(h.logLines().some((line) => line.message === 'Retrying Prolific call')).toBe(true);
  });

  it.each<[string, Parameters<Harness['prolific']['injectFault']>[0]['fault']]>([
    ['a 500', { kind: 'status', status: 500 }],
    ['a connection reset', { kind: 'reset' }],
    ['a body cut short', { kind: 'partial' }],
    ['a 201 without a value', { kind: 'override', fields: { value: null } }],
  ])('stores the new secret, without a second POST, when the POST acted but answered with %s', async (_name, fault) => {
    const h = await setUp({ workspaces: [WORKSPACE] });
    h.prolific.injectFault({ method: 'POST', workspaceId: WORKSPACE, afterEffect: true, fault });

    const { report } = await h.invoke({ action: 'rotate' });

    expect(postCalls(h)).toHaveLength(1);
    expect(report?.results[0]?.outcome).toBe('rotated');
    expect(h.inSync(WORKSPACE)).toBe(true);
  });
});

describe('Secrets Manager failures', () => {
  it('fails loudly when the write right after the POST fails, and the next run heals', async () => {
    const h = await setUp({ workspaces: [WORKSPACE] });
    await h.invoke({ action: 'sync' });
    // The write check before the POST passes; the write of the new secret right after it fails.
    h.secretsManager.injectFault({ operation: 'PutSecretValue', error: 'AccessDeniedException', afterCalls: 1, times: Infinity });

    const failed = await h.invoke({ action: 'rotate' });

    expect(failed.error?.message).toMatch(/SecretStoreError: Secrets Manager PutSecretValue .* AccessDeniedException.*secretsmanager:PutSecretValue/);
    expect(failed.error?.message).toContain('run {"action": "sync"} now');
    expect(h.inSync(WORKSPACE)).toBe(false);

    h.secretsManager.clearFaults();
    const next = await h.invoke({ action: 'sync' });

    expect(next.report?.results[0]?.outcome).toBe('healed');
    expect(h.inSync(WORKSPACE)).toBe(true);
    h.assertNoSecretLeaked(failed.error, next.report);
  });

  it('proves write access before the POST, so a denied write leaves Prolific\'s secret in place', async () => {
    const h = await setUp({ workspaces: [WORKSPACE] });
    await h.invoke({ action: 'sync' });
    h.secretsManager.injectFault({ operation: 'PutSecretValue', error: 'KMSAccessDeniedException', times: Infinity });

    const failed = await h.invoke({ action: 'rotate' });

    expect(failed.error?.message).toMatch(/KMSAccessDeniedException.*kms:GenerateDataKey.*Prolific was not asked to replace the secret/);
    expect(postCalls(h)).toHaveLength(0);
    expect(h.inSync(WORKSPACE)).toBe(true);
  });

  it('rides out throttling with the SDK\'s retries', async () => {
    const h = await setUp({ workspaces: [WORKSPACE] });
    h.secretsManager.injectFault({ operation: 'PutSecretValue', error: 'ThrottlingException' });

    const { report } = await h.invoke({ action: 'rotate' });

    expect(report?.results[0]?.outcome).toBe('rotated');
    expect(h.inSync(WORKSPACE)).toBe(true);
  });
});

describe('resume', () => {
  it('promotes an AWSPENDING left by a cut-off run instead of rotating again', async () => {
    const h = await setUp({ workspaces: [WORKSPACE] });
    await h.invoke({ action: 'sync' });
    // A run cut off after its write: the promotion never happened.
    h.secretsManager.injectFault({ operation: 'UpdateSecretVersionStage', error: 'InternalServiceError', times: 2 });
    await h.invoke({ action: 'rotate' });
    expect(h.secretsManager.versions(h.secretIdFor(WORKSPACE)).some((version) => version.stages.includes('AWSPENDING'))).toBe(true);
    const postsBefore = postCalls(h).length;

    const { report } = await h.invoke({ action: 'rotate' });

    expect(report?.results[0]?.outcome).toBe('resumed');
    expect(postCalls(h)).toHaveLength(postsBefore);
    expect(h.inSync(WORKSPACE)).toBe(true);
    expect(h.secretsManager.versions(h.secretIdFor(WORKSPACE)).some((version) => version.stages.includes('AWSPENDING'))).toBe(false);
  });

  it('drops a stale AWSPENDING that Prolific no longer signs with, then carries on', async () => {
    const h = await setUp({ workspaces: [WORKSPACE] });
    await h.invoke({ action: 'sync' });
    h.secretsManager.injectFault({ operation: 'UpdateSecretVersionStage', error: 'InternalServiceError', times: 2 });
    await h.invoke({ action: 'rotate' });
    h.prolific.replaceSecret(WORKSPACE);

    const { report } = await h.invoke({ action: 'sync' });

    expect(report?.results[0]?.outcome).toBe('healed');
    expect(h.inSync(WORKSPACE)).toBe(true);
    expect(h.secretsManager.versions(h.secretIdFor(WORKSPACE)).some((version) => version.stages.includes('AWSPENDING'))).toBe(false);
  });
});

describe('bad events and configuration', () => {
  it.each<[unknown, RegExp]>([
    [{ action: 'delete' }, /Field "action" must be one of rotate, sync, status; got "delete"/],
    [{ action: 'rotate', workspaceId: 42 }, /Field "workspaceId" must be a Prolific workspace id.*got 42/],
    [{ action: 'sync', workspaceId: 'ffffffffffffffffffffffff' }, /Field "workspaceId" names ffffffffffffffffffffffff, which is not configured; configured: /],
    [{ action: 'rotate', dryRun: 'yes' }, /Field "dryRun" must be true or false; got "yes"/],
    [{ key1: 'value1' }, /Field "key1" is not allowed; allowed fields: action, workspaceId, workspaceIds, dryRun/],
    [JSON.parse('{"__proto__": {"polluted": true}}'), /Field "__proto__" is not allowed/],
    [[{ action: 'rotate' }], /The event must be a JSON object/],
    ['rotate', /The event must be a JSON object/],
  ])('rejects %j with a message naming the field, touching nothing', async (event, message) => {
    const h = await setUp();

    const { error } = await h.invoke(event);

    expect(error?.name).toBe('InvalidEventError');
    expect(error?.message).toMatch(message);
    expect(h.prolific.calls).toHaveLength(0);
    expect(h.secretsManager.calls).toHaveLength(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each<[Record<string, string | undefined>, RegExp]>([
    [{ ROTATION_TARGETS: undefined }, /Environment variable ROTATION_TARGETS is required/],
    [{ ROTATION_TARGETS: '[{"workspaceId": "a b"}]' }, /ROTATION_TARGETS\[0\]\.workspaceId must be a Prolific workspace id/],
    [{ PROLIFIC_TOKEN_SECRET_ID: '' }, /Environment variable PROLIFIC_TOKEN_SECRET_ID is required/],
    [{ PROLIFIC_API_BASE_URL: 'http://api.prolific.com' }, /PROLIFIC_API_BASE_URL must use https:/],
  ])('rejects configuration %j naming the variable, and rotates nothing', async (env, message) => {
    const h = await setUp({ env });

    const { error } = await h.invoke({ action: 'rotate' });

    expect(error?.name).toBe('ConfigurationError');
    expect(error?.message).toMatch(message);
    expect(h.prolific.calls).toHaveLength(0);
    expect(h.secretsManager.calls).toHaveLength(0);
    expect(h.logLines().find((line) => line.message === 'Invocation rejected; nothing was read or written')).toBeDefined();
  });
});

describe('Secrets Manager rotation ("Rotate secret immediately")', () => {
  const TOKEN = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
  const step = (h: Harness, Step: string) => h.invoke({ Step, SecretId: h.secretIdFor(WORKSPACE), ClientRequestToken: TOKEN });
  const stagesOfToken = (h: Harness) =>
    h.secretsManager.versions(h.secretIdFor(WORKSPACE)).find((version) => version.versionId === TOKEN)?.stages;

  it('runs the four steps: the new secret waits as AWSPENDING under the token, then becomes AWSCURRENT', async () => {
    const h = await setUp({ workspaces: [WORKSPACE] });
    await h.invoke({ action: 'sync' });
    h.secretsManager.startRotation(h.secretIdFor(WORKSPACE), TOKEN);

    const created = await step(h, 'createSecret');
    expect(created.report?.results[0]).toMatchObject({
      outcome: 'unchanged',
      versionId: TOKEN,
      prolificSecretId: h.prolific.activeSecret(WORKSPACE)?.id,
    });
    expect(stagesOfToken(h)).toEqual(['AWSPENDING']);
    expect((await step(h, 'createSecret')).report?.results[0]?.outcome).toBe('unchanged');
    expect((await step(h, 'setSecret')).error).toBeUndefined();
    expect((await step(h, 'testSecret')).error).toBeUndefined();
    const finished = await step(h, 'finishSecret');

    expect(finished.error).toBeUndefined();
    expect(finished.report?.results[0]?.outcome).toBe('rotated');
    // The rotation event goes out once AWSCURRENT moved (finishSecret), not when the secret was only pending.
    expect(h.eventBridge.events.map((event) => (event.detail as { outcome: string }).outcome)).toEqual(['healed', 'rotated']);
    expect(postCalls(h)).toHaveLength(1);
    expect(stagesOfToken(h)).toEqual(['AWSCURRENT']);
    expect(h.inSync(WORKSPACE)).toBe(true);
    h.assertNoSecretLeaked(created.report, finished.report);
  });

  it('fails testSecret when Prolific no longer signs with the pending secret', async () => {
    const h = await setUp({ workspaces: [WORKSPACE] });
    h.secretsManager.startRotation(h.secretIdFor(WORKSPACE), TOKEN);
    await step(h, 'createSecret');
    h.prolific.replaceSecret(WORKSPACE);

    const { error } = await step(h, 'testSecret');

    expect(error?.message).toMatch(/RotationConflictError: The pending version .* no longer holds Prolific's active secret\..*run \{"action": "sync"\}/);
  });

  it('a createSecret that RotateSecret never started changes nothing', async () => {
    const h = await setUp({ workspaces: [WORKSPACE] });
    await h.invoke({ action: 'sync' });
    const versionsBefore = h.secretsManager.versions(h.secretIdFor(WORKSPACE)).length;

    const { error } = await step(h, 'createSecret');

    expect(error?.message).toMatch(/ConfigurationError: Secret .* does not have Secrets Manager rotation enabled/);
    expect(postCalls(h)).toHaveLength(0);
    expect(h.secretsManager.versions(h.secretIdFor(WORKSPACE))).toHaveLength(versionsBefore);
  });

  it('a token that is not the AWSPENDING version of that secret changes nothing, even with rotation on', async () => {
    const h = await setUp({ workspaces: [WORKSPACE] });
    await h.invoke({ action: 'sync' });
    h.secretsManager.startRotation(h.secretIdFor(WORKSPACE), '01234567-89ab-4def-8123-456789abcdef');

    const { error } = await step(h, 'createSecret');

    expect(error?.message).toMatch(/ConfigurationError: Version 9f8e7d6c-.* is not labelled AWSPENDING/);
    expect(postCalls(h)).toHaveLength(0);
  });
});
