// rotate of every workspace: asked on a terminal (the list bounded), refused elsewhere without --all.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  confirmRotation,
  LISTED_WORKSPACES,
  needsConfirmation,
  refuseWithoutTerminal,
  rotationQuestion,
} from '../../cli/confirm-rotation.js';
import { UsageError } from '../../cli/errors.js';
import { parseCommand } from '../../cli/usage.js';

const terminal = (typed: string) => ({ input: Object.assign(Readable.from([typed]), { isTTY: true }), output: { write: () => true } });

describe('needsConfirmation', () => {
  it.each([
    [['rotate'], true],
    [['rotate', '--all'], false],
    [['rotate', '--workspace', 'aa01'], false],
    [['rotate', '--dry-run'], false],
    [['sync'], false],
    [['status'], false],
  ])('%j: %s', (argv, needed) => {
    expect(needsConfirmation(parseCommand(argv))).toBe(needed);
  });
});

describe('refuseWithoutTerminal', () => {
  it('refuses rotate of every workspace when stdin is not a terminal, saying to pass --all', () => {
    expect(() => {
      refuseWithoutTerminal(parseCommand(['rotate']), Readable.from([]));
    }).toThrow(UsageError);
    expect(() => {
      refuseWithoutTerminal(parseCommand(['rotate']), terminal('').input);
      refuseWithoutTerminal(parseCommand(['rotate', '--all']), Readable.from([]));
    }).not.toThrow();
  });
});

describe('confirmRotation', () => {
  it('names every workspace up to the bound, then counts the rest', () => {
    const ids = Array.from({ length: LISTED_WORKSPACES + 5 }, (_, index) => `ws${String(index).padStart(2, '0')}`);
    const question = rotationQuestion('fn', ids);

    expect(question).toMatch(/^rotate asks Prolific for a new secret for each of the 25 workspaces of function fn; .* cannot be restored:\n/);
    expect(question).toContain('  ws19\n  and 5 more\nRotate all 25? [y/N] ');
    expect(question).not.toContain('ws20');
    expect(rotationQuestion('fn', ['aa01'])).toMatch(/of the 1 workspace of function fn; .*\n {2}aa01\nRotate it\? \[y\/N\] $/);
  });

  it('goes on when the answer is yes, and ends the run with nothing rotated otherwise', async () => {
    await expect(confirmRotation('fn', ['aa01'], terminal('yes\n'))).resolves.toBeUndefined();
    await expect(confirmRotation('fn', ['aa01'], terminal('\n'))).rejects.toMatchObject({
      name: 'CouldNotRunError',
      message: 'Not confirmed: nothing was rotated.',
    });
  });
});
