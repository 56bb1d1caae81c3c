// Issue 10 on the function's side: targets run with bounded concurrency and budgets of their own, the targets
// may live in SSM, a failed invocation's error carries the whole report, and dry runs list every step.
import { afterEach, describe, expect, it } from 'vitest';
import { TARGET_TIME_BUDGET_MS } from '../../../lambda/contract/time-budgets.js';
import { mapConcurrently } from '../../../lambda/rotation-function/map-concurrently.js';
import { targetClock } from '../../../lambda/rotation-function/invocation.js';
import { reportFromErrorMessage } from '../../../lambda/contract/report.js';
import { describeResult } from '../../../lambda/rotation-function/result-reporting.js';
import type { TargetResult } from '../../../lambda/contract/report.js';
import { startHarness, TARGETS_PARAMETER_PATH, type Harness, type HarnessOptions } from '../../support/harness.js';

const WORKSPACES = ['aaaaaaaaaaaaaaaaaaaaaaa1', 'aaaaaaaaaaaaaaaaaaaaaaa2', 'aaaaaaaaaaaaaaaaaaaaaaa3'] as const;
const [FIRST, SECOND, THIRD] = WORKSPACES;

let harness: Harness | undefined;
async function setUp(options: HarnessOptions = {}): Promise<Harness> {
  harness = await startHarness({ workspaces: WORKSPACES, ...options });
  return harness;
}
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const postsOf = (h: Harness, workspaceId: string) => h.prolific.calls.filter((call) => call.method === 'POST' && call.workspaceId === workspaceId);

describe('issue 10 item 5: bounded concurrency', () => {
  it('mapConcurrently never runs more than the limit at once, and keeps the order of the items', async () => {
    let running = 0;
    let most = 0;
    const releases: Array<() => void> = [];
    const work = async (item: number) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => releases.push(resolve));
      running -= 1;
      return item * 10;
    };

    const all = mapConcurrently([1, 2, 3, 4, 5], 2, work);
    // Release the waiting items one at a time, last started first: the results still come back in order.
    while (releases.length > 0 || running > 0) {
      await Promise.resolve();
      releases.pop()?.();
    }

    expect(await all).toEqual([10, 20, 30, 40, 50]);
    expect(most).toBe(2);
  });

  it('a slow workspace holds up only its own slot: the others rotate while it waits', async () => {
    const h = await setUp({ env: { ROTATION_CONCURRENCY: '2' } });
    await h.invoke({ action: 'sync' });
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    h.prolific.injectFault({ workspaceId: FIRST, method: 'POST', fault: { kind: 'delay', until: released } });

    const running = h.invoke({ action: 'rotate' });
    // The third workspace only starts once the second has finished: with the first held, both finish.
    await h.eventBridge.whenReceived(WORKSPACES.length + 2); // the sync's three, then these two rotations
    expect(postsOf(h, SECOND)).toHaveLength(1);
    expect(postsOf(h, THIRD)).toHaveLength(1);
    expect(h.inSync(SECOND) && h.inSync(THIRD)).toBe(true);
    release();
    const { report, error } = await running;

    expect(error).toBeUndefined();
    expect(report?.results.map((result) => [result.workspaceId, result.outcome])).toEqual(WORKSPACES.map((id) => [id, 'rotated']));
  });

  it('each target gets its own budget: at most TARGET_TIME_BUDGET_MS, and never more than the invocation has left', () => {
    let left = 900_000;
    const clock = targetClock(() => left);
    expect(clock()).toBe(TARGET_TIME_BUDGET_MS);
    left -= 10_000;
    expect(clock()).toBe(TARGET_TIME_BUDGET_MS - 10_000);

    left = 40_000;
    const late = targetClock(() => left);
    expect(late()).toBe(40_000);
    expect(targetClock(() => Infinity)()).toBe(Infinity);
  });

  it('rejects a concurrency that is not a whole number from 1 to 50, naming the variable', async () => {
    const h = await setUp({ env: { ROTATION_CONCURRENCY: '0' } });

    const { error } = await h.invoke({ action: 'status' });

    expect(error).toMatchObject({ name: 'ConfigurationError', message: expect.stringMatching(/ROTATION_CONCURRENCY must be a whole number from 1 to 50/) });
  });
});

describe('issue 10 item 5: targets from SSM Parameter Store', () => {
  it('reads the targets from the parameters under ROTATION_TARGETS_PARAMETER_PATH, in name order, across pages', async () => {
    const many = Array.from({ length: 23 }, (_, index) => `ws${String(index).padStart(22, '0')}`);
    const h = await setUp({ workspaces: many, targetsIn: 'parameters', parameterSize: 2 });

    const { report, error } = await h.invoke({ action: 'sync' });

    expect(error).toBeUndefined();
    expect(report?.results.map((result) => result.workspaceId)).toEqual(many);
    expect(report?.results.every((result) => result.outcome === 'healed')).toBe(true);
    expect(h.ssm.reads).toBe(2); // 12 parameters, 10 a page

    await h.invoke({ action: 'status' });
    expect(h.ssm.reads).toBe(2); // read once per execution environment
  });

  it('says what to do when the parameters cannot be read, and reads them again on the next invocation', async () => {
    const h = await setUp({ targetsIn: 'parameters' });
    h.ssm.denyReads();

    const { error } = await h.invoke({ action: 'status' });
    const { report } = await h.invoke({ action: 'status' });

    expect(error).toMatchObject({ name: 'ConfigurationError' });
    expect(error?.message).toMatch(new RegExp(`targets under SSM path ${TARGETS_PARAMETER_PATH} .*could not be read: AccessDeniedException`));
    expect(error?.message).toMatch(/ssm:GetParametersByPath/);
    expect(report?.results).toHaveLength(WORKSPACES.length);
  });

  it('logs the fingerprint of the target list the construct wrote with each invocation', async () => {
    const h = await setUp({ targetsIn: 'parameters', env: { ROTATION_TARGETS_VERSION: '0123456789abcdef' } });

    await h.invoke({ action: 'status' });

    expect(h.logLines().find((line) => line['message'] === 'Invocation started')).toMatchObject({ targets_version: '0123456789abcdef' });
  });

  it('refuses both ROTATION_TARGETS and ROTATION_TARGETS_PARAMETER_PATH, so there is one list of targets', async () => {
    const h = await setUp({ targetsIn: 'parameters', env: { ROTATION_TARGETS: '[]' } });

    const { error } = await h.invoke({ action: 'status' });

    expect(error?.message).toMatch(/ROTATION_TARGETS and ROTATION_TARGETS_PARAMETER_PATH are both set/);
  });
});

