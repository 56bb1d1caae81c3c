// The command line's exit statuses, as its help lists them, and the two errors that end a run early.
import { describe, expect, it } from 'vitest';
import { CouldNotRunError, EXIT, UsageError } from '../../cli/errors.js';
import { HELP } from '../../cli/usage.js';

describe('EXIT', () => {
  it('is the exit statuses the help lists, one each', () => {
    const listed = HELP.split('Exit status:\n')[1]?.match(/^ {2}\d(?= )/gm)?.map(Number);

    expect(listed).toEqual([EXIT.ok, EXIT.workspaceFailed, EXIT.usage, EXIT.couldNotRun]);
    expect(EXIT).toEqual({ ok: 0, workspaceFailed: 1, usage: 2, couldNotRun: 3 });
  });
});

describe('the errors', () => {
  it('carry stable names, and a CouldNotRunError the report of what ran before it', () => {
    const report = { action: 'sync', dryRun: false, results: [] };

    expect(new UsageError('m')).toMatchObject({ name: 'UsageError', message: 'm' });
    expect(new CouldNotRunError('m', report)).toMatchObject({ name: 'CouldNotRunError', message: 'm', report });
    expect(new CouldNotRunError('m').report).toBeUndefined();
  });
});
