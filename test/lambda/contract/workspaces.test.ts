import { describe, expect, it } from 'vitest';
import {
  firstRepeated,
  firstRepeatedWorkspaceId,
  hasProlificShape,
  isWorkspaceId,
  PROLIFIC_WORKSPACE_ID_SHAPE,
  secretConflicts,
  WORKSPACE_ID_RULE,
} from '../../../lambda/contract/workspaces.js';

describe('isWorkspaceId', () => {
  it.each(['6655443322110099aabbccdd', 'ws-a', 'ws_b', 'A', 'x'.repeat(128)])('accepts %s', (value) => {
    expect(isWorkspaceId(value)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['an empty string', ''],
    ['129 characters', 'x'.repeat(129)],
    ['a space', 'ws a'],
    ['a path', 'ws/a'],
    ['a trailing newline', 'ws-a\n'],
    ['a Cyrillic look-alike', 'ws-\u0430'],
    ['a number', 6655443322110099],
    ['undefined', undefined],
    ['a list', ['ws-a']],
  ])('refuses %s', (_case, value) => {
    expect(isWorkspaceId(value)).toBe(false);
  });

  it('is described in words for error messages', () => {
    expect(WORKSPACE_ID_RULE).toBe('1 to 128 letters, digits, "-" or "_"');
  });
});

describe('hasProlificShape', () => {
  it('holds for 24 lowercase hex digits, the ids Prolific gives out', () => {
    expect(hasProlificShape('6655443322110099aabbccdd')).toBe(true);
    expect(PROLIFIC_WORKSPACE_ID_SHAPE).toBe('24 lowercase hex digits');
  });

  it.each(['ws-a', '6655443322110099AABBCCDD', '6655443322110099aabbccd', '6655443322110099aabbccdde', '6655443322110099aabbccdg'])(
    'fails for %s, which the looser rule still accepts',
    (id) => {
      expect(isWorkspaceId(id)).toBe(true);
      expect(hasProlificShape(id)).toBe(false);
    },
  );
});

describe('firstRepeatedWorkspaceId', () => {
  it('is undefined when each workspace appears once', () => {
    expect(firstRepeatedWorkspaceId([])).toBeUndefined();
    expect(firstRepeatedWorkspaceId(['ws-a', 'ws-b'])).toBeUndefined();
  });

  it('names an id repeated exactly, as written both times', () => {
    expect(firstRepeatedWorkspaceId(['ws-a', 'ws-b', 'ws-a'])).toEqual({ id: 'ws-a', earlier: 'ws-a' });
  });

  it('counts ids that differ only in letter case as one workspace, naming both spellings', () => {
    expect(firstRepeatedWorkspaceId(['6655443322110099aabbccdd', 'ws-b', '6655443322110099AABBCCDD'])).toEqual({
      id: '6655443322110099AABBCCDD',
      earlier: '6655443322110099aabbccdd',
    });
  });
});

describe('firstRepeated', () => {
  it('is undefined when each value appears once', () => {
    expect(firstRepeated([])).toBeUndefined();
    expect(firstRepeated(['a', 'b', 'c'])).toBeUndefined();
  });

  it('names the value whose second appearance comes first', () => {
    expect(firstRepeated(['a', 'b', 'b', 'a'])).toBe('b');
    expect(firstRepeated(['a', 'b', 'a', 'b'])).toBe('a');
  });

  it('compares values exactly', () => {
    expect(firstRepeated(['ws-a', 'WS-A', 'ws-a '])).toBeUndefined();
  });
});

describe('secretConflicts', () => {
  const byName = (workspaces: [string, string | undefined][]) => workspaces.map(([workspaceId, secret]) => ({ workspaceId, secret }));
  // A name and a complete ARN of one secret compare equal: the identity is the name.
  const nameOf = ({ secret }: { secret: string | undefined }) => secret?.replace(/^arn:.*:secret:(.+)-[A-Za-z0-9]{6}$/, '$1');

  it('finds none when every workspace has a secret of its own, apart from the token secret', () => {
    expect(secretConflicts(byName([['ws-a', 'a'], ['ws-b', 'b']]), nameOf, 'token')).toEqual([]);
  });

  it('names each workspace whose secret is the token secret, by the identity the caller gives', () => {
    const workspaces = byName([['ws-a', 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:prolific/x-AbC123'], ['ws-b', 'b']]);

    expect(secretConflicts(workspaces, nameOf, 'prolific/x')).toEqual([
      { kind: 'token-secret', workspaceId: 'ws-a', identity: 'prolific/x' },
    ]);
  });

  it('names every workspace that shares a secret, each with the others, in the configured order', () => {
    const workspaces = byName([['ws-a', 'x'], ['ws-b', 'y'], ['ws-c', 'x'], ['ws-d', 'x']]);

    expect(secretConflicts(workspaces, nameOf, undefined)).toEqual([
      { kind: 'shared', workspaceId: 'ws-a', identity: 'x', sharedWith: ['ws-c', 'ws-d'] },
      { kind: 'shared', workspaceId: 'ws-c', identity: 'x', sharedWith: ['ws-a', 'ws-d'] },
      { kind: 'shared', workspaceId: 'ws-d', identity: 'x', sharedWith: ['ws-a', 'ws-c'] },
    ]);
  });

  it('names a workspace that is the token secret as that, even when another shares it too', () => {
    const workspaces = byName([['ws-a', 'x'], ['ws-b', 'x']]);

    expect(secretConflicts(workspaces, nameOf, 'x').map(({ kind, workspaceId }) => [kind, workspaceId])).toEqual([
      ['token-secret', 'ws-a'],
      ['token-secret', 'ws-b'],
    ]);
  });

  it('compares a secret whose identity is unknown with nothing (a token at synthesis, a secret that could not be described)', () => {
    const workspaces = byName([['ws-a', undefined], ['ws-b', undefined], ['ws-c', 'x']]);

    expect(secretConflicts(workspaces, nameOf, undefined)).toEqual([]);
    expect(secretConflicts(workspaces, nameOf, 'x')).toEqual([{ kind: 'token-secret', workspaceId: 'ws-c', identity: 'x' }]);
  });
});