describe('issue 10 item 1: workspaceIds', () => {
  it('runs exactly the named workspaces, in the configured order', async () => {
    const h = await setUp();

    const { report } = await h.invoke({ action: 'sync', workspaceIds: [THIRD, FIRST] });

    expect(report?.results.map((result) => result.workspaceId)).toEqual([FIRST, THIRD]);
    expect(h.inSync(SECOND)).toBe(false);
  });
});

describe('issue 10 item 2: the report survives failure', () => {
  it("a failed invocation's error has every workspace's line, each named once, and the report as JSON", async () => {
    const h = await setUp();
    await h.invoke({ action: 'sync' });
    h.prolific.injectFault({ workspaceId: SECOND, method: 'POST', fault: { kind: 'status', status: 403 }, times: Infinity });

    const { error } = await h.invoke({ action: 'rotate' });

    expect(error?.name).toBe('RotationFailedError');
    const lines = error?.message.split('\n') ?? [];
    expect(lines[0]).toBe('1 of 3 workspace(s) failed (rotate). Each workspace:');
    expect(lines[1]).toMatch(new RegExp(`^${FIRST}: rotated \\(Prolific secret \\S+; version \\S+; last rotated \\S+\\)$`));
    expect(lines[2]).toMatch(new RegExp(`^${SECOND}: failed at step rotate: ProlificAuthenticationError: Prolific answered HTTP 403`));
    expect(lines[3]).toMatch(new RegExp(`^${THIRD}: rotated `));
    // Prolific's title and detail are both "Forbidden": said once. The workspace is named once, by its line.
    expect(lines[2]?.match(/Forbidden/g)).toHaveLength(1);
    expect(lines[2]?.split(SECOND)).toHaveLength(2);
    // One workspace refused while others worked is not blamed on the token alone.
    expect(lines[2]).toMatch(/if other workspaces work with the same token, give the token's account access to this one/);

    const report = reportFromErrorMessage(error?.message ?? '');
    expect(report?.results.map((result) => result.outcome)).toEqual(['rotated', 'failed', 'rotated']);
    expect(report?.results[0]?.versionId).toBe(h.secretsManager.versions(h.secretIdFor(FIRST)).find((v) => v.stages.includes('AWSCURRENT'))?.versionId);
    expect(report).toEqual((error as Error & { report?: unknown }).report);
    h.assertNoSecretLeaked(error);
  });

  it('reportFromErrorMessage gives undefined for a message without a report', () => {
    expect(reportFromErrorMessage('InvalidEventError: Field "action" must be one of rotate, sync, status')).toBeUndefined();
    expect(reportFromErrorMessage('x\nReport: {not json')).toBeUndefined();
  });
});

describe('issue 10 item 3: dry runs say everything they would do', () => {
  it('a dry-run rotate of a drifted secret says it would heal, then rotate, and writes nothing', async () => {
    const h = await setUp();
    await h.invoke({ action: 'sync' });
    h.prolific.replaceSecret(FIRST);
    const writes = h.secretsManager.calls.length;

    const { report } = await h.invoke({ action: 'rotate', dryRun: true });

    expect(report?.results.map((result) => [result.outcome, result.drift, result.plan])).toEqual([
      ['would-rotate', true, ['heal', 'rotate']],
      ['would-rotate', false, ['rotate']],
      ['would-rotate', false, ['rotate']],
    ]);
    expect(h.secretsManager.calls.slice(writes).every((call) => !['PutSecretValue', 'UpdateSecretVersionStage'].includes(call.operation))).toBe(true);
    expect(h.prolific.calls.filter((call) => call.method === 'POST')).toHaveLength(0);
    expect(describeResult(report?.results[0] as TargetResult)).toMatch(new RegExp(`^${FIRST}: would-rotate \\(would heal, then rotate;`));
  });

  it('a dry-run sync of a secret in step plans nothing; status reports no plan at all', async () => {
    const h = await setUp();
    await h.invoke({ action: 'sync' });

    const { report: dry } = await h.invoke({ action: 'sync', dryRun: true, workspaceId: FIRST });
    const { report: status } = await h.invoke({ action: 'status', workspaceId: FIRST });

    expect(dry?.results[0]).toMatchObject({ outcome: 'unchanged', plan: [] });
    expect(status?.results[0]?.plan).toBeUndefined();
  });
});
