// A target's line of the report, and what a failure at each step tells the alarm's reader.
import { describe, expect, it } from 'vitest';
import { failedResult, targetResult } from '../../../../lambda/rotation-function/rotation/result.js';
import type { RotationStep } from '../../../../lambda/contract/report.js';
import type { RotationTarget } from '../../../../lambda/rotation-function/rotation/types.js';

const SECRET_ID = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:s-AbCdEf';
const TARGET: RotationTarget = { workspaceId: 'ws-1', secretId: SECRET_ID, format: 'json' };

describe('targetResult', () => {
  it('names the workspace, the secret, the outcome, Prolific\'s secret and where AWSCURRENT stands', () => {
    expect(targetResult(TARGET, 'rotated', 'secret-2', { versionId: 'v2', rotatedAt: '2026-12-01T10:00:00.000Z' })).toEqual({
      workspaceId: 'ws-1',
      secretId: SECRET_ID,
      outcome: 'rotated',
      prolificSecretId: 'secret-2',
      versionId: 'v2',
      lastRotatedAt: '2026-12-01T10:00:00.000Z',
    });
  });
});

describe('failedResult', () => {
  it('reports the step and the error, and no version', () => {
    const result = failedResult(TARGET, 'reconcile', new RangeError('out of range'));

    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'reconcile', prolificSecretId: null, versionId: null });
    expect(result.lastRotatedAt).toBeNull();
    expect(result.error).toMatch(/^RangeError: out of range \[/);
  });

  it('describes a thrown value that is not an Error', () => {
    expect(failedResult(TARGET, 'pre-flight', 'boom').error).toMatch(/^Error: boom \[/);
  });

  it.each<[RotationStep[], RegExp]>([
    [['pre-flight'], /\[Prolific was not called; receivers keep working with the stored secret\.\]$/],
    [['resume', 'reconcile', 'write-check'], /\[Prolific was not asked to replace the secret; receivers keep working with the stored one/],
    [['rotate', 'createSecret'], /\[Prolific's secret was not replaced, unless the error says it may have been; then run/],
    [
      ['store', 'confirm', 'setSecret', 'testSecret', 'finishSecret'],
      /\[Prolific's secret may differ from the one in Secrets Manager: .*run \{"action": "sync"\} now\.\]$/,
    ],
  ])('tells what a failure at %j means for receivers', (steps, consequence) => {
    for (const step of steps) expect(failedResult(TARGET, step, new Error('x')).error).toMatch(consequence);
  });
});
