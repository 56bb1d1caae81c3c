// Hostile or broken invocation events (invariant 5: bad input gets a clear error). Each one is refused
// with an InvalidEventError that names the field and is readable as printed (no raw control, invisible or
// direction-changing character), and the refused invocation touches nothing: no call to Prolific or
// Secrets Manager, no prototype change. An empty event (`{}`, or none at all) is a status run, which
// writes nothing and asks Prolific for nothing but its GET. Quick enough to run with `npm test`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, TEST_WORKSPACES, type Harness } from '../support/harness.js';

const [WORKSPACE] = TEST_WORKSPACES;

/** Characters that would hide, reorder or break a message in a console or log viewer. */
const UNREADABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|\p{Surrogate}/u;

function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}

const NOT_A_WORKSPACE_ID = /^Field "workspaceId" must be a Prolific workspace id \(1 to 128 letters, digits, "-" or "_"\); got /

const NOT_AN_OBJECT = /^The event must be a JSON object such as \{"action": "rotate"\}/;

const HOSTILE_EVENTS: readonly [string, unknown, RegExp][] = [
  // Not an object at all
  ['null', null, NOT_AN_OBJECT],
  ['an empty array', [], NOT_AN_OBJECT],
  ['an array holding a valid event', [{ action: 'rotate' }], NOT_AN_OBJECT],
  ['a string', 'rotate', NOT_AN_OBJECT],
  ['a JSON string of a valid event', '{"action": "rotate"}', NOT_AN_OBJECT],
  ['a number', 42, NOT_AN_OBJECT],
  ['a boolean', true, NOT_AN_OBJECT],
  // Oversized
  ['a 9 kB workspace id', { action: 'rotate', workspaceId: 'a'.repeat(9_000) }, /^The event is larger than 8192 bytes/],
  ['a 1 MB event', { action: 'rotate', dryRun: false, padding: 'x'.repeat(1_000_000) }, /^The event is larger than 8192 bytes/],
  ['an array of 100 000 events', Array.from({ length: 100_000 }, () => ({ action: 'rotate' })), /^The event must be a JSON object/],
  // Deeply nested
  ['an action nested 100 000 arrays deep', { action: nested(100_000, 'rotate') }, /^The event is larger than 8192 bytes/],
  ['a workspace id nested 1 000 arrays deep', { action: 'sync', workspaceId: nested(1_000, WORKSPACE) }, NOT_A_WORKSPACE_ID],
  ['a dryRun nested 100 objects deep', { dryRun: JSON.parse(`${'{"a":'.repeat(100)}true${'}'.repeat(100)}`) as unknown }, /^Field "dryRun" must be true or false; got \{"a":\{"a":/],
  // Prototype-polluting keys (as JSON.parse builds them: own properties, as Lambda's runtime would)
  ['a top-level __proto__', JSON.parse('{"__proto__": {"action": "rotate", "polluted": true}}'), /^Field "__proto__" is not allowed; allowed fields: action, workspaceId, workspaceIds, dryRun/],
  ['a top-level constructor.prototype', JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'), /^Field "constructor" is not allowed/],
  ['a __proto__ next to a valid action', JSON.parse('{"action": "rotate", "__proto__": {"polluted": true}}'), /^Field "__proto__" is not allowed/],
  [
    'a __proto__ inside workspaceId',
    JSON.parse('{"action": "sync", "workspaceId": {"__proto__": {"polluted": true}}}'),
    NOT_A_WORKSPACE_ID,
  ],
  ['"__proto__" as the action', { action: '__proto__' }, /^Field "action" must be one of rotate, sync, status; got "__proto__"/],
  ['"constructor" as the action', { action: 'constructor' }, /^Field "action" must be one of rotate, sync, status; got "constructor"/],
  ['"__proto__" as the workspace id', { action: 'sync', workspaceId: '__proto__' }, /^Field "workspaceId" names __proto__, which is not configured/],
  ['workspaceIds as a string', { action: 'sync', workspaceIds: 'ws' }, /^Field "workspaceIds" must be a non-empty array of workspace ids/],
  ['a __proto__ inside workspaceIds', JSON.parse('{"action": "sync", "workspaceIds": [{"__proto__": {"polluted": true}}]}'), /^Field "workspaceIds\[0\]" must be a Prolific workspace id/],
  ['100 000 workspaceIds', { action: 'sync', workspaceIds: Array.from({ length: 100_000 }, () => 'a') }, /^The event is larger than 8192 bytes/],
  ['a __proto__ in a native rotation event', JSON.parse('{"Step": "createSecret", "__proto__": {"polluted": true}}'), /^Field "__proto__" is not allowed; allowed fields: Step, SecretId/],
  ['"constructor" as the native Step', { Step: 'constructor' }, /^Field "Step" must be one of createSecret, setSecret, testSecret, finishSecret; got "constructor"/],
  // Workspace ids that are not strings
  ['a numeric workspace id', { action: 'sync', workspaceId: 6655443322110099 }, NOT_A_WORKSPACE_ID],
  ['a null workspace id', { action: 'sync', workspaceId: null }, NOT_A_WORKSPACE_ID],
  ['a boolean workspace id', { action: 'sync', workspaceId: true }, NOT_A_WORKSPACE_ID],
  ['a workspace id in a list', { action: 'sync', workspaceId: [WORKSPACE] }, NOT_A_WORKSPACE_ID],
  ['a workspace id in an object', { action: 'sync', workspaceId: { id: WORKSPACE } }, NOT_A_WORKSPACE_ID],
  ['an empty workspace id', { action: 'sync', workspaceId: '' }, NOT_A_WORKSPACE_ID],
  // Unicode and control characters
  ['a NUL after the workspace id', { action: 'sync', workspaceId: `${WORKSPACE}\u0000` }, NOT_A_WORKSPACE_ID],
  ['a newline after the workspace id', { action: 'sync', workspaceId: `${WORKSPACE}\n` }, NOT_A_WORKSPACE_ID],
  ['a workspace id in fullwidth digits', { action: 'sync', workspaceId: '６６５５４４３３２２１１００９９' }, NOT_A_WORKSPACE_ID],
  ['a Cyrillic look-alike in the workspace id', { action: 'sync', workspaceId: WORKSPACE.replace('a', '\u0430') }, NOT_A_WORKSPACE_ID],
  ['a right-to-left override in the workspace id', { action: 'sync', workspaceId: `\u202e${WORKSPACE}` }, NOT_A_WORKSPACE_ID],
  ['a zero-width space in the action', { action: 'rot\u200bate' }, /^Field "action" must be one of rotate, sync, status; got "rot\\u200bate"/],
  ['a line separator in the action', { action: 'rotate\u2028sync' }, /^Field "action" must be one of rotate, sync, status; got "rotate\\u2028sync"/],
  ['a C1 control in the action', { action: 'rotate\u0085' }, /^Field "action" must be one of rotate, sync, status; got "rotate\\u0085"/],
  ['a lone surrogate in the workspace id', { action: 'sync', workspaceId: `${WORKSPACE}\ud800` }, NOT_A_WORKSPACE_ID],
  ['an emoji in the action', { action: 'rotate🔑' }, /^Field "action" must be one of rotate, sync, status; got "rotate🔑"/],
  ['an action of 80 emoji, cut for the message', { action: `x${'🔑'.repeat(80)}` }, /^Field "action" must be one of rotate, sync, status; got "x(?:🔑)+\.\.\.\.$/u],
  ['a control character in a field name', { ['act\u0007ion']: 'rotate' }, /^Field "act\\u0007ion" is not allowed/],
  ['a bidi isolate in a field name', { ['\u2066action']: 'rotate' }, /^Field "\\u2066action" is not allowed/],
  ['the action in upper case', { action: 'ROTATE' }, /^Field "action" must be one of rotate, sync, status; got "ROTATE"/],
  ['dryRun as the string "true"', { action: 'rotate', dryRun: 'true' }, /^Field "dryRun" must be true or false; got "true"/],
];

describe('input hardening', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ workspaces: [WORKSPACE] });
    await h.invoke({ action: 'sync' });
  });
  afterAll(async () => {
    await h.close();
  });

  it.each(HOSTILE_EVENTS)('refuses %s with a clear error, touching nothing', async (_name, event, message) => {
    const callsBefore = { prolific: h.prolific.calls.length, secretsManager: h.secretsManager.calls.length };
    const storedBefore = h.currentSecret(WORKSPACE);

    const { report, error } = await h.invoke(event);

    expect(report).toBeUndefined();
    expect(error?.name).toBe('InvalidEventError');
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toMatch(UNREADABLE);
    expect(error?.message.length).toBeLessThan(400);
    expect(h.prolific.calls.length).toBe(callsBefore.prolific);
    expect(h.secretsManager.calls.length).toBe(callsBefore.secretsManager);
    expect(h.currentSecret(WORKSPACE)).toEqual(storedBefore);
    expect(h.inSync(WORKSPACE)).toBe(true);
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.prototype).not.toHaveProperty('action');
    h.assertNoSecretLeaked(error);
  });

  // No event at all never reaches the function as undefined: middy hands the handler {} instead.
  it.each([
    ['{} (a console "Test" with an empty event)', {}],
    ['no event at all (undefined)', undefined],
  ])('takes %s as a status run that writes nothing', async (_name, event) => {
    const callsBefore = { prolific: h.prolific.calls.length, secretsManager: h.secretsManager.calls.length };
    const storedBefore = h.secretsManager.versions(h.secretIdFor(WORKSPACE));

    const { report, error } = await h.invoke(event);

    expect(error).toBeUndefined();
    const unchanged = { workspaceId: WORKSPACE, outcome: 'unchanged', drift: false };
    expect(report).toMatchObject({ action: 'status', dryRun: false, results: [unchanged] });
    const isRead = (operation: string) => ['DescribeSecret', 'GetSecretValue'].includes(operation);
    const writes = h.secretsManager.calls.slice(callsBefore.secretsManager).filter((call) => !isRead(call.operation));
    expect(writes).toEqual([]);
    // Reads only: the active secret, then delivery health (enabled and disabled subscriptions).
    expect(h.prolific.calls.slice(callsBefore.prolific).map((call) => `${call.method} ${call.path}`)).toEqual([
      'GET /api/v1/hooks/secrets/',
      'GET /api/v1/hooks/subscriptions/',
      'GET /api/v1/hooks/subscriptions/',
    ]);
    expect(h.secretsManager.versions(h.secretIdFor(WORKSPACE))).toEqual(storedBefore);
    h.assertNoSecretLeaked(report);
  });

  it('still rotates after every refused event', async () => {
    const { report, error } = await h.invoke({ action: 'rotate' });

    expect(error).toBeUndefined();
    expect(report?.results[0]?.outcome).toBe('rotated');
    expect(h.inSync(WORKSPACE)).toBe(true);
  });
});
