// How long an invocation is waited for, and the line that says so.
import { describe, expect, it } from 'vitest';
import { duration, invocationWaitSeconds, waitNotice } from '../../cli/waits.js';

describe('waits', () => {
  it('waits for an invocation the function\'s timeout, Lambda\'s 10 s init limit and the call timeout', () => {
    expect(invocationWaitSeconds(780, 5)).toBe(795);
    expect(invocationWaitSeconds(1, 0.5)).toBe(11.5);
  });

  it('says what it waits for before invoking', () => {
    const notice = { functionName: 'fn', functionTimeoutSeconds: 780 };
    expect(waitNotice({ ...notice, workspaces: 25, invocations: 1 })).toBe(
      'Invoking fn for 25 workspaces; this can take up to 13 min (the function\'s timeout)…',
    );
    expect(waitNotice({ ...notice, workspaces: 60, invocations: 3 })).toBe(
      'Invoking fn for 60 workspaces in 3 invocations, one at a time; each can take up to 13 min (the function\'s timeout)…',
    );
    expect(waitNotice({ ...notice, invocations: 1 })).toBe('Invoking fn; this can take up to 13 min (the function\'s timeout)…');
  });

  it.each([[45, '45 s'], [60, '1 min'], [150, '2 min 30 s'], [900, '15 min']])('%i s reads "%s"', (seconds, text) => {
    expect(duration(seconds)).toBe(text);
  });
});
