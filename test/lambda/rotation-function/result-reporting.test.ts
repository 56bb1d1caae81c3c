// What an invocation reports: one log line and one set of metrics per target, each condition once per
// workspace and once service-wide, and the error a failed run ends in, which carries every line and the report.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { reportFromErrorMessage, type TargetResult } from '../../../lambda/contract/report.js';
import { describeResult, emitTargetMetrics, failureOf, logTargetResult } from '../../../lambda/rotation-function/result-reporting.js';
import { harnessPerTest, TEST_WORKSPACES } from '../../support/harness.js';

const WORKSPACES = ['aaaaaaaaaaaaaaaaaaaaaaa1', 'aaaaaaaaaaaaaaaaaaaaaaa2', 'aaaaaaaaaaaaaaaaaaaaaaa3'] as const;
const [FIRST, SECOND, THIRD] = WORKSPACES;
const [WORKSPACE] = TEST_WORKSPACES;

const setUp = harnessPerTest();

const result = (overrides: Partial<TargetResult> = {}): TargetResult => ({
  workspaceId: 'ws-a',
  secretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:a-AbCdEf',
  outcome: 'rotated',
  prolificSecretId: 'p-2',
  versionId: 'v-2',
  lastRotatedAt: '2026-11-01T00:00:00.000Z',
  ...overrides,
});

/** Embedded Metric Format's metadata in a log line (`_aws`). */
interface EmfMetadata {
  readonly CloudWatchMetrics: { readonly Metrics: { readonly Name: string }[] }[];
}

/** A Metrics that records what is added: per workspace (with its dimensions), or service-wide (singleMetric). */
function recordingMetrics() {
  const recorded: { scope: string; name: string; value: number; unit: string; workspace?: string }[] = [];
  let workspace: string | undefined;
  let published = 0;
  const metrics = {
    addDimension: (_name: string, value: string) => {
      workspace = value;
    },
    addMetric: (name: string, unit: string, value: number) => recorded.push({ scope: 'workspace', name, value, unit, workspace }),
    singleMetric: () => ({
      addMetric: (name: string, unit: string, value: number) => recorded.push({ scope: 'service', name, value, unit }),
    }),
    publishStoredMetrics: () => {
      published += 1;
    },
  };
  return { metrics: metrics as unknown as Metrics, recorded, published: () => published };
}

function recordingLogger() {
  const lines: { level: string; message: string; attributes: Record<string, unknown> }[] = [];
  const logger = {
    info: (message: string, attributes: Record<string, unknown>) => lines.push({ level: 'info', message, attributes }),
    error: (message: string, attributes: Record<string, unknown>) => lines.push({ level: 'error', message, attributes }),
  };
  return { logger: logger as unknown as Logger, lines };
}

describe('the log line and metrics of each target, at an invocation', () => {
  it('writes one structured log line per target outcome, with the documented keys and no secret', async () => {
    const h = await setUp();

    await h.invoke({ action: 'rotate' });

    const outcomes = h.logLines().filter((line) => line.message === 'Target finished');
    expect(outcomes.map((line) => line.workspace_id)).toEqual([...TEST_WORKSPACES]);
    expect(outcomes[0]).toMatchObject({
      level: 'INFO',
      outcome: 'rotated',
      secret_id: h.secretIdFor(WORKSPACE),
      service: 'prolific-webhook-secret-rotation',
    });
    expect(outcomes[0]).toHaveProperty('version_id');
    expect(outcomes[0]).toHaveProperty('function_request_id');
    h.assertNoSecretLeaked();
  });

  it('emits RotationSucceeded and SecondsSinceLastRotation per workspace in Embedded Metric Format', async () => {
    const h = await setUp();

    await h.invoke({ action: 'rotate', workspaceId: WORKSPACE });

    const emf = h.logLines().filter((line) => line._aws !== undefined);
    const names = emf.flatMap((line) =>
      ((line._aws as EmfMetadata).CloudWatchMetrics[0]?.Metrics ?? []).map((metric) => metric.Name),
    );
    expect(names).toEqual(expect.arrayContaining(['RotationSucceeded', 'SecondsSinceLastRotation']));
    // Per workspace, and once more service-wide for the dashboard's total.
    const succeeded = emf.filter((line) => line.RotationSucceeded !== undefined).map((line) => [line.workspace_id, line.RotationSucceeded]);
    expect(succeeded).toEqual([
      [undefined, 1],
      [WORKSPACE, 1],
    ]);
  });
});

describe('the report survives failure', () => {
  it("a failed invocation's error has every workspace's line, each named once, and the report as JSON", async () => {
    const h = await setUp({ workspaces: WORKSPACES });
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
    expect(report?.results.map((entry) => entry.outcome)).toEqual(['rotated', 'failed', 'rotated']);
    const current = h.secretsManager.versions(h.secretIdFor(FIRST)).find((v) => v.stages.includes('AWSCURRENT'));
    expect(report?.results[0]?.versionId).toBe(current?.versionId);
    expect(report).toEqual((error as Error & { report?: unknown }).report);
    h.assertNoSecretLeaked(error);
  });
});

