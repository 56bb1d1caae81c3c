// The console's "Rotate secret immediately" (and `aws secretsmanager rotate-secret`), end to end: RotateSecret
// sent to the Secrets Manager stand-in, which invokes the real handler for the four steps in order, as Secrets
// Manager invokes a rotation function, over the Prolific and EventBridge stand-ins.
import { CancelRotateSecretCommand, DescribeSecretCommand, RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { harnessPerTest, postCalls, TEST_WORKSPACES, type Harness } from '../../support/harness.js';

const WORKSPACE = TEST_WORKSPACES[0];
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:ProlificWebhookSecretRotation-Function';
const setUp = harnessPerTest({ workspaces: [WORKSPACE], nativeRotation: true });

/** "Rotate secret immediately": RotateSecret with the secret's function and rules, then the steps it runs. */
async function rotateImmediately(h: Harness) {
  const client = h.secretsManager.client({ maxAttempts: 1 });
  const started = await client.send(
    new RotateSecretCommand({
      SecretId: h.secretIdFor(WORKSPACE),
      RotationLambdaARN: FUNCTION_ARN,
      RotationRules: { ScheduleExpression: 'rate(30 days)', Duration: '1h' },
      RotateImmediately: true,
    }),
  );
  await h.secretsManager.rotationsSettled();
  return { started, described: await client.send(new DescribeSecretCommand({ SecretId: h.secretIdFor(WORKSPACE) })), client };
}

describe('Rotate secret immediately', () => {
  it('runs the four steps in order, and ends with a rotated secret and one rotation event', async () => {
    const h = await setUp();
    await h.invoke({ action: 'sync' });
    const before = h.currentSecret(WORKSPACE);

    const { started, described } = await rotateImmediately(h);

    expect(h.secretsManager.rotations).toEqual([
      {
        secretArn: h.secretIdFor(WORKSPACE),
        token: started.VersionId,
        steps: ['createSecret', 'setSecret', 'testSecret', 'finishSecret'].map((step) => ({ step, outcome: 'ok' })),
        outcome: 'succeeded',
      },
    ]);
    expect(postCalls(h)).toHaveLength(1);
    expect(h.inSync(WORKSPACE)).toBe(true);
    expect(h.currentSecret(WORKSPACE)?.id).not.toBe(before?.id);
    expect(described.VersionIdsToStages?.[started.VersionId ?? '']).toContain('AWSCURRENT');
    const rotated = h.eventBridge.events.filter((event) => (event.detail as { outcome: string }).outcome === 'rotated');
    expect(rotated).toHaveLength(1);
    expect(rotated[0]?.detail).toMatchObject({ workspaceId: WORKSPACE, versionId: started.VersionId });
    h.assertNoSecretLeaked(h.secretsManager.rotations);
  });

  it('shows rotation enabled, the function, LastRotatedDate and NextRotationDate, as the console does', async () => {
    const h = await setUp();
    await h.invoke({ action: 'sync' });

    const { described } = await rotateImmediately(h);

    expect(described).toMatchObject({ RotationEnabled: true, RotationLambdaARN: FUNCTION_ARN });
    const last = described.LastRotatedDate?.getTime() ?? NaN;
    expect(Number.isFinite(last)).toBe(true);
    expect(described.NextRotationDate?.getTime()).toBe(last + 30 * 86_400_000);
  });

  it('stops at the first step that fails, leaving the pending version, and refuses a second start until it is done', async () => {
    const h = await setUp();
    await h.invoke({ action: 'sync' });
    h.prolific.injectFault({ workspaceId: WORKSPACE, method: 'POST', fault: { kind: 'status', status: 403 }, times: Infinity });

    const { started, client } = await rotateImmediately(h);

    expect(h.secretsManager.rotations[0]).toMatchObject({ outcome: 'failed', steps: [{ step: 'createSecret' }] });
    expect(h.secretsManager.rotations[0]?.steps[0]?.outcome).not.toBe('ok');
    const pending = h.secretsManager.versions(h.secretIdFor(WORKSPACE)).find((version) => version.versionId === started.VersionId);
    expect(pending?.stages).toEqual(['AWSPENDING']);
    await expect(
      client.send(new RotateSecretCommand({ SecretId: h.secretIdFor(WORKSPACE) })),
    ).rejects.toThrow("A previous rotation isn't complete");
    const cancelled = await client.send(new CancelRotateSecretCommand({ SecretId: h.secretIdFor(WORKSPACE) }));
    expect(cancelled.ARN).toBe(h.secretIdFor(WORKSPACE));
  });
});
