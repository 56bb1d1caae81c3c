// The events the construct's schedules send are ones the function accepts, and every event is held to the
// size bound the construct sizes its batches by.
import { describe, expect, it } from 'vitest';
import { HEARTBEAT_EVENT, MAX_EVENT_BYTES, SCHEDULED_ROTATION_EVENT } from '../../../lambda/contract/invocation-events.js';
import { parseEvent } from '../../../lambda/rotation-function/invocation-event.js';

const TARGETS = [
  { workspaceId: 'ws-a', secretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:a-AbCdEf', format: 'json' as const },
];

describe('the schedules\' events', () => {
  it('the rotation schedule asks for a rotation of every workspace, and the heartbeat for a sync', () => {
    expect(parseEvent(SCHEDULED_ROTATION_EVENT, TARGETS)).toEqual({ kind: 'action', action: 'rotate', dryRun: false, targets: TARGETS });
    expect(parseEvent(HEARTBEAT_EVENT, TARGETS)).toEqual({ kind: 'action', action: 'sync', dryRun: false, targets: TARGETS });
  });
});

describe('MAX_EVENT_BYTES', () => {
  /** A status event of exactly `bytes` bytes as JSON, naming an unknown workspace so that only the size can pass or fail it first. */
  const eventOf = (bytes: number) => {
    const frame = JSON.stringify({ action: 'status', workspaceId: '' }).length;
    return { action: 'status', workspaceId: 'w'.repeat(bytes - frame) };
  };

  it('is the largest event the function looks inside', () => {
    expect(JSON.stringify(eventOf(MAX_EVENT_BYTES)).length).toBe(MAX_EVENT_BYTES);
    expect(() => parseEvent(eventOf(MAX_EVENT_BYTES), TARGETS)).toThrow(/^Field "workspaceId" must be a Prolific workspace id/);
    expect(() => parseEvent(eventOf(MAX_EVENT_BYTES + 1), TARGETS)).toThrow(/^The event is larger than 8192 bytes/);
  });
});