describe('failureOf', () => {
  it('is undefined when no target failed', () => {
    expect(failureOf({ action: 'rotate', dryRun: false, results: [result(), result({ outcome: 'unchanged' })] })).toBeUndefined();
  });

  it('counts the failed targets, says when it was a dry run, and ends with the report on a line of its own', () => {
    const failed = result({ workspaceId: 'ws-b', outcome: 'failed', failedStep: 'reconcile', error: 'E: x' });
    const results = [result({ outcome: 'would-heal' }), failed];
    const report = { action: 'sync', dryRun: true, results };

    const failure = failureOf(report);

    expect(failure).toMatchObject({ name: 'RotationFailedError', report });
    expect(failure?.message.split('\n')).toEqual([
      '1 of 2 workspace(s) failed (sync, dry run). Each workspace:',
      'ws-a: would-heal (Prolific secret p-2; version v-2; last rotated 2026-11-01T00:00:00.000Z)',
      'ws-b: failed at step reconcile: E: x',
      `Report: ${JSON.stringify(report)}`,
    ]);
  });
});

describe('describeResult', () => {
  it.each<[Partial<TargetResult>, string]>([
    [{}, 'ws-a: rotated (Prolific secret p-2; version v-2; last rotated 2026-11-01T00:00:00.000Z)'],
    [
      { outcome: 'would-rotate', plan: ['heal', 'rotate'], versionId: null },
      'ws-a: would-rotate (would heal, then rotate; Prolific secret p-2; last rotated 2026-11-01T00:00:00.000Z)',
    ],
    [{ outcome: 'would-heal', prolificSecretId: null, versionId: null, lastRotatedAt: null }, 'ws-a: would-heal'],
    [{ outcome: 'failed' }, 'ws-a: failed at step unknown: no detail'],
  ])('describes %j', (overrides, line) => {
    expect(describeResult(result(overrides))).toBe(line);
  });
});

describe('logTargetResult', () => {
  it('logs a finished target at INFO with only the keys that apply', () => {
    const { logger, lines } = recordingLogger();

    logTargetResult(logger, result({ outcome: 'unchanged', drift: false }));

    expect(lines).toEqual([
      {
        level: 'info',
        message: 'Target finished',
        attributes: {
          workspace_id: 'ws-a',
          secret_id: result().secretId,
          outcome: 'unchanged',
          prolific_secret_id: 'p-2',
          version_id: 'v-2',
          last_rotated_at: '2026-11-01T00:00:00.000Z',
          drift: false,
        },
      },
    ]);
  });

  it('logs a failed target at ERROR with the step and the error', () => {
    const { logger, lines } = recordingLogger();

    logTargetResult(logger, result({ outcome: 'failed', failedStep: 'store', error: 'SecretStoreError: denied' }));

    expect(lines[0]).toMatchObject({
      level: 'error',
      message: 'Target failed',
      attributes: { rotation_step: 'store', error: 'SecretStoreError: denied' },
    });
  });
});

describe('emitTargetMetrics', () => {
  it('emits each condition per workspace and service-wide, the age of the secret in seconds, and publishes at once', () => {
    const { metrics, recorded, published } = recordingMetrics();
    const deliveries = { subscriptions: 2, disabled: 1, failedSinceRotation: 3, lastFailureAt: null };

    const healed = result({ outcome: 'healed', driftHealed: true, currentMissing: true, deliveries });

    emitTargetMetrics(metrics, healed, new Date('2026-11-01T00:01:30.000Z'));

    const perWorkspace = recorded
      .filter((entry) => entry.scope === 'workspace')
      .map(({ name, value, unit, workspace }) => [name, value, unit, workspace]);
    expect(perWorkspace).toEqual([
      ['CurrentVersionMissing', 1, 'Count', 'ws-a'],
      ['DriftHealed', 1, 'Count', 'ws-a'],
      ['SubscriptionsDisabled', 1, 'Count', 'ws-a'],
      ['DeliveriesFailedSinceRotation', 3, 'Count', 'ws-a'],
      ['SecondsSinceLastRotation', 90, 'Seconds', 'ws-a'],
    ]);
    expect(recorded.filter((entry) => entry.scope === 'service').map((entry) => entry.name)).toEqual(perWorkspace.map(([name]) => name));
    expect(published()).toBe(1);
  });

  it.each<[Partial<TargetResult>, string[]]>([
    [{ outcome: 'rotated', lastRotatedAt: null }, ['RotationSucceeded']],
    [{ outcome: 'resumed', lastRotatedAt: null }, ['RotationSucceeded']],
    [{ outcome: 'failed', lastRotatedAt: null }, ['TargetFailed']],
    [{ outcome: 'unchanged', lastRotatedAt: null, deliveriesError: 'ProlificServerError: 500' }, ['DeliveryHealthUnknown']],
    [{ outcome: 'healed', lastRotatedAt: null }, []],
    [
      { outcome: 'unchanged', lastRotatedAt: null, deliveries: lowerBound(0) },
      ['SubscriptionsDisabled', 'DeliveriesFailedSinceRotation', 'DeliveryHealthUnknown'],
    ],
    [
      { outcome: 'unchanged', lastRotatedAt: null, deliveries: lowerBound(2) },
      ['SubscriptionsDisabled', 'DeliveriesFailedSinceRotation'],
    ],
  ])('for %j emits %j (a zero that is only a lower bound is unknown, not healthy)', (overrides, names) => {
    const { metrics, recorded } = recordingMetrics();

    emitTargetMetrics(metrics, result(overrides), new Date());

    expect(recorded.filter((entry) => entry.scope === 'workspace').map((entry) => entry.name)).toEqual(names);
  });
});

/** Delivery health whose failure count is only a lower bound: the page bound stopped the read. */
function lowerBound(failedSinceRotation: number): NonNullable<TargetResult['deliveries']> {
  return { subscriptions: 1, disabled: 0, failedSinceRotation, lastFailureAt: null, failureCount: 'lower-bound' };
}
