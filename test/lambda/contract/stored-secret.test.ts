import { describe, expect, it } from 'vitest';
import { parseStoredSecret } from '../../../lambda/contract/stored-secret.js';

describe('parseStoredSecret', () => {
  it.each([
    '',
    'not json',
    '{}',
    '"a string"',
    '{"id": "x", "value": "", "workspace_id": "w", "rotated_at": "t"}',
    '{"id": 1, "value": "v", "workspace_id": "w", "rotated_at": "t"}',
  ])(
    'reads %j as not the stored shape',
    (text) => {
      expect(parseStoredSecret(text)).toBeUndefined();
    },
  );

  it.each(['yesterday', '2026-13-45T00:00:00Z', '1700000000', '2026-12-01'])(
    'reads rotated_at %j, not an ISO 8601 UTC time, as not the stored shape',
    (rotatedAt) => {
      expect(parseStoredSecret(JSON.stringify({ id: 'i', value: 'v', workspace_id: 'w', rotated_at: rotatedAt }))).toBeUndefined();
    },
  );

  it('reads the shape the function writes', () => {
    const stored = { id: 'i', value: 'v', workspace_id: 'w', rotated_at: '2026-12-01T10:00:00.000Z' };
    expect(parseStoredSecret(JSON.stringify(stored))).toEqual(stored);
  });
});
