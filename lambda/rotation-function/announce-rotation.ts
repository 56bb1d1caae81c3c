// Tells receivers that cache the secret (ECS tasks, long-lived services) that it changed: one event on the
// account's default EventBridge bus for each workspace whose AWSCURRENT a run moved. Never a value.
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ROTATION_EVENT, type RotationEventDetail } from '../contract/rotation-event.js';
import type { TargetResult } from '../contract/report.js';

/** A result after which AWSCURRENT holds another version than before the run. */
export type ChangedResult = TargetResult & { outcome: RotationEventDetail['outcome'] };

export function changedCurrent(result: TargetResult): result is ChangedResult {
  return result.outcome === 'rotated' || result.outcome === 'healed' || result.outcome === 'resumed';
}

/**
 * Puts the event for one changed workspace. Throws (naming the workspace, never a value) when EventBridge
 * refused it, so the caller can say so: AWSCURRENT did change, only the notice of it is missing.
 */
export async function announceRotation(client: EventBridgeClient, result: ChangedResult): Promise<void> {
  const detail: RotationEventDetail = {
    workspaceId: result.workspaceId,
    secretArn: result.secretId,
    versionId: result.versionId,
    prolificSecretId: result.prolificSecretId,
    outcome: result.outcome,
  };
  const output = await client.send(
    new PutEventsCommand({
      Entries: [{ Source: ROTATION_EVENT.source, DetailType: ROTATION_EVENT.detailType, Detail: JSON.stringify(detail) }],
    }),
  );
  const failed = output.Entries?.find((entry) => entry.ErrorCode !== undefined);
  if ((output.FailedEntryCount ?? 0) > 0 || failed !== undefined) {
    throw new Error(`EventBridge refused the rotation event: ${failed?.ErrorCode ?? 'unknown error'} ${failed?.ErrorMessage ?? ''}`.trim());
  }
}
