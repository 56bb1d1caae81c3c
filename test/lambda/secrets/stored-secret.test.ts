import { describe, expect, it } from 'vitest';
import { parseStoredSecret } from '../../../lambda/secrets/stored-secret.js';

describe('parseStoredSecret', () => {
  it.each(['', 'not json', '{}', '"a string"', '{"id": "x", "value": "", "workspace_id": "w", "rotated_at": "t"}', '{"id": 1, "value": "v", "workspace_id": "w", "rotated_at": "t"}'])(
    'reads %j as not the stored shape',
    (text) => {
      expect(parseStoredSecret(text)).toBeUndefined();
    },
  );
});
