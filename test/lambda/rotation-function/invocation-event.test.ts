// The events the function accepts, validated against the configured targets: the actions and their
// workspaces, and the steps of Secrets Manager's own rotation; every refusal names the field.
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../../lambda/rotation-function/invocation-event.js';
import { harnessPerTest } from '../../support/harness.js';

const TARGETS = [
  { workspaceId: 'ws-a', secretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:a-AbCdEf', format: 'json' as const },
  { workspaceId: 'ws-b', secretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:b-AbCdEf', format: 'json' as const },
];

const WORKSPACES = ['aaaaaaaaaaaaaaaaaaaaaaa1', 'aaaaaaaaaaaaaaaaaaaaaaa2', 'aaaaaaaaaaaaaaaaaaaaaaa3'] as const;
const [FIRST, SECOND, THIRD] = WORKSPACES;
const setUp = harnessPerTest({ workspaces: WORKSPACES });

describe('parseEvent', () => {
  it.each([
    [{}, { action: 'status', dryRun: false, targets: TARGETS }],
    [{ workspaceId: 'ws-b' }, { action: 'status', dryRun: false, targets: [TARGETS[1]] }],
    [{ action: 'sync' }, { action: 'sync', dryRun: false, targets: TARGETS }],
    [{ action: 'status', workspaceId: 'ws-b' }, { action: 'status', dryRun: false, targets: [TARGETS[1]] }],
    [{ action: 'rotate', dryRun: true }, { action: 'rotate', dryRun: true, targets: TARGETS }],
  ])('accepts %j', (event, expected) => {
    expect(parseEvent(event, TARGETS)).toEqual({ kind: 'action', ...expected });
  });

  it('accepts a Secrets Manager rotation step for a configured target secret', () => {
    const event = { Step: 'createSecret', SecretId: TARGETS[0]?.secretId, ClientRequestToken: '4c0b2a6d-59d6-4f1e-9d6a-0d3c1b2a3e4f' };

    expect(parseEvent(event, TARGETS)).toEqual({
      kind: 'native',
      step: 'createSecret',
      target: TARGETS[0],
      clientRequestToken: event.ClientRequestToken,
    });
  });

  it.each<[unknown, RegExp]>([
    [{ Step: 'rotateSecret', SecretId: TARGETS[0]?.secretId, ClientRequestToken: '4c0b2a6d-59d6-4f1e-9d6a-0d3c1b2a3e4f' }, /Field "Step" must be one of createSecret, setSecret, testSecret, finishSecret/],
    [{ Step: 'createSecret', SecretId: 'other', ClientRequestToken: '4c0b2a6d-59d6-4f1e-9d6a-0d3c1b2a3e4f' }, /Field "SecretId" must be the ARN of a configured target secret; got "other"/],
    [{ Step: 'createSecret', SecretId: TARGETS[0]?.secretId, ClientRequestToken: 'short' }, /Field "ClientRequestToken" must be a version id/],
    [{ action: 'rotate', workspaceId: 'ws-a\u0000' }, /Field "workspaceId" must be a Prolific workspace id .*got "ws-a\\u0000"/],
    [{ action: 'rotate', workspaceId: 'x'.repeat(9000) }, /The event is larger than 8192 bytes/],
    [{ constructor: { prototype: {} } }, /Field "constructor" is not allowed/],
  ])('rejects %j naming the field', (event, message) => {
    expect(() => parseEvent(event, TARGETS)).toThrow(message);
  });

  it.each([null, undefined, [], ['rotate'], 'rotate', 42, true])(
    'rejects %j, which is not an event object, instead of rotating',
    (event) => {
      expect(() => parseEvent(event, TARGETS)).toThrow(/^The event must be a JSON object such as \{"action": "rotate"\}/);
    },
  );

  it('shortens a long rejected value in its message', () => {
    expect(() => parseEvent({ action: 'a'.repeat(100) }, TARGETS)).toThrow(/got "a{56}\.\.\.\.$/);
  });

  it('escapes characters that would hide or reorder the message in a console', () => {
    expect(() => parseEvent({ action: 'rotate\u202eetator' }, TARGETS)).toThrow('got "rotate\\u202eetator".');
  });

  it('refuses an event too deep to serialise as too large, before looking inside', () => {
    let deep: Record<string, unknown> = {};
    for (let depth = 0; depth < 100_000; depth++) deep = { action: deep };

    expect(() => parseEvent(deep, TARGETS)).toThrow(/^The event is larger than 8192 bytes/);
  });

  it('accepts the RotationToken Secrets Manager may send with a step, and refuses any other field beside a step', () => {
    const step = { Step: 'setSecret', SecretId: TARGETS[1]?.secretId, ClientRequestToken: '4c0b2a6d-59d6-4f1e-9d6a-0d3c1b2a3e4f' };

    const withRotationToken = parseEvent({ ...step, RotationToken: 'opaque' }, TARGETS);

    expect(withRotationToken).toMatchObject({ kind: 'native', step: 'setSecret', target: TARGETS[1] });
    expect(() => parseEvent({ ...step, action: 'rotate' }, TARGETS)).toThrow(
      /^Field "action" is not allowed; allowed fields: Step, SecretId, ClientRequestToken, RotationToken\./,
    );
  });
});

describe('parseEvent: choosing workspaces', () => {
  const many = Array.from({ length: 12 }, (_, index) => ({
    workspaceId: `ws-${index}`,
    secretId: `secret-${index}`,
    format: 'json' as const,
  }));

  it('takes the workspaces named in workspaceIds in the configured order', () => {
    const request = parseEvent({ action: 'sync', workspaceIds: ['ws-b', 'ws-a'] }, TARGETS);

    expect(request).toEqual({ kind: 'action', action: 'sync', dryRun: false, targets: TARGETS });
  });

  it.each<[Record<string, unknown>, string | RegExp]>([
    [
      { workspaceId: 'ws-a', workspaceIds: ['ws-b'] },
      'Fields "workspaceId" and "workspaceIds" cannot both be given; use "workspaceIds" for several workspaces.',
    ],
    [{ workspaceIds: [] }, 'Field "workspaceIds" must be a non-empty array of workspace ids; got [].'],
    [{ workspaceIds: 'ws-a' }, 'Field "workspaceIds" must be a non-empty array of workspace ids; got "ws-a".'],
    [{ workspaceIds: ['ws-a', 'ws-a'] }, 'Field "workspaceIds" names a workspace more than once; name each once.'],
    [{ workspaceIds: ['ws-a', 'ws-c'] }, /^Field "workspaceIds\[1\]" names ws-c, which is not configured; configured: ws-a, ws-b\.$/],
  ])('rejects %j', (fields, message) => {
    expect(() => parseEvent({ action: 'status', ...fields }, TARGETS)).toThrow(message);
  });

  it('lists the first ten configured workspaces when an unknown one is named, and how many more there are', () => {
    const first = many.slice(0, 10).map((target) => target.workspaceId).join(', ');

    expect(() => parseEvent({ workspaceId: 'ws-x' }, many)).toThrow(
      `names ws-x, which is not configured; configured: ${first} and 2 more.`,
    );
  });
});

describe('workspaceIds at an invocation', () => {
  it('runs exactly the named workspaces, in the configured order', async () => {
    const h = await setUp();

    const { report } = await h.invoke({ action: 'sync', workspaceIds: [THIRD, FIRST] });

    expect(report?.results.map((result) => result.workspaceId)).toEqual([FIRST, THIRD]);
    expect(h.inSync(SECOND)).toBe(false);
  });
});
