// The event for receivers that cache the secret: one on the default bus per workspace whose AWSCURRENT a run
// changed, never with a value; a refused event is loud but does not fail the rotation that happened.
import type { EventBridgeClient, PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../lambda/contract/report.js';
import { announceRotation, changedCurrent, type ChangedResult } from '../../../lambda/rotation-function/announce-rotation.js';
import { harnessPerTest, TEST_WORKSPACES } from '../../support/harness.js';

const [WORKSPACE] = TEST_WORKSPACES;
const setUp = harnessPerTest();

const RESULT: ChangedResult = {
  workspaceId: 'ws-a',
  secretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:a-AbCdEf',
  outcome: 'healed',
  prolificSecretId: 'p-2',
  versionId: 'v-2',
  lastRotatedAt: '2026-11-01T00:00:00.000Z',
};

/** An EventBridge client that records each PutEvents request and answers `output`. */
function recordingClient(output: Partial<PutEventsCommandOutput>) {
  const requests: unknown[] = [];
  const client = {
    send: (command: { input: unknown }) => {
      requests.push(command.input);
      return Promise.resolve(output);
    },
  };
  return { client: client as unknown as EventBridgeClient, requests };
}

describe('rotation events for receivers', () => {
  it('puts one event per workspace whose AWSCURRENT changed, on the default bus, never with a value', async () => {
    const h = await setUp();

    await h.invoke({ action: 'sync' });
    const afterSync = h.eventBridge.events.length;
    await h.invoke({ action: 'status' });
    await h.invoke({ action: 'sync' });
    const { report } = await h.invoke({ action: 'rotate', workspaceId: WORKSPACE });

    expect(afterSync).toBe(2);
    expect(h.eventBridge.events).toHaveLength(3);
    expect(h.eventBridge.events[2]).toEqual({
      source: 'prolific.webhook-secret-rotation',
      detailType: 'Webhook Signing Secret Changed',
      eventBusName: 'default',
      detail: {
        workspaceId: WORKSPACE,
        secretArn: h.secretIdFor(WORKSPACE),
        versionId: report?.results[0]?.versionId,
        prolificSecretId: h.prolific.activeSecret(WORKSPACE)?.id,
        outcome: 'rotated',
      },
    });
    h.assertNoSecretLeaked(h.eventBridge.events);
  });

  it('says so loudly when the event bus refuses the event, without failing a rotation that happened', async () => {
    const h = await setUp({ workspaces: [WORKSPACE] });
    h.eventBridge.refuse('entries');

    const { report, error } = await h.invoke({ action: 'sync' });

    expect(error).toBeUndefined();
    expect(report?.results[0]?.outcome).toBe('healed');
    const notSent = 'Rotation event not sent: receivers that cache the secret must be refreshed by hand';
    expect(h.logLines().find((line) => line.message === notSent)).toMatchObject({
      level: 'ERROR',
      workspace_id: WORKSPACE,
    });
    const emf = h.logLines().filter((line) => line.RotationEventFailed !== undefined);
    // Once for the workspace (the dashboard), once without it (the one alarm that watches every workspace).
    expect(emf.map((line) => line.workspace_id)).toHaveLength(2);
    expect(emf.map((line) => line.workspace_id)).toEqual(expect.arrayContaining([WORKSPACE, undefined]));
  });
});

describe('changedCurrent', () => {
  it.each<[Outcome, boolean]>([
    ['rotated', true],
    ['healed', true],
    ['resumed', true],
    ['unchanged', false],
    ['would-rotate', false],
    ['would-heal', false],
    ['failed', false],
  ])('for the outcome %s is %s', (outcome, changed) => {
    expect(changedCurrent({ ...RESULT, outcome })).toBe(changed);
  });
});

describe('announceRotation', () => {
  it('puts one entry with the source, the detail type and the workspace, its secret\'s ARN, version and outcome', async () => {
    const { client, requests } = recordingClient({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });

    await announceRotation(client, RESULT);

    expect(requests).toEqual([
      {
        Entries: [
          {
            Source: 'prolific.webhook-secret-rotation',
            DetailType: 'Webhook Signing Secret Changed',
            Detail: JSON.stringify({
              workspaceId: 'ws-a',
              secretArn: RESULT.secretId,
              versionId: 'v-2',
              prolificSecretId: 'p-2',
              outcome: 'healed',
            }),
          },
        ],
      },
    ]);
  });

  it.each<[string, Partial<PutEventsCommandOutput>, string]>([
    [
      'an entry with an error code',
      { FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] },
      'EventBridge refused the rotation event: InternalFailure try again',
    ],
    ['a failed count without entries', { FailedEntryCount: 1 }, 'EventBridge refused the rotation event: unknown error'],
  ])('throws when EventBridge refused the event (%s)', async (_what, output, message) => {
    const { client } = recordingClient(output);

    await expect(announceRotation(client, RESULT)).rejects.toThrow(message);
  });
});
