import { describe, expect, it } from 'vitest';
import { holdsSecret, versionIdFor } from '../../../lambda/rotation/stored-form.js';

describe('stored form', () => {
  it('derives the same version id for the same Prolific secret, and another for another', () => {
    expect(versionIdFor('ws', 'secret-1')).toBe(versionIdFor('ws', 'secret-1'));
    expect(versionIdFor('ws', 'secret-1')).not.toBe(versionIdFor('ws', 'secret-2'));
    expect(versionIdFor('ws', 'secret-1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('compares by both id and value', () => {
    const stored = { id: 'i', value: 'v', workspace_id: 'w', rotated_at: 't' };
    expect(holdsSecret(stored, { id: 'i', value: 'v', workspaceId: 'w' })).toBe(true);
    expect(holdsSecret(stored, { id: 'i', value: 'other', workspaceId: 'w' })).toBe(false);
    expect(holdsSecret(undefined, { id: 'i', value: 'v', workspaceId: 'w' })).toBe(false);
  });
});

