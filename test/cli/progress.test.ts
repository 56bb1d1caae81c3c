// Progress on stderr: one line redrawn in place on a terminal, plain lines anywhere else.
import { describe, expect, it } from 'vitest';
import { progressOn } from '../../cli/progress.js';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, written, write: (text: string) => written.push(text) };
}

describe('progressOn', () => {
  it('on a terminal, redraws one line and ends it once', () => {
    const terminal = stream(true);
    const progress = progressOn(terminal);

    progress.update('rotate: 25 of 60 workspaces, 0 failed');
    progress.update('rotate: 50 of 60 workspaces, 1 failed');
    progress.finish();

    expect(terminal.written.join('')).toBe(
      '\rrotate: 25 of 60 workspaces, 0 failed\u001b[K\rrotate: 50 of 60 workspaces, 1 failed\u001b[K\n',
    );
  });

  it('on a terminal, writes nothing when there was no progress', () => {
    const terminal = stream(true);
    progressOn(terminal).finish();

    expect(terminal.written).toEqual([]);
  });

  it('anywhere else (a pipe, a file, CI), writes each update as a plain line', () => {
    const pipe = stream(false);
    const progress = progressOn(pipe);

    progress.update('sync: 25 of 30 workspaces, 0 failed');
    progress.update('sync: 30 of 30 workspaces, 0 failed');
    progress.finish();

    expect(pipe.written.join('')).toBe('sync: 25 of 30 workspaces, 0 failed\nsync: 30 of 30 workspaces, 0 failed\n');
  });
});
