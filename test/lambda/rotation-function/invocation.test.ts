// One invocation: the targets run with bounded concurrency, each within a time budget of its own, none
// started without the time it needs; what the run logs about itself; the caches a failed run forgets.
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { API_TOKEN_PLACEHOLDER } from '../../../lambda/contract/secret-formats.js';
import { TARGET_TIME_BUDGET_MS } from '../../../lambda/contract/time-budgets.js';
import { jobFor, targetClock } from '../../../lambda/rotation-function/invocation.js';
import { harnessPerTest, postCalls, type Harness } from '../../support/harness.js';

const WORKSPACES = ['aaaaaaaaaaaaaaaaaaaaaaa1', 'aaaaaaaaaaaaaaaaaaaaaaa2', 'aaaaaaaaaaaaaaaaaaaaaaa3'] as const;
const [FIRST, SECOND, THIRD] = WORKSPACES;
const TARGET = { workspaceId: 'ws-a', secretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:a-AbCdEf', format: 'json' as const };

const setUp = harnessPerTest();

const postsOf = (h: Harness, workspaceId: string) => postCalls(h).filter((call) => call.workspaceId === workspaceId);

describe('bounded concurrency', () => {
  it('a slow workspace holds up only its own slot: the others rotate while it waits', async () => {
    const h = await setUp({ workspaces: WORKSPACES, env: { ROTATION_CONCURRENCY: '2' } });
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
});

describe('time budgets', () => {
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

  it('does not start a target when too little of the Lambda timeout is left', async () => {
    const h = await setUp();

    const { error } = await h.invoke({ action: 'rotate' }, { getRemainingTimeInMillis: () => 5_000 });

    expect(error?.message).toMatch(/DeadlineError: Not started: only 5 s of the invocation were left/);
    expect(h.prolific.calls).toHaveLength(0);
  });
});

describe('jobFor', () => {
  it('runs an action over the targets the event chose, reported under the action\'s name', () => {
    const job = jobFor({ kind: 'action', action: 'sync', dryRun: true, targets: [TARGET] });

    expect(job).toMatchObject({ action: 'sync', dryRun: true, targets: [TARGET] });
  });

  it('runs a step of Secrets Manager\'s rotation on its one target, never as a dry run, reported as native:<step>', () => {
    const clientRequestToken = '4c0b2a6d-59d6-4f1e-9d6a-0d3c1b2a3e4f';
    const job = jobFor({ kind: 'native', step: 'finishSecret', target: TARGET, clientRequestToken });

    expect(job).toMatchObject({ action: 'native:finishSecret', dryRun: false, targets: [TARGET] });
  });
});

describe('what an invocation logs and forgets', () => {
  it('logs the fingerprint of the target list the construct wrote with each invocation', async () => {
    const h = await setUp({ workspaces: WORKSPACES, targetsIn: 'parameters', env: { ROTATION_TARGETS_VERSION: '0123456789abcdef' } });

    await h.invoke({ action: 'status' });

    expect(h.logLines().find((line) => line.message === 'Invocation started')).toMatchObject({ targets_version: '0123456789abcdef' });
  });

  it('reads the API token again after a failed run, so a token put in after the failure works at once', async () => {
    const h = await setUp({ tokenSecretValue: API_TOKEN_PLACEHOLDER });
    const failed = await h.invoke({ action: 'status' });
    await h.secretsManager.client().send(new PutSecretValueCommand({ SecretId: h.tokenSecretId, SecretString: h.prolific.token }));

    const { report, error } = await h.invoke({ action: 'status' });

    expect(failed.error?.message).toMatch(/holds no Prolific API token yet/);
    expect(error).toBeUndefined();
    expect(report?.results.map((result) => result.outcome)).toEqual(['would-heal', 'would-heal']);
  });
});
