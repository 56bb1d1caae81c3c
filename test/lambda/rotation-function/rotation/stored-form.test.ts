import { describe, expect, it } from 'vitest';
import { TARGET_SECRET_PLACEHOLDER } from '../../../../lambda/contract/secret-formats.js';
import {
  formatConflict,
  holdsSecret,
  readOnRecord,
  serialise,
  versionIdFor,
} from '../../../../lambda/rotation-function/rotation/stored-form.js';

const SECRET = { id: 'i', value: 'v', workspaceId: 'w' };
const AT = new Date('2026-12-01T10:00:00.000Z');
const version = (secretString: string | undefined) => ({ versionId: 'v1', secretString, createdAt: '2026-11-30T09:00:00.000Z' });

describe('stored form', () => {
  it('derives the same version id for the same Prolific secret, and another for another', () => {
    expect(versionIdFor('ws', 'secret-1')).toBe(versionIdFor('ws', 'secret-1'));
    expect(versionIdFor('ws', 'secret-1')).not.toBe(versionIdFor('ws', 'secret-2'));
    expect(versionIdFor('ws', 'secret-1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('derives another version id for the plain format, and keeps the one the json format always had', () => {
    // Pinned: versions already stored carry these ids, so a change here would store every secret again.
    expect(versionIdFor('ws', 'secret-1', 'json')).toBe('27598ed1-3377-fa68-c3a3-eec2db04e586');
    expect(versionIdFor('ws', 'secret-1')).toBe('27598ed1-3377-fa68-c3a3-eec2db04e586');
    expect(versionIdFor('ws', 'secret-1', 'plain')).toBe('9cd75ef6-ae26-85ec-f021-9c743c7a2149');
    expect(versionIdFor('ws', 'secret-1', 'plain')).not.toBe(versionIdFor('ws', 'secret-1'));
  });

  it('compares by both id and value', () => {
    const stored = { value: 'v', prolificSecretId: 'i', rotatedAt: undefined };
    expect(holdsSecret(stored, { id: 'i', value: 'v', workspaceId: 'w' })).toBe(true);
    expect(holdsSecret(stored, { id: 'i', value: 'other', workspaceId: 'w' })).toBe(false);
    expect(holdsSecret(undefined, { id: 'i', value: 'v', workspaceId: 'w' })).toBe(false);
  });

  it('stores the JSON shape by default, with rotated_at', () => {
    const text = serialise('json', SECRET, AT);

    expect(JSON.parse(text)).toEqual({ id: 'i', value: 'v', workspace_id: 'w', rotated_at: '2026-12-01T10:00:00.000Z' });
    expect(readOnRecord('json', version(text))).toEqual({ value: 'v', prolificSecretId: 'i', rotatedAt: '2026-12-01T10:00:00.000Z' });
  });

  it('stores the bare value in the plain format, compared by value, dated by the version', () => {
    const onRecord = readOnRecord('plain', version(serialise('plain', SECRET, AT)));

    expect(onRecord).toEqual({ value: 'v', prolificSecretId: undefined, rotatedAt: '2026-11-30T09:00:00.000Z' });
    expect(holdsSecret(onRecord, { id: 'another id', value: 'v', workspaceId: 'w' })).toBe(true);
  });

  it('reads the placeholder, an empty version and the other format as nothing on record', () => {
    expect(readOnRecord('json', version(TARGET_SECRET_PLACEHOLDER))).toBeUndefined();
    expect(readOnRecord('plain', version(TARGET_SECRET_PLACEHOLDER))).toBeUndefined();
    expect(readOnRecord('json', version(undefined))).toBeUndefined();
    expect(readOnRecord('json', version('bare-value'))).toBeUndefined();
    expect(readOnRecord('plain', version(serialise('json', SECRET, AT)))).toBeUndefined();
  });

  it('refuses to turn an adopted bare value into JSON, and nothing else', () => {
    expect(formatConflict('json', version('bare-value'))).toMatch(/plain string, not JSON.*format "plain"/);
    expect(formatConflict('json', version('12345'))).toMatch(/plain string/);
    expect(formatConflict('json', version('{"note": "hand-written"}'))).toBeUndefined();
    expect(formatConflict('json', version(TARGET_SECRET_PLACEHOLDER))).toBeUndefined();
    expect(formatConflict('plain', version('bare-value'))).toBeUndefined();
  });
});
